"""Golden output of every renderer (rich at 80 columns, plain, json, jsonl) for every command.

Each case runs the real command on real inputs (the bundled sample messages, the host and chat
fixtures, QR payloads) and compares stdout byte for byte with tests/golden/. After an intended
change of the output, regenerate with `KZSCAM_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`
and review the diff like code.
"""

from __future__ import annotations

import os

import pytest
from conftest import ROOT, run_cli

from kzscam.output import RENDERERS, OutputFormat

GOLDEN = ROOT / "tests" / "golden"
_SAMPLES = [t for t in (ROOT / "examples" / "messages.txt").read_text(encoding="utf-8")
            .splitlines() if t.strip()]
MESSAGES = [_SAMPLES[0], _SAMPLES[6]]  # a bank's own code notice, and a scam
CASES: dict[str, list[str]] = {
    "check-text": ["check-text", *MESSAGES],
    "check-url": ["check-url", "https://kaspi.kz/shop", "http://kaspi-bank.kz.login-verify.top/"],
    "scan-qr": ["scan-qr", "--payload", "WIFI:T:nopass;S:Halyk_Guest;;",
                "--payload", "https://bit.ly/kaspi-bonus"],
    "audit-host": ["audit-host", "--root", "tests/fixtures/host/windows", "--platform", "windows"],
    "check-chat": ["check-chat", "tests/fixtures/chat/telegram_takeover.json"],
}
FORMATS = [f.value for f in OutputFormat if f is not OutputFormat.AUTO]
# English in every format; Kazakh and Russian in the two formats people read.
RUNS = [(c, "en", f) for c in CASES for f in FORMATS] + [
    (c, lang, f) for c in CASES for lang in ("kk", "ru") for f in ("rich", "plain")]


@pytest.mark.parametrize(("command", "lang", "fmt"), RUNS)
def test_golden(command: str, lang: str, fmt: str) -> None:
    proc = run_cli(*CASES[command], "--lang", lang, "--format", fmt, env={"COLUMNS": "80"})
    assert proc.returncode in (0, 1), proc.stderr
    path = GOLDEN / f"{command}.{lang}.{fmt}"
    if os.environ.get("KZSCAM_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(proc.stdout, encoding="utf-8")
    assert proc.stdout == path.read_text(encoding="utf-8"), f"{path} differs"


def test_every_format_is_wired() -> None:
    """Every format a user can ask for has a renderer, and AUTO resolves to one of them."""
    assert set(RENDERERS) == set(OutputFormat) - {OutputFormat.AUTO}
    for fmt in RENDERERS:
        proc = run_cli("check-url", "https://kaspi.kz", "--format", fmt.value)
        assert proc.returncode == 0 and proc.stdout.strip(), (fmt, proc.stderr)
    assert run_cli("check-url", "https://kaspi.kz", "--format", "auto").stdout == run_cli(
        "check-url", "https://kaspi.kz", "--format", "plain").stdout  # not a terminal: plain
