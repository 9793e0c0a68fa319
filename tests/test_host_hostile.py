"""Hostile or broken trees under --root: a bad file costs only itself, FIFOs are never opened,
and nothing outside the root is ever read (symlinks and '..' resolve inside it, like a chroot)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from kzscam.host import linux, macos
from kzscam.host.facts import Collected, Kind
from kzscam.host.fs import Target, Tree

ANYDESK_PLIST = (b'<?xml version="1.0"?><plist><dict><key>CFBundleIdentifier</key>'
                 b"<string>com.philandro.anydesk</string></dict></plist>")
DPKG = "Package: {}\nStatus: install ok installed\nVersion: 1\n\n"


def _deep_bplist(depth: int) -> bytes:
    """A binary plist of `depth` arrays nested one in another (plistlib recurses into it)."""
    body = bytearray(b"bplist00")
    offsets = []
    for i in range(depth):
        offsets.append(len(body))
        body += b"\xa1" + struct.pack(">I", i + 1)  # array of one element: object i + 1
    offsets.append(len(body))
    body += b"\xa0"  # the innermost, empty array
    table = len(body)
    for off in offsets:
        body += struct.pack(">I", off)
    body += bytes(6) + bytes([4, 4]) + struct.pack(">QQQ", len(offsets), 0, table)
    return bytes(body)


def _mac(tmp_path: Path) -> Path:
    app = tmp_path / "Applications" / "AnyDesk.app" / "Contents"
    app.mkdir(parents=True)
    (app / "Info.plist").write_bytes(ANYDESK_PLIST)
    agents = tmp_path / "Library" / "LaunchAgents"
    agents.mkdir(parents=True)
    (agents / "broken.plist").write_bytes(b"<plist><dict><key>Label</key>")
    (agents / "deep.plist").write_bytes(_deep_bplist(50_000))
    return tmp_path


def test_bad_plists_cost_only_themselves(tmp_path: Path) -> None:
    proc = run_cli("audit-host", "--root", str(_mac(tmp_path)), "--platform", "macos",
                   "--format", "json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    result = json.loads(proc.stdout)["results"][0]
    assert [t["id"] for t in result["tools"]] == ["anydesk"]
    skipped = " | ".join(result["skipped"])
    assert "/Library/LaunchAgents/broken.plist: not a valid property list" in skipped
    assert "/Library/LaunchAgents/deep.plist: not a valid property list" in skipped


def test_a_failing_source_does_not_hide_the_others(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / "var/lib/dpkg/status").write_text(DPKG.format("anydesk"))
    (tmp_path / "usr/bin").mkdir(parents=True)
    (tmp_path / "usr/bin/x11vnc").write_bytes(b"")

    def broken(*_args: object) -> list[object]:
        raise RecursionError("maximum recursion depth exceeded")

    for module, source in ((linux, "_units"), (linux, "_desktop"), (macos, "_apps")):
        monkeypatch.setattr(module, source, broken)
    out = linux.collect(Target("linux", str(tmp_path), False, ()))
    seen = {(f.kind, f.value) for f in out.facts}
    assert {(Kind.PACKAGE, "anydesk"), (Kind.BINARY, "x11vnc")} <= seen
    assert any(s.startswith("services: not checked (RecursionError") for s in out.skipped)
    assert any(s.startswith(".desktop entries: not checked") for s in out.skipped)
    mac = macos.collect(Target("macos", str(_mac(tmp_path / "mac")), False, ()))
    assert any(s.startswith("app bundles: not checked") for s in mac.skipped)


def test_collected_add_keeps_facts_of_good_sources() -> None:
    out = Collected()
    out.add("one", lambda: [])
    out.add("two", lambda: [][1])
    assert out.skipped == ["two: not checked (IndexError: list index out of range)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_are_never_opened(tmp_path: Path) -> None:
    for rel in ("var/lib/dpkg/status", "etc/systemd/system/anydesk.service",
                "usr/share/applications/anydesk.desktop", "var/lib/rpm/rpmdb.sqlite",
                "home/anna/.config/user-dirs.dirs", "etc/xdg/autostart/x.desktop"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(tmp_path / rel)
    proc = run_cli("audit-host", "--root", str(tmp_path), "--platform", "linux", "--format", "json")
    assert proc.returncode == 1, proc.stderr  # a reader blocked on a FIFO would never get here
    result = json.loads(proc.stdout)["results"][0]
    assert [t["id"] for t in result["tools"]] == ["anydesk"]  # from the unit and .desktop names
    assert "/var/lib/dpkg/status: not a regular file (not read)" in result["skipped"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_in_mac_and_windows_trees(tmp_path: Path) -> None:
    plist = tmp_path / "mac/Applications/AnyDesk.app/Contents/Info.plist"
    task = tmp_path / "win/Windows/System32/Tasks/Updater"
    for fifo in (plist, task):
        fifo.parent.mkdir(parents=True)
        os.mkfifo(fifo)
    (tmp_path / "win/Program Files").mkdir()
    for platform, sub in (("macos", "mac"), ("windows", "win")):
        proc = run_cli("audit-host", "--root", str(tmp_path / sub), "--platform", platform,
                       "--format", "json")
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr
        assert any("not a regular file" in s for s in json.loads(proc.stdout)["results"][0]["skipped"])


def _escape_tree(tmp_path: Path) -> tuple[Path, Path]:
    root, outside = tmp_path / "root", tmp_path / "hostdata"
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "home/anna/.config").mkdir(parents=True)
    outside.mkdir()
    (outside / "status").write_text(DPKG.format("anydesk"))
    (outside / "teamviewer_15.0_amd64.deb").write_bytes(b"")
    (root / "var/lib/dpkg/status").symlink_to(outside / "status")  # absolute, to this computer
    (root / "home/anna/Desktop").symlink_to("../../../hostdata")  # relative, climbing out
    (root / "home/anna/.config/user-dirs.dirs").write_text(
        'XDG_DOWNLOAD_DIR="$HOME/../../../hostdata"\n')
    return root, outside


def test_nothing_outside_the_root_is_read(tmp_path: Path) -> None:
    root, _outside = _escape_tree(tmp_path)
    proc = run_cli("audit-host", "--root", str(root), "--platform", "linux", "--format", "json")
    assert proc.returncode == 0, proc.stdout
    result = json.loads(proc.stdout)["results"][0]
    assert not result.get("tools") and "hostdata" not in proc.stdout


def test_symlinks_resolve_inside_the_root(tmp_path: Path) -> None:
    root, outside = _escape_tree(tmp_path)
    # The same absolute path, re-created inside the root: that is what the link means there.
    inner = root / str(outside).lstrip("/")
    inner.mkdir(parents=True)
    shutil.copy(outside / "status", inner / "status")
    (root / "hostdata").mkdir()
    (root / "hostdata/rustdesk-1.2.3-x86_64.AppImage").write_bytes(b"")
    facts = linux.collect(Target("linux", str(root), False, ())).facts
    seen = {(f.kind, f.value, f.where) for f in facts}
    assert (Kind.PACKAGE, "anydesk", "/var/lib/dpkg/status") in seen
    assert (Kind.DOWNLOAD, "rustdesk-1.2.3-x86_64.AppImage",
            "/home/anna/Desktop/rustdesk-1.2.3-x86_64.AppImage") in seen
    assert not any(".." in f.where for f in facts)


def test_tree_resolver_is_chroot_like(tmp_path: Path) -> None:
    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / "a/b/f").write_text("in")
    (tmp_path / "loop").symlink_to("/loop")
    (tmp_path / "abs").symlink_to("/a/b")
    tree = Tree(str(tmp_path))
    assert tree.full("a/../../../../a/b/f") == str(tmp_path / "a/b/f")
    assert tree.text("abs/../b/f") == "in" and tree.text("abs/f") == "in"
    assert tree.text("loop") is None and "symbolic links" in tree.skipped[0]
    assert tree.listdir("abs") == ["f"] and tree.exists("loop")  # the link itself exists


def test_unreadable_root_is_one_line_exit_3() -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to test as an unprivileged user")
    tmp_path = Path(tempfile.mkdtemp(prefix="kzscam-"))  # pytest's tmp_path is private to root
    tmp_path.chmod(0o755)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o700)
    (tmp_path / "open").mkdir(mode=0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    env.update({"HOME": str(tmp_path), "KZSCAM_CONFIG": os.devnull, "PYTHONPATH": str(ROOT)})
    def audit(root: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               "--", sys.executable, "-m", "kzscam", "audit-host", "--root",
                               str(root), "--platform", "linux"],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)

    try:
        proc, readable = audit(locked), audit(tmp_path / "open")
    finally:
        shutil.rmtree(tmp_path)
    if proc.returncode == 126 or ("Permission denied" in proc.stderr and not proc.stdout):
        pytest.skip(f"the interpreter is not executable by nobody: {proc.stderr.strip()}")
    assert readable.returncode == 0, readable.stderr  # the same user may audit an open tree
    assert proc.returncode == 3
    assert proc.stderr.strip() == f"kzscam: {locked}: permission denied (run kzscam as a user " \
                                  "who may read that disk or tree)"
