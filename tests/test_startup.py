"""Start-up: the garbage collector's pause and what a one-message run leaves unloaded.

The time itself is measured by `make bench` (docs/benchmarks.md), not here: a timed test on a
shared machine would fail for reasons of its own.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib

from conftest import ROOT


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={"KZSCAM_NO_CACHE": "1", "PATH": ""})
    return out.stdout.split()


def test_the_executable_is_the_one_that_pauses_the_collector() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["kzscam"] == "kzscam.__main__:run"


def test_the_collector_resumes_with_start_up_frozen_once_the_command_is_known() -> None:
    code = (
        "import gc, typer\n"
        "gc.disable()\n"
        "from kzscam import cli\n"
        "cli._gc_paused = True\n"
        "group = typer.main.get_command(cli.app)\n"
        "before = (gc.isenabled(), gc.get_freeze_count())\n"
        "group.get_command(None, 'check-text')\n"
        "print(*before, gc.isenabled(), gc.get_freeze_count() > 1000)\n"
    )
    assert _run(code) == ["False", "0", "True", "True"]


def test_without_the_pause_the_collector_is_left_alone() -> None:
    """In-process callers (`kzscam.cli.main`, tests) keep their own collector settings."""
    code = (
        "import gc, typer\n"
        "from kzscam import cli\n"
        "gc.disable()\n"
        "typer.main.get_command(cli.app).get_command(None, 'check-text')\n"
        "print(gc.isenabled(), gc.get_freeze_count())\n"
    )
    assert _run(code) == ["False", "0"]


def test_a_text_report_in_json_needs_no_details_module() -> None:
    """`kzscam.details` (labels for every command's fields) is for typed details only."""
    code = (
        "import io, sys\n"
        "from kzscam.api import check_text\n"
        "from kzscam.output.jsonout import render_json\n"
        "render_json([check_text('Назовите код из SMS', name='m')], 'check-text', io.StringIO())\n"
        "print('kzscam.details' in sys.modules)\n"
    )
    assert _run(code) == ["False"]
