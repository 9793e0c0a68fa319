"""Growth benchmark: time of one text check on hostile messages of n, 2n, 4n and 8n characters.

Linear time means each doubling of the message about doubles the time; a loop that rereads the text
per match (quadratic) quadruples it. Each family repeats one hostile unit up to the size.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from pathlib import Path

SIZES = (256_000, 512_000, 1_024_000, 2_048_000)  # characters
TARGET = 2.5  # largest acceptable time ratio per doubling


def _card() -> str:
    from kzscam.text.extract import luhn_ok

    body = "440043012345678"
    number = next(body + d for d in "0123456789" if luhn_ok(body + d))
    return " ".join(number[i:i + 4] for i in range(0, 16, 4))


def _iin() -> str:
    from kzscam.text.extract import iin_ok

    body = "90010130012"
    return next(body + d for d in "0123456789" if iin_ok(body + d))


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _links(n: int) -> str:
    parts, size, i = [], 0, 0
    while size < n:
        part = f"https://kaspi-bonus{i}.kz/pay?id={i} "
        parts.append(part)
        size, i = size + len(part), i + 1
    return "".join(parts)[:n]


FAMILIES: dict[str, tuple[str, Callable[[int], str]]] = {
    "phone numbers": ("`+7 701 123 45 67 ` repeated", _repeat("+7 701 123 45 67 ")),
    "'1 ' runs": ("`1 1 1 1 …`", _repeat("1 ")),
    "short numbers": ("`1477 1477 …`", _repeat("1477 ")),
    "card numbers": ("a Luhn-valid `4400 4301 2345 678x` repeated", lambda n: _repeat(_card() + " ")(n)),
    "IINs": ("a valid 12-digit IIN repeated", lambda n: _repeat(_iin() + " ")(n)),
    "links": ("distinct `https://kaspi-bonusN.kz/pay?id=N`", _links),
    "links and phones": ("`https://x.kz/?p=+77011234567 +7 701 123 45 67` repeated",
                         _repeat("https://x.kz/?p=+77011234567 +7 701 123 45 67 ")),
    "defanged links": ("`hxxps://kaspi[.]kz/login kaspi(.)kz` repeated",
                       _repeat("hxxps://kaspi[.]kz/login kaspi(.)kz ")),
    "one long link": ("`https://kaspi.kz/aaaa…`", lambda n: ("https://kaspi.kz/" + "a" * n)[:n]),
    "spaced letters": ("`с к и д к а ` repeated", _repeat("с к и д к а ")),
    "one long word": ("`аааа…`, no spaces", _repeat("а")),
    "one long Kazakh word": ("`ң аааа…`", lambda n: ("ң " + "а" * n)[:n]),
    "family names as nouns": ("`х мама ` repeated", _repeat("х мама ")),
}


def _cpu() -> float:
    """CPU seconds of this process and its finished children: unlike wall time, not inflated
    when other work shares the cores (the ratios are what matters here)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _best(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = _cpu()
        fn()
        best = min(best, _cpu() - started)
    return best


def _row(name: str, what: str, times: list[float]) -> tuple[str, float]:
    ratios = [b / a for a, b in pairwise(times)]
    worst = max(ratios)
    cells = " | ".join(f"{t:.2f}" for t in times)
    ratio_cells = " | ".join(f"{r:.2f}x" for r in ratios)
    return f"| {name} ({what}) | {cells} | {ratio_cells} | {'yes' if worst <= TARGET else '**no**'} |", worst


def run(shared: Path) -> str:
    from kzscam.api import check_text

    check_text("warm-up: rules loaded before timing +7 701 123 45 67 kaspi.kz")
    head = " | ".join(f"{n // 1000:,}k chars, s" for n in SIZES)
    lines = [
        "CPU time of one `check-text` on a single hostile message of n, 2n, 4n and 8n characters "
        f"(up to {SIZES[-1] / 1e6:.1f} million), and the ratio of each doubling. Linear time "
        f"doubles; a quadratic loop quadruples. Target: every ratio <= {TARGET}x. In-process API "
        "(`kzscam.api.check_text`), best of 3 runs (CPU time, so other work on the machine does not "
        "skew the ratios); the last row is the CLI on a file, best of 2, start-up included.",
        "",
        f"| family | {head} | 2n/n | 4n/2n | 8n/4n | <= {TARGET}x |",
        "|---|" + "---:|" * (len(SIZES) + len(SIZES) - 1) + "---|",
    ]
    worst_all = 0.0
    for name, (what, make) in FAMILIES.items():
        times = []
        for n in SIZES:
            text = make(n)
            times.append(_best(partial(check_text, text), 3))
        print(f"   {name}: {[round(t, 3) for t in times]}", file=sys.stderr, flush=True)
        row, worst = _row(name, what, times)
        worst_all = max(worst_all, worst)
        lines.append(row)
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for n in SIZES:
            path = Path(tmp) / f"phones-{n}.txt"
            path.write_text(FAMILIES["phone numbers"][1](n), encoding="utf-8")
            cmd = [sys.executable, "-m", "kzscam", "check-text", "--file", str(path), "--format", "json"]
            times.append(_best(partial(subprocess.run, cmd, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, check=False), 2))
        print(f"   CLI phones: {[round(t, 3) for t in times]}", file=sys.stderr, flush=True)
        row, worst = _row("CLI: `kzscam check-text --file F --format json`", "phone numbers", times)
        worst_all = max(worst_all, worst)
        lines.append(row)
    lines += [
        "",
        f"Largest ratio per doubling: {worst_all:.2f}x (target {TARGET}x: "
        f"{'met' if worst_all <= TARGET else '**not met**'}). Ratios below 2 come from fixed costs "
        "(the CLI's start-up).",
        "",
        "Before number extraction was made linear (measured the same way, at 16k to "
        "128k characters), every number family quadrupled per doubling: phone numbers 3.68x, 3.82x, "
        "3.89x; '1 ' runs 3.58x, 3.79x, 3.94x; 1477 runs 3.71x, 3.91x, 3.95x; card numbers 3.61x, "
        "3.84x, 3.82x; IINs 3.64x, 3.82x, 3.87x; links and phones 3.43x, 3.75x, 3.85x (128k "
        "characters of 1477s took 15.3 s, now 0.06 s). The families without numbers were already "
        "linear.",
    ]
    return "\n".join(lines)
