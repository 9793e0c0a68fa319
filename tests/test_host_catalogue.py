"""The remote-access catalogue: valid, up to date with ../shared, cleaned, and covering the tools
the issue names; lookups behave like the collectors need (case, globs, truncated names)."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from kzscam.host.catalogue import load_catalogue, parse, validate
from kzscam.host.facts import ANDROID, APPNAME, BUNDLE, EXE, PKG, UNIT

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = REPO / "kzscam" / "data"
needs_shared = pytest.mark.skipif(not (SHARED / "data").is_dir(),
                                  reason="../shared/data not present (catalogue sources)")

MUST_COVER = {  # the list: tool id -> a name it must be found by
    "anydesk": "AnyDesk", "teamviewer": "TeamViewer", "rustdesk": "RustDesk",
    "rudesktop": "RuDesktop", "hoptodesk": "HopToDesk", "todesk": "ToDesk", "ammyy": "Ammyy Admin",
    "aeroadmin": "AeroAdmin", "litemanager": "LiteManager", "rms": "Remote Utilities",
    "radmin": "Radmin", "getscreen": "Getscreen.me", "assistant": "Assistant",
    "ultraviewer": "UltraViewer", "chrome_remote_desktop": "Chrome Remote Desktop",
    "quick_assist": "Quick Assist", "splashtop": "Splashtop", "zoho_assist": "Zoho Assist",
    "screenconnect": "ScreenConnect", "airdroid": "AirDroid", "dwservice": "DWService",
    "meshcentral": "MeshCentral", "tightvnc": "TightVNC", "ultravnc": "UltraVNC",
    "realvnc": "RealVNC", "tigervnc": "TigerVNC", "x11vnc": "x11vnc", "xrdp": "xrdp",
}


def _build_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_catalogue", REPO / "scripts" / "build_catalogue.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_catalogue"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_shipped_catalogue_validates_and_keeps_the_licence() -> None:
    data = json.loads((DATA / "remote_access.json").read_text(encoding="utf-8"))
    assert validate(data) == []
    assert "Apache License" in (DATA / "LOLRMM-LICENSE.txt").read_text(encoding="utf-8")
    notice = (DATA / "LOLRMM-NOTICE.txt").read_text(encoding="utf-8")
    assert "MODIFIED" in notice and data["sources"]["lolrmm"]["commit"] in notice
    assert data["tool_count"] > 250  # the rest of LOLRMM is kept, at lower confidence


@needs_shared
def test_shipped_catalogue_is_up_to_date_with_shared_data() -> None:
    build = _build_module()
    shipped = (DATA / "remote_access.json").read_text(encoding="utf-8")
    assert build.render(build.build(SHARED)) == shipped, "run scripts/build_catalogue.py"


def test_validation_names_the_problem() -> None:
    data = json.loads((DATA / "remote_access.json").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["tools"][0]["tier"] = "evil"
    broken["tools"][1]["linux"] = {"pakages": ["x"]}
    broken["tools"].append(copy.deepcopy(broken["tools"][2]))
    problems = validate(broken)
    assert any("tier" in p for p in problems)
    assert any("pakages" in p for p in problems)
    assert any("duplicate id" in p for p in problems)
    assert any("tool_count" in p for p in problems)


@pytest.mark.parametrize("tool_id,name", sorted(MUST_COVER.items()))
def test_required_tools_are_covered(tool_id: str, name: str) -> None:
    cat = load_catalogue()
    tool = cat.by_id[tool_id]
    assert tool.tier in ("scam", "admin", "builtin")
    has_artifacts = any(values for per in tool.artifacts.values() for values in per.values())
    assert has_artifacts or tool.android_controlled
    assert cat.index("windows").lookup(APPNAME, name) or name.lower() in tool.names or any(
        n.startswith(name.lower()) for n in tool.names)


def test_known_source_errors_are_cleaned() -> None:
    cat = load_catalogue()
    tiger = cat.by_id["tigervnc"].artifacts["windows"]
    assert not any("tightvnc" in v.lower() or "tvnserver" in v.lower()
                   for vs in tiger.values() for v in vs)
    assert "nxservice*.exe" in cat.by_id["nomachine"].artifacts["windows"]["exe"]
    names = [t.name.lower() for t in cat.tools]
    assert len(names) == len(set(names)), "duplicate tools by name"
    win = cat.index("windows")
    for generic in ("dwm.exe", "mstsc.exe", "setup.exe", "agent.exe", "svchost.exe"):
        assert win.lookup(EXE, generic) == [], generic
    assert not {"nvda", "yandex.disk", "mstsc"} & set(cat.by_id)
    assert all("winvnc" not in x.lower() for x in cat.by_id["realvnc"].artifacts["windows"]["exe"])
    assert [r.tool for r in win.lookup(EXE, "winvnc.exe")] == ["ultravnc"]


def test_lookups_case_globs_truncation_and_display_names() -> None:
    cat = load_catalogue()
    win, lin = cat.index("windows"), cat.index("linux")
    assert {r.tool for r in win.lookup(EXE, "ANYDESK.EXE")} == {"anydesk"}
    assert {r.tool for r in win.lookup(EXE, "rustdesk-1.3.0-x86_64.exe")} == {"rustdesk"}
    assert {r.tool for r in win.lookup(UNIT, "ScreenConnect Client (a1b2c3)")} == {"screenconnect"}
    assert {r.tool for r in lin.lookup(EXE, "chrome-remote-d")} == {"chrome_remote_desktop"}
    assert {r.tool for r in win.lookup(APPNAME, "TeamViewer 15 Host")} == {"teamviewer"}
    assert win.lookup(APPNAME, "Mozilla Firefox (x64 ru)") == []
    assert {r.tool for r in cat.index("macos").lookup(BUNDLE, "com.philandro.anydesk")} == {"anydesk"}
    assert {r.tool for r in lin.lookup(PKG, "com.rustdesk.RustDesk")} == {"rustdesk"}
    refs = cat.index("android").lookup(ANDROID, "com.rustdesk.rustdesk")
    assert refs and all(r.weak for r in refs)  # third-party list only: weak
    assert not cat.index("android").lookup(ANDROID, "com.carriez.flutter_hbb")[0].weak


def test_parse_rejects_invalid_data() -> None:
    with pytest.raises(Exception, match="tools"):
        parse({"nope": 1})
