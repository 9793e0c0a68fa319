"""`kzscam check-text --image`: screenshots OCR'd and checked, errors per image, install hints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_ocr import MESSAGES, needs_font, needs_tesseract, render

from kzscam.exitcodes import ExitCode


@needs_tesseract
@needs_font
def test_screenshots_are_checked_with_evidence_in_the_recognised_text(tmp_path: Path) -> None:
    scam, family = tmp_path / "scam.png", tmp_path / "family.png"
    render.render_screenshot(MESSAGES["kk"], "dark").save(scam)
    render.render_screenshot("Мама, буду дома в семь, купить хлеба?", "light").save(family)
    proc = run_cli("check-text", "-f", "jsonl", "--image", str(scam), "--image", str(family))
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["input"] for r in rows] == [str(scam), str(family)]
    assert rows[0]["verdict"] in ("suspicious", "dangerous") and rows[1]["verdict"] == "safe"
    assert proc.returncode == ExitCode.FLAGGED
    text = run_cli("check-text", "-f", "plain", "--image", str(scam)).stdout
    for finding in rows[0]["findings"]:
        for ev in finding["evidence"]:
            assert ev["text"] in text  # the quoted words are the recognised words


@needs_tesseract
def test_bad_image_is_one_error_and_the_rest_is_checked(tmp_path: Path) -> None:
    not_image = tmp_path / "notes.png"
    not_image.write_text("not an image", encoding="utf-8")
    proc = run_cli("check-text", "-f", "jsonl", "--image", str(not_image),
                   "--image", str(tmp_path / "missing.png"), "Open http://x.top/a.apk")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["error"] is not None for r in rows] == [False, True, True]
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert len(proc.stderr.splitlines()) == 2


def test_missing_tesseract_says_how_to_install(tmp_path: Path) -> None:
    image = tmp_path / "shot.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    proc = run_cli("check-text", "--image", str(image), env={"PATH": str(tmp_path)})
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert "apt-get install tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("theme", ["light", "dark"])
@needs_tesseract
@needs_font
def test_screenshot_batch_in_parallel_keeps_order(tmp_path: Path, theme: str) -> None:
    paths = []
    for lang in ("kk", "ru", "en"):
        path = tmp_path / f"{lang}.png"
        render.render_screenshot(MESSAGES[lang], theme).save(path)
        paths.append(str(path))
    args = [a for p in paths for a in ("--image", p)]
    proc = run_cli("check-text", "-f", "jsonl", "--jobs", "2", *args)
    assert [json.loads(x)["input"] for x in proc.stdout.splitlines()] == paths
