"""High-resolution hard photos: real QR photos re-shot at phone resolution (1-12 megapixels,
6-15 pixels per module) under strong tilt, specular highlights, defocus, motion blur, a cylinder
wrap and combinations of them; kzscam against zxing-cpp alone on the very same images.

The photos are those of the real-photo benchmark's **tune** part (`scripts/data/qr_real.json`,
read from local git snapshots like `scripts/eval_qr_real.py`) that hold one code zxing-cpp reads
cleanly at 4.5 pixels a module or more: the larger codes, which upscale into a phone picture
without inventing detail. Each goes through `qrsynth.phone_shot` once per category, seeded by the
category and the photo's key, so every run sees the same pictures.

Two parts, fixed by a rule before any tuning: a photo is in the **test** part when the first
byte of a hash of its key is divisible by 5 (about one photo in five), else in **tune**. Tune on
the tune part only; run `--part test` before and after a piece of work, never while tuning.

Reported per category: codes found, false payloads (a read that is neither the expected payload
nor one zxing-cpp reads from the clean photo), time per photo p50 / p90 for zxing-cpp alone and
kzscam, and the slowest photo against the budget. `--save FILE` / `--compare FILE` as in
eval_qr_real.py (no read may be lost); `--dump DIR` writes the generated pictures as JPEG.

Usage: python scripts/eval_qr_hires.py [--mirrors DIR] [--part tune|test|both] [--budget 4]
       [--per-category 25] [--only CATEGORY,...] [--save FILE] [--compare FILE] [--dump DIR]
"""

from __future__ import annotations

import hashlib
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kzscam.qr.loader import LoadedImage
from kzscam.qr.pipeline import ScanOptions, scan
from qrsynth import HIRES_DAMAGE, phone_shot

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_qr_real import _zx, load_photos
from qr_table import category_table, finish, photo_eval_parser

ROOT = Path(__file__).resolve().parents[1]
MIN_MODULE_PX = 4.5  # "larger codes": pixels per module in the source photo


@dataclass
class Source:
    key: str
    image: Any  # PIL grayscale
    expected: str
    quad: tuple[tuple[float, float], ...]
    modules: int
    clean_reads: set[str]


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.blake2b("/".join(parts).encode(), digest_size=8).digest(), "big")


def part_of(key: str) -> str:
    """The fixed split: about one photo in five is in the test part."""
    return "test" if hashlib.blake2b(f"qr-hires/{key}".encode(),
                                     digest_size=8).digest()[0] % 5 == 0 else "tune"


def sources(mirrors: Path) -> tuple[list[Source], int]:
    """Photos of the real benchmark's tune part with one code read cleanly at >= 4.5 px a module;
    also how many manifest photos were missing from the snapshots."""
    import zxingcpp

    photos, missing = load_photos(mirrors, {"tune"}, None)
    out: list[Source] = []
    f = zxingcpp.BarcodeFormat
    for p in photos:
        if len(p.expected) != 1:
            continue
        expected = next(iter(p.expected))
        gray = p.image.frames[0].convert("L")
        reads = zxingcpp.read_barcodes(gray, formats=(f.QRCode,), text_mode=zxingcpp.TextMode.Plain)
        hit = next((r for r in reads if r.text == expected), None)
        version = str((hit.extra or {}).get("Version", "")) if hit is not None else ""
        if hit is None or not version.isdigit():
            continue
        pos = hit.position
        quad = tuple((float(c.x), float(c.y)) for c in (pos.top_left, pos.top_right,
                                                        pos.bottom_right, pos.bottom_left))
        modules = 17 + 4 * int(version)
        side = sum(math.dist(quad[i], quad[(i + 1) % 4]) for i in range(4)) / 4
        if side / modules < MIN_MODULE_PX:
            continue
        out.append(Source(p.key, gray, expected, quad, modules, set(_zx(gray))))
    return out, missing


def shots(chosen: list[Source], categories: tuple[str, ...],
          per_category: int) -> Iterator[tuple[str, Source, Any]]:
    """(category, source, picture) for the first `per_category` photos of each category, in an
    order seeded by the category (so categories do not all use the same photos when capped)."""
    for category in categories:
        picked = sorted(chosen, key=lambda s: _seed("pick", category, s.key))[:per_category]
        for s in picked:
            rng = random.Random(_seed("hires", category, s.key))
            yield category, s, phone_shot(s.image, category, rng, s.quad, s.modules)[0]


