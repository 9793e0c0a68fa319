"""Ordered parallel map for big batches: results in input order, bounded memory, optional progress.

Analysts pipe millions of messages through kzscam (`check-text --lines --jobs N`, large chat
exports), so the batch layer must never read its whole input first: it pulls `chunk` items at a
time, keeps at most ``2 * jobs`` chunks in flight and yields results as soon as the oldest chunk is
done. With ``jobs == 1`` it is a plain loop (no processes, no pickling). A progress bar is drawn
on stderr only when stderr is a terminal, so pipelines never see it.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_REFRESH_SECONDS = 0.1


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


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group; only the parent should react (and stop the pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(fn: Callable[[T], R], chunk: list[T]) -> tuple[list[R], Exception | None]:
    # Return the results before a failure too, so the caller sees exactly what a loop would.
    results: list[R] = []
    try:
        for item in chunk:
            results.append(fn(item))
    except Exception as exc:
        return results, exc
    return results, None


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


def _parallel(fn: Callable[[T], R], items: Iterator[T], jobs: int, chunk: int,
              bar: _Bar | None) -> Iterator[R]:
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
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context(),
                               initializer=_ignore_sigint)
    pending: deque[Future[tuple[list[R], Exception | None]]] = deque(
        [pool.submit(_run_chunk, fn, first)])
    exhausted = False

    def refill() -> None:
        nonlocal exhausted
        while not exhausted and len(pending) < 2 * jobs:
            batch = list(islice(items, chunk))
            if not batch:
                exhausted = True
                return
            pending.append(pool.submit(_run_chunk, fn, batch))

    try:
        refill()
        while pending:
            results, error = pending.popleft().result()
            if error is None:
                refill()  # keep the workers busy while the caller consumes this chunk
            if bar is not None:
                bar.advance(len(results))
            yield from results
            if error is not None:
                raise error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int, *, chunk: int = 256,
                progress: bool | None = None, total: int | None = None,
                label: str = "") -> Iterator[R]:
    """Yield ``fn(item)`` for every item, in input order, using `jobs` worker processes.

    Memory stays constant on unbounded input: at most ``(2 * jobs + 1) * chunk`` items and
    results exist at once. For ``jobs > 1`` `fn` must be a picklable top-level function (or a
    ``functools.partial`` of one) and should catch its own errors and return an error result:
    an exception raised by `fn` ends the iteration there. ``jobs <= 0`` uses every CPU core.
    `progress` forces the stderr progress bar on or off (default: only on a terminal);
    `total` and `label` decorate it.
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
            yield from _parallel(fn, stream, jobs, chunk, bar)
    finally:
        if bar is not None:
            bar.close()
