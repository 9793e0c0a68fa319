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
from typing import TYPE_CHECKING, Any

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
        flat = tuple(v for pt in perspective_quad(w, h, rng) for v in pt)
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


def perspective_quad(w: int, h: int, rng: random.Random) -> list[tuple[float, float]]:
    """The source corners (top-left, bottom-left, bottom-right, top-right) the `perspective`
    damage maps onto the picture's corners: one edge stretched to 1.3-1.6 times its length, so
    the picture's far side shrinks by as much. Pillow interpolates a QUAD bilinearly, so rows
    (or columns) of the code bend slightly: not a camera's homography (`quad_forward`)."""
    d = rng.uniform(0.15, 0.3) * h
    quad = [(0.0, 0.0), (0.0, float(h)), (float(w), h + d), (float(w), -d)]
    if rng.random() < 0.5:  # the top edge shrinks instead of the right one
        quad = [(-d * w / h, 0.0), (0.0, float(h)), (float(w), float(h)), (w + d * w / h, 0.0)]
    return quad


def quad_forward(quad: list[tuple[float, float]], size: tuple[int, int], points: Any) -> Any:
    """Where points of the source picture (pixel centres at integers, an (..., 2) array) land in
    the picture Pillow's QUAD transform makes of it: the bilinear map inverted by Newton steps.
    For studies of the synthetic damage only: a reader never knows it."""
    import numpy as np

    w, h = size
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad  # nw, sw, se, ne
    ax = np.array([x0, (x3 - x0) / w, (x1 - x0) / h, (x2 - x1 - x3 + x0) / (w * h)])
    ay = np.array([y0, (y3 - y0) / w, (y1 - y0) / h, (y2 - y1 - y3 + y0) / (w * h)])
    target = np.asarray(points, dtype=np.float64) + 0.5  # Pillow samples at pixel centres
    out = target.copy()
    for _ in range(30):
        x, y = out[..., 0], out[..., 1]
        fx = ax[0] + ax[1] * x + ax[2] * y + ax[3] * x * y - target[..., 0]
        fy = ay[0] + ay[1] * x + ay[2] * y + ay[3] * x * y - target[..., 1]
        jxx, jxy = ax[1] + ax[3] * y, ax[2] + ax[3] * x
        jyx, jyy = ay[1] + ay[3] * y, ay[2] + ay[3] * x
        det = jxx * jyy - jxy * jyx
        out[..., 0] = x - (fx * jyy - fy * jxy) / det
        out[..., 1] = y - (fy * jxx - fx * jyx) / det
    return out - 0.5


def side_by_side(left: Image, right: Image) -> Image:
    """Two pictures on one light canvas: a photo holding two codes."""
    from PIL import Image as PILImage

    canvas = PILImage.new("L", (left.width + right.width, max(left.height, right.height)), 230)
    canvas.paste(left.convert("L"), (0, 0))
    canvas.paste(right.convert("L"), (left.width, 0))
    return canvas


# ---------------------------------------------------------------------------------------------
# Phone photos of hard codes at phone resolution (scripts/eval_qr_hires.py)

HIRES_DAMAGE = ("tilt", "highlights", "defocus", "motion", "curved", "combined")


