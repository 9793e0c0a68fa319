"""What people read in the human reports (plain and rich): issue #16's report items."""

from __future__ import annotations

import pytest
from conftest import ROOT, run_cli

from kzscam.exitcodes import ExitCode

SAMPLES = [t for t in (ROOT / "examples" / "messages.txt").read_text(encoding="utf-8").splitlines()
           if t.strip()]


@pytest.mark.parametrize("fmt", ["plain", "rich"])
@pytest.mark.parametrize("args", [["check-text", "--file"], ["scan-qr"], ["check-chat"]])
def test_missing_input_has_no_verdict(args: list[str], fmt: str, tmp_path: object) -> None:
    """An unreadable input is an error line on stderr and exit 3, never a `[CAUTION]` report;
    the readable input after it is still reported."""
    missing = str(ROOT / "no-such-input.txt")
    extra = (["--file", str(ROOT / "examples" / "messages.txt")] if args[0] == "check-text"
             else ["--payload", "https://kaspi.kz"] if args[0] == "scan-qr"
             else [str(ROOT / "tests" / "fixtures" / "chat" / "telegram_takeover.json")])
    proc = run_cli(*args, missing, *extra, "--format", fmt)
    assert proc.returncode == ExitCode.INPUT_ERROR, proc.stderr
    assert f"kzscam: {missing}: no such file" in proc.stderr
    assert "no-such-input" not in proc.stdout and "CAUTION" not in proc.stdout.upper().split("\n")[0]
    assert proc.stdout.strip(), "the readable input is still reported"
