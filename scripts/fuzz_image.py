#!/usr/bin/env python3
"""Fuzz the image loader that `scan-qr` uses (`kzscam.qr.loader.load`) with atheris.

Image files are attacker-made, and Pillow's format plugins fail on crafted files in more ways
than their documentation says. The contract of `load` is that a broken file raises
`ImageError` (one line, the input's error report) and nothing else; this harness feeds it
mutated bytes and reports as a crash any other exception, a hang (`-timeout`, 30 s here
unless given), memory past `-rss_limit_mb` (libFuzzer's default 2048 MB), or a loaded image
that breaks the loader's promises (8-bit frames, within the pixel limits).

    .venv/bin/python -m pip install atheris
    .venv/bin/python scripts/fuzz_image.py -atheris_runs=100000 [CORPUS_DIR ...]

Without a corpus directory (or with an empty one) small PNG, GIF (animated), TIFF (multi-page,
compressed), JPEG, WebP, BMP and QR-code seeds are written first. Crashes are saved by libFuzzer
as `crash-<sha1>` in the current directory; replay one with
`.venv/bin/python scripts/fuzz_image.py crash-<sha1>`.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

with atheris.instrument_imports(include=["PIL", "kzscam"]):
    from PIL import Image

    Image.init()  # imports every plugin now, so they are instrumented too
    from kzscam.qr.loader import ImageError, Limits, Source, load

# Small limits keep each run fast and the fuzzer's memory flat; the checks are the same code.
LIMITS = Limits(max_pixels=4_000_000, max_bytes=1024 * 1024, max_frames=8)


def write_seeds(folder: Path) -> None:
    """A few small images of every format scan-qr reads, single- and multi-frame."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # qrsynth lives beside kzscam
    from qrsynth import make_code

    folder.mkdir(parents=True, exist_ok=True)
    code = make_code("https://example.kz", scale=2).convert("RGB")
    flat = Image.new("RGB", (24, 16), (200, 30, 30))
    frames = [Image.new("L", (16, 16), shade) for shade in (0, 90, 180, 255)]
    stills: dict[str, tuple[Image.Image, str, dict[str, object]]] = {
        "code.png": (code, "PNG", {}), "flat.jpg": (flat, "JPEG", {"quality": 50}),
        "flat.webp": (flat, "WEBP", {}), "flat.bmp": (flat, "BMP", {}),
        "alpha.png": (flat.convert("RGBA"), "PNG", {}),
        "code.tif": (code, "TIFF", {"compression": "tiff_lzw"}),
    }
    for name, (image, fmt, options) in stills.items():
        image.save(folder / name, format=fmt, **options)
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:], duration=40)
    frames[0].save(folder / "pages.tif", save_all=True, append_images=frames[1:],
                   compression="packbits")
    frames[0].convert("RGB").save(folder / "anim.webp", save_all=True,
                                  append_images=[f.convert("RGB") for f in frames[1:]])
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: exercises EXIF orientation
    buf = io.BytesIO()
    flat.save(buf, format="JPEG", exif=exif)
    (folder / "rotated.jpg").write_bytes(buf.getvalue())


def test_one_input(data: bytes) -> None:
    """One run: ImageError is a correct answer; anything else propagates as a crash."""
    try:
        image = load(Source("fuzz", data=data), LIMITS)
    except ImageError as exc:
        message = str(exc)
        if not message or "\n" in message or not message.isprintable():
            raise AssertionError(f"error message is not one printable line: {message!r}") from None
        return
    assert image.frames, "an image without frames"
    assert len(image.frames) == len(image.frame_numbers)
    spent = 0
    for frame in image.frames:
        width, height = frame.size
        assert frame.mode in ("L", "RGB"), f"frame mode {frame.mode}"
        assert width * height <= LIMITS.max_pixels, f"frame of {width}x{height} passed"
        spent += width * height
    assert spent <= LIMITS.total_pixels, f"{spent} pixels kept from one file"


def main(argv: list[str]) -> None:
    args = list(argv)
    folders = [Path(a) for a in args[1:] if not a.startswith("-") and not Path(a).is_file()]
    if not [a for a in args[1:] if not a.startswith("-")]:
        seed_dir = Path(tempfile.mkdtemp(prefix="kzscam-fuzz-image-"))
        args.append(str(seed_dir))
        folders = [seed_dir]
    for folder in folders:
        if not folder.exists() or not any(folder.iterdir()):
            write_seeds(folder)
    if not any(a.startswith("-timeout=") for a in args):
        args.append("-timeout=30")
    print(f"corpus: {', '.join(map(str, folders)) or '(replaying files)'}", file=sys.stderr)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
