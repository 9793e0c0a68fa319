"""Decoder adapters: zxing-cpp (primary, exact bytes) and libzbar via pyzbar (optional fallback).

Both return `Symbol`s in the coordinates of the image they were given; the pipeline maps them back
to the original image. zbar is asked for raw bytes (ZBAR_CFG_BINARY) because its own charset guess
turns UTF-8 Cyrillic into Shift-JIS mojibake; we decode the bytes ourselves and keep non-UTF-8
payloads as binary instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]  # top-left, top-right, bottom-right, bottom-left

ZXING = "zxing-cpp"
ZBAR = "zbar"


@dataclass(frozen=True)
class Symbol:
    """One decoded code: exact bytes, its text when it is text, where it is and who read it."""

    raw: bytes
    text: str | None
    corners: Quad
    decoder: str
    symbology: str = "QR Code"
    version: str = ""
    ec_level: str = ""
    method: str = "direct"
    frame: int = 0

    @property
    def binary(self) -> bool:
        return self.text is None

    def mapped(self, scale: float, dx: float = 0.0, dy: float = 0.0, method: str = "") -> Symbol:
        """The same symbol in original-image coordinates (undo a resize and a crop offset)."""
        pts = tuple((x / scale + dx, y / scale + dy) for x, y in self.corners)
        return replace(self, corners=pts, method=method or self.method)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Candidate:
    """A QR symbol zxing located but could not decode: where it is and how many modules wide."""

    corners: Quad
    version: int


def text_of(raw: bytes) -> str | None:
    """UTF-8 text, or None for bytes that are not (binary, or another charset we will not guess)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


@cache
def _zxing() -> Any:
    import zxingcpp

    return zxingcpp


def zxing_formats() -> Any:
    zx = _zxing()
    f = zx.BarcodeFormat
    return (f.QRCode, f.MicroQRCode, f.RMQRCode)


_SYMBOLOGY = {"QRCode": "QR Code", "MicroQRCode": "Micro QR Code", "RMQRCode": "rMQR Code",
              "QRCodeModel1": "QR Code Model 1", "QRCodeModel2": "QR Code"}


def read_zxing(image: Image, *, binarizer: str = "LocalAverage", pure: bool = False,
               frame: int = 0, qr_only: bool = False) -> tuple[list[Symbol], list[Candidate]]:
    """Decode with zxing-cpp; also return located-but-undecodable QR symbols for `elastic`.
    `qr_only`: QR Code alone, for views made from three finder patterns (a warped view can pass
    for a Micro QR M1 symbol, whose two codewords only detect errors)."""
    zx = _zxing()
    results = zx.read_barcodes(
        image, formats=zxing_formats(), text_mode=zx.TextMode.Plain, is_pure=pure,
        binarizer=getattr(zx.Binarizer, binarizer), return_errors=True,
    )
    symbols: list[Symbol] = []
    candidates: list[Candidate] = []
    for res in results:
        pos = res.position
        corners: Quad = tuple(  # type: ignore[assignment]
            (float(p.x), float(p.y))
            for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left))
        extra = dict(res.extra or {})
        version = str(extra.get("Version", ""))
        if res.error is not None or not res.valid:
            if version.isascii() and version.isdigit():
                candidates.append(Candidate(corners, int(version)))
            continue
        raw = bytes(res.bytes)
        binary = res.content_type == zx.ContentType.Binary
        # zxing's text honours ECI and the QR charset rules (Shift-JIS, GB2312); keep it unless
        # the content is binary. text_of() guards against invalid surrogates in odd payloads.
        text = None if binary else str(res.text)
        fmt = str(res.format).rsplit(".", 1)[-1]
        if qr_only and _SYMBOLOGY.get(fmt, fmt) != "QR Code":
            continue
        symbols.append(Symbol(raw, text, corners, ZXING, _SYMBOLOGY.get(fmt, fmt), version,
                              str(res.ec_level or ""), frame=frame))
    return symbols, candidates


@cache
def zbar_status() -> tuple[bool, str]:
    """(available, reason): pyzbar raises ImportError when the libzbar shared library is missing."""
    try:
        from pyzbar import pyzbar  # noqa: F401
    except ImportError as exc:
        return False, f"zbar fallback unavailable ({exc}); using zxing-cpp alone"
    except OSError as exc:  # a broken libzbar install
        return False, f"zbar fallback unavailable ({exc}); using zxing-cpp alone"
    return True, "zbar fallback available"


_ZBAR_CFG_BINARY = 4  # zbar >= 0.23: return raw bytes instead of charset-guessed text


def read_zbar(image: Image, frame: int = 0) -> list[Symbol]:
    """Decode QR codes with libzbar; [] when libzbar is not installed."""
    if not zbar_status()[0]:
        return []
    from ctypes import c_void_p, cast, string_at

    from pyzbar import wrapper as zw

    gray = image if image.mode == "L" else image.convert("L")
    width, height = gray.size
    pixels = gray.tobytes()
    out: list[Symbol] = []
    scanner = zw.zbar_image_scanner_create()
    zimage = zw.zbar_image_create()
    try:
        zw.zbar_image_scanner_set_config(scanner, 0, zw.ZBarConfig.CFG_ENABLE, 0)
        qr = zw.ZBarSymbol.QRCODE
        zw.zbar_image_scanner_set_config(scanner, qr, zw.ZBarConfig.CFG_ENABLE, 1)
        zw.zbar_image_scanner_set_config(scanner, qr, _ZBAR_CFG_BINARY, 1)
        zw.zbar_image_set_format(zimage, 808466521)  # fourcc 'Y800': 8-bit gray
        zw.zbar_image_set_size(zimage, width, height)
        buffer = cast(pixels, c_void_p)  # type: ignore[arg-type]  # ctypes accepts bytes here
        zw.zbar_image_set_data(zimage, buffer, len(pixels), None)
        if zw.zbar_scan_image(scanner, zimage) > 0:
            sym = zw.zbar_image_first_symbol(zimage)
            while sym:
                raw = string_at(zw.zbar_symbol_get_data(sym), zw.zbar_symbol_get_data_length(sym))
                pts = [(float(zw.zbar_symbol_get_loc_x(sym, i)),
                        float(zw.zbar_symbol_get_loc_y(sym, i)))
                       for i in range(zw.zbar_symbol_get_loc_size(sym))]
                out.append(Symbol(raw, text_of(raw), _quad(pts), ZBAR, frame=frame))
                sym = zw.zbar_symbol_next(sym)
    finally:
        zw.zbar_image_destroy(zimage)
        zw.zbar_image_scanner_destroy(scanner)
    return out


def _quad(pts: list[Point]) -> Quad:
    """zbar gives 4 corners in its own order; normalise to tl, tr, br, bl by position."""
    if len(pts) < 4:
        xs = [p[0] for p in pts] or [0.0]
        ys = [p[1] for p in pts] or [0.0]
        return ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))
    pts = pts[:4]
    tl = min(pts, key=lambda p: p[0] + p[1])
    br = max(pts, key=lambda p: p[0] + p[1])
    tr = max(pts, key=lambda p: p[0] - p[1])
    bl = min(pts, key=lambda p: p[0] - p[1])
    return (tl, tr, br, bl)
