"""The command line as people and scripts meet it: help, choices, completion, JSONL in and out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, run_at_terminal, run_cli

from kzscam.exitcodes import ExitCode

SAMPLES = ROOT / "examples" / "messages.txt"


def test_jsonl_in_means_jsonl_out_when_piped(tmp_path: Path) -> None:
    """`--jsonl-field body < m.jsonl | jq` gets JSONL without `-f jsonl`; the extra fields pass."""
    texts = [t for t in SAMPLES.read_text(encoding="utf-8").splitlines() if t.strip()]
    data = "".join(json.dumps({"id": i, "body": t}, ensure_ascii=False) + "\n"
                   for i, t in enumerate(texts))
    proc = run_cli("check-text", "--jsonl-field", "body", input=data)
    assert proc.returncode == 1, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["passthrough"]["id"] for r in rows] == list(range(len(texts)))
    assert rows[6]["verdict"] == "dangerous"
    # An explicit format still wins.
    assert run_cli("check-text", "--jsonl-field", "body", "-f", "plain", input=data).stdout.startswith("[")


@pytest.mark.parametrize(("option", "choices"), [("--lang", "<kk|ru|en>"),
                                                 ("--fail-on", "<caution|suspicious|dangerous>")])
@pytest.mark.parametrize("command", ["check-text", "check-url", "scan-qr", "audit-host", "check-chat"])
def test_help_shows_the_choices(command: str, option: str, choices: str) -> None:
    out = run_cli(command, "--help", env={"COLUMNS": "120"}).stdout
    line = next(line for line in out.splitlines() if option in line)
    assert choices in line, line


def test_fail_on_safe_is_rejected() -> None:
    proc = run_cli("check-text", "--fail-on", "safe", "hello")
    assert proc.returncode == ExitCode.USAGE and proc.stdout == ""
    assert "'safe' is not one of 'caution', 'suspicious', 'dangerous'" in proc.stderr
    proc = run_cli("check-text", "hello", env={"KZSCAM_FAIL_ON": "safe"})
    assert proc.returncode == ExitCode.USAGE and "'safe' would flag every input" in proc.stderr
    # The choices stay case-insensitive, as before.
    assert run_cli("check-text", "--fail-on", "CAUTION", "--lang", "KK", "hello").returncode == 0


def test_root_help_has_examples_and_exit_codes() -> None:
    out = run_cli("--help", env={"COLUMNS": "100"}).stdout
    assert "Examples:" in out and "kzscam check-text --jsonl-field body" in out
    assert "Exit codes:" in out
    for code in ExitCode:
        if code not in (ExitCode.HANGUP, ExitCode.TERMINATED):
            assert f"\n    {int(code)} " in out, code
    assert "--install-completion" in out and "--show-completion" in out


def test_shell_completion_completes_commands_and_choices() -> None:
    env = {"_KZSCAM_COMPLETE": "complete_bash", "COMP_WORDS": "kzscam check-text --lang ", "COMP_CWORD": "3"}
    assert run_cli(env=env).stdout.split() == ["kk", "ru", "en"]
    env.update({"COMP_WORDS": "kzscam che", "COMP_CWORD": "1"})
    assert set(run_cli(env=env).stdout.split()) == {"check-text", "check-url", "check-chat"}
    # The script a user installs names the `kzscam` executable and the same variable.
    import os
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "kzscam"
    if not exe.exists():
        pytest.skip(f"{exe} not installed (the `kzscam` entry point comes with `pip install -e .`)")
    script = subprocess.run([str(exe), "--show-completion", "bash"], capture_output=True, text=True,
                            env={**os.environ, "SHELL": "/bin/bash"}, timeout=60)
    assert script.returncode == 0 and "_KZSCAM_COMPLETE=complete_bash" in script.stdout
    assert "complete -o default -F _kzscam_completion kzscam" in script.stdout


def test_file_text_has_no_newline_artefact(tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text("Мам, скинь 50 000 на эту карту\n", encoding="utf-8")
    for fmt in ("plain", "rich"):
        out = run_cli("check-text", "--file", str(path), "-f", fmt).stdout
        assert "⏎" not in out and "карту»" in out.replace("│", "") if fmt == "plain" else "⏎" not in out


def test_lines_says_how_many_blank_lines_it_skipped(tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text("привет\n\n\nМам, скинь 50 000 на эту карту\n  \n", encoding="utf-8")
    proc = run_cli("check-text", "--lines", "--file", str(path), "-f", "jsonl")
    assert len(proc.stdout.splitlines()) == 2
    assert f"kzscam: {path}: skipped 3 blank lines" in proc.stderr
    proc = run_cli("check-text", "--lines", "a\n\nb")
    assert "kzscam: arg1: skipped 1 blank line\n" in proc.stderr
    assert "blank" not in run_cli("check-text", "--lines", "--file", str(SAMPLES)).stderr


def test_readme_warns_about_the_remote_access_server_make_test_installs() -> None:
    """Every remote-access server `make sysdeps` installs is named in the README with what it
    means for `audit-host` on the developer's own machine."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    packages = next(line for line in makefile.splitlines() if line.startswith("SYSPKGS")).split()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    servers = [p for p in packages if p in ("x11vnc", "xrdp", "tigervnc-standalone-server")]
    assert servers
    for server in servers:
        assert f"kzscam audit-host --allow {server}" in readme and f"apt purge {server}" in readme


