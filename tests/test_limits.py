"""Input size limits: every text input is read in bounded chunks up to a documented limit.

/dev/zero, a 2 GB sparse file or an endless pipe must give one error line for that input (exit 3)
while the rest of the batch is still checked, never unbounded memory or a hang.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from kzscam.config import ConfigError, load_config
from kzscam.exitcodes import ExitCode
from kzscam.text.inputs import iter_lines, read_whole

SCAM = "Назовите код из SMS, это служба безопасности банка"


def _rows(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def _limit_memory() -> None:
    # 1 GiB of address space: kzscam runs in far less; reading a 2 GB file or /dev/zero whole
    # cannot (and a regression fails fast instead of eating the machine's memory).
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _run_bounded(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    return subprocess.run([sys.executable, "-m", "kzscam", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**env, "KZSCAM_CONFIG": os.devnull},
                          preexec_fn=_limit_memory, timeout=120)


def test_dev_zero_is_binary_at_once_and_the_next_file_is_checked(tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text(SCAM, encoding="utf-8")
    proc = _run_bounded("check-text", "-f", "jsonl", "--file", "/dev/zero", "--file", str(ok))
    rows = _rows(proc.stdout)
    assert [r["input"] for r in rows] == ["/dev/zero", str(ok)]
    assert rows[0]["error"] == "binary data, not text"
    assert rows[1]["verdict"] in ("suspicious", "dangerous")
    assert _errors(proc.stderr) == ["kzscam: /dev/zero: binary data, not text"]
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_a_2gb_sparse_file_is_judged_binary_from_its_first_bytes(tmp_path: Path) -> None:
    sparse, ok = tmp_path / "sparse.bin", tmp_path / "ok.txt"
    with sparse.open("wb") as handle:
        handle.truncate(2 << 30)
    ok.write_text(SCAM, encoding="utf-8")
    proc = _run_bounded("check-text", "-f", "jsonl", "--file", str(sparse), "--file", str(ok))
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    rows = _rows(proc.stdout)
    assert rows[0]["error"] == "binary data, not text" and rows[1]["error"] is None
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_a_file_over_max_bytes_is_one_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    big, ok = tmp_path / "big.txt", tmp_path / "ok.txt"
    big.write_text("обычный текст " * 200, encoding="utf-8")  # ~5 KiB of text
    ok.write_text(SCAM, encoding="utf-8")
    proc = run_cli("check-text", "-f", "jsonl", "--max-bytes", "1KiB", "--file", str(big),
                   "--file", str(ok))
    rows = _rows(proc.stdout)
    assert rows[0]["error"] == "larger than the 1 KiB limit for one message (--max-bytes)"
    assert rows[1]["error"] is None and rows[1]["verdict"] in ("suspicious", "dangerous")
    assert _errors(proc.stderr) == [f"kzscam: {big}: " + str(rows[0]["error"])]
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_a_file_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"a" * 1000 + b" " + SCAM.encode())
    size = exact.stat().st_size
    assert read_whole(exact, "exact", size).error is None
    assert read_whole(exact, "exact", size - 1).error is not None


def test_an_endless_stdin_stops_at_the_limit() -> None:
    """`yes | kzscam check-text` used to read forever; now it stops one byte past the limit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    yes = subprocess.Popen(["yes", "переведите деньги на безопасный счёт"], stdout=subprocess.PIPE)
    try:
        proc = subprocess.run([sys.executable, "-m", "kzscam", "check-text", "-f", "jsonl",
                               "--max-bytes", "1MiB"], stdin=yes.stdout, capture_output=True,
                              text=True, cwd=ROOT, env={**env, "KZSCAM_CONFIG": os.devnull},
                              preexec_fn=_limit_memory, timeout=120)
    finally:
        yes.kill()
        yes.wait()
    assert _rows(proc.stdout)[0]["error"] == "larger than the 1 MiB limit for one message (--max-bytes)"
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_a_long_line_is_one_error_and_the_next_lines_are_checked(tmp_path: Path) -> None:
    src = tmp_path / "inbox.txt"
    src.write_bytes(b"hello\n" + b"x" * 5000 + b"\n" + SCAM.encode() + b"\r\n" + b"y" * 100 + b"\n")
    proc = run_cli("check-text", "--lines", "-f", "jsonl", "--max-line-bytes", "100",
                   "--file", str(src))
    rows = _rows(proc.stdout)
    assert [r["input"] for r in rows] == [f"{src}:{n}" for n in (1, 2, 3, 4)]
    assert rows[1]["error"] == "line longer than the 100 bytes limit (--max-line-bytes)"
    assert [r["error"] is None for r in rows] == [True, False, True, True]
    assert rows[2]["verdict"] in ("suspicious", "dangerous")
    assert _errors(proc.stderr) == [f"kzscam: {src}:2: {rows[1]['error']}"]
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_the_default_line_limit_applies_to_stdin_and_jsonl() -> None:
    huge = json.dumps({"id": "big", "text": "a" * (2 << 20)})
    data = huge + "\n" + json.dumps({"id": "ok", "text": SCAM}, ensure_ascii=False) + "\n"
    proc = run_cli("check-text", "--jsonl-field", "text", "-f", "jsonl", input=data)
    rows = _rows(proc.stdout)
    assert rows[0]["input"] == "1" and rows[0]["error"] == (
        "line longer than the 1 MiB limit (--max-line-bytes)")
    assert rows[1]["input"] == "ok" and rows[1]["error"] is None
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_long_lines_are_skipped_without_holding_them(tmp_path: Path) -> None:
    """A 3 MiB line with a 1 KiB limit: read in pieces, counted as one line, no text kept."""
    src = tmp_path / "lines.txt"
    src.write_bytes(b"z" * (3 << 20) + b"\nsecond line\n")
    messages = list(iter_lines(src, str(src), 1024))
    assert [(m.name, m.error is None, m.text) for m in messages] == [
        (f"{src}:1", False, ""), (f"{src}:2", True, "second line")]


