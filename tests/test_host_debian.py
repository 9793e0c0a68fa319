"""audit-host --root on Debian 12 roots built from the real remote-desktop server packages (file
lists, units and maintainer scripts read by scripts/build_artefacts.py), and on decoys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from artefact_trees import debian_records, debian_tree, startable
from conftest import run_cli

from kzscam.api import audit_host

TOOLS = {r["package"]: r for r in debian_records()}
DESKTOP = {"gnome-remote-desktop", "vino"}  # shipped with GNOME/Cinnamon
CAPTURED = Path(__file__).parent / "fixtures" / "host" / "captured"


def _tools(root: Path) -> dict[str, tuple[str, str, str]]:
    report = audit_host(root=root, platform="linux")
    return {p.details["id"]: (p.verdict.label, p.details["state"], p.findings[0].rule_id)
            for p in report.parts}


def test_every_debian_remote_desktop_server_is_in_the_artefacts() -> None:
    assert {"x2goserver", "xpra", "wayvnc", "freerdp2-shadow-x11", "tigervnc-scraping-server",
            "gnome-remote-desktop", "vino", "x11vnc", "xrdp", "krfb", "tigervnc-standalone-server",
            "tightvncserver", "gitso"} <= set(TOOLS)
    assert all(r["source"].startswith("Debian 12 package ") for r in TOOLS.values())


@pytest.mark.parametrize("package", sorted(TOOLS))
def test_installed_package_is_found(tmp_path: Path, package: str) -> None:
    tools = _tools(debian_tree(tmp_path, [TOOLS[package]]))
    assert len(tools) == 1, tools
    verdict, state, rule = next(iter(tools.values()))
    if package in DESKTOP:  # installed but off: information only
        assert (verdict, rule) == ("safe", "HOST-RA-012")
    else:
        assert (verdict, state) == ("suspicious", "installed"), tools


@pytest.mark.parametrize("package", sorted(p for p, r in TOOLS.items() if startable(r)))
def test_enabled_package_is_dangerous(tmp_path: Path, package: str) -> None:
    tools = _tools(debian_tree(tmp_path, [TOOLS[package]], enabled=True))
    assert [(v, s) for v, s, _ in tools.values()] == [("dangerous", "autostart")], tools


def test_decoys_and_a_pip_meshagent_script_are_not_flagged(tmp_path: Path) -> None:
    decoys = debian_records("decoy")
    assert {"openssh-server", "rsync", "libvncserver1", "remmina", "x2goclient"} <= {
        r["package"] for r in decoys}
    root = debian_tree(tmp_path, decoys, enabled=True)
    (root / "usr/local/bin").mkdir(parents=True)
    shutil.copy(CAPTURED / "meshagent-cli.console-script", root / "usr/local/bin/meshagent")
    assert _tools(root) == {}


def test_a_bare_program_name_is_not_a_confident_match(tmp_path: Path) -> None:
    """A `meshagent` file of unknown origin in a bin dir: at most "possibly", never installed."""
    (tmp_path / "usr/local/bin").mkdir(parents=True)
    (tmp_path / "usr/local/bin/meshagent").write_bytes(b"\x7fELF\x02\x01\x01")
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / "var/lib/dpkg/status").write_text("")
    assert _tools(tmp_path) == {"meshcentral": ("caution", "installed", "HOST-RA-009")}


def test_cli_exit_codes_on_gnome_sharing(tmp_path: Path) -> None:
    off = debian_tree(tmp_path / "off", [TOOLS["gnome-remote-desktop"]])
    on = debian_tree(tmp_path / "on", [TOOLS["gnome-remote-desktop"]], enabled=True)
    proc = run_cli("audit-host", "--root", str(off), "--platform", "linux", "-f", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["results"][0]["verdict"] == "safe"
    proc = run_cli("audit-host", "--root", str(on), "--platform", "linux", "-f", "json")
    assert proc.returncode == 1, proc.stdout
    tool = json.loads(proc.stdout)["results"][0]["tools"][0]
    assert (tool["verdict"], tool["state"]) == ("dangerous", "autostart")
    assert {"kind": "service", "value": "gnome-remote-desktop.service", "enabled": True,
            "where": "/usr/lib/systemd/user/gnome-remote-desktop.service"} in tool["evidence"]


def test_an_appimage_in_applications_is_still_an_install(tmp_path: Path) -> None:
    """RustDesk's release AppImage kept in ~/Applications: a vendor's versioned release file is
    more than a bare program name, so it stays a confident install."""
    apps = tmp_path / "home/anna/Applications"
    apps.mkdir(parents=True)
    (apps / "rustdesk-1.4.6-x86_64.AppImage").write_bytes(b"\x7fELF")
    assert _tools(tmp_path) == {"rustdesk": ("suspicious", "installed", "HOST-RA-004")}