def phone_shot(image: Image, kind: str, rng: random.Random,
               quad: tuple[tuple[float, float], ...],
               modules: int) -> tuple[Image, list[tuple[float, float]]]:
    """A real photo re-shot by a phone camera at 1-12 megapixels, the code at 6-15 pixels per
    module, then made hard in one physically plausible way (or several, `combined`).

    `quad` holds the code's corners in `image` (tl, tr, br, bl, as zxing-cpp reports them) and
    `modules` its width in modules, so every damage is sized in modules of the new picture:

    - tilt: the camera 40-70 degrees off the code's normal, 2-4 code widths away (a real
      homography with foreshortening); the code's nearest edge has 6-15 pixels per module;
    - highlights: 1-4 saturated specular ellipses with a soft falloff on the code, together
      5-20% of its area;
    - defocus: a disk blur 0.5-1.5 module across; motion: a line blur 0.5-1.5 module long;
    - curved: the page wrapped around a cylinder (bottle, pillar) so the code spans 70-140
      degrees of it, shaded as the surface turns away;
    - combined: strong tilt or a cylinder, plus one or two of highlights, defocus, motion.

    Every picture ends with sensor noise and JPEG compression. Returns the picture and the code's
    corners in it (tl, tr, br, bl). Needs numpy and OpenCV."""
    import cv2
    import numpy as np
    from PIL import Image as PILImage

    gray = image if image.mode == "L" else image.convert("L")
    src = np.asarray(gray, dtype=np.uint8)
    q = np.array(quad, dtype=np.float64)
    side = float(np.mean([np.linalg.norm(q[i] - q[(i + 1) % 4]) for i in range(4)]))
    module_src = side / modules
    steps: list[str] = [kind]
    if kind == "combined":
        steps = [rng.choice(("tilt", "tilt", "curved"))]
        steps += rng.sample(("highlights", "defocus", "motion"), rng.choice((1, 2)))
    geometry = "curved" if "curved" in steps else "tilt" if "tilt" in steps else "flat"
    target = rng.uniform(6.0, 15.0)  # pixels per module where the code is nearest the camera
    fraction = rng.uniform(0.25, 0.5)  # of the picture's short side the code spans
    portrait = rng.random() < 0.5
    border = np.concatenate([src[0], src[-1], src[:, 0], src[:, -1]])
    background = float(np.median(border))
    if geometry == "curved":
        out, code_out = _cylinder(src, q, module_src, target, fraction, portrait, background,
                                  rng)
    else:
        tilt = rng.uniform(40.0, 70.0) if geometry == "tilt" else rng.uniform(0.0, 15.0)
        out, code_out = _camera(src, q, modules, tilt, target, fraction, portrait, background, rng)
    mean_module = math.sqrt(_poly_area(code_out)) / modules
    img = out.astype(np.float32)
    for step in steps:
        if step == "highlights":
            img = _highlights(img, code_out, rng)
        elif step == "defocus":
            img = cv2.filter2D(img, -1, _disk(rng.uniform(0.5, 1.5) * mean_module))
        elif step == "motion":
            img = cv2.filter2D(img, -1, _streak(rng.uniform(0.5, 1.5) * mean_module,
                                                rng.uniform(0.0, math.pi)))
    noisy = np.random.default_rng(rng.randrange(2**32))
    img = img + noisy.normal(0.0, rng.uniform(1.5, 3.5), img.shape).astype(np.float32)
    shot = PILImage.fromarray(np.clip(img, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    shot.save(buf, "JPEG", quality=rng.randint(80, 92))
    buf.seek(0)
    return PILImage.open(buf).convert("L"), code_out


def _poly_area(points: list[tuple[float, float]]) -> float:
    return abs(sum(points[i][0] * points[(i + 1) % len(points)][1]
                   - points[(i + 1) % len(points)][0] * points[i][1]
                   for i in range(len(points)))) / 2


def _canvas(extent: tuple[float, float], fraction: float, portrait: bool) -> tuple[int, int]:
    """Picture size (width, height), 4:3, with the code's extent spanning `fraction` of the short
    side; at most 12 megapixels."""
    short = max(870.0, max(extent) / fraction)  # 1 megapixel at least
    short = min(short, math.sqrt(12e6 * 3 / 4))
    long_ = short * 4 / 3
    w, h = (short, long_) if portrait else (long_, short)
    w, h = max(w, extent[0] + 8), max(h, extent[1] + 8)
    return int(w), int(h)


def _camera(src: Any, q: Any, modules: int, tilt_deg: float, target: float,
            fraction: float, portrait: bool, background: float,
            rng: random.Random) -> tuple[Any, list[tuple[float, float]]]:
    """The photo seen by a pinhole camera whose axis is `tilt_deg` off the page's normal."""
    import cv2
    import numpy as np

    quad = np.asarray(q, dtype=np.float64)
    centre = quad.mean(axis=0)
    side = float(np.mean([np.linalg.norm(quad[i] - quad[(i + 1) % 4]) for i in range(4)]))
    theta = math.radians(tilt_deg)
    phi = rng.uniform(0.0, 2 * math.pi)  # direction of the tilt axis in the page
    axis = np.array([math.cos(phi), math.sin(phi), 0.0])
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rot = np.eye(3) + math.sin(theta) * k + (1 - math.cos(theta)) * (k @ k)
    distance = rng.uniform(2.0, 4.0) * side
    roll = math.radians(rng.uniform(-30.0, 30.0))
    spin = np.array([[math.cos(roll), -math.sin(roll)], [math.sin(roll), math.cos(roll)]])

    def project(points: Any) -> Any:
        p = np.asarray(points, dtype=np.float64) - centre
        world = np.c_[p, np.zeros(len(p))] @ rot.T
        z = world[:, 2] + distance
        return (world[:, :2] / z[:, None]) @ spin.T

    flat = project(quad)
    near = max(float(np.linalg.norm(flat[i] - flat[(i + 1) % 4])) for i in range(4)) / modules
    scale = target / near
    code = flat * scale
    lo, hi = code.min(axis=0), code.max(axis=0)
    w, h = _canvas((hi[0] - lo[0], hi[1] - lo[1]), fraction, portrait)
    free = np.array([w, h]) - (hi - lo)
    offset = -lo + free * np.array([rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)])
    code += offset
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), code.astype(np.float32))
    out = cv2.warpPerspective(src, matrix, (w, h), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=background)
    return out, [(float(x), float(y)) for x, y in code]


