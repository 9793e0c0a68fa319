"""Real-photo benchmark of scan-qr: public QR photos with their expected payloads, per category,
kzscam against zxing-cpp alone on the very same decoded image, in one run.

The photos are listed in `scripts/data/qr_real.json` (built by `scripts/qr_photos.py manifest`:
source repository, commit, path, licence, expected payloads, category, part) and read at run time
from local git snapshots of those repositories (`--mirrors DIR` or `$QR_MIRRORS`, a folder of
`owner+name/repo` git directories). Photos whose snapshot is absent are skipped and counted.

Two parts, fixed before any tuning: **tune** (look at it as much as you like) and **test**
(frozen: evaluated only before and after a piece of work; `--part test`).

Reported per category: codes found, photos fully read, false payloads (a read that is not one of
the photo's expected payloads), time per photo p50 / p90 for zxing-cpp alone and kzscam, and the
slowest photo against the budget. `--save FILE` writes what each photo read (JSON) and
`--compare FILE` lists photos read in that earlier run and not now (no read may be lost).

Usage: python scripts/eval_qr_real.py [--mirrors DIR] [--part tune|test|both] [--budget 4]
       [--only CATEGORY,...] [--save FILE] [--compare FILE]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kzscam.qr.loader import LoadedImage, decode
from kzscam.qr.pipeline import ScanOptions, scan

sys.path.insert(0, str(Path(__file__).resolve().parent))
from qr_table import category_table, finish, photo_eval_parser

ROOT = Path(__file__).resolve().parents[1]

MANIFEST = ROOT / "scripts" / "data" / "qr_real.json"


@dataclass
class Photo:
    key: str
    category: str
    part: str
    expected: set[str]
    image: LoadedImage


def _zx(image: Any) -> set[str]:
    import zxingcpp

    f = zxingcpp.BarcodeFormat
    return {r.text for r in zxingcpp.read_barcodes(
        image, formats=(f.QRCode, f.MicroQRCode, f.RMQRCode), text_mode=zxingcpp.TextMode.Plain)}


def load_photos(mirrors: Path, parts: set[str], only: set[str] | None) -> tuple[list[Photo], int]:
    """The manifest's photos of the chosen parts that can be read from the snapshots; also how
    many were skipped because their snapshot (or that commit of it) is absent."""
    photos: list[Photo] = []
    missing = 0
    for entry in json.loads(MANIFEST.read_text()):
        if entry["part"] not in parts or (only and entry["category"] not in only):
            continue
        gitdir = mirrors / entry["repo"].replace("/", "+") / "repo"
        proc = subprocess.run(["git", "--git-dir", str(gitdir), "show",
                               f"{entry['commit']}:{entry['path']}"], capture_output=True,
                              check=False) if gitdir.is_dir() else None
        if proc is None or proc.returncode != 0:
            missing += 1
            continue
        key = f"{entry['repo']}:{entry['path']}"
        photos.append(Photo(key, entry["category"], entry["part"], set(entry["expected"]),
                            decode(key, proc.stdout)))
    return photos, missing


def evaluate(photos: list[Photo], options: ScanOptions) -> tuple[list[str], dict[str, Any]]:
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    reads: dict[str, list[str]] = {}
    falses: list[str] = []
    misses: list[str] = []
    slowest = (0.0, "")
    for p in photos:
        gray = p.image.frames[0].convert("L")
        t0 = time.perf_counter()
        zx = _zx(gray)
        t1 = time.perf_counter()
        symbols = scan(p.image, options).symbols
        t2 = time.perf_counter()
        kz = {s.text or "" for s in symbols}
        reads[p.key] = sorted(kz & p.expected)
        falses += [f"{p.key} {s.text!r:.60} ({s.method}, {s.decoder})" for s in symbols
                   if s.text not in p.expected]
        if not p.expected <= kz:
            misses.append(f"{p.category}:{p.key} ({len(p.expected & kz)}/{len(p.expected)})")
        s = stats[p.category]
        s["photos"] += 1
        s["codes"] += len(p.expected)
        for who, got, dt in (("zx", zx, t1 - t0), ("kz", kz, t2 - t1)):
            s[f"{who}_codes"] += len(p.expected & got)
            s[f"{who}_full"] += p.expected <= got
            s[f"{who}_false"] += len(got - p.expected)
            times[p.category][who].append(dt * 1000)
        slowest = max(slowest, ((t2 - t1) * 1000, p.key))
    rows = category_table(stats, times, sorted(stats), false_label="false payloads", digits=1)
    rows.append("")
    rows.append("False payloads by kzscam: " + ("; ".join(falses) if falses else "none") + ".")
    rows.append("Not fully read by kzscam: " + (", ".join(misses) if misses else "none") + ".")
    rows.append(f"Slowest photo: {slowest[0]:.0f} ms ({slowest[1]}), budget "
                f"{options.budget_s * 1000:.0f} ms.")
    return rows, {"reads": reads, "false": sum(s["kz_false"] for s in stats.values())}


def main() -> int:
    ap = photo_eval_parser(__doc__, ROOT)
    a = ap.parse_args()
    parts = {"tune", "test"} if a.part == "both" else {a.part}
    only = set(a.only.split(",")) if a.only else None
    photos, missing = load_photos(a.mirrors, parts, only)
    print(f"# scan-qr on real photos ({a.part} part)\n")
    if not photos:
        print(f"Skipped: none of the photos of {MANIFEST.name} found under {a.mirrors} "
              "(set QR_MIRRORS to a folder of git snapshots).")
        return 0
    if missing:
        print(f"{missing} photos skipped: their snapshot is not under {a.mirrors}.\n")
    rows, summary = evaluate(photos, ScanOptions(budget_s=a.budget))
    return finish(rows, summary, a.save, a.compare)


if __name__ == "__main__":
    raise SystemExit(main())
