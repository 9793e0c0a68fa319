"""The real-photo benchmark: its manifest (scripts/data/qr_real.json) and what kzscam reads from
its photos, which are read from local git snapshots of their public repositories
(`$QR_MIRRORS`, default `../.mirror` beside the clone; tests that need them skip when absent).

The manifest checks guard the frozen test part: it is decided by fixed rules (the shared corpus's
held-out part for the ZXing photos, a hash of the path elsewhere), not by hand, so tuning cannot
move a photo between the parts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from kzscam.qr.pipeline import ScanOptions, scan

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from eval_qr_real import MANIFEST, Photo, _zx, load_photos  # noqa: E402
from qr_photos import IMAGE_EXT, REAL_LISTED, REAL_SOURCES, real_manifest  # noqa: E402

ENTRIES: list[dict[str, object]] = json.loads(MANIFEST.read_text())
CATEGORIES = {"blurred", "bright spots", "close", "curved", "damaged", "glare", "high version",
              "lots", "nominal", "non-compliant", "perspective", "rotations", "shadows", "small"}
MIRRORS = Path(os.environ.get("QR_MIRRORS") or ROOT.parent / ".mirror")


def test_every_photo_names_its_source_licence_payloads_and_part() -> None:
    keys = set()
    for e in ENTRIES:
        assert e["repo"] in REAL_SOURCES
        assert e["licence"] == REAL_SOURCES[str(e["repo"])][0]
        assert len(str(e["commit"])) == 40
        assert str(e["path"]).startswith(REAL_SOURCES[str(e["repo"])][1])
        assert Path(str(e["path"])).suffix.lower() in IMAGE_EXT
        assert e["category"] in CATEGORIES
        assert e["part"] in ("tune", "test")
        expected = e["expected"]
        assert isinstance(expected, list) and expected and all(isinstance(p, str) and p
                                                                 for p in expected)
        keys.add((e["repo"], e["path"]))
    assert len(keys) == len(ENTRIES), "a photo is listed twice"
    assert {e["part"] for e in ENTRIES} == {"tune", "test"}


def test_the_frozen_part_of_listed_photos_is_decided_by_a_hash_of_the_path() -> None:
    listed = {(repo, REAL_SOURCES[repo][1] + rel) for repo, rel, _, _ in REAL_LISTED}
    checked = 0
    for e in ENTRIES:
        if (e["repo"], e["path"]) not in listed:
            continue
        digest = hashlib.blake2b(f"qr-real/{e['repo']}/{e['path']}".encode(), digest_size=8).digest()
        assert e["part"] == ("test" if digest[0] % 4 == 0 else "tune")
        checked += 1
    assert checked == len(REAL_LISTED)


def test_the_frozen_part_of_zxing_photos_is_what_the_shared_corpus_holds_out() -> None:
    corpus = SHARED / "corpus" / "qr"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} not present (corpora live in ../shared beside the clone)")
    for e in ENTRIES:
        path = Path(str(e["path"]))
        if e["repo"] not in ("zxing/zxing", "zxing-cpp/zxing-cpp") or not path.parent.name.startswith(
                "qrcode-"):
            continue
        folder = ("java-" if e["repo"] == "zxing/zxing" else "") + path.parent.name
        in_corpus = any((corpus / folder / (path.stem + ext)).exists() for ext in IMAGE_EXT)
        assert e["part"] == ("tune" if in_corpus else "test"), e["path"]


def _mirrors() -> Path:
    if not all((MIRRORS / repo.replace("/", "+") / "repo").is_dir() for repo in REAL_SOURCES):
        pytest.skip(f"git snapshots of {', '.join(REAL_SOURCES)} not under {MIRRORS} "
                    "(set QR_MIRRORS)")
    return MIRRORS


def test_the_manifest_is_what_the_script_builds_from_the_snapshots() -> None:
    mirrors = _mirrors()
    corpus = SHARED / "corpus" / "qr"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} not present")
    built = real_manifest(mirrors, corpus)

    def essentials(entries: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return sorted((e["repo"], e["path"], e["category"], e["part"], tuple(e["expected"]))  # type: ignore[arg-type]
                      for e in entries)
    assert essentials(built) == essentials(ENTRIES)


@pytest.fixture(scope="module")
def tune_photos() -> list[Photo]:
    photos, missing = load_photos(_mirrors(), {"tune"}, None)
    if missing:
        pytest.skip(f"{missing} photos of the manifest are not in the snapshots under {MIRRORS}")
    return photos


def test_photos_zxing_cpp_alone_misses_are_read_and_nothing_is_misread(
        tune_photos: list[Photo]) -> None:
    """The tuning part: zxing-cpp alone misses some codes on curved paper, damaged and
    non-compliant prints; kzscam reads every expected code and reports no other payload."""
    hard = 0
    for p in tune_photos:
        gray = p.image.frames[0].convert("L")
        if not p.expected <= _zx(gray):
            hard += 1
        got = {s.text for s in scan(p.image, ScanOptions(budget_s=60.0)).symbols}
        assert p.expected <= got, p.key
        assert got <= p.expected, (p.key, got - p.expected)
    assert hard >= 5, "the photos stopped being hard for zxing-cpp: the test would test nothing"
