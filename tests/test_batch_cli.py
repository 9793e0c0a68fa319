"""check-text batches: --jobs keeps input order and output identical; --jsonl-field pipelines."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from kzscam.exitcodes import ExitCode

LINES = ["Привет, мама! Буду дома в семь.", "Open http://kaspi-app.top/update.apk",
         "Здравствуйте, это служба поддержки WhatsApp. Продиктуйте код из SMS.",
         "Ертең сағат 10-да жиналыс болады", "Balance: 12 500 KZT, card *1405"]


def test_jobs_2_output_is_byte_identical_to_jobs_1(tmp_path: Path) -> None:
    src = tmp_path / "inbox.txt"
    src.write_text("\n".join(LINES * 200) + "\n", encoding="utf-8")  # 1000 lines, 4+ chunks
    one = run_cli("check-text", "--lines", "--file", str(src), "-f", "jsonl", "--jobs", "1")
    two = run_cli("check-text", "--lines", "--file", str(src), "-f", "jsonl", "--jobs", "2")
    assert one.stdout == two.stdout and one.returncode == two.returncode == ExitCode.FLAGGED
    rows = [json.loads(x) for x in two.stdout.splitlines()]
    assert [r["input"] for r in rows] == [f"{src}:{i}" for i in range(1, 1001)]
    assert two.stderr == ""  # no progress bar when stderr is not a terminal


def test_default_goes_parallel_on_a_large_batch_with_identical_output(tmp_path: Path) -> None:
    """--jobs 0 (default): in-process for the first 2,000 messages, then workers; same bytes."""
    src = tmp_path / "inbox.txt"
    src.write_text("\n".join(LINES * 700) + "\n", encoding="utf-8")  # 3,500 lines
    auto = run_cli("check-text", "--lines", "--file", str(src), "-f", "jsonl")
    one = run_cli("check-text", "--lines", "--file", str(src), "-f", "jsonl", "--jobs", "1")
    assert auto.stdout == one.stdout and auto.returncode == one.returncode == ExitCode.FLAGGED
    assert len(auto.stdout.splitlines()) == 3500 and auto.stderr == ""


def test_jsonl_field_keeps_ids_and_passes_other_fields_through() -> None:
    rows_in = [{"id": f"m{i}", "text": t, "channel": "sms", "score": i} for i, t in enumerate(LINES)]
    rows_in.append({"id": "bad", "body": "no text field"})
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows_in) + "\n{not json\n"
    proc = run_cli("check-text", "--jsonl-field", "text", "-f", "jsonl", "--jobs", "2", input=data)
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    # Good lines are named by their id; a line that cannot be read by its line number.
    assert [r["input"] for r in rows] == ["m0", "m1", "m2", "m3", "m4", "6", "7"]
    assert rows[0]["passthrough"] == {"id": "m0", "channel": "sms", "score": 0}
    assert rows[2]["verdict"] in ("suspicious", "dangerous")
    assert rows[5]["error"] and rows[6]["error"].startswith("invalid JSON")
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_jsonl_out_is_jsonl_in_for_the_next_stage() -> None:
    first = run_cli("check-text", "--lines", "-f", "jsonl", input="\n".join(LINES) + "\n")
    again = run_cli("check-text", "--jsonl-field", "input", "-f", "jsonl", input=first.stdout)
    stage1 = [json.loads(x) for x in first.stdout.splitlines()]
    stage2 = [json.loads(x) for x in again.stdout.splitlines()]
    assert len(stage2) == len(LINES)
    # Every field of the first stage's RESULT rides along to the next stage untouched.
    assert [r["passthrough"]["verdict"] for r in stage2] == [r["verdict"] for r in stage1]
    assert stage2[2]["passthrough"]["findings"] == stage1[2]["findings"]


def test_a_live_pipe_gets_every_result_before_input_ends() -> None:
    """The automatic pool reads ahead, so it is used for regular files only, not for live streams."""
    import os
    import selectors
    import subprocess
    import sys
    import threading
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    proc = subprocess.Popen([sys.executable, "-m", "kzscam", "check-text", "--lines", "-f", "jsonl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert proc.stdin is not None and proc.stdout is not None
    data = ("\n".join(LINES * 500) + "\n").encode()  # 2,500 lines; stdin stays open afterwards

    def feed() -> None:  # from a thread: the results pipe must be drained while we write
        assert proc.stdin is not None
        proc.stdin.write(data)
        proc.stdin.flush()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        received, deadline = b"", time.monotonic() + 60
        while received.count(b"\n") < 2500 and time.monotonic() < deadline:
            if selector.select(timeout=1):
                chunk = os.read(proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    break
                received += chunk
        assert received.count(b"\n") == 2500
    finally:
        writer.join(timeout=60)
        proc.stdin.close()
        proc.wait(timeout=60)
