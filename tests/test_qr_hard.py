"""Hard photos: the local repairs, the look for more codes after a partial read, zbar reads
confirmed by zxing-cpp and the early stop, each on real photos from ../shared/corpus/qr (the ZXing
projects' samples), damaged the way `scripts/eval_qr_photos.py` damages them (same seeds).

Every test that rescues a photo first checks that zxing-cpp alone cannot read it, so it fails if
the photo stops being hard rather than passing without testing anything. Budgets are generous:
no result depends on the machine's speed.
"""

from __future__ import annotations

import hashlib
import math
import random
from pathlib import Path

import pytest
from conftest import qr_free_photos, shared_path
from PIL import Image, ImageOps

from kzscam.qr import local
from kzscam.qr.decoders import read_zxing, zbar_status
from kzscam.qr.loader import LoadedImage, Source, load
from kzscam.qr.pipeline import ScanOptions, ScanResult, scan
from qrsynth import PHOTO_DAMAGE, damage, side_by_side

pytestmark = pytest.mark.corpus
LOCAL_METHODS = {"rectified", "rectified-flatten", "rectified-sharpen", "rectified-clahe",
                 "flatten", "clahe", "sharpen", "crop"}
GENEROUS = ScanOptions(budget_s=60.0)


def photo(name: str) -> tuple[Image.Image, str]:
    path = shared_path("corpus", "qr", name)
    with Image.open(path) as im:
        gray = ImageOps.exif_transpose(im).convert("L")
    return gray, path.with_suffix(".txt").read_bytes().decode("utf-8")


def damaged(name: str, kind: str) -> tuple[Image.Image, str]:
    """The photo as the evaluation damages it: same placement, same seed."""
    gray, expected = photo(name)
    hit = next(s for s in read_zxing(gray)[0] if s.text == expected)
    q = hit.corners
    side = max(math.dist(q[0], q[2]), math.dist(q[1], q[3])) / math.sqrt(2)
    centre = (sum(p[0] for p in q) / 4, sum(p[1] for p in q) / 4, side)
    qr = hit.version.isdigit() and hit.symbology == "QR Code"
    modules = 17 + 4 * int(hit.version) if qr else 25
    seed = int.from_bytes(hashlib.blake2b(f"{kind}/{name}".encode(), digest_size=8).digest(), "big")
    return damage(gray, kind, random.Random(seed), centre, modules), expected


def run(img: Image.Image, options: ScanOptions = GENEROUS) -> ScanResult:
    return scan(LoadedImage("photo", (img,), "PNG"), options)


def read_by_zxing_alone(img: Image.Image) -> list[str | None]:
    return [s.text for s in read_zxing(img)[0]]


def assert_never_misread(name: str, kinds: tuple[str, ...]) -> None:
    """A photo a repair rescues, damaged the other ways, reads only its own payload (or what
    zxing-cpp reads of the clean photo): a repair must never invent one."""
    clean, expected = photo(name)
    allowed = {expected, *read_by_zxing_alone(clean)}
    for kind in kinds:
        img, _ = damaged(name, kind)
        got = {s.text for s in run(img, ScanOptions(budget_s=2.0)).symbols}
        assert got <= allowed, (kind, got)


@pytest.mark.parametrize(("name", "kind", "methods"), [
    ("java-qrcode-1/13.png", "glare", {"rectified-flatten", "flatten"}),   # highlight suppression
    ("qrcode-1/13.webp", "glare", {"rectified-flatten", "flatten"}),
    ("java-qrcode-1/15.png", "shadow", {"rectified-flatten", "flatten"}),
    ("java-qrcode-1/12.png", "blurred", {"rectified-sharpen", "sharpen"}),  # module-scale sharpening
    ("java-qrcode-3/31.png", "blurred", {"rectified-sharpen", "sharpen"}),
    ("java-qrcode-3/07.png", "blurred", {"rectified"}),                     # rectification alone
])
def test_local_repairs_read_what_zxing_alone_cannot(name: str, kind: str, methods: set[str]) -> None:
    img, expected = damaged(name, kind)
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method in methods, result.passes


def test_partial_read_keeps_looking_in_the_rest_of_the_picture() -> None:
    clean, first = photo("java-qrcode-1/2.png")
    glared, second = damaged("java-qrcode-1/13.png", "glare")
    both = side_by_side(clean, glared)
    assert read_by_zxing_alone(both) == [first]  # the first pass stops at one code
    result = run(both)
    assert sorted(s.text or "" for s in result.symbols) == sorted([first, second])
    assert "local-more" in result.passes
    left = next(s for s in result.symbols if s.text == first)
    right = next(s for s in result.symbols if s.text == second)
    assert max(x for x, _ in left.corners) < clean.width <= min(x for x, _ in right.corners)


def test_one_code_filling_the_photo_does_not_start_a_search_for_more() -> None:
    img, expected = photo("qrcode-3/01.webp")
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.passes == ["zxing"]


