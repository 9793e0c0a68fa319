"""Reading images from untrusted files safely: size and pixel limits, EXIF orientation, every frame.

Everything that can go wrong with a file people send each other (empty, truncated, not an image, a
decompression bomb, a 100 MB upload, no permission) becomes an `ImageError` with a one-line reason;
the caller names the input. Pillow is imported here, never at CLI start-up.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from PIL.Image import Image

IMAGE_SUFFIXES = frozenset({
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif", ".bmp", ".dib", ".tif", ".tiff",
    ".heic", ".heif", ".hif", ".avif",
})
# ISO-BMFF brands of HEIF stills (iPhone photos); pi-heif is registered only when one is seen.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"mif2"}
MB = 1024 * 1024


class ImageError(Exception):
    """An input that cannot be scanned; str() is the one-line problem, without the input name."""


@dataclass(frozen=True)
class Limits:
    """Refuse inputs past these bounds (a decompression bomb can ask for gigabytes of memory)."""

    max_pixels: int = 64_000_000  # per frame: --max-megapixels
    max_bytes: int = 64 * MB
    max_frames: int = 32
    max_total_pixels: int | None = None  # all frames decoded from one file; None: 2x max_pixels

    @property
    def total_pixels(self) -> int:
        """Pixels one file may make kzscam decode in all (a 32-frame GIF of 60-megapixel
        frames would otherwise take gigabytes and most of a minute)."""
        return self.max_total_pixels if self.max_total_pixels is not None else 2 * self.max_pixels


@dataclass(frozen=True)
class LoadedImage:
    """An oriented, alpha-flattened 8-bit image: frame 0 is the still, more frames for GIF/TIFF."""

    name: str
    frames: tuple[Image, ...]
    format: str
    total_frames: int = 0  # frames in the file; more than len(frames) when some were skipped
    numbers: tuple[int, ...] = ()  # the file's frame number of each of `frames`
    note: str = ""  # why fewer frames were scanned than sampling would pick, if so

    @property
    def frame_numbers(self) -> list[int]:
        """The file's frame number of each frame in `frames`."""
        if self.numbers:
            return list(self.numbers)
        return frame_indices(max(self.total_frames, len(self.frames)), len(self.frames))

    @property
    def size(self) -> tuple[int, int]:
        return self.frames[0].size


@dataclass(frozen=True)
class Source:
    """One input to scan: a path, stdin bytes, or an error found while listing inputs."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    error: str | None = None


def iter_sources(args: list[str], stdin: BinaryIO | None = None,
                 limits: Limits | None = None, skip: Path | None = None) -> Iterator[Source]:
    """Expand arguments: `-` is stdin, directories are walked (images only, sorted).

    `skip` is a folder not to descend into (the `--annotate` output folder, so a scan never
    reads its own annotated copies). Whatever in a folder cannot be listed or read (an
    unreadable subfolder, a symbolic link loop, a FIFO or device) becomes an error Source
    naming it, so nothing is dropped without a line.
    """
    limits = limits or Limits()
    skipped = _identity(skip) if skip is not None else None
    for arg in args:
        if arg == "-":
            yield _stdin_source(stdin, limits)
            continue
        path = Path(arg)
        if is_dir(path):
            found = False
            for source in _walk(path, skipped):
                found = True
                yield source
            if not found:
                yield Source(arg, error="no images found in this directory")
        else:
            yield Source(arg, path=path)


def is_dir(path: Path) -> bool:
    """`Path.is_dir` that answers False instead of raising (unsearchable parent directory)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def mode_problem(mode: int) -> str | None:
    """Why a file of this type is not read (a directory, or a FIFO/socket/device that could
    block the batch for ever), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file ({kind}), not read"


def special_file_problem(path: Path) -> str | None:
    """`mode_problem` of `path`, or None for one `open` will report itself (missing, ...)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    return mode_problem(mode)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return str(exc.strerror or exc).lower()


def _walk(root: Path, skip: tuple[int, int] | None) -> Iterator[Source]:
    """Files of `root` first, then its subfolders, each sorted by name (what `os.walk` gave).

    Symbolic links to folders are not followed (a link to `/` must not scan the disk); they,
    and anything else that is neither an image file nor a folder kzscam may enter, get an
    error Source instead of silence.
    """
    try:
        with os.scandir(root) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield Source(str(root), error=f"cannot list directory: {_reason(exc)}")
        return
    folders: list[Path] = []
    for entry in entries:
        path = Path(root, entry.name)
        image_name = Path(entry.name).suffix.lower() in IMAGE_SUFFIXES
        try:
            link = entry.is_symlink()
            info = entry.stat(follow_symlinks=True)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                yield Source(str(path), error="symbolic link loop")
            elif image_name and isinstance(exc, FileNotFoundError):
                yield Source(str(path), error="broken symbolic link (its target does not exist)")
            elif image_name or not isinstance(exc, FileNotFoundError):
                yield Source(str(path), error=f"cannot read: {_reason(exc)}")
            continue
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            if link:
                yield Source(str(path), error="symbolic link to a directory, not followed "
                                              "(scan its target directly)")
            elif (info.st_dev, info.st_ino) != skip:
                folders.append(path)
        elif stat.S_ISREG(mode):
            if image_name:
                yield Source(str(path), path=path)
        else:
            yield Source(str(path), error=mode_problem(mode))
    for folder in folders:
        yield from _walk(folder, skip)


