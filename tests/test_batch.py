"""ordered_map: input order, laziness on unbounded input, error propagation, progress policy."""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import cast

import pytest

from kzscam.batch import ordered_map, resolve_jobs, want_progress


def square(x: int) -> int:
    return x * x


def pid_of(_: int) -> int:
    return os.getpid()


def fail_on_seven(x: int) -> int:
    if x == 7:
        raise ValueError("seven")
    return x


def scaled(x: int, factor: int) -> int:
    return x * factor


class Tty:
    """A stream that claims to be a terminal (or not)."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("n", [0, 1, 5, 1000])
def test_results_keep_input_order(jobs: int, n: int) -> None:
    items = (i for i in range(n))  # a generator: no len(), read once
    assert list(ordered_map(square, items, jobs, chunk=16)) == [i * i for i in range(n)]


def test_parallel_really_uses_other_processes() -> None:
    pids = set(ordered_map(pid_of, range(2000), 2, chunk=50))
    assert pids - {os.getpid()}, "jobs=2 must run fn in worker processes"


def test_single_job_runs_in_process() -> None:
    assert set(ordered_map(pid_of, range(300), 1)) == {os.getpid()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_unbounded_input_is_read_lazily(jobs: int) -> None:
    pulled = 0

    def source() -> Iterator[int]:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield i

    chunk = 32
    results = ordered_map(square, source(), jobs, chunk=chunk)
    first = list(itertools.islice(results, 500))
    results.close()  # type: ignore[attr-defined]
    assert first == [i * i for i in range(500)]
    # Never more than the consumed items plus the in-flight window (2 * jobs chunks + 1).
    assert pulled <= 500 + (2 * jobs + 1) * chunk + 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_error_in_fn_reaches_the_caller_after_earlier_results(jobs: int) -> None:
    got: list[int] = []
    with pytest.raises(ValueError, match="seven"):
        for r in ordered_map(fail_on_seven, range(600), jobs, chunk=4):
            got.append(r)
    assert got == list(range(7))


def test_partial_of_a_top_level_function_is_accepted() -> None:
    fn = functools.partial(scaled, factor=3)
    assert list(ordered_map(fn, range(600), 2, chunk=64))[:4] == [0, 3, 6, 9]


def test_unpicklable_fn_gets_a_clear_error() -> None:
    with pytest.raises(TypeError, match="picklable top-level function"):
        list(ordered_map(lambda x: x, range(600), 2, chunk=8))


def test_tiny_input_with_many_jobs_stays_in_process() -> None:
    # A lambda would fail to pickle: proves no pool was started for a single chunk.
    assert list(ordered_map(lambda x: x + 1, [1, 2, 3], 4)) == [2, 3, 4]


def test_bad_chunk_is_rejected() -> None:
    with pytest.raises(ValueError, match="chunk"):
        list(ordered_map(square, [1], 1, chunk=0))


def test_jobs_zero_means_all_cores() -> None:
    assert resolve_jobs(0) == (os.cpu_count() or 1)
    assert resolve_jobs(3) == 3


def test_progress_only_on_a_terminal_with_results_elsewhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    assert want_progress(Tty(True), Tty(False)) is True
    assert want_progress(Tty(False), Tty(False)) is False  # pipeline
    assert want_progress(Tty(True), Tty(True)) is False  # reports scroll on the same terminal
    monkeypatch.setenv("TERM", "dumb")
    assert want_progress(Tty(True), Tty(False)) is False


def test_no_progress_output_in_pipelines(capfd: pytest.CaptureFixture[str]) -> None:
    assert sum(ordered_map(square, range(100), 1)) == sum(i * i for i in range(100))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_forced_progress_bar_writes_to_stderr_only(capfd: pytest.CaptureFixture[str]) -> None:
    label = "[bold]evil\x1b[31m.txt"  # markup and escapes in a file name must not break it
    assert list(ordered_map(square, range(10), 1, progress=True, total=10, label=label)) == [
        i * i for i in range(10)]
    out, _ = capfd.readouterr()
    assert out == ""


def big_result(x: int) -> str:
    return f"{x}:" + "x" * 2000


def test_large_results_come_back_through_a_private_spool_that_is_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 64 results of 2 KB (far over a pipe's atomic write) come back whole and in order;
    the worker sends back only a file name, and the spool directory is gone afterwards, also when
    the caller stops early."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    out = list(ordered_map(big_result, range(1000), 2, chunk=64))
    assert out == [big_result(i) for i in range(1000)]
    stream = cast(Generator[str, None, None], ordered_map(big_result, range(1000), 2, chunk=64))
    assert next(stream) == big_result(0)
    stream.close()  # the caller stops early: workers stop, unread results are removed
    assert list(tmp_path.iterdir()) == []


def test_the_message_through_the_pipe_is_small_and_atomic(tmp_path: Path) -> None:
    """What a worker sends through the pool's pipe is a file name, far below PIPE_BUF (4096 on
    Linux): a worker killed mid-send cannot leave half a message that would hang the batch."""
    import pickle
    import select

    from kzscam.batch import _read_spooled, _run_chunk_to_file

    path = _run_chunk_to_file(big_result, list(range(256)), str(tmp_path))
    assert len(pickle.dumps(path)) < 512 < select.PIPE_BUF
    results, error = _read_spooled(path)
    assert results == [big_result(i) for i in range(256)] and error is None
    assert not os.path.exists(path)


def test_spools_of_a_kzscam_killed_outright_are_swept(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """kill -9 skips every cleanup and leaves the spool directory behind; the next parallel batch
    removes those whose process is gone and keeps a live process's own (and anything else)."""
    import subprocess
    import sys
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    dead_pid = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_pid.wait()
    dead = tmp_path / f"kzscam-batch-{dead_pid.pid}-abc"
    live = tmp_path / f"kzscam-batch-{os.getpid()}-def"
    other = tmp_path / "kzscam-batch-notes"
    for d in (dead, live, other):
        d.mkdir()
    (dead / "x.pickle").write_bytes(b"left over")
    assert list(ordered_map(square, range(100), 2, chunk=10)) == [i * i for i in range(100)]
    assert not dead.exists() and live.exists() and other.exists()