def test_zbar_reads_are_confirmed_by_zxing() -> None:
    if not zbar_status()[0]:
        pytest.skip("libzbar not installed (make sysdeps installs libzbar0)")
    # Shift-JIS text: zbar's raw bytes alone would leave it binary; zxing-cpp, handed the code
    # straightened from zbar's corners, reads it as the text it is.
    img, expected = damaged("java-qrcode-2/24.png", "shadow")
    assert expected not in read_by_zxing_alone(img)
    result = run(img)
    assert [s.text for s in result.symbols] == [expected]
    assert result.symbols[0].method == "zbar" and result.symbols[0].decoder == "zxing-cpp"


@pytest.mark.parametrize("name", ["java-qrcode-4/01.png", "java-qrcode-2/24.png", "java-qrcode-3/35.png",
                                  "java-qrcode-6/15.png", "qrcode-2/24.webp"])
def test_damage_never_yields_a_false_payload(name: str) -> None:
    assert_never_misread(name, tuple(PHOTO_DAMAGE))


def test_photos_without_codes_stop_early_and_read_nothing() -> None:
    paths = qr_free_photos()
    assert len(paths) > 20
    endings = []
    for path in paths:
        result = scan(load(Source(str(path), path=path)), GENEROUS)
        assert result.symbols == [], path
        endings.append(result.passes[-1])
    assert endings.count("nothing-code-like") >= 0.9 * len(paths), endings


def test_finder_patterns_found_and_grouped_on_a_real_photo() -> None:
    img, expected = photo("java-qrcode-4/01.png")
    hit = next(s for s in read_zxing(img)[0] if s.text == expected)
    regions = local.group(local.find_finders(local.as_array(img)), img.width, img.height)
    triples = [r for r in regions if r.finders is not None]
    assert len(triples) == 1
    x0, y0, x1, y1 = triples[0].box
    assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in hit.corners)


def test_fast_shrink_finds_the_finders_a_box_resize_finds() -> None:
    """After a read the picture is shrunk to 640 pixels by an integer box reduction and a
    bilinear rest (local.shrink), not by an exact box resize: the same finder patterns. Widths
    that are not multiples of 640 leave the bilinear step real work."""
    clean, _ = photo("java-qrcode-1/2.png")
    glared, _ = damaged("java-qrcode-1/13.png", "glare")
    wide = [clean.resize((w, round(clean.height * w / clean.width))) for w in (1281, 1919)]
    for img in (side_by_side(clean, glared), *wide):
        size = (640, round(img.height * 640 / img.width))
        boxed = local.as_array(img.resize(size, Image.Resampling.BOX))
        shrunk = local.shrink(img, *size)
        assert shrunk.shape == boxed.shape == (size[1], size[0])
        # 0.3-0.9 grey levels from the box resize on average; nearest-neighbour is 1.6-1.7 off
        assert abs(shrunk.astype(int) - boxed.astype(int)).mean() < 1.0
        want = local.find_finders(boxed, thorough=False)
        got = local.find_finders(shrunk, thorough=False)
        assert len(want) >= 3
        assert len(got) == len(want)
        assert all(any(math.dist((f.x, f.y), (g.x, g.y)) < 2 for g in got) for f in want)


def blank_and_noise() -> tuple[Image.Image, Image.Image]:
    """A picture of random grey noise and a white one: nothing code-like in either."""
    rng = random.Random(5)
    noise = Image.frombytes("L", (320, 240), bytes(rng.randrange(256) for _ in range(320 * 240)))
    return noise, Image.new("L", (320, 240), 255)


def test_no_finder_patterns_in_blank_or_noise() -> None:
    for img in blank_and_noise():
        assert local.find_finders(local.as_array(img)) == []


def test_rectified_crop_of_a_blurred_photo_reads_directly() -> None:
    img, expected = damaged("java-qrcode-1/18.png", "blurred")
    assert expected not in read_by_zxing_alone(img)
    regions = [r for r in local.group(local.find_finders(local.as_array(img)), img.width,
                                      img.height) if r.finders]
    assert regions
    rectified = local.rectify(local.as_array(img), regions[0])
    assert rectified is not None
    rect, back = rectified
    found = read_zxing(local.to_image(rect))[0]
    assert [s.text for s in found] == [expected]
    corners = local.map_points(back, found[0].corners)
    assert all(0 <= x <= img.width and 0 <= y <= img.height for x, y in corners)


def test_corpus_photos_exist() -> None:
    assert Path(shared_path("corpus", "qr", "java-qrcode-1")).is_dir()


def test_a_code_filling_the_photo_is_read_without_loading_opencv() -> None:
    import subprocess
    import sys

    path = shared_path("corpus", "qr", "qrcode-3", "01.webp")
    code = ("import sys; from pathlib import Path; from kzscam.qr.loader import Source, load; "
            "from kzscam.qr.pipeline import scan; "
            f"r = scan(load(Source('x', path=Path({str(path)!r})))); "
            "print(len(r.symbols), 'cv2' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False", "False"]