def _cylinder(src: Any, q: Any, module_src: float, target: float, fraction: float,
              portrait: bool, background: float,
              rng: random.Random) -> tuple[Any, list[tuple[float, float]]]:
    """The page wrapped around a cylinder facing the camera, its axis at a random angle."""
    import numpy as np

    quad = np.asarray(q, dtype=np.float64)
    c = quad.mean(axis=0)
    side = float(np.mean([np.linalg.norm(quad[i] - quad[(i + 1) % 4]) for i in range(4)]))
    radius = side / rng.uniform(math.radians(70), math.radians(140))
    distance = rng.uniform(2.0, 4.0) * side
    psi = rng.uniform(0.0, math.pi)
    across = np.array([math.cos(psi), math.sin(psi)])
    along = np.array([-math.sin(psi), math.cos(psi)])
    focal = distance * target / module_src  # the cylinder's front line at `target` px a module

    def forward(p: Any) -> tuple[float, float]:
        """A page point (source pixels) as seen: on the cylinder at angle s/R from its front."""
        s, t = float((p - c) @ across), float((p - c) @ along)
        ang = s / radius
        z = distance + radius * (1 - math.cos(ang))
        a, b = focal * radius * math.sin(ang) / z, focal * t / z
        return (a * across[0] + b * along[0], a * across[1] + b * along[1])

    corners_rel = [forward(p) for p in quad]
    pts = np.array([forward(quad[i] + (quad[(i + 1) % 4] - quad[i]) * f)
                    for i in range(4) for f in np.linspace(0, 1, 9)])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    w, h = _canvas((hi[0] - lo[0], hi[1] - lo[1]), fraction, portrait)
    free = np.array([w, h]) - (hi - lo)
    offset = -lo + free * np.array([rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)])
    uu, vv = np.meshgrid(np.arange(w, dtype=np.float64) - offset[0],
                         np.arange(h, dtype=np.float64) - offset[1])
    a = (uu * across[0] + vv * across[1]) / focal
    b = (uu * along[0] + vv * along[1]) / focal
    arg = a * (distance + radius) / (radius * np.sqrt(1 + a * a))
    visible = np.abs(arg) < 1
    ang = np.arcsin(np.clip(arg, -1, 1)) - np.arctan(a)
    visible &= np.abs(ang) < math.radians(85)
    z = distance + radius * (1 - np.cos(ang))
    s = radius * ang
    t = b * z
    map_x = (c[0] + s * across[0] + t * along[0]).astype(np.float32)
    map_y = (c[1] + s * across[1] + t * along[1]).astype(np.float32)
    import cv2

    out = cv2.remap(src, map_x, map_y, cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                    borderValue=background).astype(np.float32)
    out = out * (0.6 + 0.4 * np.cos(ang))  # the surface turns away from the light
    out[~visible] = background * 0.5
    code = [(float(x + offset[0]), float(y + offset[1])) for x, y in corners_rel]
    return out, code


