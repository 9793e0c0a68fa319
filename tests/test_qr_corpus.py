"""The real third-party corpus (../shared/corpus/qr, the ZXing projects' black-box samples).

Targets from the issue: at least 97% of labelled images decoded exactly, no misreads, no code
reported in the QR-free `falsepositives-*` photos. About 290 images, a few seconds; the time
budget is generous so the result does not depend on the machine's speed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_path

from kzscam.qr.loader import IMAGE_SUFFIXES, Source, load
from kzscam.qr.pipeline import ScanOptions, scan

OPTIONS = ScanOptions(budget_s=120.0)


def images(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def decoded(path: Path) -> list[str | None]:
    return [s.text for s in scan(load(Source(str(path), path=path)), OPTIONS).symbols]


@pytest.mark.corpus
def test_decode_rate_and_no_misreads() -> None:
    root = shared_path("corpus", "qr")
    total, ok, misreads = 0, 0, []
    for path in images(root):
        expected = path.with_suffix(".txt")
        if path.parent.name.startswith("falsepositives") or not expected.exists():
            continue
        want = expected.read_bytes().decode("utf-8")
        got = decoded(path)
        total += 1
        if want in got:
            ok += 1
        elif got:
            misreads.append(f"{path.relative_to(root)}: {got!r}")
    assert total > 200
    assert misreads == []
    assert ok / total >= 0.97, f"decoded {ok}/{total}"


@pytest.mark.corpus
def test_no_false_positives() -> None:
    root = shared_path("corpus", "qr")
    folders = sorted(p for p in root.iterdir() if p.name.startswith("falsepositives"))
    assert folders
    reported = {str(p.relative_to(root)): decoded(p) for f in folders for p in images(f)}
    assert reported and all(v == [] for v in reported.values()), {
        k: v for k, v in reported.items() if v}
