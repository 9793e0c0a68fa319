"""Screenshot OCR through Tesseract with Kazakh, Russian and English data (`kaz+rus+eng`).

Scams reach people as screenshots forwarded in messengers, so `check-text --image` reads the
text back and runs the ordinary text rules on it; evidence offsets then index the recognised
text returned here. Measured on rendered Kazakh text: without the `kaz` data Tesseract misread
19.5% of characters, with all three languages 3.4%. `OMP_THREAD_LIMIT=1` cuts the time per image
from about 3.1 s to 0.35 s (Tesseract's OpenMP threads only fight each other on small images);
parallel batches use processes instead. The order `eng+kaz+rus` was measured on the 216 dev
corpus messages rendered as screenshots: character error 0.3% (kk), 0.7% (en), 5.9% (ru, mostly
Latin look-alike letters in spam that OCR turns back into Cyrillic) against 0.8%, 1.3%, 5.7%
for `kaz+rus+eng`, whose first language makes Tesseract read English words as Kazakh Cyrillic.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("eng", "kaz", "rus")
_LANG_NAMES = {"kaz": "Kazakh", "rus": "Russian", "eng": "English"}
TIMEOUT_SECONDS = 60
_MAX_PIXELS = 60_000_000  # a 60-megapixel "screenshot" is a decompression bomb, not a screenshot
_SMALL_WIDTH = 1000  # below this, text is usually too small for Tesseract: upscale x2

INSTALL_TESSERACT = (
    "Tesseract OCR is not installed; install it with "
    "`sudo apt-get install tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus` (Debian/Ubuntu), "
    "`brew install tesseract tesseract-lang` (macOS) or the UB Mannheim installer with Kazakh and "
    "Russian selected (Windows: https://github.com/UB-Mannheim/tesseract/wiki)"
)


class OcrError(Exception):
    """A screenshot could not be read; the message is one line naming the problem."""


def _install_langs_hint(missing: list[str]) -> str:
    names = ", ".join(f"{code} ({_LANG_NAMES[code]})" for code in missing)
    debs = " ".join("tesseract-ocr-" + code for code in missing)
    return (f"Tesseract language data missing: {names}; install it with "
            f"`sudo apt-get install {debs}` (Debian/Ubuntu) or `brew install tesseract-lang` "
            f"(macOS), or put {', '.join(c + '.traineddata' for c in missing)} into the "
            f"directory named by TESSDATA_PREFIX")


def _installed_langs(binary: str) -> set[str] | None:
    try:
        proc = subprocess.run([binary, "--list-langs"], capture_output=True, text=True,
                              timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # The first line is a header ("List of available languages in ..."); codes follow.
    lines = (proc.stdout + "\n" + proc.stderr).splitlines()
    return {ln.strip() for ln in lines if re.fullmatch(r"[A-Za-z_]+", ln.strip())}


@functools.lru_cache(maxsize=1)
def tesseract_status() -> str | None:
    """None when OCR is usable, else a one-line "how to install" message."""
    if importlib.util.find_spec("pytesseract") is None:
        return "the pytesseract package is missing; install it with `pip install pytesseract`"
    binary = shutil.which("tesseract")
    if binary is None:
        return INSTALL_TESSERACT
    langs = _installed_langs(binary)
    if langs is None:
        return f"{binary} does not run; reinstall Tesseract. {INSTALL_TESSERACT}"
    missing = [code for code in LANGS if code not in langs]
    return _install_langs_hint(missing) if missing else None


def _open_image(path: Path) -> Any:
    """The screenshot as 8-bit grey, or OcrError: the decoding boundary for untrusted files."""
    import warnings

    from PIL import Image, ImageOps, UnidentifiedImageError

    from kzscam.qr.loader import describe, special_file_problem

    try:
        import pi_heif

        pi_heif.register_heif_opener()  # iPhone screenshots shared as HEIC
    except ImportError:  # pragma: no cover - pi-heif is a dependency, but optional here
        pass
    # A FIFO or device named shot.png would block `open` for ever (the same check scan-qr uses).
    special = special_file_problem(Path(path))
    if special is not None:
        raise OcrError(special if special != "is a directory" else "is a directory, not an image")
    too_large = OcrError(f"image is too large (over {_MAX_PIXELS // 1_000_000} megapixels)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.width * img.height > _MAX_PIXELS:
                    raise too_large  # checked from the header, before decoding anything
                img.load()
                return ImageOps.exif_transpose(img).convert("L")
    except OcrError:
        raise
    except FileNotFoundError:
        raise OcrError("file not found") from None
    except IsADirectoryError:
        raise OcrError("is a directory, not an image") from None
    except PermissionError:
        raise OcrError("permission denied") from None
    except UnidentifiedImageError:
        raise OcrError("not an image in a supported format (PNG, JPEG, WebP, HEIC, ...)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except MemoryError:
        raise OcrError("not enough memory to decode this image") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise OcrError(f"cannot decode image: {describe(exc)}") from None
    except Exception as exc:  # Pillow fails on crafted files with TypeError, KeyError, ...
        raise OcrError(f"cannot decode image, the decoder failed ({describe(exc)})") from None


def prepare(gray: Any) -> Any:
    """Make dark-theme and small screenshots look like what Tesseract was trained on."""
    from PIL import ImageOps, ImageStat

    if ImageStat.Stat(gray).mean[0] < 128:
        gray = ImageOps.invert(gray)  # dark theme: light text on dark bubbles
    if gray.width < _SMALL_WIDTH:
        gray = gray.resize((gray.width * 2, gray.height * 2))
    return ImageOps.autocontrast(gray, cutoff=1)


# In Cyrillic sentences Tesseract reads the Latin word "SMS" as "5М5" (digit five, Cyrillic Em),
# which hides the most important word of a code-theft message ("назовите код из SMS").
_SMS_MISREAD = re.compile(r"(?<![\w$])[5S$][МM][5S$](?![\w$])")


# Tesseract with three languages mixes look-alike letters: "на" comes out as Latin "Ha", an
# English "in" as Cyrillic "іп". In a screenshot that is a misreading, not an obfuscation trick,
# so words are put back into one script (the word's majority, or the paragraph's when the whole
# word is made of look-alikes). Only letters with a look-alike in the other script change.
_LAT_TO_CYR = str.maketrans("ABCEHKMOPTXYaceopxy", "АВСЕНКМОРТХУасеорху")
_CYR_TO_LAT = str.maketrans("АВСЕНКМОРТХУасеорхуһіп", "ABCEHKMOPTXYaceopxyhin")
_LAT_LOOKS = frozenset("ABCEHKMOPTXYaceopxy")
_CYR_LOOKS = frozenset("АВСЕНКМОРТХУасеорхуһіп")
_WORD = re.compile(r"[^\W\d_]+")


def _is_cyr(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _script(word: str) -> str:
    cyr = sum(map(_is_cyr, word))
    return "cyr" if cyr * 2 > len(word) else "lat"


def _telling(word: str) -> bool:
    """A word with a letter that has no look-alike shows which script its line is in."""
    return not (set(word) <= _LAT_LOOKS or set(word) <= _CYR_LOOKS)


def _one_script(para: str) -> str:
    words = list(_WORD.finditer(para))
    out: list[str] = []
    last = 0
    for i, m in enumerate(words):
        word = m.group(0)
        cyr = sum(map(_is_cyr, word))
        lat = len(word) - cyr
        # The telling words around this one say which script its line is in.
        around = {_script(w.group(0)) for w in words[max(0, i - 3) : i + 4]
                  if w is not m and _telling(w.group(0))}
        if lat and not cyr and "JI" in word and around == {"cyr"}:
            word = word.replace("JI", "Л")  # a sans-serif Л read as two Latin letters
            cyr, lat = cyr + 1, lat - 2
        if cyr and lat:
            word = word.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)
        else:
            if lat and set(word) <= _LAT_LOOKS and around == {"cyr"}:
                word = word.translate(_LAT_TO_CYR)
            elif cyr and set(word) <= _CYR_LOOKS and around == {"lat"}:
                word = word.translate(_CYR_TO_LAT)
        out.append(para[last : m.start()] + word)
        last = m.end()
    out.append(para[last:])
    return "".join(out)


def tidy(raw: str) -> str:
    """Join the lines Tesseract wrapped inside one paragraph; keep blank lines between bubbles."""
    paragraphs = re.split(r"\n\s*\n", raw.replace("\x0c", "\n"))
    out = []
    for para in paragraphs:
        joined = " ".join(line.strip() for line in para.splitlines() if line.strip())
        if joined:
            out.append(_one_script(_SMS_MISREAD.sub("SMS", joined)))
    return "\n\n".join(out)


def ocr_image(path: Path) -> str:
    """The text recognised in a screenshot; raises OcrError(one-line message) on failure."""
    status = tesseract_status()
    if status is not None:
        raise OcrError(status)
    import pytesseract

    image = prepare(_open_image(Path(path)))
    # Subprocesses inherit this; one OpenMP thread is ~9x faster per small image (see above).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        raw = pytesseract.image_to_string(image, lang="+".join(LANGS), config="--psm 3",
                                          timeout=TIMEOUT_SECONDS)
    except RuntimeError as exc:  # pytesseract signals its timeout with RuntimeError
        raise OcrError(f"OCR did not finish within {TIMEOUT_SECONDS} s ({exc})") from None
    except pytesseract.TesseractError as exc:
        message = " ".join(str(exc.message).split()) or f"exit status {exc.status}"
        raise OcrError(f"tesseract failed: {message}") from None
    except OSError as exc:
        raise OcrError(f"cannot run tesseract: {exc}") from None
    return tidy(str(raw))
