"""OCR accuracy: render the dev corpus as messenger screenshots, read them back, compare verdicts.

Every message of ../shared/corpus/texts_dev.jsonl is drawn as an incoming chat bubble in a light
and a dark theme (DejaVu Sans, a Cyrillic-capable font), OCR'd with `kzscam.ocr.ocr_image`, and
checked with the text engine. We report how often the verdict on the OCR'd text equals the verdict
on the original text (target >= 90%), plus the character error rate. The renderer is also used by
tests/test_ocr.py, which imports it from here.

    python scripts/eval_ocr.py --shared ../shared [--jobs 2] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzscam.pipeline.text import check_text

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
             "/Library/Fonts", "C:/Windows/Fonts")
THEMES: dict[str, dict[str, str]] = {
    # Colours of a common messenger's light and dark chat screens.
    "light": {"bg": "#EFEAE2", "bar": "#008069", "bar_text": "#FFFFFF", "bubble": "#FFFFFF",
              "text": "#111B21", "time": "#667781"},
    "dark": {"bg": "#0B141A", "bar": "#202C33", "bar_text": "#E9EDEF", "bubble": "#202C33",
             "text": "#E9EDEF", "time": "#8696A0"},
}


def find_font(bold: bool = False) -> Path | None:
    """DejaVu Sans (Debian package fonts-dejavu-core), or None when it is not installed."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def _wrap(text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for word in para.split():
            while font.getlength(word) > width:  # long URLs: break inside the word
                cut = max(1, int(len(word) * width / font.getlength(word)))
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            trial = f"{line} {word}".strip()
            if font.getlength(trial) <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


SENDER, TIME = "Aliya", "14:05"


def render_screenshot(text: str, theme: str = "light", *, sender: str = SENDER,
                      width: int = 1080, size: int = 40) -> Any:
    """A phone-sized chat screenshot: header with the contact, one incoming bubble, a time."""
    from PIL import Image, ImageDraw, ImageFont

    font_path, bold_path = find_font(), find_font(bold=True)
    if font_path is None or bold_path is None:
        raise RuntimeError("DejaVu fonts missing: sudo apt-get install fonts-dejavu-core")
    colours = THEMES[theme]
    font = ImageFont.truetype(str(font_path), size)
    small = ImageFont.truetype(str(font_path), int(size * 0.65))
    title = ImageFont.truetype(str(bold_path), int(size * 1.1))
    pad, line_h, bar_h = 28, int(size * 1.35), int(size * 3.5)
    lines = _wrap(text, font, int(width * 0.78) - 2 * pad)
    bubble_w = max(int(font.getlength(ln)) for ln in lines) + 2 * pad + int(size * 2.5)
    bubble_h = len(lines) * line_h + 2 * pad + int(size * 0.7)
    height = bar_h + bubble_h + 4 * pad
    img = Image.new("RGB", (width, height), colours["bg"])
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, bar_h), fill=colours["bar"])
    draw.text((pad * 2, bar_h // 2), sender, font=title, fill=colours["bar_text"], anchor="lm")
    x0, y0 = pad, bar_h + 2 * pad
    draw.rounded_rectangle((x0, y0, x0 + bubble_w, y0 + bubble_h), radius=24,
                           fill=colours["bubble"])
    for i, line in enumerate(lines):
        draw.text((x0 + pad, y0 + pad + i * line_h), line, font=font, fill=colours["text"])
    draw.text((x0 + bubble_w - pad, y0 + bubble_h - pad // 2), TIME, font=small,
              fill=colours["time"], anchor="rd")
    return img


@dataclass(frozen=True)
class Outcome:
    """One screenshot: did the OCR'd verdict agree, and how many characters were misread."""

    id: str
    theme: str
    agree: bool
    errors: int
    chars: int


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (characters), for the character error rate."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _norm(text: str) -> str:
    return " ".join(text.split())


def evaluate_one(item: tuple[str, str, str]) -> Outcome:
    """Render, OCR and check one message in one theme (runs in a worker process)."""
    from kzscam.config import Config
    from kzscam.engine import get_engine
    from kzscam.ocr import ocr_image

    ident, text, theme = item
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shot.png"
        render_screenshot(text, theme).save(path)
        recognised = ocr_image(path)
    engine = get_engine(Config())
    original = check_text(engine, text, name=ident, lang="en").verdict
    read_back = check_text(engine, recognised, name=ident, lang="en").verdict
    # Characters misread: against everything the screenshot shows (contact name, text, time).
    shown = _norm(f"{SENDER} {text} {TIME}")
    return Outcome(ident, theme, original == read_back, edit_distance(shown, _norm(recognised)),
                   len(shown))


def _items(rows: list[dict[str, Any]]) -> Iterator[tuple[str, str, str]]:
    for row in rows:
        for theme in THEMES:
            yield str(row["id"]), str(row["text"]), theme


def main(argv: list[str] | None = None) -> int:
    """Print the agreement table; exit 1 when agreement is below the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0: all cores)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N messages")
    parser.add_argument("--target", type=float, default=0.90)
    args = parser.parse_args(argv)
    corpus = args.shared / "corpus" / "texts_dev.jsonl"
    if not corpus.is_file():
        print(f"eval_ocr: skipped: {corpus} not found", file=sys.stderr)
        return 0
    from kzscam.batch import ordered_map
    from kzscam.ocr import tesseract_status

    status = tesseract_status()
    if status is not None or find_font() is None:
        print(f"eval_ocr: skipped: {status or 'DejaVu fonts missing'}", file=sys.stderr)
        return 0
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    rows = rows[: args.limit] if args.limit else rows
    started = time.monotonic()
    outcomes = list(ordered_map(evaluate_one, _items(rows), args.jobs, chunk=4,
                                label="OCR screenshots"))
    elapsed = time.monotonic() - started
    print("| theme | screenshots | verdict agreement | character error rate |")
    print("|---|---|---|---|")
    for theme in (*THEMES, "all"):
        part = [o for o in outcomes if theme in (o.theme, "all")]
        agree = sum(o.agree for o in part) / len(part)
        cer = sum(o.errors for o in part) / max(1, sum(o.chars for o in part))
        print(f"| {theme} | {len(part)} | {agree:.1%} | {cer:.1%} |")
    print(f"\n{len(outcomes)} screenshots in {elapsed:.0f} s "
          f"({elapsed / max(1, len(outcomes)):.2f} s each, wall clock, all workers)")
    disagree = sorted({o.id for o in outcomes if not o.agree})
    if disagree:
        print(f"verdict changed by OCR: {', '.join(disagree)}")
    total = sum(o.agree for o in outcomes) / max(1, len(outcomes))
    return 0 if total >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
