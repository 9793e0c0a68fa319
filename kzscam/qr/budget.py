"""How hard a scan tries and what it records: the options, the result, and the per-image clock
that keeps the retry ladder (kzscam.qr.ladder) within its time budget."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kzscam.qr.decoders import Symbol

DEFAULT_BUDGET_S = 4.0


@dataclass(frozen=True)
class ScanOptions:
    """How hard to try: the retry budget per image, and whether zbar may be used."""

    budget_s: float = DEFAULT_BUDGET_S
    use_zbar: bool = True
    retries: bool = True


@dataclass
class ScanResult:
    """The codes found in one image and which passes ran (for --verbose and the eval)."""

    symbols: list[Symbol] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)
    budget_exhausted: bool = False


class _Clock:
    """The per-image budget as a ceiling: a pass starts only when the longest pass so far would
    still end in time, so one image overruns the budget by a fraction of a pass at most."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.longest = 0.0
        self.exhausted = False

    def allows(self, share: float = 1.0) -> bool:
        if time.monotonic() + self.longest * share > self.deadline:
            self.exhausted = True
        return not self.exhausted

    def run(self, work: Callable[[], list[Symbol]]) -> list[Symbol]:
        started = time.monotonic()
        try:
            return work()
        finally:
            self.longest = max(self.longest, time.monotonic() - started)
