"""check-text end to end, as a user and a pipeline see it: exit codes, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from kzscam.exitcodes import ExitCode

APK = "Срочно скачайте обновление: http://kaspi-app.top/update.apk"


def test_safe_message_exits_0_and_says_so() -> None:
    proc = run_cli("check-text", "Привет, мама! Буду дома в семь.")
    assert proc.returncode == ExitCode.OK
    assert "[БЕЗОПАСНО]" in proc.stdout  # a Russian message, no language chosen: a Russian report
    assert proc.stderr == ""


def test_flagged_message_exits_1_with_evidence_and_advice() -> None:
    proc = run_cli("check-text", "--lang", "ru", APK)
    assert proc.returncode == ExitCode.FLAGGED
    assert "http://kaspi-app.top/update.apk" in proc.stdout
    assert "Что делать" in proc.stdout and "1477" in proc.stdout


def test_fail_on_threshold_matches_the_verdict() -> None:
    order = ["safe", "caution", "suspicious", "dangerous"]
    for text in ("Ваш к\u200bод", "Open http://x.top/a.apk", "Привет, как дела?"):
        verdict = json.loads(run_cli("check-text", "-f", "json", text).stdout)["results"][0]["verdict"]
        for threshold in ("caution", "suspicious", "dangerous"):
            code = run_cli("check-text", "--fail-on", threshold, text).returncode
            expected = 1 if order.index(verdict) >= order.index(threshold) else 0
            assert code == expected, (text, verdict, threshold)


def test_json_contract() -> None:
    proc = run_cli("check-text", "--format", "json", APK, "ok")
    doc = json.loads(proc.stdout)
    assert doc["command"] == "check-text"
    first, second = doc["results"]
    assert {"input", "verdict", "score", "findings", "urls", "phones", "error"} <= set(first)
    f = first["findings"][0]
    assert {"rule_id", "severity", "title", "advice", "evidence"} <= set(f)
    ev = f["evidence"][0]
    assert APK[ev["start"]:ev["end"]] == ev["text"]
    assert second["verdict"] == "safe" and second["findings"] == []


def test_jsonl_lines_streamed_in_order(tmp_path: Path) -> None:
    src = tmp_path / "msgs.txt"
    src.write_text("first ok\n\nOpen http://x.top/a.apk\nthird ok\n", encoding="utf-8")
    proc = run_cli("check-text", "--lines", "--file", str(src), "--format", "jsonl")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["input"] for r in rows] == [f"{src}:1", f"{src}:3", f"{src}:4"]
    assert [r["verdict"] for r in rows][::2] == ["safe", "safe"]
    assert rows[1]["verdict"] in ("suspicious", "dangerous")
    assert proc.returncode == 1


def test_stdin_lines() -> None:
    proc = run_cli("check-text", "--lines", "-f", "jsonl", input="a\nb\n")
    assert [json.loads(x)["input"] for x in proc.stdout.splitlines()] == ["1", "2"]


def test_jsonl_field_passthrough_and_bad_lines() -> None:
    data = '{"id": 7, "text": "Open http://x.top/a.apk", "src": "sms"}\nnot json\n{"id": 8}\n'
    proc = run_cli("check-text", "--jsonl-field", "text", "-f", "jsonl", input=data)
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert rows[0]["input"] == "7" and rows[0]["passthrough"] == {"id": 7, "src": "sms"}
    assert rows[1]["error"].startswith("invalid JSON") and rows[2]["error"]
    assert proc.returncode == ExitCode.INPUT_ERROR


def test_bad_inputs_are_reported_and_the_rest_processed(tmp_path: Path) -> None:
    binary = tmp_path / "photo.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("Open http://x.top/a.apk", encoding="utf-8")
    proc = run_cli("check-text", "-f", "jsonl", "--file", str(binary), "--file", str(empty),
                   "--file", str(tmp_path / "missing.txt"), "--file", str(tmp_path),
                   "--file", str(good))
    rows = {r["input"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert rows[str(binary)]["error"] == "binary data, not text"
    assert rows[str(empty)]["error"] == "empty input"
    assert rows[str(tmp_path / "missing.txt")]["error"] == "no such file"
    assert "directory" in rows[str(tmp_path)]["error"]
    assert rows[str(good)]["verdict"] in ("suspicious", "dangerous")
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert len(proc.stderr.strip().splitlines()) == 4  # one line per bad input
    assert "Traceback" not in proc.stderr


def test_unreadable_file(tmp_path: Path) -> None:
    import os

    secret = tmp_path / "secret.txt"
    secret.write_text("hello", encoding="utf-8")
    secret.chmod(0)
    if os.access(secret, os.R_OK):  # root reads anything
        secret.chmod(0o644)
        return
    proc = run_cli("check-text", "--file", str(secret))
    assert proc.returncode == ExitCode.INPUT_ERROR and "permission denied" in proc.stderr


def test_encodings(tmp_path: Path) -> None:
    text = "Назовите код из SMS"
    for name, data in {
        "bom.txt": b"\xef\xbb\xbf" + text.encode(),
        "u16.txt": text.encode("utf-16"),
        "cp.txt": text.encode("cp1251"),
    }.items():
        (tmp_path / name).write_bytes(data)
        proc = run_cli("check-text", "-f", "json", "--file", str(tmp_path / name))
        assert proc.returncode in (0, 1), proc.stderr
    proc = run_cli("check-text", "--file", str(tmp_path / "cp.txt"))
    assert "cp1251" in proc.stderr


def test_markup_and_escapes_are_inert() -> None:
    evil = "[red]boom[/red] \x1b]8;;http://evil.top\x1b\\click\x1b]8;;\x1b\\ \x1b[2J http://x.top/a.apk"
    for fmt in ("plain", "rich"):
        proc = run_cli("check-text", "-f", fmt, evil)
        assert "\x1b" not in proc.stdout
        assert "[red]boom[/red]" in proc.stdout  # shown literally, not interpreted


def test_usage_errors_exit_2() -> None:
    assert run_cli("check-text", "--lang", "fr", "x").returncode == ExitCode.USAGE
    assert run_cli("check-text", "--fail-on", "never", "x").returncode == ExitCode.USAGE
    proc = run_cli("check-text", "--config", "/nonexistent/kz.toml", "x")
    assert proc.returncode == ExitCode.USAGE and "config file not found" in proc.stderr


def test_config_file_and_env(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    hidden = "Hello\u200b world"
    assert run_cli("check-text", "--fail-on", "caution", hidden).returncode == 1
    cfg.write_text('lang = "kk"\nfail_on = "caution"\ndisabled_rules = ["TXT-ENT-002"]\n',
                   encoding="utf-8")
    proc = run_cli("check-text", "--config", str(cfg), hidden)
    assert proc.returncode == 0 and "ҚАУІПСІЗ" in proc.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('langauge = "kk"\n', encoding="utf-8")
    proc = run_cli("check-text", "--config", str(bad), "x")
    assert proc.returncode == 2 and "unknown key" in proc.stderr
    proc = run_cli("check-text", "x", env={"KZSCAM_LANG": "ru"})
    assert "БЕЗОПАСНО" in proc.stdout


def test_user_rules_directory(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.toml").write_text(Path(__file__).with_name("data_user_rule.toml").read_text(
        encoding="utf-8"), encoding="utf-8")
    proc = run_cli("check-text", "-f", "json", "Покупайте слонов", env={
        "KZSCAM_RULES_DIR": str(rules)})
    assert json.loads(proc.stdout)["results"][0]["findings"][0]["rule_id"] == "TXT-USER-001"
    (rules / "broken.toml").write_text('[[rules]]\nid = "TXT-X-1"\nmatch = {regexx = []}\n',
                                       encoding="utf-8")
    proc = run_cli("check-text", "x", env={"KZSCAM_RULES_DIR": str(rules)})
    assert proc.returncode == 2 and "broken.toml" in proc.stderr


def test_no_input_is_a_usage_error_only_on_a_terminal() -> None:
    proc = run_cli("check-text", input=b"")
    assert proc.returncode == ExitCode.INPUT_ERROR and "empty input" in proc.stderr


def test_offline_no_socket_opened() -> None:
    code = (
        "import socket, sys\n"
        "def deny(*a, **k): raise SystemExit('socket opened')\n"
        "socket.socket.__init__ = deny\nsocket.create_connection = deny\nsocket.getaddrinfo = deny\n"
        "sys.argv = ['kzscam', 'check-text', 'Visit https://kaspi-bonus.kz/login and tell the code']\n"
        "from kzscam.cli import main\nmain()\n"
    )
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "socket opened" not in proc.stderr and proc.returncode in (0, 1), proc.stderr


def test_ctrl_c_exits_130() -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "KZSCAM_CONFIG": os.devnull}
    proc = subprocess.Popen([sys.executable, "-m", "kzscam", "check-text", "--lines", "-f", "jsonl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    assert proc.stdin is not None
    proc.stdin.write(b"first message\n")
    proc.stdin.flush()
    assert proc.stdout is not None
    proc.stdout.readline()  # the first result arrived: kzscam is running and waiting for more
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    time.sleep(0)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err


def test_broken_pipe_is_quiet() -> None:
    import subprocess
    import sys

    cmd = (f"yes 'Open http://x.top/a.apk' | head -50000 | {sys.executable} -m kzscam check-text "
           "--lines -f jsonl | head -1")
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr


def test_invisible_and_control_characters_do_not_hide_words() -> None:
    for hidden in ("\U000e0041", "\ufe0f", "\u2800", "\x07", "\x7f", "\u200b"):
        proc = run_cli("check-text", "-f", "json", f"Назовите ко{hidden}д из SMS")
        result = json.loads(proc.stdout)["results"][0]
        ids = {f["rule_id"] for f in result["findings"]}
        assert result["verdict"] in ("suspicious", "dangerous"), (repr(hidden), ids)
        assert "TXT-ENT-002" in ids


def test_one_bad_byte_keeps_utf8(tmp_path: Path) -> None:
    src = tmp_path / "msg.txt"
    src.write_bytes("Переведите деньги на безопасный счёт ".encode() + b"\xff")
    proc = run_cli("check-text", "-f", "json", "--file", str(src))
    result = json.loads(proc.stdout)["results"][0]
    quoted = [e["text"] for f in result["findings"] for e in f["evidence"]]
    assert any("безопасный" in q for q in quoted), quoted  # decoded as UTF-8, not cp1251 mojibake
    assert result["verdict"] in ("suspicious", "dangerous")
    assert "undecodable" in proc.stderr


def test_hostile_jsonl_lines_are_input_errors() -> None:
    deep = '{"text":"hi","x":' + "[" * 100_000 + "]" * 100_000 + "}"
    big = '{"text":"hi","n":' + "9" * 5000 + "}"
    data = "\n".join([deep, big, '{"text":"a","x":NaN}', '{"text":"\\ud800 hi"}', '{"text":"ok"}'])
    proc = run_cli("check-text", "--jsonl-field", "text", "-f", "jsonl", input=data + "\n")
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["error"] is not None for r in rows] == [True, True, True, False, False]
    assert proc.returncode == ExitCode.INPUT_ERROR and "Traceback" not in proc.stderr


def test_invalid_utf8_argument() -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "kzscam", "check-text", "-f", "jsonl",
                           b"\xff \xd0\xbd\xd0\xb0\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb8\xd1\x82\xd0\xb5 "
                           b"\xd0\xba\xd0\xbe\xd0\xb4"], capture_output=True, timeout=60)
    assert b"Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["verdict"] in ("suspicious", "dangerous")


def test_thousands_of_links_give_bounded_output(tmp_path: Path) -> None:
    src = tmp_path / "links.txt"
    src.write_text(" ".join(f"http://kаspi{i}.kz/login" for i in range(3000)), encoding="utf-8")
    proc = run_cli("check-text", "-f", "json", "--file", str(src))
    result = json.loads(proc.stdout)["results"][0]
    assert len(result["urls"]) == 3000
    assert len(result["findings"]) < 300


def test_unreadable_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess
    import sys

    import pytest

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as an unprivileged user")
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(dir="/tmp"))
    tmp_path.chmod(0o755)
    locked, ok = tmp_path / "locked.txt", tmp_path / "ok.txt"
    locked.write_text("назовите код", encoding="utf-8")
    ok.write_text("назовите код из SMS", encoding="utf-8")
    locked.chmod(0o600)
    ok.chmod(0o644)
    env = {**os.environ, "HOME": str(tmp_path), "KZSCAM_NO_CACHE": "1"}
    proc = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
         "kzscam", "check-text", "-f", "jsonl", "--file", str(locked), "--file", str(ok)],
        capture_output=True, text=True, timeout=60, env=env, cwd="/")
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert proc.returncode == ExitCode.INPUT_ERROR, proc.stderr
    assert rows[0]["error"] == "permission denied" and rows[1]["verdict"] != "safe"


def test_a_report_that_cannot_be_written_is_exit_120_with_one_line(tmp_path: Path) -> None:
    """Disk full or a file size limit: the pipeline must learn that its output is incomplete."""
    import resource
    import signal
    import subprocess
    import sys

    def no_file_space() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    for args in (["check-text", "--format", "json", "Назовите код из SMS"],
                 ["rules", "show", "TXT-CODE-001"]):
        with (tmp_path / "out.txt").open("wb") as out:
            proc = subprocess.run([sys.executable, "-m", "kzscam", *args], stdout=out,
                                  stderr=subprocess.PIPE, preexec_fn=no_file_space, check=False)
        assert proc.returncode == ExitCode.OUTPUT_ERROR == 120, args
        assert proc.stderr.decode().strip().splitlines() == [
            "kzscam: cannot write the report: File too large"]