def _highlights(img: Any, code: list[tuple[float, float]], rng: random.Random) -> Any:
    """1-4 saturated ellipses with a soft falloff on the code, together 5-20% of its area."""
    import numpy as np

    out = np.asarray(img, dtype=np.float32).copy()
    h, w = out.shape
    n = rng.randint(1, 4)
    total = rng.uniform(0.05, 0.20) * _poly_area(code)
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = code
    for weight in weights:
        area = total * weight / sum(weights)
        ratio = rng.uniform(1.0, 3.0)
        minor = math.sqrt(area / (math.pi * ratio))
        major = minor * ratio
        u, v = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)  # a point of the code, bilinear
        cx = (1 - v) * ((1 - u) * x0 + u * x1) + v * ((1 - u) * x3 + u * x2)
        cy = (1 - v) * ((1 - u) * y0 + u * y1) + v * ((1 - u) * y3 + u * y2)
        angle = rng.uniform(0.0, math.pi)
        soft = rng.uniform(0.3, 0.8)  # falloff width, in semi-axes
        reach = major * (1 + 3 * soft)
        xa, xb = max(0, int(cx - reach)), min(w, int(cx + reach) + 1)
        ya, yb = max(0, int(cy - reach)), min(h, int(cy + reach) + 1)
        if xa >= xb or ya >= yb:
            continue
        yy, xx = np.mgrid[ya:yb, xa:xb].astype(np.float32)
        dx, dy = xx - cx, yy - cy
        p = (dx * math.cos(angle) + dy * math.sin(angle)) / major
        r = (-dx * math.sin(angle) + dy * math.cos(angle)) / minor
        rho = np.sqrt(p * p + r * r)
        strength = np.where(rho <= 1, 1.0, np.exp(-(((rho - 1) / soft) ** 2)))
        patch = out[ya:yb, xa:xb]
        out[ya:yb, xa:xb] = patch + (255 - patch) * strength
    return out


def _disk(diameter: float) -> Any:
    """A defocus kernel: an anti-aliased disk `diameter` pixels across (4x supersampled)."""
    import cv2
    import numpy as np

    size = max(1, math.ceil(diameter)) | 1
    big = np.zeros((size * 4, size * 4), dtype=np.float32)
    cv2.circle(big, (size * 2, size * 2), max(1, round(diameter * 2)), 1.0, -1, cv2.LINE_AA)
    kernel = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return kernel / kernel.sum()


def _streak(length: float, angle: float) -> Any:
    """A motion-blur kernel: a line `length` pixels long at `angle` (4x supersampled)."""
    import cv2
    import numpy as np

    size = max(1, math.ceil(length)) | 1
    big = np.zeros((size * 4, size * 4), dtype=np.float32)
    c = size * 2
    dx, dy = math.cos(angle) * length * 2, math.sin(angle) * length * 2
    cv2.line(big, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 4,
             cv2.LINE_AA)
    kernel = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return kernel / kernel.sum()
