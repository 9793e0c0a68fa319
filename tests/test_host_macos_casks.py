"""audit-host --root on Macs laid out from Homebrew Cask definitions: app bundles with their
bundle ids, pkgutil receipts, launchd jobs at boot or a user's login agent; and decoy apps."""

from __future__ import annotations

from pathlib import Path

import pytest
from artefact_trees import cask_records, mac_tree

from kzscam.api import audit_host

CASKS = {r["id"]: r for r in cask_records()}
OWNER = {"airdroid": "airdroid", "anydesk": "anydesk", "awesun": "awesun",
         "chrome-remote-desktop-host": "chrome_remote_desktop", "jump-desktop-connect": "jump_desktop",
         "nomachine": "nomachine", "parsec": "parsec", "realvnc-connect": "realvnc",
         "remotix-agent": "acronis_cyber_protect_remotix", "rustdesk": "rustdesk",
         "screens-connect": "screens_connect", "splashtop-streamer": "splashtop",
         "sunloginclient": "sunlogin", "supremo": "supremo", "teamviewer": "teamviewer",
         "teamviewer-quicksupport": "teamviewer", "todesk": "todesk"}


def _tools(root: Path) -> dict[str, tuple[str, str]]:
    report = audit_host(root=root, platform="macos")
    return {p.details["id"]: (p.verdict.label, p.details["state"]) for p in report.parts}


def test_the_casks_cover_the_remote_access_tools() -> None:
    assert set(CASKS) == set(OWNER)
    assert all(r["source"].startswith("homebrew-cask Casks/") for r in CASKS.values())


@pytest.mark.parametrize("cask", sorted(CASKS))
def test_installed_cask_is_found(tmp_path: Path, cask: str) -> None:
    tools = _tools(mac_tree(tmp_path, CASKS[cask]))
    assert tools.get(OWNER[cask]) == ("suspicious", "installed"), tools


@pytest.mark.parametrize("cask", sorted(c for c, r in CASKS.items() if r["launchd"]))
def test_jobs_loaded_at_boot_are_dangerous(tmp_path: Path, cask: str) -> None:
    tools = _tools(mac_tree(tmp_path, CASKS[cask], "boot"))
    assert tools.get(OWNER[cask]) == ("dangerous", "autostart"), tools


@pytest.mark.parametrize("cask", sorted(c for c, r in CASKS.items() if r["apps"]))
def test_a_login_agent_running_the_app_is_dangerous(tmp_path: Path, cask: str) -> None:
    """The agent's label and helper name are unknown: the app it runs names the tool."""
    tools = _tools(mac_tree(tmp_path, CASKS[cask], "user"))
    assert tools.get(OWNER[cask]) == ("dangerous", "autostart"), tools


def test_decoy_apps_with_their_own_launchd_jobs(tmp_path: Path) -> None:
    decoys = cask_records("decoy")
    assert {r["id"] for r in decoys} == {"visual-studio-code", "vlc"}
    for rec in decoys:
        mac_tree(tmp_path, rec, "boot")
        mac_tree(tmp_path, rec, "user")
    assert _tools(tmp_path) == {}
