"""Ordered parallel map for big batches: results in input order, bounded memory, optional progress.

Analysts pipe millions of messages through kzscam (`check-text --lines --jobs N`, large chat
exports), so the batch layer must never read its whole input first: it pulls `chunk` items at a
time, keeps at most ``2 * jobs`` chunks in flight and yields results as soon as the oldest chunk is
done. With ``jobs == 1`` it is a plain loop (no processes, no pickling). A progress bar is drawn
on stderr only when stderr is a terminal, so pipelines never see it.

Workers are expendable, the batch is not: when a worker dies (kill -9, the OOM killer, a crash in
a C library) the unfinished chunks are checked again in a fresh pool, and a chunk lost twice
becomes error results for its items, so the output stays complete and well formed. Workers never
outlive the parent (they die with it), and SIGTERM/SIGHUP to the parent take the workers down
before it exits with 128 + the signal number, as Ctrl-C does with 130.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from types import FrameType
from typing import Any, Generic, Protocol, TypeVar

from kzscam.exitcodes import Terminated, WorkerLost
from kzscam.output.safe import say

__all__ = ["RETRIES", "WorkerLost", "ordered_map", "resolve_jobs", "want_progress"]

T = TypeVar("T")
R = TypeVar("R")

_REFRESH_SECONDS = 0.1
# How often a chunk whose worker died is tried again in a fresh pool before its items are lost.
RETRIES = 1
# How long terminated workers get to exit before they are killed.
_STOP_SECONDS = 2.0
_WATCH_SECONDS = 1.0


class _Stream(Protocol):
    def isatty(self) -> bool: ...  # pragma: no cover - protocol


def resolve_jobs(jobs: int) -> int:
    """``jobs <= 0`` means one worker per CPU core; anything else is taken as given."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def _isatty(stream: _Stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or fake streams
        return False


def want_progress(err: _Stream | None = None, out: _Stream | None = None) -> bool:
    """Draw a bar only when a person watches stderr and the results go elsewhere.

    Never in pipelines (stderr not a terminal) and never when the reports themselves scroll on
    the same terminal (stdout a terminal): there they are the progress, and a redrawn bar would
    overwrite them.
    """
    err = sys.stderr if err is None else err
    out = sys.stdout if out is None else out
    return _isatty(err) and not _isatty(out) and os.environ.get("TERM") != "dumb"


