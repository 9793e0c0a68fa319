"""A real remote-access server: x11vnc (Debian package) on an Xvfb display, started inside a
private network namespace (`unshare -n`, loopback only: x11vnc listens on [::] whatever -listen
says), audited by the real CLI, then stopped by its own process id. audit-host must report it
installed, running and listening, with the port."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PORT = 15900  # not the catalogue's 5900: the process and its socket must be what gives it away

DRIVER = r'''
import json, os, subprocess, sys, time
import psutil

def free_display():
    for n in range(90, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return n
    raise SystemExit("no free X display")

def wait(what, check, limit=60.0):
    end = time.monotonic() + limit
    while not check():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)

subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
disp = free_display()
procs = []
try:
    xvfb = subprocess.Popen(["Xvfb", f":{disp}", "-nolisten", "tcp", "-screen", "0", "320x240x16"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(xvfb)
    wait("Xvfb", lambda: os.path.exists(f"/tmp/.X11-unix/X{disp}"))
    vnc = subprocess.Popen(["x11vnc", "-display", f":{disp}", "-rfbport", sys.argv[1], "-localhost",
                            "-nopw", "-forever", "-quiet"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(vnc)
    wait("x11vnc to listen", lambda: any(
        c.status == psutil.CONN_LISTEN and c.laddr and c.laddr[1] == int(sys.argv[1])
        for c in psutil.net_connections(kind="tcp")))
    env = {**os.environ, "KZSCAM_CONFIG": os.devnull, "NO_COLOR": "1"}
    audit = subprocess.run([sys.executable, "-m", "kzscam", "audit-host", "--format", "json"],
                           capture_output=True, text=True, env=env, timeout=120)
    print(json.dumps({"pid": vnc.pid, "code": audit.returncode, "stdout": audit.stdout,
                      "stderr": audit.stderr}))
finally:
    for p in reversed(procs):  # stop only what we started, by its own process id
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
'''


def _skip_reason() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root for a private network namespace (unshare -n)"
    missing = [b for b in ("unshare", "ip", "x11vnc", "Xvfb") if shutil.which(b) is None]
    if missing:
        return f"missing {', '.join(missing)} (apt-get install x11vnc xvfb iproute2 util-linux; make sysdeps)"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_real_x11vnc_installed_running_listening(tmp_path: Path) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(["unshare", "-n", "--", sys.executable, str(driver), str(PORT)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    if proc.returncode != 0 and "unshare" in proc.stderr and "Operation not permitted" in proc.stderr:
        pytest.skip(f"network namespaces are not allowed here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    assert run["code"] == 1, run["stderr"]
    host = json.loads(run["stdout"])["results"][0]
    assert host["verdict"] == "dangerous"
    tool = next(t for t in host["tools"] if t["id"] == "x11vnc")
    assert tool["state"] == "listening" and tool["verdict"] == "dangerous"
    assert {"listening", "running", "installed"} <= set(tool["states"])
    assert tool["ports"] == [PORT]
    listen = [e for e in tool["evidence"] if e["kind"] == "listen"]
    assert listen and all(e["pid"] == run["pid"] and e["port"] == PORT for e in listen)
    assert any(e["kind"] == "process" and e["pid"] == run["pid"] for e in tool["evidence"])
    assert any(e["kind"] == "package" and e["value"] == "x11vnc" for e in tool["evidence"])
    assert tool["findings"][0]["rule_id"] == "HOST-RA-001"
    assert str(PORT) in tool["findings"][0]["title"]