def evaluate(chosen: list[Source], categories: tuple[str, ...], per_category: int,
             options: ScanOptions, dump: Path | None) -> tuple[list[str], dict[str, Any]]:
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    reads: dict[str, list[str]] = {}
    falses: list[str] = []
    misses: list[str] = []
    slowest = (0.0, "")
    pixels: list[float] = []
    for category, src, img in shots(chosen, categories, per_category):
        name = f"{category}:{src.key}"
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            safe = name.replace("/", "_").replace(":", "_")
            img.save(dump / f"{safe}.jpg", quality=95)
        pixels.append(img.width * img.height / 1e6)
        want = {src.expected}
        allowed = want | src.clean_reads
        t0 = time.perf_counter()
        zx = _zx(img)
        t1 = time.perf_counter()
        symbols = scan(LoadedImage(name, (img,), "JPEG"), options).symbols
        t2 = time.perf_counter()
        kz = {s.text or "" for s in symbols}
        reads[name] = sorted(kz & want)
        falses += [f"{name} {s.text!r:.60} ({s.method}, {s.decoder})" for s in symbols
                   if s.text not in allowed]
        if not want <= kz:
            misses.append(name)
        s = stats[category]
        s["photos"] += 1
        s["codes"] += 1
        for who, got, dt in (("zx", zx, t1 - t0), ("kz", kz, t2 - t1)):
            s[f"{who}_codes"] += len(want & got)
            s[f"{who}_full"] += want <= got
            s[f"{who}_false"] += len(got - allowed)
            times[category][who].append(dt * 1000)
        slowest = max(slowest, ((t2 - t1) * 1000, name))
    rows = category_table(stats, times, categories, false_label="false payloads", digits=0)
    rows.append("")
    if pixels:
        rows.append(f"Pictures: {len(pixels)}, {min(pixels):.1f}-{max(pixels):.1f} megapixels "
                    f"(median {sorted(pixels)[len(pixels) // 2]:.1f}).")
    rows.append("False payloads by kzscam: " + ("; ".join(falses) if falses else "none") + ".")
    rows.append("Not read by kzscam: " + (", ".join(misses) if misses else "none") + ".")
    rows.append(f"Slowest photo: {slowest[0]:.0f} ms ({slowest[1]}), budget "
                f"{options.budget_s * 1000:.0f} ms.")
    false_total = sum(s["kz_false"] for s in stats.values())
    return rows, {"reads": reads, "false": false_total}


def main() -> int:
    ap = photo_eval_parser(__doc__, ROOT)
    ap.add_argument("--per-category", type=int, default=25)
    ap.add_argument("--dump", type=Path, help="write the generated pictures to this folder")
    a = ap.parse_args()
    categories = tuple(a.only.split(",")) if a.only else HIRES_DAMAGE
    unknown = set(categories) - set(HIRES_DAMAGE)
    if unknown:
        print(f"eval_qr_hires: unknown categories {sorted(unknown)}; known: {HIRES_DAMAGE}",
              file=sys.stderr)
        return 2
    print(f"# scan-qr on high-resolution hard photos ({a.part} part)\n")
    found, missing = sources(a.mirrors)
    if not found:
        print(f"Skipped: none of the photos of the real-photo benchmark found under {a.mirrors} "
              "(set QR_MIRRORS to a folder of git snapshots).")
        return 0
    parts = {"tune", "test"} if a.part == "both" else {a.part}
    chosen = [s for s in found if part_of(s.key) in parts]
    print(f"{len(chosen)} source photos ({', '.join(sorted(parts))}; of {len(found)} with codes "
          f"of >= {MIN_MODULE_PX} px a module), up to {a.per_category} per category, budget "
          f"{a.budget:g} s.\n")
    if missing:
        print(f"{missing} manifest photos skipped: their snapshot is not under {a.mirrors}.\n")
    rows, summary = evaluate(chosen, categories, a.per_category, ScanOptions(budget_s=a.budget),
                             a.dump)
    return finish(rows, summary, a.save, a.compare)


if __name__ == "__main__":
    raise SystemExit(main())
