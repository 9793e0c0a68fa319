"""Reading images from untrusted files safely: size and pixel limits, EXIF orientation, every frame.

Everything that can go wrong with a file people send each other (empty, truncated, not an image, a
decompression bomb, a 100 MB upload, no permission) becomes an `ImageError` with a one-line reason;
the caller names the input. Pillow is imported here, never at CLI start-up.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from collections.abc import Iterator
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

    max_pixels: int = 64_000_000
    max_bytes: int = 64 * MB
    max_frames: int = 32


@dataclass(frozen=True)
class LoadedImage:
    """An oriented, alpha-flattened 8-bit image: frame 0 is the still, more frames for GIF/TIFF."""

    name: str
    frames: tuple[Image, ...]
    format: str
    total_frames: int = 0  # frames in the file; more than len(frames) when some were skipped

    @property
    def frame_numbers(self) -> list[int]:
        """The file's frame number of each frame in `frames`."""
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
                 limits: Limits | None = None) -> Iterator[Source]:
    """Expand arguments: `-` is stdin, directories are walked (images only, sorted)."""
    limits = limits or Limits()
    for arg in args:
        if arg == "-":
            yield _stdin_source(stdin, limits)
            continue
        path = Path(arg)
        if is_dir(path):
            found = False
            for child in _walk_images(path):
                found = True
                yield Source(str(child), path=child)
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


def _regular(path: Path) -> bool:
    """Only regular files are read: a FIFO or device in a folder would block the whole batch."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _walk_images(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            child = Path(dirpath) / name
            if Path(name).suffix.lower() in IMAGE_SUFFIXES and _regular(child):
                yield child


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
            if not stat.S_ISREG(info.st_mode):
                raise ImageError("is a directory" if stat.S_ISDIR(info.st_mode)
                                 else "not a regular file (a pipe, socket or device)")
            size = info.st_size
            if size > limits.max_bytes:
                raise ImageError(_too_big(size, limits))
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


def load(source: Source, limits: Limits | None = None) -> LoadedImage:
    """Decode `source` into oriented 8-bit frames, or raise ImageError."""
    limits = limits or Limits()
    if source.error:
        raise ImageError(source.error)
    data = read_bytes(source, limits)
    from PIL import Image, UnidentifiedImageError

    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        import pi_heif

        pi_heif.register_heif_opener()
    # Pillow's own guard would refuse without saying the size; ours checks the header below,
    # before any pixel is decoded.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data))
            width, height = im.size
            if width * height > limits.max_pixels:
                raise ImageError(_too_many_pixels(width, height, limits))
            total = max(int(getattr(im, "n_frames", 1) or 1), 1)
            frames = tuple(_frames(im, limits, total))
            fmt = str(im.format or "unknown")
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError("not an image (unrecognised or unsupported format)") from None
    except Image.DecompressionBombError:
        raise ImageError("image dimensions too large (decompression bomb guard; "
                         "raise it with --max-megapixels)") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise ImageError(f"corrupt or truncated image ({_short(exc)})") from None
    return LoadedImage(source.name, frames, fmt, total)


def _too_many_pixels(width: int, height: int, limits: Limits) -> str:
    return (f"image dimensions too large: {width}x{height} = {width * height / 1e6:.0f} megapixels "
            f"(limit {limits.max_pixels / 1e6:g}; raise it with --max-megapixels)")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def frame_indices(total: int, cap: int) -> list[int]:
    """Which frames to scan: all of them, or `cap` spread evenly from the first to the last."""
    if total <= cap:
        return list(range(total))
    if cap <= 1:
        return [0]
    return sorted({round(i * (total - 1) / (cap - 1)) for i in range(cap)})


def _frames(im: Image, limits: Limits, total: int) -> Iterator[Image]:
    from PIL import ImageOps

    for index in frame_indices(total, limits.max_frames):
        if index:
            im.seek(index)
            if im.size[0] * im.size[1] > limits.max_pixels:
                raise ImageError(_too_many_pixels(im.size[0], im.size[1], limits))
        frame = ImageOps.exif_transpose(im) if index == 0 else im.copy()
        if frame is None:  # pragma: no cover - exif_transpose returns an image unless in_place
            frame = im.copy()
        frame.load()
        yield flatten(frame)


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
