"""Standard streams closed by the caller: `kzscam ... >&-` and `kzscam ... 2>&-`.

A closed stdout means the report cannot be written: exit 120 with one line on stderr. A closed
stderr only loses the diagnostics: the run is otherwise the same, with the same exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from kzscam.exitcodes import ExitCode

SCAM = "Назовите код из SMS, это служба безопасности банка"


def _sh(command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `kzscam` (as `python -m kzscam`) inside a shell command line with redirections."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    env.update({"KZSCAM_CONFIG": os.devnull, "NO_COLOR": "1", "KZ": f"{sys.executable} -m kzscam",
                "TMP": str(tmp_path)})
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def test_closed_stdout_is_an_output_error_with_one_line(tmp_path: Path) -> None:
    proc = _sh(f'$KZ check-text "{SCAM}" >&-', tmp_path)
    assert proc.returncode == ExitCode.OUTPUT_ERROR == 120
    assert proc.stderr.splitlines() == ["kzscam: cannot write the report: standard output is closed"]


def test_closed_stdout_and_stderr_still_exit_120(tmp_path: Path) -> None:
    proc = _sh(f'$KZ check-text "{SCAM}" >&- 2>&-; echo "code=$?" >&2', tmp_path)
    assert proc.stderr.strip() == "code=120"


def test_stdout_open_for_reading_only_is_an_output_error(tmp_path: Path) -> None:
    proc = _sh(f'$KZ check-text -f json "{SCAM}" 1</dev/null', tmp_path)
    assert proc.returncode == ExitCode.OUTPUT_ERROR
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr


def test_closed_stderr_runs_normally_and_drops_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(SCAM, encoding="utf-8")
    flagged = _sh(f'$KZ check-text -f jsonl "{SCAM}" 2>&-', tmp_path)
    assert flagged.returncode == ExitCode.FLAGGED and '"verdict":"' in flagged.stdout
    safe = _sh('$KZ check-text -f jsonl "Буду дома в семь" 2>&-', tmp_path)
    assert safe.returncode == ExitCode.OK
    # An input error would print a line on stderr: it is dropped, the exit code still says so.
    missing = _sh('$KZ check-text -f jsonl --file "$TMP/missing.txt" --file "$TMP/ok.txt" 2>&-',
                  tmp_path)
    assert missing.returncode == ExitCode.INPUT_ERROR
    assert len(missing.stdout.splitlines()) == 2
    usage = _sh("$KZ check-text --no-such-option 2>&-", tmp_path)
    assert usage.returncode == ExitCode.USAGE


def test_closed_stderr_with_a_parallel_batch(tmp_path: Path) -> None:
    src = tmp_path / "inbox.txt"
    src.write_text("".join(f"{SCAM} {i}\n" for i in range(600)), encoding="utf-8")
    proc = _sh(f'$KZ check-text --lines -f jsonl --jobs 2 --file "{src}" 2>&-', tmp_path)
    assert proc.returncode == ExitCode.FLAGGED and len(proc.stdout.splitlines()) == 600


def test_closed_stdin_with_no_arguments_is_a_usage_error(tmp_path: Path) -> None:
    proc = _sh("$KZ check-text <&-", tmp_path)
    assert proc.returncode == ExitCode.USAGE and "Traceback" not in proc.stderr


def test_pass_fds_closed_stdout_via_subprocess() -> None:
    """The same without a shell: the child starts with descriptor 1 closed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    env["KZSCAM_CONFIG"] = os.devnull
    read_end, write_end = os.pipe()
    code = ("import os, runpy, sys; os.close(1); sys.argv = ['kzscam', 'check-text', 'hello'];"
            "runpy.run_module('kzscam', run_name='__main__')")
    try:
        proc = subprocess.run([sys.executable, "-c", code], stderr=write_end, cwd=ROOT, env=env,
                              timeout=120, pass_fds=(write_end,))
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as err:
        stderr = err.read().decode()
    # Closed after start-up, sys.stdout exists but cannot write: still exit 120, one line.
    assert proc.returncode == ExitCode.OUTPUT_ERROR
    assert len(stderr.splitlines()) == 1 and "Traceback" not in stderr
