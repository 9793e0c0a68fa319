"""Synthetic QR photos for tests and scripts/eval_qr.py: generated codes, then real-world damage.

A development helper beside the kzscam package, not in it, so that it stays out of the wheel.

Bent paper (a smooth sine displacement), low contrast, blur, small size, perspective and noise,
and damage to real photos (glare, bright spots, shadow, defocus, tilt, scratches: `damage`),
all deterministic (seeded), so a test or an evaluation run gives the same images every time. The
codes come from `segno` (the `test` extra), imported only here.
"""

from __future__ import annotations

import io
import math
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image


def make_code(payload: str | bytes, *, scale: int = 6, border: int = 4, version: int | None = None,
              error: str = "m", micro: bool | None = False, encoding: str | None = "utf-8") -> Image:
    """A clean black-on-white code as an 8-bit grayscale image (text as UTF-8 bytes by default;
    `encoding=None` lets segno pick, e.g. Kanji mode for Cyrillic)."""
    import segno
    from PIL import Image

    qr = segno.make(payload, version=version, error=error, micro=micro, boost_error=False,
                    encoding=encoding if isinstance(payload, str) else None)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=scale, border=border)
    buf.seek(0)
    return Image.open(buf).convert("L")


def bend(image: Image, amplitude: float, waves: float = 1.0, cells: int = 16) -> Image:
    """Warp like curved or crumpled paper: every point moves along a sine of the other axis."""
    from PIL import Image as PILImage

    w, h = image.size

    def moved(x: float, y: float) -> tuple[float, float]:
        return (x + amplitude * math.sin(2 * math.pi * waves * y / h),
                y + amplitude * math.sin(2 * math.pi * waves * x / w))

    mesh = []
    for i in range(cells):
        for j in range(cells):
            x0, y0 = i * w // cells, j * h // cells
            x1, y1 = (i + 1) * w // cells, (j + 1) * h // cells
            quad = (*moved(x0, y0), *moved(x0, y1), *moved(x1, y1), *moved(x1, y0))
            mesh.append(((x0, y0, x1, y1), quad))
    return image.transform((w, h), PILImage.Transform.MESH, mesh,
                           PILImage.Resampling.BICUBIC, fillcolor=255)


def perspective(image: Image, tilt: float) -> Image:
    """Photograph at an angle: the right edge shrinks by `tilt` (0..0.5) of the height."""
    from PIL import Image as PILImage

    w, h = image.size
    d = tilt * h
    quad = (0, 0, 0, h, w, h + d, w, -d)  # source corners for output tl, bl, br, tr
    return image.transform((w, h), PILImage.Transform.QUAD, quad,
                           PILImage.Resampling.BICUBIC, fillcolor=255)


def contrast(image: Image, low: int, high: int) -> Image:
    """Squeeze black..white into low..high (faded print, glare, dim light)."""
    span = (high - low) / 255
    return image.point(lambda v: int(low + v * span))


def noise(image: Image, amount: int, seed: int) -> Image:
    """Add uniform sensor noise of +-amount, reproducibly."""
    rng = random.Random(seed)
    data = bytes(max(0, min(255, v + rng.randint(-amount, amount))) for v in image.tobytes())
    from PIL import Image as PILImage

    return PILImage.frombytes("L", image.size, data)


