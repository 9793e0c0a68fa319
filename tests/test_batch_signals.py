"""Parallel batches survive a dead worker and never leave workers behind.

A worker killed with SIGKILL (OOM killer, kill -9) must not end the batch with a traceback: its
unfinished chunks are checked again, a chunk lost twice becomes error results, and the output
stays complete. SIGTERM or SIGHUP to the parent stop the workers before it exits 128 + signum; a
parent killed outright takes its workers with it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from kzscam.batch import WorkerLost, ordered_map
from kzscam.exitcodes import ExitCode

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

LINES = ["Привет, мама! Буду дома в семь.", "Open http://kaspi-app.top/update.apk",
         "Здравствуйте, это служба поддержки WhatsApp. Продиктуйте код из SMS.",
         "Ертең сағат 10-да жиналыс болады", "Balance: 12 500 KZT, card *1405"]
N = 20_000
POLL = 0.02  # seconds between looks at /proc
POLLS = 1500  # bounded: at most ~30 s of looking


def _children(pid: int) -> list[int]:
    """Live (not zombie) child processes of `pid`, from /proc."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            kids.append(int(entry))
    return kids


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def _ignore_hup() -> None:
    """In the child: SIGHUP ignored, as `nohup kzscam ...` starts it."""
    _default_signals()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _default_signals() -> None:
    """In the child: SIGTERM and SIGHUP at their default action, as in a terminal. A test runner
    started under nohup (or in a background job) passes SIGHUP on ignored, and kzscam rightly keeps
    ignoring a signal its caller ignores (see test_an_ignored_sighup_stays_ignored)."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _start(tmp_path: Path, *, ignore_hup: bool = False) -> tuple[subprocess.Popen[bytes], Path, Path, Path]:
    src, out, err = tmp_path / "inbox.txt", tmp_path / "out.jsonl", tmp_path / "err.txt"
    src.write_text("".join(f"{LINES[i % 5]} #{i}\n" for i in range(N)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    env.update({"KZSCAM_CONFIG": os.devnull, "NO_COLOR": "1"})
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "kzscam", "check-text", "--lines", "--file",
                                 str(src), "-f", "jsonl", "--jobs", "2"], stdout=stdout,
                                stderr=stderr, cwd=ROOT, env=env,
                                preexec_fn=_ignore_hup if ignore_hup else _default_signals)
    return proc, src, out, err


def _wait_for_workers(proc: subprocess.Popen[bytes], out: Path | None = None) -> list[int]:
    """Poll until the parent has its workers (and, with `out`, some results are written)."""
    for _ in range(POLLS):
        kids = _children(proc.pid)
        if len(kids) >= 2 and (out is None or out.stat().st_size > 0):
            return kids
        assert proc.poll() is None, "kzscam finished before its workers could be seen"
        time.sleep(POLL)
    raise AssertionError("no worker processes appeared")


def _wait_gone(pids: list[int]) -> list[int]:
    for _ in range(POLLS):
        alive = [p for p in pids if _alive(p)]
        if not alive:
            return []
        time.sleep(POLL)
    return alive


def test_a_killed_worker_is_replaced_and_every_result_is_written(tmp_path: Path) -> None:
    proc, src, out, err = _start(tmp_path)
    try:
        kids = _wait_for_workers(proc, out)
        os.kill(kids[0], signal.SIGKILL)
        code = proc.wait(timeout=300)
    finally:
        proc.kill()
    stderr = err.read_text(encoding="utf-8")
    assert "Traceback" not in stderr
    assert stderr.splitlines() == [stderr.splitlines()[0]]
    assert "worker process ended unexpectedly" in stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["input"] for r in rows] == [f"{src}:{i}" for i in range(1, N + 1)]
    assert all(r["error"] is None for r in rows)
    assert code == ExitCode.FLAGGED  # everything was checked, and the batch has scams in it


def test_sigterm_stops_the_workers_and_exits_143(tmp_path: Path) -> None:
    proc, _src, _out, err = _start(tmp_path)
    try:
        kids = _wait_for_workers(proc)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        assert _wait_gone(kids) == []
    finally:
        proc.kill()
    assert code == ExitCode.TERMINATED == 143
    stderr = err.read_text(encoding="utf-8")
    assert stderr.splitlines() == ["kzscam: stopped by SIGTERM"]


def test_sighup_exits_129(tmp_path: Path) -> None:
    proc, _src, _out, err = _start(tmp_path)
    try:
        kids = _wait_for_workers(proc)
        proc.send_signal(signal.SIGHUP)
        assert proc.wait(timeout=60) == ExitCode.HANGUP == 129
        assert _wait_gone(kids) == []
    finally:
        proc.kill()
    assert "Traceback" not in err.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")


def test_workers_die_with_a_parent_killed_outright(tmp_path: Path) -> None:
    proc, _src, _out, _err = _start(tmp_path)
    try:
        kids = _wait_for_workers(proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert _wait_gone(kids) == []
    finally:
        proc.kill()


# ordered_map itself: a function that kills its own worker on one item is the worker that dies
# twice; its chunk is lost, the chunks caught in the same break are checked again.

def suicidal(x: int) -> int:
    """Top-level (picklable): the worker handling 700 dies as if the OOM killer struck."""
    if x == 700:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * 2


def test_a_chunk_lost_twice_becomes_error_results(capfd: pytest.CaptureFixture[str]) -> None:
    results = list(ordered_map(suicidal, range(2000), 2, chunk=50, progress=False,
                               on_lost=lambda x: -x, name_of=lambda x: f"item{x}"))
    assert results == [-x if 700 <= x < 750 else 2 * x for x in range(2000)]
    lines = capfd.readouterr().err.splitlines()
    # The first break retries every unfinished chunk; on its retry, the guilty chunk runs alone,
    # so only it is lost, named on one line.
    assert len(lines) == 2, lines
    assert lines[0].startswith("kzscam: a worker process ended unexpectedly; checking ")
    assert lines[1] == ("kzscam: 50 input(s) not checked, their worker process ended "
                        "unexpectedly 2 times: item700 to item749")


def test_without_on_lost_a_lost_chunk_raises_worker_lost() -> None:
    seen: list[int] = []
    with pytest.raises(WorkerLost, match="50 input"):
        for value in ordered_map(suicidal, range(2000), 2, chunk=50, progress=False):
            seen.append(value)
    assert seen == [2 * x for x in range(700)]  # everything before the lost chunk, in order


def _source() -> Iterator[int]:
    yield from range(3000)


def test_signal_handlers_are_restored_after_a_batch() -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    assert sum(ordered_map(abs, _source(), 2, chunk=100)) == sum(range(3000))
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


def test_an_ignored_sighup_stays_ignored(tmp_path: Path) -> None:
    """Under nohup the batch must outlive the terminal: kzscam takes over only signals still at
    their default action, so an ignored SIGHUP changes nothing and every result is written."""
    proc, src, out, err = _start(tmp_path, ignore_hup=True)
    try:
        _wait_for_workers(proc)
        proc.send_signal(signal.SIGHUP)
        code = proc.wait(timeout=300)
    finally:
        proc.kill()
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == N and json.loads(rows[-1])["input"] == f"{src}:{N}"
    assert code == ExitCode.FLAGGED
    assert "Traceback" not in err.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
