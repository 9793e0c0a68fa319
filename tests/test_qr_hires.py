"""High-resolution hard photos (scripts/eval_qr_hires.py): what the generator promises (phone
resolution, tilt with foreshortening, highlights of the stated size, a fixed split, the same
pictures every run) and what kzscam reads from its pictures that zxing-cpp alone does not.

The source photos are read from local git snapshots of their public repositories (`$QR_MIRRORS`,
default `../.mirror` beside the clone); without them these tests skip and say so.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kzscam.qr.decoders import read_zxing
from kzscam.qr.loader import LoadedImage
from kzscam.qr.pipeline import ScanOptions, scan
from qrsynth import HIRES_DAMAGE, _highlights, phone_shot

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from eval_qr_hires import Source, _seed, part_of, sources  # noqa: E402
from eval_qr_real import MANIFEST  # noqa: E402
from qr_table import finish, save_and_compare  # noqa: E402

MIRRORS = Path(os.environ.get("QR_MIRRORS") or ROOT.parent / ".mirror")
LOCAL_METHODS = {"rectified", "rectified-flatten", "rectified-sharpen", "rectified-clahe",
                 "flatten", "clahe", "sharpen", "crop"}


@cache
def _sources() -> tuple[Source, ...]:
    found, _ = sources(MIRRORS)
    return tuple(found)


def source(path_end: str) -> Source:
    found = _sources()
    if not found:
        pytest.skip(f"no snapshots of the real-photo benchmark under {MIRRORS} (set QR_MIRRORS)")
    return next(s for s in found if s.key.endswith(path_end))


def shot(category: str, src: Source) -> tuple[Image.Image, list[tuple[float, float]]]:
    """The picture the evaluation makes (same seed)."""
    rng = random.Random(_seed("hires", category, src.key))
    return phone_shot(src.image, category, rng, src.quad, src.modules)


def test_sources_come_from_the_tune_part_and_split_by_a_fixed_rule() -> None:
    source("qrcode-1/1.png")  # skips without snapshots
    found = _sources()
    tune_keys = {f"{e['repo']}:{e['path']}" for e in json.loads(MANIFEST.read_text())
                 if e["part"] == "tune"}
    assert all(s.key in tune_keys for s in found)
    assert len(found) >= 50
    parts = [part_of(s.key) for s in found]
    assert 0.1 <= parts.count("test") / len(parts) <= 0.3
    for s in found:  # a rule fixed before tuning (a hash of the key), not a draw
        digest = hashlib.blake2b(f"qr-hires/{s.key}".encode(), digest_size=8).digest()
        assert part_of(s.key) == ("test" if digest[0] % 5 == 0 else "tune")
    for s in found:  # "larger codes": at least 4.5 pixels a module in the source photo
        side = sum(math.dist(s.quad[i], s.quad[(i + 1) % 4]) for i in range(4)) / 4
        assert side / s.modules >= 4.5


@pytest.mark.parametrize("category", HIRES_DAMAGE)
def test_pictures_are_phone_sized_and_the_same_every_run(category: str) -> None:
    src = source("qrcode-1/1.png")
    first, corners = shot(category, src)
    again, _ = shot(category, src)
    assert first.tobytes() == again.tobytes()
    assert 1.0 <= first.width * first.height / 1e6 <= 12.0
    assert all(0 <= x <= first.width and 0 <= y <= first.height for x, y in corners)


@pytest.mark.parametrize("path_end", ["qrcode-1/1.png", "qrcode-3/14.png", "qrcode-5/09.png",
                                      "qrcode-2/30.png"])
def test_tilt_foreshortens_the_code_with_6_to_15_pixel_modules_on_the_near_side(
        path_end: str) -> None:
    src = source(path_end)
    _, q = shot("tilt", src)
    edges = [math.dist(q[i], q[(i + 1) % 4]) for i in range(4)]
    assert 6.0 - 1e-6 <= max(edges) / src.modules <= 15.0 + 1e-6
    area = abs(sum(q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1]
                   for i in range(4))) / 2
    # Seen 40-70 degrees off its normal, the code covers at most cos(40) of a square on its
    # longest edge (perspective shrinks it further).
    assert area / max(edges) ** 2 <= math.cos(math.radians(40)) + 0.02


def test_highlights_saturate_5_to_20_percent_of_the_code() -> None:
    code = [(100.0, 100.0), (400.0, 100.0), (400.0, 400.0), (100.0, 400.0)]
    fractions = []
    for seed in range(30):
        out = _highlights(np.full((500, 500), 100.0, dtype=np.float32), code, random.Random(seed))
        inside = out[100:400, 100:400]
        fractions.append(float((inside >= 254.5).mean()))
        assert (out[100:400, 100:400] > 101).mean() > fractions[-1]  # a soft falloff around
    # Overlapping ellipses and those reaching past the code's edge cover less than they add up to.
    assert all(0.01 <= f <= 0.20 for f in fractions), fractions
    assert 0.05 <= sum(fractions) / len(fractions) <= 0.15


@pytest.mark.parametrize(("category", "path_end"), [
    ("combined", "qrcode-3/10.png"),    # tilt with blur: the rectified crop reads it
    ("highlights", "qrcode-3/16.png"),  # module-scale sharpening of the crop
])
def test_local_repairs_read_phone_pictures_zxing_alone_cannot(category: str,
                                                              path_end: str) -> None:
    src = source(path_end)
    img, _ = shot(category, src)
    assert src.expected not in [s.text for s in read_zxing(img)[0]]
    result = scan(LoadedImage("photo", (img,), "JPEG"), ScanOptions(budget_s=60.0))
    assert [s.text for s in result.symbols] == [src.expected]
    assert result.symbols[0].method in LOCAL_METHODS, result.passes


def test_deconvolution_reads_a_blurred_phone_picture_zxing_alone_cannot() -> None:
    # A combined picture whose blur neither zxing-cpp nor the other local repairs undo: the
    # Wiener deconvolution of the finder region (kzscam.qr.deblur) reads it.
    src = source("blackbox/qrcode-4/20.png")
    img, _ = shot("combined", src)
    assert src.expected not in [s.text for s in read_zxing(img)[0]]
    result = scan(LoadedImage("photo", (img,), "JPEG"), ScanOptions(budget_s=60.0))
    assert [s.text for s in result.symbols] == [src.expected]
    assert result.symbols[0].method == "deblur", result.passes


@pytest.mark.parametrize("path_end", ["qrcode-1/1.png", "qrcode-2/30.png", "qrcode-4/20.png"])
def test_no_false_payload_in_any_category(path_end: str) -> None:
    src = source(path_end)
    allowed = {src.expected} | src.clean_reads
    for category in HIRES_DAMAGE:
        img, _ = shot(category, src)
        got = {s.text for s in scan(LoadedImage("photo", (img,), "JPEG"),
                                    ScanOptions(budget_s=1.0)).symbols}
        assert got <= allowed, (category, got)


@pytest.mark.parametrize("path_end", ["qrcode-4/02.png", "qrcode-5/12.png", "qrcode-4/17.png"])
def test_cylinder_pass_reads_a_code_wrapped_on_a_bottle(path_end: str) -> None:
    """The pass itself, on the regions the ladder hands it (the erasure stage before it in the
    ladder also reads qrcode-4/17.png: its refined grid follows a gentle wrap)."""
    from kzscam.qr.budget import _Clock
    from kzscam.qr.regional import _cylinder, _regions

    src = source(path_end)
    img, quad = shot("curved", src)
    assert src.expected not in [s.text for s in read_zxing(img)[0]]
    result = scan(LoadedImage("photo", (img,), "JPEG"), ScanOptions(budget_s=60.0))
    assert [s.text for s in result.symbols] == [src.expected]
    found = _cylinder(img, 0, _regions(img, []), _Clock(float("inf")))
    assert [s.text for s in found] == [src.expected]
    sym = found[0]
    assert sym.method == "cylinder"
    # The position is mapped back from the unrolled view to the picture: on the code.
    side = math.sqrt(abs(sum(quad[i][0] * quad[(i + 1) % 4][1] - quad[(i + 1) % 4][0] * quad[i][1]
                             for i in range(4))) / 2)
    centre = (sum(x for x, _ in quad) / 4, sum(y for _, y in quad) / 4)
    found = (sum(x for x, _ in sym.corners) / 4, sum(y for _, y in sym.corners) / 4)
    assert math.dist(centre, found) < side / 4


@pytest.mark.parametrize("path_end", ["qrcode-1/1.png", "qrcode-2/30.png", "qrcode-4/17.png",
                                      "qrcode-5/09.png"])
def test_cylinder_pass_never_reads_a_false_payload(path_end: str) -> None:
    """The unrolled views of every category's picture (most of them not curved at all) read the
    expected payload or nothing."""
    from kzscam.qr.budget import _Clock
    from kzscam.qr.regional import _cylinder, _regions

    src = source(path_end)
    allowed = {src.expected} | src.clean_reads
    for category in HIRES_DAMAGE:
        img, _ = shot(category, src)
        clock = _Clock(float("inf"))
        got = {s.text for s in _cylinder(img, 0, _regions(img, []), clock)}
        assert got <= allowed, (category, got)


def test_cylinder_views_never_pass_for_a_micro_qr_symbol() -> None:
    """A strongly tilted synthetic code (scripts/eval_qr.py's hard set) whose unrolled views once
    decoded as a Micro QR M1 symbol ('383379'): M1's two codewords only detect errors, and three
    finder patterns make a QR Code, so the views are read as QR Code alone."""
    from kzscam.qr.budget import _Clock
    from kzscam.qr.regional import _cylinder, _regions
    from qrsynth import hard_set

    payloads = [(f"https://example.kz/p/{i}?ref=qr{i * 7}", f"WIFI:T:WPA;S:Cafe {i};P:pass{i};;",
                 f"Заказ №{i}: оплата через приложение банка")[i % 3] for i in range(85)]
    name, text, img = hard_set(payloads)[84]
    assert name == "tilted-084"
    regions = _regions(img, [])
    assert any(r.finders is not None for r in regions)  # the pass does run on it
    got = {s.text for s in _cylinder(img, 0, regions, _Clock(float("inf")))}
    assert got <= {text}, got


def test_compare_reports_a_lost_read_and_only_that(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """--save / --compare of the photo evaluations: a read an earlier run had and this one lacks."""
    before = tmp_path / "before.json"
    assert save_and_compare({"a.jpg": ["X", "Y"], "b.jpg": []}, before, None)
    assert save_and_compare({"a.jpg": ["X", "Y"], "b.jpg": ["Z"]}, None, before)
    assert "none" in capsys.readouterr().out
    assert not save_and_compare({"a.jpg": ["X"], "b.jpg": []}, None, before)
    assert "a.jpg: ['Y']" in capsys.readouterr().out


def test_an_evaluation_fails_on_a_lost_read_or_a_false_payload(tmp_path: Path) -> None:
    before = tmp_path / "before.json"
    before.write_text('{"a.jpg": ["X"]}')
    assert finish(["row"], {"reads": {"a.jpg": ["X"]}, "false": 0}, None, before) == 0
    assert finish(["row"], {"reads": {"a.jpg": []}, "false": 0}, None, before) == 1
    assert finish(["row"], {"reads": {"a.jpg": ["X"]}, "false": 1}, None, None) == 1


# The erasure stage (kzscam.qr.erasure): pictures of the tune part it reads and nothing before
# it in the ladder does (docs/scan-qr.md, "Highlights: unseen modules as erasures"), each from
# the grid it comes from: two finders completed (the third under a highlight), or the corners
# of a symbol zxing-cpp located but could not read.
@pytest.mark.parametrize(("path_end", "grid_from"), [
    ("qrcode-4/26.png", "pair"), ("qrcode-1/6.png", "pair"),
    ("qrcode-1/7.png", "located"), ("qrcode-2/14.png", "located"),
])
def test_erasure_stage_reads_codes_under_saturated_highlights(path_end: str,
                                                              grid_from: str) -> None:
    from kzscam.qr import local
    from kzscam.qr.erasure import read
    from kzscam.qr.grids import _grids
    from kzscam.qr.regional import _regions

    src = source(path_end)
    img, _ = shot("highlights", src)
    assert part_of(src.key) == "tune"
    symbols, located = read_zxing(img)
    assert src.expected not in [s.text for s in symbols]
    result = scan(LoadedImage("photo", (img,), "JPEG"), ScanOptions(budget_s=60.0))
    assert [(s.text, s.method) for s in result.symbols] == [(src.expected, "erasure")], \
        result.passes
    picture = local.as_array(img).astype(np.float32)
    grids = _grids(_regions(img, []), located)
    reads = [(i, sym) for i, (grid, version, lost, _) in enumerate(grids)
             if (sym := read(picture, grid, version, 0, float("inf"), lost)) is not None]
    assert reads and all(sym.text == src.expected for _, sym in reads)
    first = reads[0][0]
    kind = "located" if first < len(located) else "pair" if grids[first][2] is not None else "three"
    assert kind == grid_from


@pytest.mark.parametrize("path_end", ["qrcode-1/1.png", "qrcode-2/30.png", "qrcode-5/09.png",
                                      "qrcode-1/2.png"])
def test_erasure_stage_never_reads_a_false_payload(path_end: str) -> None:
    """Every grid the stage would try, and the same grids at versions two away (a wrong grid's
    codewords are noise to the decoder), in every category: the expected payload or nothing."""
    from kzscam.qr import local
    from kzscam.qr.erasure import read
    from kzscam.qr.grids import _grids
    from kzscam.qr.regional import _regions

    src = source(path_end)
    allowed = {src.expected} | src.clean_reads
    for category in HIRES_DAMAGE:
        img, _ = shot(category, src)
        picture = local.as_array(img).astype(np.float32)
        grids = _grids(_regions(img, []), read_zxing(img)[1])
        for grid, version, lost, _ in grids[:8]:
            for v in (version, version - 2, version + 2):
                sym = read(picture, grid, v, 0, float("inf"), lost) if v >= 1 else None
                assert sym is None or sym.text in allowed, (category, v, sym)


def test_erasure_stage_stops_at_the_budget_deadline() -> None:
    """--budget is a ceiling: past the deadline the grid fit stops where it is and no block is
    decoded, so a picture the stage reads with time to spare gives nothing at once."""
    from kzscam.qr import local
    from kzscam.qr.erasure import read, refine
    from kzscam.qr.grids import _grids
    from kzscam.qr.regional import _regions

    src = source("qrcode-1/7.png")
    img, _ = shot("highlights", src)
    picture = local.as_array(img).astype(np.float32)
    grid, version, lost, _ = _grids(_regions(img, []), read_zxing(img)[1])[0]
    sym = read(picture, grid, version, 0, float("inf"), lost)
    assert sym is not None and sym.text == src.expected
    assert np.allclose(refine(picture, grid, version, 0.0, lost), grid, atol=1e-6)
    assert read(picture, grid, version, 0, 0.0, lost) is None


def test_finder_pair_completions_include_the_lost_finder() -> None:
    """Whichever finder a highlight hides, one completion of the other two puts it back (in
    reading order: corner, top-right, bottom-left), for a code at any rotation."""
    from kzscam.qr.local import Finder, completions

    for angle in (0.0, 0.5, 2.0, 4.0):
        cos, sin = math.cos(angle), math.sin(angle)
        true = tuple(Finder(100 + x * cos - y * sin, 100 + x * sin + y * cos, 14.0)
                     for x, y in ((0, 0), (60, 0), (0, 60)))
        for lost in range(3):
            p, q = (f for i, f in enumerate(true) if i != lost)
            assert any(all(math.dist((f.x, f.y), (g.x, g.y)) < 1e-6
                           for f, g in zip(c, true, strict=True))
                       for c in completions(p, q)), (angle, lost)