def _stdin_source(stdin: BinaryIO | None, limits: Limits) -> Source:
    if stdin is None:
        import sys

        stdin = sys.stdin.buffer
    try:
        data = stdin.read(limits.max_bytes + 1)
    except OSError as exc:
        return Source("-", error=f"cannot read standard input: {exc.strerror or exc}")
    return Source("-", data=data)


def read_bytes(source: Source, limits: Limits) -> bytes:
    """The file's bytes, refusing empty and oversized files before reading them whole."""
    if source.data is not None:
        data = source.data
    else:
        assert source.path is not None
        try:
            info = source.path.stat()
            problem = mode_problem(info.st_mode)
            if problem:
                raise ImageError(problem)
            if info.st_size > limits.max_bytes:
                raise ImageError(_too_big(info.st_size, limits))
            with source.path.open("rb") as fh:
                data = fh.read(limits.max_bytes + 1)
        except FileNotFoundError:
            raise ImageError("no such file") from None
        except PermissionError:
            raise ImageError("permission denied") from None
        except IsADirectoryError:
            raise ImageError("is a directory") from None
        except OSError as exc:
            raise ImageError(f"cannot read file: {exc.strerror or exc}") from None
    if not data:
        raise ImageError("empty file")
    if len(data) > limits.max_bytes:
        raise ImageError(_too_big(len(data), limits))
    return data


def _too_big(size: int, limits: Limits) -> str:
    return (f"file too large: {size / MB:.1f} MB (limit {limits.max_bytes / MB:g} MB; "
            "raise it with --max-file-mb)")


# Pillow can open dozens of formats (EPS through Ghostscript, PSD, FITS, ...); an image people
# send each other is one of these, and every other decoder is attack surface for nothing.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "DIB", "TIFF", "HEIF", "AVIF")
# Formats whose frames are decoded one after another: reaching frame 9 decodes frames 1-8.
_RANDOM_ACCESS = frozenset({"TIFF", "MPO", "HEIF"})


def load(source: Source, limits: Limits | None = None) -> LoadedImage:
    """Decode `source` into oriented 8-bit frames, or raise ImageError (and nothing else)."""
    limits = limits or Limits()
    if source.error:
        raise ImageError(source.error)
    return decode(source.name, read_bytes(source, limits), limits)