class _Bar:
    """A rich progress bar refreshed by hand (no refresh thread, so forking workers stays safe)."""

    def __init__(self, label: str, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns.append(BarColumn())
        columns += [MofNCompleteColumn(), TimeElapsedColumn()]
        self._progress = Progress(*columns, console=Console(stderr=True), auto_refresh=False,
                                  transient=True, redirect_stdout=False,
                                  redirect_stderr=False)
        from rich.markup import escape

        # The label may carry a file name: printable characters only, and never rich markup.
        safe = "".join(ch for ch in label if ch.isprintable())
        self._task = self._progress.add_task(escape(safe or "checking"), total=total)
        self._last = 0.0
        self._progress.start()

    def advance(self, n: int) -> None:
        self._progress.advance(self._task, n)
        now = time.monotonic()
        if now - self._last >= _REFRESH_SECONDS:
            self._last = now
            self._progress.refresh()

    def close(self) -> None:
        self._progress.stop()


def _worker_init(parent: int) -> None:
    """Runs first in every worker: leave Ctrl-C to the parent, and never outlive the parent.

    Ctrl-C reaches the whole process group; only the parent should react (and stop the pool).
    A worker whose parent was killed (kill -9, OOM) would otherwise keep computing for nobody.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # a forked worker must not inherit the parent's handlers
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    linked = sys.platform.startswith("linux") and _die_with_parent_linux()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    if not linked and os.name == "posix":
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                         name="kzscam-parent-watch").start()


def _die_with_parent_linux() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGKILL): the kernel kills this worker when its parent dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)) == 0  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    """Other platforms: a worker re-parented to init (or a subreaper) has lost its parent."""
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


class _EndOnSignals:
    """While workers run, SIGTERM and SIGHUP end the batch the way Ctrl-C does.

    Their default action kills the parent at once and leaves the workers running. Here the
    handler raises `Terminated` (a SystemExit with code 128 + signum) in the main thread, so the
    pool's cleanup terminates the workers first. Only signals still at their default action are
    taken over (an application embedding kzscam keeps its own handlers), and only in the main
    thread, where Python delivers signals.
    """

    def __init__(self) -> None:
        self._saved: dict[int, Any] = {}

    def __enter__(self) -> _EndOnSignals:
        if threading.current_thread() is not threading.main_thread():
            return self
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
                self._saved[signum] = signal.signal(signum, self._raise)
        return self

    def _raise(self, signum: int, frame: FrameType | None) -> None:
        for other in self._saved:  # do not interrupt the cleanup that follows
            signal.signal(other, signal.SIG_IGN)
        raise Terminated(signum)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        self._saved.clear()


def _run_chunk(fn: Callable[[T], R], chunk: list[T]) -> tuple[list[R], Exception | None]:
    # Return the results before a failure too, so the caller sees exactly what a loop would.
    results: list[R] = []
    try:
        for item in chunk:
            results.append(fn(item))
    except Exception as exc:
        return results, exc
    return results, None


def _run_chunk_to_file(fn: Callable[[T], R], chunk: list[T], spool: str) -> str:
    """`_run_chunk` whose results travel through a file in `spool`; only its name goes back.

    A worker killed (OOM killer, kill -9) while writing a large result into the pool's result pipe
    leaves half a message there, and the executor's manager thread then waits forever for the rest:
    the whole batch hangs. A message shorter than PIPE_BUF is written in one atomic write, so the
    pipe only ever holds whole messages; a worker that dies while writing its file never sends the
    name, and the pool sees the death as it sees any other.
    """
    outcome = _run_chunk(fn, chunk)
    fd, path = tempfile.mkstemp(dir=spool, suffix=".pickle")
    with os.fdopen(fd, "wb") as out:
        pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


_SPOOL_PREFIX = "kzscam-batch-"


def _sweep_spools() -> None:
    """Remove spool directories left by a kzscam killed outright (kill -9 skips every cleanup):
    those whose process (the pid in the name) no longer exists. Another user's are not ours to
    touch, and a live process keeps its own."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    with contextlib.suppress(OSError):
        for entry in os.scandir(tempfile.gettempdir()):
            if not entry.name.startswith(_SPOOL_PREFIX) or not entry.is_dir(follow_symlinks=False):
                continue
            pid = entry.name[len(_SPOOL_PREFIX):].split("-", 1)[0]
            if not pid.isdigit() or (uid is not None
                                     and entry.stat(follow_symlinks=False).st_uid != uid):
                continue
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                shutil.rmtree(entry.path, ignore_errors=True)
            except OSError:
                continue


def _read_spooled(path: str) -> tuple[list[Any], Exception | None]:
    """The results a worker left in the parent's private spool directory (read once, removed)."""
    try:
        with open(path, "rb") as spooled:
            outcome: tuple[list[Any], Exception | None] = pickle.load(spooled)  # our own workers
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return outcome


def _pool_context() -> Any:
    import multiprocessing

    # fork shares the parent's already-compiled rules with every worker at no cost; elsewhere
    # (macOS, Windows) fork is unsafe or missing and the platform default (spawn) is used.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _serial(fn: Callable[[T], R], items: Iterator[T], bar: _Bar | None) -> Iterator[R]:
    for item in items:
        result = fn(item)
        if bar is not None:
            bar.advance(1)
        yield result


class _Chunk(Generic[T]):
    """Items sent to a worker together, with the future for their results and how often tried."""

    __slots__ = ("future", "items", "lost", "tries")

    def __init__(self, items: list[T]) -> None:
        self.items = items
        self.future: Future[str] | None = None  # the name of the file with the results
        self.tries = 0
        self.lost = False


def _stop(pool: ProcessPoolExecutor | None, graceful: bool) -> None:
    """Shut the pool down; unless every chunk is done, terminate the workers rather than wait."""
    if pool is None:
        return
    if graceful:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + _STOP_SECONDS
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(_STOP_SECONDS)


def _span(items: list[T], label: Callable[[T], str] | None) -> str:
    if label is None:
        return ""
    first, last = label(items[0]), label(items[-1])
    return f": {first}" if len(items) == 1 else f": {first} to {last}"


def _parallel(fn: Callable[[T], R], items: Iterator[T], jobs: int, chunk: int,
              bar: _Bar | None, on_lost: Callable[[T], R] | None,
              label: Callable[[T], str] | None) -> Iterator[R]:
    first = list(islice(items, chunk))
    if len(first) < chunk:
        # The whole input fits in one chunk: starting processes would only cost time.
        yield from _serial(fn, iter(first), bar)
        return
    try:
        pickle.dumps(fn)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise TypeError(f"ordered_map: fn must be a picklable top-level function when "
                        f"jobs > 1 ({exc})") from None
    parent = os.getpid()
    _sweep_spools()
    spool = tempfile.mkdtemp(prefix=f"{_SPOOL_PREFIX}{parent}-")  # 0700: only this user reads it
    pool: ProcessPoolExecutor | None = None
    pending: deque[_Chunk[T]] = deque([_Chunk(first)])
    exhausted = finished = False

    def start_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context(),
                                   initializer=_worker_init, initargs=(parent,))

    def submit(entry: _Chunk[T]) -> None:
        assert pool is not None
        entry.future = pool.submit(_run_chunk_to_file, fn, entry.items, spool)  # broken: restart

    def dispatch() -> None:
        """Send waiting chunks to the pool in order and read more input when none wait.

        A chunk on its retry runs alone: if the pool breaks again, it broke it (or was hit by the
        same outside cause twice), and no innocent chunk is blamed along with it.
        """
        nonlocal exhausted
        running = [e for e in pending if e.future is not None and not e.future.done()]
        if any(e.tries for e in running):
            return
        waiting = [e for e in pending if e.future is None and not e.lost]
        for entry in waiting:
            if entry.tries:
                if not running:
                    submit(entry)
                return
            submit(entry)
            running.append(entry)
        while not exhausted and len(pending) < 2 * jobs:
            batch = list(islice(items, chunk))
            if not batch:
                exhausted = True
                return
            pending.append(_Chunk(batch))
            submit(pending[-1])

    def restart() -> None:
        """The pool broke: unfinished chunks wait for a fresh pool, or are lost if retried."""
        nonlocal pool
        _stop(pool, graceful=False)
        pool = None
        retried = 0
        lost: list[T] = []
        for entry in pending:
            future = entry.future
            if entry.lost or future is None:  # already given up, or never reached a worker
                continue
            if future.done() and not future.cancelled() and future.exception() is None:
                continue  # finished before the pool broke: its results are good
            entry.future = None
            if entry.tries >= RETRIES:
                entry.lost = True
                lost.extend(entry.items)
            else:
                entry.tries += 1
                retried += len(entry.items)
        if lost:
            say(f"{len(lost)} input(s) not checked, their worker process ended unexpectedly "
                    f"{RETRIES + 1} times{_span(lost, label)}")
        if retried:
            say(f"a worker process ended unexpectedly; checking {retried} unfinished "
                    "input(s) again in new worker processes")
        pool = start_pool()

    with _EndOnSignals():
        try:
            pool = start_pool()
            while pending:
                try:
                    dispatch()
                    entry = pending[0]
                    if not entry.lost:
                        if entry.future is None:  # cannot happen: dispatch sends the oldest first
                            raise BrokenProcessPool("chunk not sent")
                        results, error = _read_spooled(entry.future.result())
                except BrokenProcessPool:
                    restart()
                    continue
                pending.popleft()
                if entry.lost:
                    if on_lost is None:
                        raise WorkerLost(f"{len(entry.items)} input(s) not checked: their worker "
                                         f"process ended unexpectedly{_span(entry.items, label)}")
                    results, error = [on_lost(item) for item in entry.items], None
                elif error is None:
                    # Keep the workers busy while the caller consumes this chunk; a broken pool is
                    # seen, and handled, when the next chunk's result is awaited.
                    with contextlib.suppress(BrokenProcessPool):
                        dispatch()
                if bar is not None:
                    bar.advance(len(results))
                yield from results
                if error is not None:
                    raise error
            finished = True
        finally:
            _stop(pool, graceful=finished)
            shutil.rmtree(spool, ignore_errors=True)


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int, *, chunk: int = 256,
                progress: bool | None = None, total: int | None = None,
                label: str = "", on_lost: Callable[[T], R] | None = None,
                name_of: Callable[[T], str] | None = None) -> Iterator[R]:
    """Yield ``fn(item)`` for every item, in input order, using `jobs` worker processes.

    Memory stays constant on unbounded input: at most ``(2 * jobs + 1) * chunk`` items and
    results exist at once. For ``jobs > 1`` `fn` must be a picklable top-level function (or a
    ``functools.partial`` of one) and should catch its own errors and return an error result:
    an exception raised by `fn` ends the iteration there. ``jobs <= 0`` uses every CPU core.
    `progress` forces the stderr progress bar on or off (default: only on a terminal);
    `total` and `label` decorate it.

    A chunk whose worker process died is checked again once in a fresh pool (one line on stderr
    says so). If it is lost again, `on_lost(item)` gives each of its items an error result and
    one stderr line names them (by `name_of`); without `on_lost`, `WorkerLost` is raised there.
    """
    if chunk < 1:
        raise ValueError("ordered_map: chunk must be at least 1")
    jobs = resolve_jobs(jobs)
    show = want_progress() if progress is None else progress
    bar = _Bar(label, total) if show else None
    stream = iter(items)
    try:
        if jobs == 1:
            yield from _serial(fn, stream, bar)
        else:
            yield from _parallel(fn, stream, jobs, chunk, bar, on_lost, name_of)
    finally:
        if bar is not None:
            bar.close()
