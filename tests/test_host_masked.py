"""Masked systemd units: a known state (cannot be started), never a thing "not checked".

The layout is the one systemd and Debian produce. systemd.unit(5): a unit file that is empty or
symlinked to /dev/null is "masked" and cannot be activated. Debian 12 ships such links
(`sudo.service`, `hwclock.service`, `cryptdisks.service`, `cryptdisks-early.service`,
`rc.service`, `rcS.service`, `x11-common.service` in /lib/systemd/system, all `-> /dev/null`);
`systemctl mask rustdesk` writes /etc/systemd/system/rustdesk.service -> /dev/null, which
shadows the package's unit in /usr/lib/systemd/system even when an old `.wants` link still
points at it. Drop-in directories (`<unit>.d/override.conf`) sit beside the units.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_cli

from kzscam.details import ToolDetails
from kzscam.host import linux
from kzscam.host.catalogue import load_catalogue
from kzscam.host.facts import Kind
from kzscam.host.fs import Target

DEBIAN_MASKED = ("sudo.service", "hwclock.service", "cryptdisks.service",
                 "cryptdisks-early.service", "rc.service", "rcS.service", "x11-common.service")
RUSTDESK_UNIT = """[Unit]
Description=RustDesk
Requires=network.target
After=systemd-user-sessions.service

[Service]
Type=simple
ExecStart=/usr/bin/rustdesk --service
PIDFile=/run/rustdesk.pid
KillMode=mixed
TimeoutStopSec=30
User=root
LimitNOFILE=100000

[Install]
WantedBy=multi-user.target
"""


def _layout(root: Path) -> Path:
    lib = root / "usr/lib/systemd/system"
    etc = root / "etc/systemd/system"
    (etc / "multi-user.target.wants").mkdir(parents=True)
    lib.mkdir(parents=True)
    os.symlink("usr/lib", root / "lib")  # merged /usr, as on Debian 12
    for name in DEBIAN_MASKED:
        os.symlink("/dev/null", lib / name)
    (lib / "rustdesk.service").write_text(RUSTDESK_UNIT)
    (lib / "ssh.service").write_text("[Service]\nExecStart=/usr/sbin/sshd -D\n")
    os.symlink("/usr/lib/systemd/system/rustdesk.service",
               etc / "multi-user.target.wants/rustdesk.service")  # enabled once ...
    os.symlink("/dev/null", etc / "rustdesk.service")  # ... then `systemctl mask rustdesk`
    (etc / "rustdesk.service.d").mkdir()
    (etc / "rustdesk.service.d/override.conf").write_text("[Service]\nNice=10\n")
    (etc / "getty@tty1.service").write_text("")  # an empty unit file is masked too
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/rustdesk").write_bytes(b"\x7fELF")
    return root


def _collect(root: Path, live: bool) -> linux.Collected:
    return linux.collect(Target("linux", str(root), live, load_catalogue().probes("linux")))


@pytest.mark.parametrize("live", [True, False], ids=["live", "offline"])
def test_masked_units_are_facts_not_skips(tmp_path: Path, live: bool) -> None:
    # Live, the links resolve to this computer's /dev/null (a character device); offline, to a
    # /dev/null the tree does not have. Either way the unit is read as masked.
    out = _collect(_layout(tmp_path), live)
    assert not any("systemd" in s for s in out.skipped), out.skipped
    units = {f.value: f for f in out.facts if f.kind is Kind.SERVICE}
    for name in (*DEBIAN_MASKED, "rustdesk.service", "getty@tty1.service"):
        assert units[name].masked and not units[name].active, name
    # The mask in /etc shadows the package's unit and its stale `.wants` link.
    assert units["rustdesk.service"].where == "/etc/systemd/system/rustdesk.service"
    assert not units["ssh.service"].masked
    assert units["rustdesk.service"].as_json()["masked"] is True
    # A mask is not the catalogue's unit path existing: no "installed" from the link itself.
    assert "/etc/systemd/system/rustdesk.service" not in {
        f.value for f in out.facts if f.kind is Kind.PATH}


def test_real_skips_stay(tmp_path: Path) -> None:
    root = _layout(tmp_path)
    os.mkfifo(root / "etc/systemd/system/odd.service")  # never opened: it could block
    out = _collect(root, True)
    assert out.skipped == ["/etc/systemd/system/odd.service: not a regular file (not read)"]


def test_masked_tool_cannot_autostart(tmp_path: Path) -> None:
    proc = run_cli("audit-host", "--root", str(_layout(tmp_path)), "--platform", "linux",
                   "-f", "json")
    host = json.loads(proc.stdout)["results"][0]
    assert not any("systemd" in s for s in host["skipped"])
    assert sorted(host["masked_units"]) == sorted((*DEBIAN_MASKED, "rustdesk.service",
                                                   "getty@tty1.service"))
    rustdesk = next(t for t in host["tools"] if t["id"] == "rustdesk")
    assert rustdesk["state"] == "installed"  # the program file is there; it cannot start
    assert "autostart" not in rustdesk["states"]
    unit = next(e for e in rustdesk["evidence"] if e["kind"] == "service")
    assert unit == {"kind": "service", "value": "rustdesk.service",
                    "where": "/etc/systemd/system/rustdesk.service", "enabled": False,
                    "masked": True}


@pytest.mark.parametrize("lang,said", [("en", "masked: cannot start"),
                                       ("ru", "заблокирована (mask): не запустится"),
                                       ("kk", "бұғатталған (mask): іске қосылмайды")])
def test_masked_is_said_in_the_report_language(lang: str, said: str) -> None:
    details = ToolDetails({"evidence": [{"kind": "service", "value": "rustdesk.service",
                                         "where": "/etc/systemd/system/rustdesk.service",
                                         "enabled": False, "masked": True}]})
    (line,) = details.describe(lang)
    assert said in line.value


def test_verbose_lists_masked_units(tmp_path: Path) -> None:
    root = str(_layout(tmp_path))
    quiet = run_cli("audit-host", "--root", root, "--platform", "linux", "-f", "plain")
    loud = run_cli("audit-host", "--root", root, "--platform", "linux", "-f", "plain", "-v")
    assert "hwclock.service" not in quiet.stdout
    assert "masked units: " in loud.stdout and "hwclock.service" in loud.stdout
