"""Linux collector on a fixture tree that mimics a real root (dpkg, flatpak, units, autostart,
downloads in a localised folder, a renamed RustDesk build), and the CLI's verdict on it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli

from kzscam.host import linux
from kzscam.host.catalogue import load_catalogue
from kzscam.host.facts import Fact, Kind
from kzscam.host.fs import Target

FIXTURE = Path(__file__).parent / "fixtures" / "host" / "linux"


def _collect(root: Path) -> list[Fact]:
    out = linux.collect(Target("linux", str(root), False, load_catalogue().probes("linux")))
    return out.facts


def _tool(doc: dict, tool_id: str) -> dict:  # type: ignore[type-arg]
    return next(t for t in doc["results"][0]["tools"] if t["id"] == tool_id)


def test_collector_reads_each_source() -> None:
    facts = _collect(FIXTURE)
    by = {(f.kind, f.value) for f in facts}
    assert (Kind.PACKAGE, "anydesk") in by and (Kind.PACKAGE, "coreutils") in by
    assert (Kind.REMOVED, "teamviewer") in by  # "deinstall ok config-files"
    assert (Kind.PACKAGE, "com.rustdesk.RustDesk") in by  # flatpak
    unit = next(f for f in facts if f.kind is Kind.SERVICE and f.value == "anydesk.service")
    assert unit.active and ("exe", "anydesk") in unit.keys  # enabled through multi-user.target.wants
    xrdp = next(f for f in facts if f.kind is Kind.SERVICE and f.value == "xrdp")
    assert not xrdp.active  # init script without an rc?.d link
    auto = next(f for f in facts if f.kind is Kind.AUTOSTART)
    assert auto.active and ("exe", "supportpro") in auto.keys
    downloads = {f.value for f in facts if f.kind is Kind.DOWNLOAD}
    assert "rudesktop_2.3.1_amd64.deb" in downloads  # found through user-dirs.dirs (Загрузки)
    assert "holiday-photos.zip" in downloads and "notes.pdf" not in downloads
    layouts = {f.value for f in facts if f.kind is Kind.LAYOUT}
    assert layouts == {"RustDesk", "SupportPro"}
    assert {f.where for f in facts if f.kind is Kind.PATH} >= {"/home/anna/.config/rustdesk/RustDesk2.toml"}


def test_cli_on_the_fixture_tree() -> None:
    proc = run_cli("audit-host", "--root", str(FIXTURE), "--platform", "linux", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    host = doc["results"][0]
    assert host["input"] == str(FIXTURE) and host["verdict"] == "dangerous"
    assert host["platform"] == "linux" and host["mode"] == "offline"
    assert any("processes" in s for s in host["skipped"])
    states = {t["id"]: (t["state"], t["verdict"]) for t in host["tools"]}
    assert states["anydesk"] == ("autostart", "dangerous")
    assert states["rustdesk-fork-supportpro"] == ("autostart", "dangerous")
    assert states["rustdesk"] == ("installed", "suspicious")
    assert states["rudesktop"] == ("downloaded", "suspicious")
    assert states["teamviewer"] == ("leftovers", "caution")
    assert states["hoptodesk"] == ("downloaded", "caution")  # only an unverified name: lower confidence
    anydesk = _tool(doc, "anydesk")
    assert anydesk["confidence"] == "high" and anydesk["severity"] == "high"
    kinds = {e["kind"] for e in anydesk["evidence"]}
    assert {"service", "package", "binary", "app"} <= kinds
    assert {f["rule_id"] for f in anydesk["findings"]} == {"HOST-RA-003", "HOST-RA-010"}
    assert "x11vnc" not in states  # x11vnc-data is not x11vnc


def test_rpm_sqlite_database(tmp_path: Path) -> None:
    root = tmp_path / "root"
    db = root / "var/lib/rpm/rpmdb.sqlite"
    db.parent.mkdir(parents=True)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE Name (key TEXT, hnum INTEGER, idx INTEGER)")
    con.executemany("INSERT INTO Name VALUES (?, ?, 0)", [("bash", 1), ("rustdesk", 2)])
    con.commit()
    con.close()
    packages = {f.value for f in _collect(root) if f.kind is Kind.PACKAGE}
    assert packages == {"bash", "rustdesk"}


def test_old_rpm_database_is_reported_not_guessed(tmp_path: Path) -> None:
    (tmp_path / "var/lib/rpm").mkdir(parents=True)
    (tmp_path / "var/lib/rpm/Packages").write_bytes(b"\0" * 64)
    out = linux.collect(Target("linux", str(tmp_path), False, ()))
    assert any("old rpm database" in s for s in out.skipped)


def test_unreadable_directories_are_skipped_not_fatal(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(FIXTURE, tmp_path / "root", symlinks=True)
    real_scandir = os.scandir

    def scandir(path: str):  # type: ignore[no-untyped-def]
        if str(path).endswith("/home/anna/.config"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = linux.collect(Target("linux", str(tmp_path / "root"), False, ()))
    assert "/home/anna/.config: permission denied" in out.skipped
    assert any(f.value == "anydesk" for f in out.facts)  # the rest was still read


def test_empty_root_is_safe() -> None:
    proc = run_cli("audit-host", "--root", str(FIXTURE / "usr" / "share" / "applications"),
                   "--platform", "linux", "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["results"][0]["verdict"] == "safe"
