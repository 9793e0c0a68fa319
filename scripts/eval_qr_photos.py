"""Hard-photo evaluation of scan-qr: real QR photos under glare, bright spots, shadow, blur, tilt,
damage and several codes per picture; kzscam against zxing-cpp alone on the very same images.

Photos: the ZXing projects' black-box samples with their expected payloads. Two splits:

- **tune**: `<shared>/corpus/qr` (the development photos). Everything in the retry ladder was
  chosen on this split.
- **test** (frozen): `--test DIR`, the photos of the same projects that are *not* in the shared
  corpus, extracted by `scripts/qr_photos.py`. It was not looked at while tuning; its figures are
  the ones docs/scan-qr.md reports.

Each labelled photo goes through every category once, with parameters drawn from a generator
seeded by the photo's name, so a run is reproducible. Degradations are placed on the code itself
(its position from zxing-cpp on the clean photo, else the image centre) and sized in modules:

nominal (untouched), glare (a broad washed-out highlight over part of the code), bright-spots
(several small saturated reflections), shadow (a hard cast shadow across the code), blurred
(defocus of 0.3-0.5 module), perspective (strong tilt), damaged (scratches and stains across
the data) and multi (two photos side by side, one of them with glare: does the scan stop after
the first read?). The QR-free `falsepositives-*` photos measure false reads and the time spent
on pictures with no code.

Reported per category: codes found, photos fully read, false reads (a payload that is neither
expected nor read by zxing-cpp from the clean photo), time per photo (p50/p90). Ratios come from
one run; nothing is timed in the test suite.

Usage: python scripts/eval_qr_photos.py --shared ../shared [--test DIR] [--split tune|test|both]
       [--per-category N] [--only CATEGORY,...] [--budget 4] [--save FILE] [--compare FILE]
(`make eval QR_PHOTOS=DIR` runs it with the test split.)
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kzscam.qr.loader import IMAGE_SUFFIXES, LoadedImage
from kzscam.qr.pipeline import ScanOptions, scan
from qrsynth import damage, side_by_side

sys.path.insert(0, str(Path(__file__).resolve().parent))
from qr_table import category_table, save_and_compare

CATEGORIES = ("nominal", "glare", "bright-spots", "shadow", "blurred", "perspective", "damaged",
              "multi")


@dataclass
class Photo:
    name: str
    image: Any  # PIL.Image, grayscale, EXIF-oriented
    expected: str | None
    corners: list[tuple[float, float]] | None  # where zxing-cpp finds the code in the clean photo
    modules: int  # symbol width in modules (25 when unknown)
    clean_reads: set[str] = field(default_factory=set)


def _zx(img: Any) -> list[Any]:
    import zxingcpp

    f = zxingcpp.BarcodeFormat
    return list(zxingcpp.read_barcodes(img, formats=(f.QRCode, f.MicroQRCode, f.RMQRCode),
                                       text_mode=zxingcpp.TextMode.Plain))


def photos(root: Path) -> Iterator[Photo]:
    from PIL import Image, ImageOps

    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
            label = path.with_suffix(".txt")
            negative = folder.name.startswith("falsepositives")
            if not negative and not label.exists():
                continue
            with Image.open(path) as im:
                gray = ImageOps.exif_transpose(im).convert("L")
            expected = None if negative else label.read_bytes().decode("utf-8")
            reads = _zx(gray)
            hit = next((r for r in reads if r.text == expected), None)
            corners = None
            modules = 25
            if hit is not None:
                p = hit.position
                corners = [(float(q.x), float(q.y)) for q in
                           (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
                version = str((hit.extra or {}).get("Version", ""))
                if version.isdigit() and str(hit.format) == "QR Code":
                    modules = 17 + 4 * int(version)
            yield Photo(f"{folder.name}/{path.name}", gray, expected, corners, modules,
                        {r.text for r in reads})


def _code_box(p: Photo) -> tuple[float, float, float]:
    """Centre x, y and side of the code (the middle half of the image when unknown)."""
    w, h = p.image.size
    if p.corners:
        cx = sum(c[0] for c in p.corners) / 4
        cy = sum(c[1] for c in p.corners) / 4
        side = max(math.dist(p.corners[0], p.corners[2]), math.dist(p.corners[1], p.corners[3]))
        return cx, cy, side / math.sqrt(2)
    return w / 2, h / 2, min(w, h) / 2


def degrade(p: Photo, category: str, rng: random.Random, other: Photo | None) -> Any:
    if category == "multi":
        if other is None:
            return p.image
        return side_by_side(p.image, damage(other.image, "glare", rng, _code_box(other),
                                            other.modules))
    return damage(p.image, category, rng, _code_box(p), p.modules)


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.blake2b("/".join(parts).encode(), digest_size=8).digest(), "big")


def evaluate(all_photos: list[Photo], options: ScanOptions,
             per_category: int, categories: tuple[str, ...] = CATEGORIES,
             ) -> tuple[list[str], dict[str, Any]]:
    labelled = [p for p in all_photos if p.expected is not None]
    negatives = [p for p in all_photos if p.expected is None]
    stats: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    misses: list[str] = []
    falses: list[str] = []
    reads: dict[str, list[str]] = {}
    for category in categories:
        chosen = sorted(labelled, key=lambda p: _seed("pick", category, p.name))[:per_category]
        for i, p in enumerate(chosen):
            rng = random.Random(_seed(category, p.name))
            other = chosen[(i + 1) % len(chosen)] if category == "multi" else None
            if other is not None and other.expected == p.expected:
                other = None
            img = degrade(p, category, rng, other)
            want = {p.expected} | ({other.expected} if other else set())
            allowed = want | p.clean_reads | (other.clean_reads if other else set())
            t0 = time.perf_counter()
            zx = {r.text for r in _zx(img)}
            t1 = time.perf_counter()
            kz_symbols = scan(LoadedImage(p.name, (img,), "PNG"), options).symbols
            t2 = time.perf_counter()
            kz = {s.text for s in kz_symbols}
            falses += [f"{category}:{p.name} {s.text!r:.60} ({s.method}, {s.decoder})"
                       for s in kz_symbols if s.text not in allowed]
            s = stats[category]
            s["photos"] += 1
            s["codes"] += len(want)
            for who, got, dt in (("zx", zx, t1 - t0), ("kz", kz, t2 - t1)):
                s[f"{who}_codes"] += len(want & got)
                s[f"{who}_full"] += want <= got
                s[f"{who}_false"] += len({g for g in got if g not in allowed})
                times[category][who].append(dt * 1000)
            if not want <= kz:
                misses.append(f"{category}:{p.name}")
            reads[f"{category}:{p.name}"] = sorted(want & kz)
    for p in negatives if "no code" in categories or categories == CATEGORIES else []:
        t0 = time.perf_counter()
        zx = _zx(p.image)
        t1 = time.perf_counter()
        kz = scan(LoadedImage(p.name, (p.image,), "PNG"), options).symbols
        t2 = time.perf_counter()
        falses += [f"no code:{p.name} {s.text!r:.60} ({s.method}, {s.decoder})" for s in kz]
        s = stats["no code"]
        s["photos"] += 1
        s["zx_false"] += len(zx)
        s["kz_false"] += len(kz)
        times["no code"]["zx"].append((t1 - t0) * 1000)
        times["no code"]["kz"].append((t2 - t1) * 1000)
    rows = category_table(stats, times, (*CATEGORIES, "no code"), false_label="false reads", digits=0)
    total = {k: sum(s[k] for s in stats.values()) for k in ("codes", "kz_codes", "kz_false")}
    all_kz = [ms for t in times.values() for ms in t["kz"]]
    rows.append("")
    rows.append("False reads by kzscam: " + ("; ".join(falses) if falses else "none") + ".")
    rows.append("Not fully read by kzscam: " + (", ".join(misses) if misses else "none") + ".")
    summary: dict[str, Any] = {"codes": total["kz_codes"] / max(1, total["codes"]),
                               "false": float(total["kz_false"]), "max_ms": max(all_kz, default=0.0),
                               "reads": reads}
    return rows, summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--test", type=Path, default=os.environ.get("QR_PHOTOS") or None,
                    help="frozen test photos (scripts/qr_photos.py --out); default $QR_PHOTOS")
    ap.add_argument("--split", choices=("tune", "test", "both"), default="both")
    ap.add_argument("--per-category", type=int, default=40, help="photos per category and split")
    ap.add_argument("--only", help="comma-separated categories to run (while tuning)")
    ap.add_argument("--budget", type=float, default=4.0, help="scan-qr --budget (s)")
    ap.add_argument("--save", type=Path, help="write each photo's expected payloads read (JSON)")
    ap.add_argument("--compare", type=Path, help="an earlier --save: list reads lost since")
    a = ap.parse_args()
    options = ScanOptions(budget_s=a.budget)
    print(f"# scan-qr on hard photos\n\nBudget {a.budget:g} s per image; up to {a.per_category} "
          "photos per category and split.\n")
    splits = []
    if a.split in ("tune", "both"):
        splits.append(("tune (development photos, ../shared/corpus/qr)", a.shared / "corpus" / "qr"))
    if a.split in ("test", "both"):
        if a.test is None or not a.test.is_dir():
            print(f"Test split skipped: no folder of frozen test photos ({a.test}); build one with "
                  "scripts/qr_photos.py.\n")
        else:
            splits.append((f"test (frozen, {a.test})", a.test))
    ok = True
    all_reads: dict[str, list[str]] = {}
    for title, root in splits:
        if not root.is_dir():
            print(f"{title}: {root} not found, skipped.\n")
            continue
        cats = tuple(a.only.split(",")) if a.only else CATEGORIES
        rows, summary = evaluate(list(photos(root)), options, a.per_category, cats)
        print(f"## {title}\n")
        print("\n".join(rows))
        print(f"\nslowest photo {summary['max_ms']:.0f} ms (budget {1000 * a.budget:.0f} ms)\n")
        ok = ok and summary["false"] == 0
        all_reads.update({f"{root.name}:{k}": v for k, v in summary["reads"].items()})
    return 0 if save_and_compare(all_reads, a.save, a.compare) and ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
