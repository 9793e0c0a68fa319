"""Hostile exports: long messages are checked whole (or cut, never "safe"), deep JSON, huge
integers, lone surrogates and unreadable files end in one line while the batch goes on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from kzscam.chat.analyse import check_chat
from kzscam.chat.model import Limits
from kzscam.exitcodes import ExitCode
from kzscam.model import Verdict

SCAM = "Назовите код из SMS, который сейчас придёт"
WA_SCAM = "20.11.2026, 10:00 - Anna: привет\n20.11.2026, 10:01 - Bob: {}\n"


def _telegram(path: Path, *texts: object, ascii_only: bool = False) -> Path:
    messages = [{"id": i, "type": "message", "date": "2026-11-20T10:00:00", "from": "A", "text": t}
                for i, t in enumerate(texts, 1)]
    path.write_text(json.dumps({"name": "x", "messages": messages}, ensure_ascii=ascii_only),
                    encoding="utf-8")
    return path


def test_scam_after_long_filler_is_found(tmp_path: Path) -> None:
    pad = _telegram(tmp_path / "pad.json", "x" * 100_000 + " " + SCAM)
    wa = tmp_path / "pad.txt"
    wa.write_text(WA_SCAM.format("y" * 300_000 + " " + SCAM), encoding="utf-8")
    for path in (pad, wa):
        report = check_chat(path)
        assert report.verdict >= Verdict.SUSPICIOUS, path
        assert not any(p.details.get("truncated") for p in report.parts)


@pytest.mark.parametrize("fmt", ["telegram", "whatsapp"])
def test_a_cut_message_is_never_safe(tmp_path: Path, fmt: str) -> None:
    if fmt == "telegram":
        path = _telegram(tmp_path / "cut.json", "hello " * 50 + SCAM)
    else:  # one line longer than the reader's cut, then a continuation line
        path = tmp_path / "cut.txt"
        path.write_text(WA_SCAM.format("hello " * 50 + SCAM + "\nmore"), encoding="utf-8")
    report = check_chat(path, limits=Limits(max_message_chars=100), all_messages=True)
    cut = [p for p in report.parts if p.details.get("truncated")]
    assert len(cut) == 1 and cut[0].verdict >= Verdict.CAUTION
    assert [f.rule_id for f in cut[0].findings] == ["CHAT-CUT-001"]
    chars = int(cut[0].findings[0].params["chars"])
    assert 50 < chars <= 100 and f"first {chars} characters" in cut[0].findings[0].title
    assert report.verdict >= Verdict.CAUTION


def test_escapes_split_by_the_read_buffer(tmp_path: Path) -> None:
    # \uXXXX escapes (ensure_ascii) land across every 64 KB read boundary somewhere.
    path = _telegram(tmp_path / "esc.json", "привет " * 40_000 + SCAM, ascii_only=True)
    report = check_chat(path)
    assert report.error is None and report.verdict >= Verdict.SUSPICIOUS


def _deep(path: Path, where: str) -> Path:
    deep = "[" * 100_000 + "]" * 100_000
    msg = '{"id": 1, "type": "message", "from": "A", "text": "hi"}'
    body = (f'{{"name": "x", "messages": [{msg}, {deep}]}}' if where == "message"
            else f'{{"name": "x", "about": {deep}, "messages": [{msg}]}}')
    path.write_text(body, encoding="utf-8")
    return path


def test_batch_survives_hostile_json(tmp_path: Path) -> None:
    big_int = tmp_path / "bigint.json"
    big_int.write_text('{"name": "x", "messages": [{"id": ' + "9" * 5000 + ', "type": '
                       '"message", "from": "A", "text": "' + SCAM + '"}]}', encoding="utf-8")
    files = [_deep(tmp_path / "deep1.json", "message"), _deep(tmp_path / "deep2.json", "meta"),
             big_int, _telegram(tmp_path / "scam.json", SCAM)]
    proc = run_cli("check-chat", *map(str, files), "--format", "json")
    assert proc.returncode == ExitCode.INPUT_ERROR and "Traceback" not in proc.stderr
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 2 and all("nested too deeply" in e for e in errors)
    results = json.loads(proc.stdout)["results"]
    assert [r["verdict"] for r in results[:2]] == ["caution", "caution"]  # never "safe"
    assert all(r["verdict"] in ("suspicious", "dangerous") for r in results[2:])


def test_lone_surrogates_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "surr.json"
    path.write_text('{"name": "\\ud800chat", "messages": [{"id": 1, "type": "message", '
                    '"from": "\\udfffA", "text": "\\udc00 ' + SCAM + '"}]}', encoding="utf-8")
    for fmt in ("plain", "json"):
        proc = run_cli("check-chat", str(path), "--format", fmt)
        assert proc.returncode == ExitCode.FLAGGED, proc.stderr
        assert "\ufffd" in proc.stdout and "Traceback" not in proc.stderr


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory every user may enter (pytest's own tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="kzscam-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_unreadable_export_is_exit_3_and_the_batch_goes_on(open_dir: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to test as an unprivileged user")
    tmp_path = open_dir
    locked = _telegram(tmp_path / "locked.json", SCAM)
    locked.chmod(0o600)
    ok = _telegram(tmp_path / "ok.json", SCAM)
    ok.chmod(0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    env.update({"HOME": str(tmp_path), "KZSCAM_CONFIG": os.devnull, "PYTHONPATH": str(ROOT)})
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                           sys.executable, "-m", "kzscam", "check-chat", str(locked), str(ok),
                           "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    if proc.returncode == 126 or ("Permission denied" in proc.stderr and not proc.stdout):
        pytest.skip(f"the interpreter is not executable by nobody: {proc.stderr.strip()}")
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert proc.stderr.strip() == f"kzscam: {locked}: permission denied"
    results = json.loads(proc.stdout)["results"]
    assert results[0]["error"] == "permission denied"
    assert results[1]["verdict"] in ("suspicious", "dangerous")
