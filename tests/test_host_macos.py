"""macOS collector on a fixture tree: app bundles, launchd jobs (XML and binary plists),
installer receipts, downloads and a renamed RustDesk build's preferences."""

from __future__ import annotations

import json
import plistlib
import shutil
from pathlib import Path

from conftest import run_cli

from kzscam.host import macos
from kzscam.host.catalogue import load_catalogue
from kzscam.host.facts import Kind
from kzscam.host.fs import Target

FIXTURE = Path(__file__).parent / "fixtures" / "host" / "macos"


def test_collector_reads_bundles_jobs_and_receipts() -> None:
    out = macos.collect(Target("macos", str(FIXTURE), False, load_catalogue().probes("macos")))
    apps = {f.value: f for f in out.facts if f.kind is Kind.APP}
    assert ("bundle", "com.philandro.anydesk") in apps["AnyDesk.app"].keys
    assert ("bundle", "com.apple.Safari") in apps["Safari.app"].keys
    jobs = {f.value: f for f in out.facts if f.kind is Kind.SERVICE}
    rd = jobs["com.carriez.RustDesk_service"]
    assert rd.active and ("exe", "service") in rd.keys
    assert "/Library/LaunchAgents/broken.plist: not a valid property list" in out.skipped
    receipts = {f.value for f in out.facts if f.kind is Kind.PACKAGE}
    assert receipts == {"com.teamviewer.teamviewer.pkg", "com.apple.pkg.Core"}
    assert {f.value for f in out.facts if f.kind is Kind.LAYOUT} == {"QuickHelp"}


def test_binary_plist_and_disabled_job(tmp_path: Path) -> None:
    root = tmp_path / "mac"
    shutil.copytree(FIXTURE, root)
    job = {"Label": "com.teamviewer.service", "Program": "/Applications/TeamViewer.app/x",
           "RunAtLoad": True, "Disabled": True}
    (root / "Library/LaunchDaemons/com.teamviewer.service.plist").write_bytes(
        plistlib.dumps(job, fmt=plistlib.FMT_BINARY))
    out = macos.collect(Target("macos", str(root), False, ()))
    tv = next(f for f in out.facts if f.value == "com.teamviewer.service")
    assert tv.kind is Kind.SERVICE and not tv.active


def test_cli_guesses_macos_and_judges_each_tool() -> None:
    proc = run_cli("audit-host", "--root", str(FIXTURE), "--format", "json", "--lang", "kk")
    assert proc.returncode == 1, proc.stderr
    host = json.loads(proc.stdout)["results"][0]
    assert host["platform"] == "macos"
    states = {t["id"]: t["state"] for t in host["tools"]}
    assert states == {"rustdesk": "autostart", "anydesk": "installed", "teamviewer": "installed",
                      "hoptodesk": "downloaded", "rustdesk-fork-quickhelp": "leftovers"}
    assert host["verdict"] == "dangerous"
    rd = next(t for t in host["tools"] if t["id"] == "rustdesk")
    assert "Ұлттық Банк" in " ".join(f["title"] for f in rd["findings"])
