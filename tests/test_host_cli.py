"""audit-host as users and pipelines see it: usage errors, bad roots, config allow-lists and
disabled rules, the live JSON contract, an unprivileged run, and inert hostile file names."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from kzscam.host.audit import COLLECTORS, guess_platform

FIXTURES = Path(__file__).parent / "fixtures" / "host"


@pytest.mark.parametrize(("args", "message"), [
    (["R58M12ABCDE"], "only accepted after --adb"),
    (["--platform", "linux"], "--platform needs --root"),
    (["--root", str(FIXTURES / "linux"), "--platform", "beos"], "unknown platform 'beos'"),
    (["--adb", "--root", str(FIXTURES / "linux")], "cannot be combined"),
])
def test_usage_errors_exit_2_on_one_line(args: list[str], message: str) -> None:
    proc = run_cli("audit-host", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_missing_root_is_an_input_error(tmp_path: Path) -> None:
    proc = run_cli("audit-host", "--root", str(tmp_path / "nope"), "--format", "json")
    assert proc.returncode == 3
    assert "no such directory" in proc.stderr and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["results"][0]["error"].startswith("no such directory")


def test_config_allow_list_and_flag(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('allow_tools = ["anydesk"]\n', encoding="utf-8")
    proc = run_cli("audit-host", "--root", str(FIXTURES / "windows"), "--allow", "RMS", "--format",
                   "json", env={"KZSCAM_CONFIG": str(cfg)})
    tools = {t["id"]: t for t in json.loads(proc.stdout)["results"][0]["tools"]}
    for allowed in ("anydesk", "rms"):
        assert tools[allowed]["allowed"] and tools[allowed]["verdict"] == "safe"
        assert [f["rule_id"] for f in tools[allowed]["findings"]] == ["HOST-RA-007"]
    assert tools["teamviewer"]["verdict"] == "suspicious"  # others are still judged
    assert proc.returncode == 1


def test_disabled_state_rule_no_longer_raises_the_verdict(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('disabled_rules = ["HOST-RA-005", "HOST-RA-010"]\n', encoding="utf-8")
    proc = run_cli("audit-host", "--root", str(FIXTURES / "windows"), "--format", "json",
                   env={"KZSCAM_CONFIG": str(cfg)})
    tools = {t["id"]: t for t in json.loads(proc.stdout)["results"][0]["tools"]}
    assert tools["rustdesk"]["findings"] == [] and tools["rustdesk"]["verdict"] == "safe"
    assert tools["anydesk"]["verdict"] == "dangerous"


def test_live_audit_json_contract() -> None:
    proc = run_cli("audit-host", "--format", "json", "--verbose")
    assert proc.returncode in (0, 1), proc.stderr
    host = json.loads(proc.stdout)["results"][0]
    assert host["input"] == socket.gethostname() and host["mode"] == "live"
    assert {"verdict", "findings", "skipped", "platform", "score"} <= set(host)
    for tool in host.get("tools", []):
        assert {"id", "name", "state", "evidence", "severity", "verdict"} <= set(tool)
        assert all({"kind", "value", "where"} <= set(e) for e in tool["evidence"])
    if Path("/usr/bin/x11vnc").exists():  # installed on this machine (make sysdeps)
        assert any(t["id"] == "x11vnc" for t in host.get("tools", []))
    assert "audited" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root and setpriv to run the audit as an unprivileged user")
def test_unprivileged_live_audit_reports_what_it_could_not_see(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    env.update({"HOME": str(tmp_path), "KZSCAM_CONFIG": os.devnull, "NO_COLOR": "1",
                "PYTHONPATH": str(ROOT)})
    os.chmod(tmp_path, 0o777)
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                           sys.executable, "-m", "kzscam", "audit-host", "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    if proc.returncode == 126 or ("Permission denied" in proc.stderr and not proc.stdout):
        pytest.skip(f"the interpreter is not executable by nobody: {proc.stderr.strip()}")
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    skipped = json.loads(proc.stdout)["results"][0]["skipped"]
    assert any("run kzscam as root/administrator" in s or "permission denied" in s for s in skipped)


def test_hostile_file_names_stay_inert(tmp_path: Path) -> None:
    downloads = tmp_path / "home" / "eve" / "Downloads"
    downloads.mkdir(parents=True)
    (downloads / "anydesk_\x1b]0;pwned\x07[red]x.deb").write_bytes(b"")
    for fmt in ("plain", "rich"):
        proc = run_cli("audit-host", "--root", str(tmp_path), "--platform", "linux", "--format", fmt)
        assert proc.returncode == 1
        assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
        assert "[red]x" in proc.stdout  # shown literally, never interpreted as markup


def test_every_platform_is_wired_and_guessed() -> None:
    assert set(COLLECTORS) == {"linux", "macos", "windows"}
    assert all(COLLECTORS.values())
    for platform in COLLECTORS:
        assert guess_platform(str(FIXTURES / platform)) == platform
