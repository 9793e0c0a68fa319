"""Shared fixtures: the CLI as a real subprocess, and the location of ../shared corpora."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a visible reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (corpora live in ../shared beside the clone)")
    return path


def qr_free_photos() -> list[Path]:
    """The shared corpus's photos with no code in them (folders `falsepositives-*`)."""
    from kzscam.qr.loader import IMAGE_SUFFIXES

    root = shared_path("corpus", "qr")
    return sorted(p for f in root.glob("falsepositives-*") for p in f.iterdir()
                  if p.suffix.lower() in IMAGE_SUFFIXES)


def run_cli(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m kzscam ARGS` as a user would; stdout and stderr kept apart."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("KZSCAM_", "LC_"))}
    full_env.update({"NO_COLOR": "1", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    full_env.pop("FORCE_COLOR", None)
    full_env["KZSCAM_CONFIG"] = os.devnull if env is None or "KZSCAM_CONFIG" not in env else env[
        "KZSCAM_CONFIG"]
    if env:
        full_env.update(env)
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run(
        [sys.executable, "-m", "kzscam", *args], input=data if data is not None else b"",
        capture_output=True, cwd=cwd or ROOT, env=full_env, timeout=120,
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def run_at_terminal(args: list[str], env: dict[str, str], *, columns: int | None = None,
                    stderr_too: bool = False) -> str:
    """Run `python -m kzscam ARGS` with stdout (and stderr when `stderr_too`) on a pseudo-terminal,
    as a person at a terminal runs it, `columns` wide when given; returns what it printed."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    if columns is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    full = {k: v for k, v in os.environ.items() if not k.startswith(("KZSCAM_", "LC_"))}
    full.pop("FORCE_COLOR", None)
    full.pop("COLUMNS", None)
    full.update({"KZSCAM_CONFIG": os.devnull, "LANG": "C.UTF-8", **env})
    proc = subprocess.Popen([sys.executable, "-m", "kzscam", *args], stdout=slave,
                            stderr=slave if stderr_too else subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, cwd=ROOT, env=full)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
