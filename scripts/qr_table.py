"""The per-category table of the QR evaluations (scripts/eval_qr_photos.py, eval_qr_real.py).

Both compare zxing-cpp alone with kzscam on the same photos; `stats` holds counts per category
(photos, codes, {zx,kz}_codes, {zx,kz}_full, {zx,kz}_false) and `times` milliseconds per reader.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def quantile(times: list[float], q: float) -> float:
    s = sorted(times)
    return s[min(len(s) - 1, int(q * len(s)))] if s else 0.0


def category_table(stats: Mapping[str, Mapping[str, int]],
                   times: Mapping[str, Mapping[str, list[float]]], order: Iterable[str], *,
                   false_label: str, digits: int) -> list[str]:
    """Rows of a markdown table, one per category with photos, and a total. "Photos fully read"
    counts only photos that hold a code (a QR-free photo has nothing to read fully)."""
    rows = ["| category | photos | codes | codes found (zxing-cpp / kzscam) | photos fully read "
            f"(zxing-cpp / kzscam) | {false_label} (zxing-cpp / kzscam) | ms p50 / p90 zxing-cpp "
            "| ms p50 / p90 kzscam |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total: dict[str, int] = defaultdict(int)
    all_t: dict[str, list[float]] = defaultdict(list)

    def ms(t: list[float]) -> str:
        return f"{quantile(t, .5):.{digits}f} / {quantile(t, .9):.{digits}f}"

    for category in order:
        s: dict[str, int] = defaultdict(int, stats.get(category, {}))
        t: dict[str, list[float]] = defaultdict(list, times.get(category, {}))
        if not s["photos"]:
            continue
        labelled = s["photos"] if s["codes"] else 0
        for k, v in s.items():
            total[k] += v
        total["labelled"] += labelled
        for who in ("zx", "kz"):
            all_t[who] += t[who]
        rows.append(
            f"| {category} | {s['photos']} | {s['codes']} | {pct(s['zx_codes'], s['codes'])} / "
            f"{pct(s['kz_codes'], s['codes'])} | {pct(s['zx_full'], labelled)} / "
            f"{pct(s['kz_full'], labelled)} | {s['zx_false']} / {s['kz_false']} | "
            f"{ms(t['zx'])} | {ms(t['kz'])} |")
    rows.append(
        f"| **total** | {total['photos']} | {total['codes']} | {pct(total['zx_codes'], total['codes'])} / "
        f"**{pct(total['kz_codes'], total['codes'])}** | {pct(total['zx_full'], total['labelled'])} / "
        f"{pct(total['kz_full'], total['labelled'])} | {total['zx_false']} / {total['kz_false']} | "
        f"{ms(all_t['zx'])} | {ms(all_t['kz'])} |")
    return rows


def save_and_compare(reads: Mapping[str, list[str]], save: Path | None, compare: Path | None) -> bool:
    """Write this run's reads (--save) and report reads an earlier run had that this one lost
    (--compare); False when any read was lost."""
    if save:
        save.write_text(json.dumps(reads, indent=0, sort_keys=True))
    if not compare:
        return True
    before = json.loads(compare.read_text())
    lost = [f"{k}: {sorted(set(v) - set(reads.get(k, [])))}" for k, v in before.items()
            if v and k in reads and set(v) - set(reads[k])]
    print("\nReads lost since " + compare.name + ": " + ("; ".join(lost) or "none") + ".")
    return not lost


def finish(rows: list[str], summary: Mapping[str, Any], save: Path | None, compare: Path | None) -> int:
    """Print the table, save/compare the reads, and give the evaluation's exit code: 1 when a read
    was lost since --compare or any payload was false."""
    print("\n".join(rows))
    if not save_and_compare(summary["reads"], save, compare):
        return 1
    return 0 if summary["false"] == 0 else 1


def photo_eval_parser(doc: str | None, root: Path) -> argparse.ArgumentParser:
    """The options every photo evaluation shares: where the snapshots are, which part, the budget,
    a category filter, and --save / --compare (see save_and_compare)."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    ap.add_argument("--shared", type=Path, help="unused; accepted so `make eval` can run every "
                    "eval script the same way")
    ap.add_argument("--mirrors", type=Path,
                    default=Path(os.environ.get("QR_MIRRORS") or root.parent / ".mirror"))
    ap.add_argument("--part", choices=("tune", "test", "both"), default="tune")
    ap.add_argument("--budget", type=float, default=4.0, help="scan-qr --budget (s)")
    ap.add_argument("--only", help="comma-separated categories")
    ap.add_argument("--save", type=Path, help="write each photo's expected payloads read (JSON)")
    ap.add_argument("--compare", type=Path, help="an earlier --save: list reads lost since")
    return ap
