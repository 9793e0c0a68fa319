"""Decoding real image files generated at test time: formats, frames, orientation, both decoders."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import qrcode
from PIL import Image

from kzscam.qr import decoders
from kzscam.qr.analyze import image_report
from kzscam.qr.decoders import read_zbar, read_zxing, zbar_status
from kzscam.qr.emv import build_emv
from kzscam.qr.loader import LoadedImage, Source, load
from kzscam.qr.pipeline import ScanOptions, scan
from qrsynth import bend, make_code

PAYLOADS = {
    "url": "https://example.kz/menu?table=4",
    "wifi": "WIFI:T:WPA;S:Кафе Central;P:s3cret;;",
    "tel": "tel:+77011234567",
    "sms": "SMSTO:+77011234567:Сәлем!",
    "email": "MATMSG:TO:info@example.kz;SUB:Hi;BODY:Text;;",
    "geo": "geo:43.238,76.945",
    "contact": "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Әйгерім\r\nTEL:+77011234567\r\nEND:VCARD",
    "calendar": "BEGIN:VEVENT\r\nSUMMARY:Той\r\nDTSTART:20261201T180000\r\nEND:VEVENT",
    "emv_payment": build_emv([("00", "01"), ("01", "11"), ("53", "398"), ("58", "KZ"),
                              ("59", "Magnum"), ("60", "Астана")]),
    "messenger_login": "tg://login?token=AQKzdWUAAAAAZz1xQ3N0b2tlbl9kZW1v",
    "app_link": "market://details?id=com.example.game",
    "otpauth": "otpauth://totp/Bank:me?secret=JBSWY3DPEHPK3PXP",
    "text": "Сәлем, Қазақстан! Привет, мир.",
}


def qrcode_image(payload: str) -> Image.Image:
    qr = qrcode.QRCode(border=4, box_size=6)
    qr.add_data(payload.encode("utf-8"))
    return qr.make_image().get_image().convert("L")


def scan_file(path: Path, **kw: object) -> list[decoders.Symbol]:
    return scan(load(Source(str(path), path=path)), ScanOptions(**kw)).symbols  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
@pytest.mark.parametrize("maker", ["qrcode", "segno"])
def test_every_kind_round_trips_exactly(tmp_path: Path, kind: str, maker: str) -> None:
    payload = PAYLOADS[kind]
    img = qrcode_image(payload) if maker == "qrcode" else make_code(payload)
    path = tmp_path / "code.png"
    img.save(path)
    symbols = scan_file(path)
    assert [s.text for s in symbols] == [payload]
    assert symbols[0].decoder == "zxing-cpp" and symbols[0].raw == payload.encode("utf-8")
    from kzscam.config import Config
    from kzscam.engine import get_engine

    report = image_report(str(path), img.size, symbols, get_engine(Config()), Config(), "en")
    assert report.parts[0].details["kind"] == kind
    assert report.parts[0].details["payload"] == payload


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "GIF", "BMP", "TIFF", "PNG"])
def test_image_formats(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"code.{fmt.lower()}"
    make_code(PAYLOADS["url"]).save(path, format=fmt)
    assert [s.text for s in scan_file(path)] == [PAYLOADS["url"]]


def test_heic_from_iphones(tmp_path: Path) -> None:
    encoder = shutil.which("heif-enc")
    if encoder is None:
        pytest.skip("heif-enc (Debian libheif-examples) not installed: cannot build a HEIC fixture")
    src = tmp_path / "code.jpg"
    make_code(PAYLOADS["text"]).convert("RGB").save(src, quality=95)
    subprocess.run([encoder, "-q", "90", "-o", str(tmp_path / "code.heic"), str(src)], check=True,
                   capture_output=True)
    assert [s.text for s in scan_file(tmp_path / "code.heic")] == [PAYLOADS["text"]]


def test_several_codes_with_positions(tmp_path: Path) -> None:
    canvas = Image.new("L", (900, 400), 255)
    boxes = {}
    for i, payload in enumerate(("tel:+77011234567", "https://example.kz", "Сәлем")):
        code = make_code(payload, scale=5)
        canvas.paste(code, (20 + 300 * i, 60))
        boxes[payload] = (20 + 300 * i, 60, 20 + 300 * i + code.width, 60 + code.height)
    path = tmp_path / "three.png"
    canvas.save(path)
    symbols = scan_file(path)
    assert sorted(s.text or "" for s in symbols) == sorted(boxes)
    for s in symbols:
        x0, y0, x1, y1 = boxes[s.text or ""]
        assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in s.corners)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    canvas = Image.new("RGB", (600, 300), "white")
    canvas.paste(make_code("https://example.kz").convert("RGB"), (20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated; viewers turn it 90 degrees clockwise
    path = tmp_path / "phone.jpg"
    canvas.save(path, exif=exif, quality=95)
    image = load(Source(str(path), path=path))
    assert image.size == (300, 600)
    (sym,) = scan(image).symbols
    assert all(x >= 300 - 20 - 200 and y <= 20 + 200 for x, y in sym.corners)


def test_gif_frames(tmp_path: Path) -> None:
    blank = Image.new("L", (220, 220), 255)
    frames = [blank, make_code("frame two", scale=5).resize((220, 220)), blank.copy()]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    (sym,) = scan_file(path)
    assert sym.text == "frame two" and sym.frame == 1


def test_transparent_and_16_bit_images(tmp_path: Path) -> None:
    code = make_code("transparent")
    rgba = Image.new("RGBA", code.size, (0, 0, 0, 0))
    rgba.putalpha(code.point(lambda v: 255 - v))  # black modules, see-through background
    rgba.save(tmp_path / "alpha.png")
    assert [s.text for s in scan_file(tmp_path / "alpha.png")] == ["transparent"]
    deep = make_code("sixteen bits").point(lambda v: v * 257, mode="I").convert("I;16")
    deep.save(tmp_path / "deep.png")
    assert [s.text for s in scan_file(tmp_path / "deep.png")] == ["sixteen bits"]


def test_micro_qr_and_binary_payloads(tmp_path: Path) -> None:
    make_code("12345", micro=True).save(tmp_path / "micro.png")
    (micro,) = scan_file(tmp_path / "micro.png")
    assert micro.symbology == "Micro QR Code" and micro.text == "12345"
    raw = bytes(range(256))[::7]
    make_code(raw).save(tmp_path / "bin.png")
    (sym,) = scan_file(tmp_path / "bin.png")
    assert sym.raw == raw and sym.text is None


def test_shift_jis_text_keeps_zxing_reading_and_raw_bytes(tmp_path: Path) -> None:
    raw = "日本語テキスト".encode("shift_jis")
    make_code(raw).save(tmp_path / "sjis.png")
    (sym,) = scan_file(tmp_path / "sjis.png")
    assert sym.text == "日本語テキスト" and sym.raw == raw


def test_cyrillic_in_kanji_mode_reads_exactly() -> None:
    # segno's own choice for Cyrillic is QR Kanji mode (Shift-JIS has Cyrillic letters).
    payload = "Привет, мир"
    (sym,) = scan(LoadedImage("x", (make_code(payload, encoding=None),), "PNG")).symbols
    assert sym.text == payload and sym.raw != payload.encode("utf-8")


def test_curved_paper_is_read_by_elastic_fitting() -> None:
    payload = "https://example.kz/curved"
    img = bend(make_code(payload, scale=5, border=6, version=3, error="l"), amplitude=6.0)
    direct, candidates = read_zxing(img)
    result = scan(LoadedImage("bent", (img,), "PNG"), ScanOptions(budget_s=60, use_zbar=False))
    assert [s.text for s in result.symbols] == [payload]
    if not direct:  # zxing-cpp alone located it but could not read it
        assert candidates and result.symbols[0].method == "elastic"


def test_a_bent_code_beside_a_clean_one_is_read_too() -> None:
    bent = bend(make_code("second sticker", scale=5, border=6, version=3, error="l"), 6.0)
    canvas = Image.new("L", (bent.width * 2 + 40, bent.height), 255)
    canvas.paste(make_code("first sticker", scale=5, border=6), (0, 0))
    canvas.paste(bent, (bent.width + 40, 0))
    result = scan(LoadedImage("two", (canvas,), "PNG"), ScanOptions(budget_s=60, use_zbar=False))
    assert sorted(s.text or "" for s in result.symbols) == ["first sticker", "second sticker"]


def test_nothing_in_noise_or_blank_images() -> None:
    import random

    rng = random.Random(3)
    noise = Image.frombytes("L", (300, 300), bytes(rng.randrange(256) for _ in range(90000)))
    for img in (noise, Image.new("L", (300, 300), 255)):
        assert scan(LoadedImage("x", (img,), "PNG"), ScanOptions(budget_s=60)).symbols == []


def test_zero_budget_skips_retries_deterministically() -> None:
    img = Image.new("L", (200, 200), 255)
    result = scan(LoadedImage("x", (img,), "PNG"), ScanOptions(budget_s=0))
    assert result.passes == ["zxing"] and result.budget_exhausted


def test_without_libzbar_zxing_carries_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyzbar", None)  # import now raises ImportError
    monkeypatch.setitem(sys.modules, "pyzbar.pyzbar", None)
    zbar_status.cache_clear()
    try:
        ok, why = zbar_status()
        assert not ok and "zbar fallback unavailable" in why
        assert read_zbar(make_code("x")) == []
        make_code("still works").save(tmp_path / "a.png")
        assert [s.text for s in scan_file(tmp_path / "a.png")] == ["still works"]
    finally:
        zbar_status.cache_clear()


def test_zbar_fallback_when_zxing_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    if not zbar_status()[0]:
        pytest.skip("libzbar not installed (make sysdeps installs libzbar0)")
    from kzscam.qr import pipeline, regional, whole

    for module in (pipeline, whole, regional):  # every module of the ladder that calls zxing-cpp
        monkeypatch.setattr(module, "read_zxing", lambda *a, **k: ([], []))
    img = make_code("Қазақстан UTF-8")
    result = scan(LoadedImage("x", (img,), "PNG"), ScanOptions(budget_s=60))
    assert [(s.text, s.decoder) for s in result.symbols] == [("Қазақстан UTF-8", "zbar")]


def test_zbar_returns_raw_bytes_not_a_charset_guess() -> None:
    if not zbar_status()[0]:
        pytest.skip("libzbar not installed (make sysdeps installs libzbar0)")
    raw = "日本語".encode("shift_jis")
    (sym,) = read_zbar(make_code(raw))
    assert sym.raw == raw and sym.text is None  # not UTF-8: kept as bytes, never guessed


def test_payload_hex_for_non_utf8(tmp_path: Path) -> None:
    from kzscam.config import Config
    from kzscam.engine import get_engine

    raw = b"\x00\x01binary\xff"
    buf = io.BytesIO()
    make_code(raw).save(buf, format="PNG")
    image = load(Source("bin", data=buf.getvalue()))
    report = image_report("bin", image.size, scan(image).symbols, get_engine(Config()), Config(),
                          "en")
    code = report.parts[0].details
    assert code["kind"] == "binary" and code["payload_hex"] == raw.hex()


def test_an_elastic_fit_stops_at_the_budget_deadline() -> None:
    """--budget is a ceiling: a fit that would run past the deadline stops where it is (here
    before moving any control point, so it samples the plain perspective grid)."""
    from kzscam.qr.elastic import fit_modules, render

    payload = "https://example.kz/curved"
    img = bend(make_code(payload, scale=5, border=6, version=3, error="l"), amplitude=6.0)
    direct, candidates = read_zxing(img)
    assert not direct and candidates  # zxing-cpp alone locates the bent code but cannot read it
    cand = candidates[0]
    full = fit_modules(img, cand, 4)
    assert full is not None
    assert [s.text for s in read_zxing(render(full), pure=True)[0]] == [payload]
    cut = fit_modules(img, cand, 4, deadline=0.0)
    assert cut == fit_modules(img, cand, 1, deadline=0.0)  # no displacement: the plain grid
    assert cut != full
