"""`scan-qr --annotate`: a copy of the image with each code outlined in its verdict's colour.

People would rather look than read: code #2 in the report is the box labelled 2 in the picture,
and a legend below the picture says what each colour means.
Colours follow the terminal renderer (green safe, yellow caution, orange suspicious, red
dangerous). Pillow is imported here only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzscam.details import VALUES, say
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
# Fonts with Cyrillic and the Kazakh letters, where the usual systems keep them: Pillow's own
# font has Latin letters only. Without one of them the legend is written in English.
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf", "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/segoeui.ttf",
)


class AnnotateError(Exception):
    """The annotated copy could not be written; str() is the one-line reason."""


def _default_font(size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: fixed bitmap font
        return ImageFont.load_default()


def covers(font: Any, text: str) -> bool:
    """Can `font` draw every letter of `text`? A letter it lacks is drawn as the same empty box
    as a code point no font has; the bitmap fallback font has Latin-1 only."""
    from PIL import ImageFont

    if not isinstance(font, ImageFont.FreeTypeFont):
        return all(ord(c) < 256 for c in text)

    def shape(ch: str) -> tuple[tuple[int, int], bytes]:
        mask = font.getmask(ch)
        return mask.size, bytes(mask)

    missing = shape("\U0010fffd")
    return all(shape(ch) != missing for ch in set(text) if not ch.isspace())


def legend_font(size: int, text: str) -> tuple[Any, bool]:
    """A font that draws `text` (Pillow's own, else a system font), or Pillow's own and False:
    then the legend is written in English rather than as empty boxes."""
    from PIL import ImageFont

    font = _default_font(size)
    if covers(font, text):
        return font, True
    for path in SYSTEM_FONTS:
        try:
            candidate = ImageFont.truetype(path, size)
        except (OSError, ValueError, ImportError):
            continue
        if covers(candidate, text):
            return candidate, True
    return font, False


def legend_entries(codes: Sequence[Report], lang: str) -> list[str]:
    """`2: suspicious`, in `lang`: the number of each outlined code and its verdict."""
    return [f"{c.details.get('index', '')}: {say(VALUES, c.verdict.label, lang) or c.verdict.label}"
            for c in codes]


def draw(image: Image, codes: Sequence[Report], lang: str = "en") -> Image:
    """Return an RGB copy of `image` with every code's quadrilateral and number drawn on it, and
    a legend in `lang` below it."""
    from PIL import ImageDraw

    out = image.convert("RGB")
    pen = ImageDraw.Draw(out)
    width = max(2, round(min(out.size) / 150))
    size = max(12, round(min(out.size) / 22))
    font = _default_font(size)
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
    return _with_legend(out, codes, size, width, lang)


def _with_legend(image: Image, codes: Sequence[Report], size: int, width: int, lang: str) -> Image:
    """A strip below the picture: each numbered box's colour and what it means, in the report's
    language when a font on this machine has its letters (else in English).

    Without it a person has to know the colour code; the report's text says the rest.
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw

    shown = [c for c in codes if len(c.details.get("position") or []) >= 4]
    if not shown:
        return image
    entries = legend_entries(shown, lang)
    font, ok = legend_font(size, "".join(entries))
    if not ok:
        entries = legend_entries(shown, "en")
    probe = ImageDraw.Draw(image)
    line_h = max(int(probe.textbbox((0, 0), "Ag", font=font)[3]) + 2 * width, 12)
    pad = 2 * width
    height = pad + len(entries) * (line_h + pad)
    out = PILImage.new("RGB", (image.width, image.height + height), (255, 255, 255))
    out.paste(image, (0, 0))
    pen = ImageDraw.Draw(out)
    y = image.height + pad
    for code, text in zip(shown, entries, strict=True):
        colour = COLOURS[code.verdict]
        pen.rectangle((pad, y, pad + line_h, y + line_h), fill=colour)
        pen.text((2 * pad + line_h, y), text, fill=colour, font=font)
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


def write(image: Image, codes: Sequence[Report], path: Path, lang: str = "en") -> None:
    """Draw and save; the format follows the suffix (PNG unless it says otherwise)."""
    annotated = draw(image, codes, lang)
    try:
        fmt = None if path.suffix.lower() in IMAGE_SUFFIXES else "PNG"
        annotated.save(path, format=fmt)
    except (OSError, ValueError, KeyError) as exc:
        raise AnnotateError(f"cannot write annotated image {path}: {exc}") from None