def _at_terminal(*args: str, env: dict[str, str]) -> str:
    """stdout and stderr on one pseudo-terminal, as a person runs kzscam; returns both."""
    return run_at_terminal(list(args), {"NO_COLOR": "1", **env}, stderr_too=True)


@pytest.mark.parametrize(("line", "lang", "said"), [(2, "kk", "Не істеу керек"), (8, "ru", "Что делать")])
def test_unchosen_language_follows_the_message(line: int, lang: str, said: str) -> None:
    """At a terminal, Kazakh or Russian text with no language chosen gets its report in that
    language and one line saying how to choose; a chosen language (flag, KZSCAM_LANG, a kk/ru
    locale) is kept and gets no line."""
    text = SAMPLES.read_text(encoding="utf-8").splitlines()[line]
    out = _at_terminal("check-text", text, text, env={"LANG": "en_US.UTF-8"})
    assert out.count("choose with --lang") == 1 and said in out, out
    for env in ({"KZSCAM_LANG": "en"}, {"LANG": f"{lang}_KZ.UTF-8"}):
        assert "--lang" not in _at_terminal("check-text", text, env=env)
    chosen = _at_terminal("check-text", "--lang", "en", text, env={})
    assert "--lang" not in chosen and said not in chosen
    english = "Hi Dana, the school trip is on Friday, please send the signed form by Thursday."
    assert "--lang" not in _at_terminal("check-text", english, env={})


def test_no_language_line_for_scripts() -> None:
    """Scripts (stderr not a terminal) and JSON consumers get a quiet stderr."""
    text = SAMPLES.read_text(encoding="utf-8").splitlines()[8]
    assert run_cli("check-text", text, env={"LANG": "en_US.UTF-8"}).stderr == ""
    assert "--lang" not in _at_terminal("check-text", "-f", "jsonl", text, env={})


def test_rules_show_prints_no_python_reprs() -> None:
    """`rules show` lists items, one a line; the JSON form keeps the structure."""
    out = run_cli("rules", "show", "TXT-CODE-001").stdout
    assert "['" not in out and "{'" not in out, out
    assert "tags:        code\n" in out and "languages:   kk, ru, en\n" in out
    data = json.loads(run_cli("rules", "show", "TXT-CODE-001", "--format", "json").stdout)
    for hit in data["examples"]["hit"]:
        assert f"    - {hit}\n" in out
    assert "  negation_window: 15\n" in out


def test_rules_show_has_no_repr_for_any_rule() -> None:
    """Every rule's text form, nested matchers (`near`, `all`) included, is free of Python
    reprs; the alternatives of a group stand on one line."""
    from kzscam.commands.rules import rule_data, show_lines
    from kzscam.config import load_config
    from kzscam.rules.loader import load_catalog

    catalog = load_catalog(load_config(None).rules_dir, ())
    assert len(catalog.rules) > 300
    for rule in catalog.rules:
        text = "\n".join(show_lines(rule_data(rule, "en")))
        for repr_mark in ("{'", "['", "'}", "']", '{"', '["'):
            assert repr_mark not in text, (rule.id, text)
    out = run_cli("rules", "show", "TXT-JOB-008").stdout
    assert "  near:\n    within: 50\n    groups:\n      - " in out and " | " in out, out


def test_platform_lists_its_choices() -> None:
    out = run_cli("audit-host", "--help", env={"COLUMNS": "120"}).stdout
    assert "--platform <linux|macos|windows>" in out and "<str>" not in out.split("--platform")[1][:40]
    env = {"_KZSCAM_COMPLETE": "complete_bash", "COMP_WORDS": "kzscam audit-host --root x --platform ",
           "COMP_CWORD": "5"}
    assert run_cli(env=env).stdout.split() == ["linux", "macos", "windows"]
