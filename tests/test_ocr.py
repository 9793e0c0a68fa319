"""OCR of rendered messenger screenshots (light and dark) and its error messages.

Screenshots are drawn at test time with Pillow and DejaVu Sans by the renderer of
scripts/eval_ocr.py; tests that need Tesseract with kaz/rus/eng data skip visibly without it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kzscam import ocr
from kzscam.ocr import OcrError, ocr_image, tesseract_status, tidy

ROOT = Path(__file__).resolve().parents[1]


def _load_renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_ocr", ROOT / "scripts" / "eval_ocr.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_ocr", module)
    spec.loader.exec_module(module)
    return module


render = _load_renderer()
needs_tesseract = pytest.mark.skipif(
    tesseract_status() is not None, reason=f"OCR unavailable: {tesseract_status()}")
needs_font = pytest.mark.skipif(
    render.find_font() is None, reason="DejaVu fonts missing (Debian package fonts-dejavu-core)")

# Written from the National Bank notices (fake support asks for the one-time code).
MESSAGES = {
    "kk": "Сәлеметсіз бе! Бұл WhatsApp техникалық қолдау қызметі. Сіздің аккаунтыңызды жою "
          "туралы өтініш түсті. Бас тарту үшін SMS арқылы келген бір реттік кодты жіберіңіз.",
    "ru": "Здравствуйте, это служба безопасности банка. По вашей карте подозрительная операция, "
          "срочно назовите код из SMS, иначе счёт будет заблокирован.",
    "en": "Hello, this is WhatsApp support. Your account will be deleted today. Send us the "
          "6-digit code from the SMS to cancel the request.",
}
KEY_PHRASES = {"kk": "бір реттік кодты", "ru": "назовите код из SMS", "en": "6-digit code"}


def _norm(text: str) -> str:
    return " ".join(text.split())


@needs_tesseract
@needs_font
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_screenshot_text_is_read_back(tmp_path: Path, lang: str, theme: str) -> None:
    shot = tmp_path / f"{lang}-{theme}.png"
    render.render_screenshot(MESSAGES[lang], theme).save(shot)
    text = ocr_image(shot)
    assert KEY_PHRASES[lang] in text
    # The screenshot also shows the contact name and the time: allow for those, not more.
    errors = render.edit_distance(_norm(MESSAGES[lang]), _norm(text))
    assert errors <= 0.05 * len(MESSAGES[lang]) + 15, text


@needs_tesseract
@needs_font
def test_small_jpeg_screenshot_is_upscaled_and_read(tmp_path: Path) -> None:
    img = render.render_screenshot(MESSAGES["ru"], "light", width=720, size=26)
    shot = tmp_path / "small.jpg"
    img.save(shot, quality=80)
    assert "код из SMS" in ocr_image(shot)


@needs_tesseract
def test_image_without_text_gives_empty_text(tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), "#EFEAE2").save(blank)
    assert ocr_image(blank) == ""


@needs_tesseract
@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p / "missing.png", "file not found"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "notes.png").write_text("just text") and p / "notes.png",
         "not an image"),
    ],
)
def test_unreadable_inputs_give_one_line_errors(tmp_path: Path, make: object,
                                                problem: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(OcrError, match=problem) as info:
        ocr_image(path)
    assert "\n" not in str(info.value)


@needs_tesseract
def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    from PIL import Image

    bomb = tmp_path / "bomb.png"
    Image.new("1", (10_000, 7_000)).save(bomb)  # 70 megapixels, a few kilobytes on disk
    assert bomb.stat().st_size < 200_000
    with pytest.raises(OcrError, match="too large"):
        ocr_image(bomb)


def test_missing_tesseract_explains_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    tesseract_status.cache_clear()
    try:
        status = tesseract_status()
        assert status is not None and "\n" not in status
        assert "apt-get install tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus" in status
        assert "brew install" in status
        with pytest.raises(OcrError, match="not installed"):
            ocr_image(tmp_path / "any.png")
    finally:
        tesseract_status.cache_clear()


def test_missing_language_data_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr.shutil, "which", lambda name: "/usr/bin/tesseract")
    monkeypatch.setattr(ocr, "_installed_langs", lambda binary: {"eng", "osd"})
    tesseract_status.cache_clear()
    try:
        status = tesseract_status()
    finally:
        tesseract_status.cache_clear()
    assert status is not None
    assert "kaz (Kazakh), rus (Russian)" in status
    assert "tesseract-ocr-kaz tesseract-ocr-rus" in status


def test_tidy_joins_wrapped_lines_and_keeps_bubbles_apart() -> None:
    raw = "Aliya\n\nСрочно назовите\nкод из SMS  \n\n\n14:05\n\x0c"
    assert tidy(raw) == "Aliya\n\nСрочно назовите код из SMS\n\n14:05"
    assert tidy("\x0c") == ""
    assert tidy("код из 5М5, не SMS-банк") == "код из SMS, не SMS-банк"
    assert tidy("5M5 $M$ 55M5 5М") == "SMS SMS 55M5 5M"


def test_tidy_puts_look_alike_letters_back_into_one_script() -> None:
    # Misreads seen on rendered dev-corpus screenshots: "на" as Latin "Ha", "in" as Cyrillic.
    assert tidy("Открыт набор Ha множество. Если He вы, пишитeв лс") == (
        "Открыт набор На множество. Если Не вы, пишитев лс")
    assert tidy("По всем вопросам пишите в JIC") == "По всем вопросам пишите в ЛС"
    assert tidy("һауе по hesitation іп highly recommending") == (
        "haye no hesitation in highly recommending")
    # Real Latin words in Russian text and real Kazakh letters are left alone.
    assert tidy("Kaspi Gold: вход в Tinkoff.ru, cashback 1%") == (
        "Kaspi Gold: вход в Tinkoff.ru, cashback 1%")
    assert tidy("Сәлем! Бұл Ұлттық Банк") == "Сәлем! Бұл Ұлттық Банк"