def hard_set(payloads: list[str], seed: int = 7) -> list[tuple[str, str, Image]]:
    """(name, payload, image) for a fixed mix of damage types; the eval's synthetic benchmark."""
    from PIL import ImageFilter

    rng = random.Random(seed)
    out: list[tuple[str, str, Image]] = []
    for i, text in enumerate(payloads):
        base = make_code(text, scale=5, border=6, error="l")
        kind = ("bent", "faded", "small", "blurred", "tilted")[i % 5]
        if kind == "bent":
            img = bend(base, amplitude=rng.uniform(4.5, 8.0), waves=rng.choice((0.5, 1.0)))
        elif kind == "faded":
            img = noise(contrast(base, rng.randint(95, 115), rng.randint(125, 140)), 14, i)
        elif kind == "small":
            img = base.resize((base.width * 3 // 10, base.height * 3 // 10))
        elif kind == "blurred":
            img = base.filter(ImageFilter.GaussianBlur(rng.uniform(2.0, 2.8)))
        else:
            img = perspective(bend(base, rng.uniform(3.0, 5.0)), rng.uniform(0.1, 0.25))
        out.append((f"{kind}-{i:03d}", text, img.filter(ImageFilter.GaussianBlur(0.6))))
    return out


PHOTO_DAMAGE = ("nominal", "glare", "bright-spots", "shadow", "blurred", "perspective", "damaged")


def damage(image: Image, kind: str, rng: random.Random, code: tuple[float, float, float],
           modules: int = 25) -> Image:
    """A real photo as a harder camera would take it, the damage placed on the code itself.

    `code` is the centre x, y and side of the code in pixels and `modules` its width in modules,
    so every damage is sized in modules: glare (a broad washed-out highlight), bright-spots
    (several small saturated reflections), shadow (a hard cast shadow across the code), blurred
    (defocus of 0.3-0.5 module), perspective (strong tilt), damaged (scratches and stains).
    Needs numpy (installed with opencv-python-headless)."""
    import numpy as np
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFilter

    gray = image if image.mode == "L" else image.convert("L")
    w, h = gray.size
    cx, cy, side = code
    module = side / modules
    if kind == "blurred":
        return gray.filter(ImageFilter.GaussianBlur(max(0.8, module * rng.uniform(0.3, 0.5))))
    if kind == "perspective":
        d = rng.uniform(0.15, 0.3) * h
        quad = [(0.0, 0.0), (0.0, float(h)), (float(w), h + d), (float(w), -d)]
        if rng.random() < 0.5:  # the top edge shrinks instead of the right one
            quad = [(-d * w / h, 0.0), (0.0, float(h)), (float(w), float(h)), (w + d * w / h, 0.0)]
        flat = tuple(v for pt in quad for v in pt)
        return gray.transform((w, h), PILImage.Transform.QUAD, flat,
                              PILImage.Resampling.BICUBIC, fillcolor=200)

    def around(spread: float) -> tuple[float, float]:
        return cx + rng.uniform(-spread, spread) * side, cy + rng.uniform(-spread, spread) * side

    if kind == "damaged":
        out = gray.copy()
        draw = ImageDraw.Draw(out)
        for _ in range(rng.randint(2, 3)):
            x0, y0 = around(0.45)
            angle = rng.uniform(0, math.pi)
            length = side * rng.uniform(0.4, 0.8)
            x1, y1 = x0 + length * math.cos(angle), y0 + length * math.sin(angle)
            draw.line((x0, y0, x1, y1), fill=rng.choice((20, 235)),
                      width=max(1, round(module * rng.uniform(0.7, 1.2))))
        return out
    a = np.asarray(gray, dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)

    def spot(x: float, y: float, sigma: float, strength: float) -> None:
        nonlocal a
        g = np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * sigma * sigma)) * strength
        a = a + (255 - a) * np.clip(g, 0, 1)

    if kind == "glare":
        x, y = around(0.3)
        spot(x, y, side * rng.uniform(0.15, 0.25), rng.uniform(0.75, 0.9))
    elif kind == "bright-spots":
        for _ in range(rng.randint(3, 6)):
            x, y = around(0.4)
            spot(x, y, max(1.5, module * rng.uniform(0.8, 1.6)), 1.6)
    elif kind == "shadow":
        angle = rng.uniform(0, math.pi)
        off = rng.uniform(-0.25, 0.25) * side
        dist = (xx - cx) * math.cos(angle) + (yy - cy) * math.sin(angle) - off
        edge = max(1.0, module * 0.8)
        a = a * (1 - (1 - rng.uniform(0.25, 0.4)) / (1 + np.exp(np.clip(-dist / edge, -50, 50))))
    elif kind != "nominal":
        raise ValueError(f"unknown damage {kind!r}")
    return PILImage.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def side_by_side(left: Image, right: Image) -> Image:
    """Two pictures on one light canvas: a photo holding two codes."""
    from PIL import Image as PILImage

    canvas = PILImage.new("L", (left.width + right.width, max(left.height, right.height)), 230)
    canvas.paste(left.convert("L"), (0, 0))
    canvas.paste(right.convert("L"), (left.width, 0))
    return canvas
