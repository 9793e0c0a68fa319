"""check-url end to end: arguments and stdin, formats, verdicts, exit codes, bad input."""

from __future__ import annotations

import json

from conftest import run_cli

from kzscam.exitcodes import ExitCode


def test_real_site_is_safe_and_exits_0() -> None:
    proc = run_cli("check-url", "https://kaspi.kz/shop")
    assert proc.returncode == ExitCode.OK
    assert "[SAFE]" in proc.stdout and proc.stderr == ""


def test_fake_site_is_dangerous_with_the_letter_spelled_out() -> None:
    proc = run_cli("check-url", "--lang", "ru", "https://kаspi.kz/login")
    assert proc.returncode == ExitCode.FLAGGED
    assert "[ОПАСНО]" in proc.stdout
    assert "k<U+0430>spi.kz" in proc.stdout and "1477" in proc.stdout


def test_json_contract_and_details() -> None:
    proc = run_cli("check-url", "--format", "json", "kaspi-bonus.kz/gift", "https://olx.ua")
    doc = json.loads(proc.stdout)
    first, second = doc["results"]
    assert first["verdict"] == "suspicious" and first["imitates"] == "Kaspi"
    assert first["real_domain"] == "kaspi.kz" and first["registrable_domain"] == "kaspi-bonus.kz"
    assert first["findings"][0]["rule_id"] == "URL-BRAND-003"
    assert second["verdict"] == "safe" and second["owner"] == "OLX"
    assert proc.returncode == ExitCode.FLAGGED


def test_stdin_one_link_per_line_streamed_in_order() -> None:
    proc = run_cli("check-url", "-f", "jsonl", input="https://kaspi.kz\n\nbit.ly/x\nhttp://0x7f.1/\n")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["brand", "shortener", "ip"]
    assert [r["verdict"] for r in rows] == ["safe", "caution", "suspicious"]


def test_dash_reads_stdin_after_the_arguments() -> None:
    proc = run_cli("check-url", "-f", "jsonl", "https://kaspi.kz", "-", input="kaspi.com\n")
    assert [json.loads(x)["input"] for x in proc.stdout.splitlines()] == ["https://kaspi.kz",
                                                                          "kaspi.com"]


def test_bad_input_is_one_line_error_exit_3_and_the_rest_is_checked() -> None:
    proc = run_cli("check-url", "-f", "jsonl", "hello", "", "kaspi-bonus.kz")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["error"] is not None for r in rows] == [True, True, False]
    assert rows[2]["verdict"] == "suspicious"
    assert proc.returncode == ExitCode.INPUT_ERROR
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 2 and "no dot" in errors[0] and "Traceback" not in proc.stderr


def test_binary_stdin_is_an_input_error() -> None:
    proc = run_cli("check-url", input=b"\x00\x01\x02binary\x00")
    assert proc.returncode == ExitCode.INPUT_ERROR and "Traceback" not in proc.stderr


def test_huge_link_is_checked_and_named_by_its_start() -> None:
    proc = run_cli("check-url", "-f", "json", "https://kaspi.kz.x.top/" + "a" * 100_000)
    result = json.loads(proc.stdout)["results"][0]
    assert result["imitates"] == "Kaspi" and len(result["input"]) < 400


def test_nul_bytes_are_a_finding_or_a_clear_error() -> None:
    proc = run_cli("check-url", "-f", "jsonl", "http://a\u200bb.kz")
    assert json.loads(proc.stdout)["findings"][0]["rule_id"] == "URL-TRICK-006"
    proc = run_cli("check-url", input="https://x.kz/" + "\x00" * 50_000)
    assert proc.returncode == ExitCode.INPUT_ERROR and "binary" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_input_on_a_terminal_is_a_usage_error() -> None:
    # run_cli gives an empty, non-terminal stdin: that is read and found empty (exit 3)
    proc = run_cli("check-url")
    assert proc.returncode == ExitCode.INPUT_ERROR and "empty input" in proc.stderr


def test_allowlist_from_config(tmp_path: object) -> None:
    from pathlib import Path

    cfg = Path(str(tmp_path)) / "config.toml"
    cfg.write_text('allow_domains = ["kaspi-bonus.kz"]\n', encoding="utf-8")
    proc = run_cli("check-url", "--config", str(cfg), "kaspi-bonus.kz")
    assert proc.returncode == ExitCode.OK and "[SAFE]" in proc.stdout


def test_fail_on_dangerous_lets_suspicious_links_pass() -> None:
    assert run_cli("check-url", "--fail-on", "dangerous", "kaspi-bonus.kz").returncode == 0
    assert run_cli("check-url", "--fail-on", "caution", "bit.ly/x").returncode == 1
