"""`scan-qr --annotate`: a copy of the image with each code outlined in its verdict's colour.

People would rather look than read: code #2 in the report is the box labelled 2 in the picture,
and a legend below the picture says what each colour means.
Colours follow the terminal renderer (green safe, yellow caution, orange suspicious, red
dangerous). Pillow is imported here only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kzscam.model import Report, Verdict

if TYPE_CHECKING:
    from PIL.Image import Image

COLOURS: dict[Verdict, tuple[int, int, int]] = {
    Verdict.SAFE: (0, 160, 60),
    Verdict.CAUTION: (230, 180, 0),
    Verdict.SUSPICIOUS: (240, 110, 0),
    Verdict.DANGEROUS: (220, 0, 0),
}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")


class AnnotateError(Exception):
    """The annotated copy could not be written; str() is the one-line reason."""


def draw(image: Image, codes: Sequence[Report]) -> Image:
    """Return an RGB copy of `image` with every code's quadrilateral and number drawn on it."""
    from PIL import ImageDraw, ImageFont

    out = image.convert("RGB")
    pen = ImageDraw.Draw(out)
    width = max(2, round(min(out.size) / 150))
    size = max(12, round(min(out.size) / 22))
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: fixed bitmap font
        font = ImageFont.load_default()
    for code in codes:
        position = code.details.get("position") or []
        if len(position) < 4:
            continue
        colour = COLOURS[code.verdict]
        points = [(float(x), float(y)) for x, y in position]
        pen.line([*points, points[0]], fill=colour, width=width, joint="curve")
        label = str(code.details.get("index", ""))
        x = min(p[0] for p in points)
        y = min(p[1] for p in points)
        box = pen.textbbox((0, 0), label, font=font)
        w, h = box[2] - box[0] + 2 * width, box[3] - box[1] + 2 * width
        x0 = max(0.0, min(x, out.width - w))
        y0 = max(0.0, y - h - width) if y - h - width >= 0 else min(y + width, out.height - h)
        pen.rectangle((x0, y0, x0 + w, y0 + h), fill=colour)
        pen.text((x0 + width - box[0], y0 + width - box[1]), label, fill=(255, 255, 255), font=font)
    return _with_legend(out, codes, font, width)


def _with_legend(image: Image, codes: Sequence[Report], font: object, width: int) -> Image:
    """A strip below the picture: each numbered box's colour and what it means.

    Without it a person has to know the colour code; the report's text says the rest. The words
    are the English verdict names (the bitmap fallback font has no Cyrillic).
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw

    shown = [c for c in codes if len(c.details.get("position") or []) >= 4]
    if not shown:
        return image
    probe = ImageDraw.Draw(image)
    line_h = max(int(probe.textbbox((0, 0), "Ag", font=font)[3]) + 2 * width, 12)  # type: ignore[arg-type]
    pad = 2 * width
    entries = [f"{c.details.get('index', '')}: {c.verdict.label}" for c in shown]
    height = pad + len(entries) * (line_h + pad)
    out = PILImage.new("RGB", (image.width, image.height + height), (255, 255, 255))
    out.paste(image, (0, 0))
    pen = ImageDraw.Draw(out)
    y = image.height + pad
    for code, text in zip(shown, entries, strict=True):
        colour = COLOURS[code.verdict]
        pen.rectangle((pad, y, pad + line_h, y + line_h), fill=colour)
        pen.text((2 * pad + line_h, y), text, fill=colour, font=font)  # type: ignore[arg-type]
        y += line_h + pad
    return out


def resolve_target(given: str, many: bool) -> tuple[Path, bool]:
    """`--annotate GIVEN` as (path, is a directory); raises AnnotateError with a usage message.

    An existing directory or a path ending in '/' is a directory (created if its parent exists);
    a name ending in an image extension is one file, whose directory must exist. Nothing else is
    guessed: `out.txt` must not silently become a directory.
    """
    path = Path(given)
    try:
        is_dir = path.is_dir()
    except OSError:
        is_dir = False
    if is_dir or given.endswith(("/", "\\")):
        if not is_dir:
            try:
                path.mkdir()
            except OSError as exc:
                raise AnnotateError(f"cannot create directory {given}: "
                                    f"{exc.strerror or exc}") from None
        return path, True
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise AnnotateError(f"{given} is neither an existing directory nor an image file name "
                            f"(end it with {', '.join(IMAGE_SUFFIXES[:3])}, ... for one image, "
                            "or with '/' for a new directory)")
    if many:
        raise AnnotateError(f"{given}: give a directory when scanning several images")
    parent = path.parent
    try:
        parent_ok = parent.is_dir()
    except OSError:
        parent_ok = False
    if not parent_ok:
        raise AnnotateError(f"{given}: directory {parent} does not exist")
    return path, False


def output_path(target: Path, input_name: str, into_dir: bool, taken: set[Path]) -> Path:
    """Where the copy of `input_name` goes: `target` itself, or `<stem>.annotated.png` inside it."""
    if not into_dir:
        return target
    stem = Path(input_name).stem if input_name != "-" else "stdin"
    candidate = target / f"{stem}.annotated.png"
    n = 2
    while candidate in taken:
        candidate = target / f"{stem}.{n}.annotated.png"
        n += 1
    taken.add(candidate)
    return candidate


def write(image: Image, codes: Sequence[Report], path: Path) -> None:
    """Draw and save; the format follows the suffix (PNG unless it says otherwise)."""
    annotated = draw(image, codes)
    try:
        fmt = None if path.suffix.lower() in IMAGE_SUFFIXES else "PNG"
        annotated.save(path, format=fmt)
    except (OSError, ValueError, KeyError) as exc:
        raise AnnotateError(f"cannot write annotated image {path}: {exc}") from None