def test_utf16_lines_are_held_to_the_limit_too(tmp_path: Path) -> None:
    src = tmp_path / "u16.txt"
    src.write_bytes(("a" * 600 + "\nкороткая строка\n").encode("utf-16"))
    messages = list(iter_lines(src, str(src), 1000))
    assert messages[0].error is not None and messages[1].text == "короткая строка"


def test_an_argument_over_the_limit_is_an_input_error() -> None:
    proc = run_cli("check-text", "-f", "jsonl", "--max-bytes", "200", "a" * 201, SCAM)
    rows = _rows(proc.stdout)
    assert rows[0]["error"] == "larger than the 200 bytes limit for one message (--max-bytes)"
    assert rows[1]["error"] is None and proc.returncode == ExitCode.INPUT_ERROR


def test_limits_come_from_config_file_then_env_then_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('max_input_bytes = "2MiB"\nmax_line_bytes = 4096\n', encoding="utf-8")
    loaded = load_config(cfg, env={})
    assert (loaded.max_input_bytes, loaded.max_line_bytes) == (2 << 20, 4096)
    env = {"KZSCAM_MAX_INPUT_BYTES": "512k", "KZSCAM_MAX_LINE_BYTES": "100"}
    assert load_config(cfg, env=env).max_input_bytes == 512 << 10
    flags = load_config(cfg, env=env, overrides={"max_input_bytes": 10})
    assert (flags.max_input_bytes, flags.max_line_bytes) == (10, 100)
    defaults = load_config(Path(os.devnull), env={})
    assert (defaults.max_input_bytes, defaults.max_line_bytes) == (16 << 20, 1 << 20)


@pytest.mark.parametrize("value", ['"lots"', "0", "-5", "true", '"1.5M"', "[1]"])
def test_bad_limits_are_config_errors(tmp_path: Path, value: str) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"max_input_bytes = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_input_bytes"):
        load_config(cfg, env={})


def test_bad_limits_from_env_and_flags_exit_2(tmp_path: Path) -> None:
    env_bad = run_cli("check-text", "hello", env={"KZSCAM_MAX_LINE_BYTES": "huge"})
    assert env_bad.returncode == ExitCode.USAGE
    assert _errors(env_bad.stderr) == ["kzscam: environment: max_line_bytes 'huge' is not a size "
                                       "(use bytes or a unit: 512k, 16MiB, 1G)"]
    flag_bad = run_cli("check-text", "--max-bytes", "0", "hello")
    assert flag_bad.returncode == ExitCode.USAGE
    assert _errors(flag_bad.stderr) == ["kzscam: --max-bytes: must be at least 1 byte"]


def test_the_config_file_itself_is_read_with_a_bound() -> None:
    proc = _run_bounded("check-text", "--config", "/dev/zero", "hello")
    assert proc.returncode == ExitCode.USAGE
    assert _errors(proc.stderr) == ["kzscam: /dev/zero: config file larger than 1 MiB"]


def test_a_named_pipe_nobody_writes_to_does_not_stop_the_batch(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: it must read as empty instead."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text("see you at 7", encoding="utf-8")
    for extra in ([], ["--lines"]):
        proc = subprocess.run([sys.executable, "-m", "kzscam", "check-text", "-f", "json", *extra,
                               "--file", str(fifo), "--file", str(good)],
                              capture_output=True, text=True, timeout=30, cwd=ROOT,
                              env={**os.environ, "NO_COLOR": "1", "KZSCAM_CONFIG": os.devnull})
        assert proc.returncode == 3, proc.stderr
        results = json.loads(proc.stdout)["results"]
        assert [r["error"] for r in results] == ["empty input", None]


def test_a_pipe_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"printf 'line one\\nline two\\n' > {fifo}"])
    try:
        proc = subprocess.run([sys.executable, "-m", "kzscam", "check-text", "-f", "jsonl",
                               "--lines", "--file", str(fifo)], capture_output=True, text=True,
                              timeout=30, cwd=ROOT,
                              env={**os.environ, "NO_COLOR": "1", "KZSCAM_CONFIG": os.devnull})
    finally:
        writer.wait(timeout=10)
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert proc.returncode == 0 and [x["error"] for x in lines] == [None, None]