def decode(name: str, data: bytes, limits: Limits | None = None) -> LoadedImage:
    """The one place untrusted bytes meet Pillow's decoders; raises only ImageError.

    Pillow's format plugins are parsers of hostile input and fail in many ways on crafted
    files: besides OSError and ValueError, TIFF raises TypeError and KeyError, GIF IndexError
    and struct.error. Any exception from decoding is a broken image, reported with its type,
    never a crash that stops the batch.
    """
    limits = limits or Limits()
    from PIL import Image, UnidentifiedImageError

    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        import pi_heif

        pi_heif.register_heif_opener()
    try:
        # Opening a GIF already grows its canvas and fills disposal areas for frame 0, so
        # Pillow's guard stays on for it; other formats only read their header, which we check
        # ourselves to say the size in the error.
        opening = limits.max_pixels if data[:4] == b"GIF8" else None
        with warnings.catch_warnings(), _pixel_guard(opening):
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(name, data, limits)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError("not an image (unrecognised or unsupported format)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("image dimensions too large (decompression bomb guard; "
                         "raise it with --max-megapixels)") from None
    except MemoryError:
        raise ImageError("not enough memory to decode this image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"corrupt or truncated image ({_short(exc)})") from None
    except Exception as exc:  # the decoder boundary: see the docstring
        raise ImageError(f"corrupt image, the decoder failed ({describe(exc)})") from None


@contextmanager
def _pixel_guard(max_pixels: int | None) -> Iterator[None]:
    """Set Pillow's own decompression-bomb limit, restoring the caller's value afterwards."""
    from PIL import Image

    before = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = before


def _decode(name: str, data: bytes, limits: Limits) -> LoadedImage:
    from PIL import Image

    # Pillow's guard would refuse without saying the size; ours checks the header first.
    Image.init()  # registers the plugins, so OPEN says which of FORMATS this Pillow has
    im = Image.open(io.BytesIO(data), formats=[f for f in FORMATS if f in Image.OPEN])
    width, height = im.size
    if width * height > limits.max_pixels:
        raise ImageError(_too_many_pixels(width, height, limits))
    total = max(int(getattr(im, "n_frames", 1) or 1), 1)
    # From here on Pillow checks every size it meets too (a GIF frame growing the canvas).
    with _pixel_guard(limits.max_pixels):
        frames, numbers, note = _frames(im, limits, total)
    return LoadedImage(name, tuple(frames), str(im.format or "unknown"), total,
                       tuple(numbers), note)


def _too_many_pixels(width: int, height: int, limits: Limits, frame: int = 0) -> str:
    which = f"frame {frame + 1} " if frame else ""
    return (f"image dimensions too large: {which}{width}x{height} = "
            f"{width * height / 1e6:.0f} megapixels (limit {limits.max_pixels / 1e6:g}; "
            "raise it with --max-megapixels)")


def _short(exc: BaseException) -> str:
    text = "".join(c if c.isprintable() else " " for c in str(exc))
    return (" ".join(text.split()) or type(exc).__name__)[:120]


def describe(exc: BaseException) -> str:
    """`TypeError: message` on one printable line, for error reports."""
    return f"{type(exc).__name__}: {_short(exc)}"


def frame_indices(total: int, cap: int) -> list[int]:
    """Which frames to scan: all of them, or `cap` spread evenly from the first to the last."""
    if total <= cap:
        return list(range(total))
    if cap <= 1:
        return [0]
    return sorted({round(i * (total - 1) / (cap - 1)) for i in range(cap)})


def _check_frame(im: Image, limits: Limits, index: int) -> int:
    """Refuse a frame whose canvas or decoded area is too large, before any pixel of it is
    decoded; return the pixels decoding it costs."""
    width, height = im.size
    if width * height > limits.max_pixels:
        raise ImageError(_too_many_pixels(width, height, limits, index))
    for tile in getattr(im, "tile", None) or ():
        x0, y0, x1, y1 = tile.extents if tile.extents is not None else (0, 0, width, height)
        if (x1 - x0) * (y1 - y0) > limits.max_pixels or x0 < 0 or y0 < 0:
            raise ImageError(f"corrupt image: frame {index + 1} claims an area of "
                             f"{x1 - x0}x{y1 - y0} at {x0},{y0}")
    return width * height


def _frames(im: Image, limits: Limits, total: int) -> tuple[list[Image], list[int], str]:
    """The sampled frames, their numbers, and why sampling stopped early ("" when it did not).

    Frames are reached by seeking one at a time, so the size of every frame, also of the
    frames skipped on the way (which GIF and WebP still decode), is checked before it is
    decoded, and all decoded pixels count against `limits.total_pixels`.
    """
    from PIL import ImageOps

    wanted = frame_indices(total, limits.max_frames)
    spent = _check_frame(im, limits, 0)
    sequential = str(im.format or "") not in _RANDOM_ACCESS
    frames: list[Image] = []
    numbers: list[int] = []
    current = 0
    for index in wanted:
        while current < index:
            current += 1
            im.seek(current)
            cost = _check_frame(im, limits, current)
            if sequential or current == index:
                spent += cost
            if spent > limits.total_pixels:
                return frames, numbers, _cut_note(len(frames), total, limits)
        if index == 0:
            frame = ImageOps.exif_transpose(im)
            if frame is None:  # pragma: no cover - returns an image unless in_place
                frame = im.copy()
            frame.load()
            frames.append(flatten(frame))
        else:
            # Only frame 0 is drawn on (--annotate); grey frames take a third of the memory.
            frame = flatten(im.copy())
            frames.append(frame if frame.mode == "L" else frame.convert("L"))
        numbers.append(index)
    return frames, numbers, ""


def _cut_note(scanned: int, total: int, limits: Limits) -> str:
    return (f"{scanned} of {total} frames scanned: decoding more would pass the limit of "
            f"{limits.total_pixels / 1e6:g} megapixels per file (twice --max-megapixels)")


def flatten(im: Image) -> Image:
    """8-bit RGB or L with transparency composited on white (QR codes are dark on light)."""
    from PIL import Image

    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit PNG/TIFF scans: scale to 8 bits instead of clipping everything to white.
        extrema = im.getextrema()
        peak = float(extrema[1]) if mode in ("I", "F") and isinstance(extrema[1], (int, float)) \
            else 65535.0
        scale = 255.0 / max(float(peak), 255.0) if mode in ("I", "F") else 1 / 257
        return im.convert("F").point(lambda v: v * scale).convert("L")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        return background.convert("RGB")
    if mode in ("L", "RGB"):
        return im
    return im.convert("RGB")
