"""Advisory language choice: --lang, else KZSCAM_LANG, else the locale, else English."""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGS: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANG = "en"


def lang_from_locale(env: Mapping[str, str]) -> str | None:
    """`kk_KZ.UTF-8` -> kk, `ru_RU.UTF-8` -> ru; LC_ALL wins over LC_MESSAGES over LANG."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            if code in LANGS:
                return code
            return None
    return None


def choose_lang(flag: str | None, configured: str | None = None,
                env: Mapping[str, str] | None = None) -> str:
    """Pick the advisory language; an explicit choice always wins over guesses."""
    env = os.environ if env is None else env
    for candidate in (flag, env.get("KZSCAM_LANG"), configured):
        if candidate and candidate.lower() in LANGS:
            return candidate.lower()
    return lang_from_locale(env) or DEFAULT_LANG


def lang_is_chosen(flag: str | None, configured: str | None = None,
                   env: Mapping[str, str] | None = None) -> bool:
    """Did anyone choose the language (flag, KZSCAM_LANG, config, a kk/ru locale)?"""
    env = os.environ if env is None else env
    # An English locale is the usual default of a machine, not a choice against Kazakh or Russian.
    return any(c and c.lower() in LANGS for c in (flag, env.get("KZSCAM_LANG"), configured)) or (
        lang_from_locale(env) in ("kk", "ru"))


_KAZAKH_ONLY = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def guess_lang(text: str) -> str | None:
    """kk when the text has letters only Kazakh uses, ru when it is mostly Cyrillic, else None.

    Only for a hint: a message's language never changes the report's language by itself.
    """
    letters = [ch for ch in text[:2000] if ch.isalpha()]
    if not letters:
        return None
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    if cyrillic * 2 < len(letters):
        return None
    return "kk" if any(ch in _KAZAKH_ONLY for ch in letters) else "ru"


# Fixed interface strings (verdict names, headings). Rule advisories live in the rule files,
# the closing advice of a report in kzscam/output/advice.toml.
_UI: dict[str, dict[str, str]] = {
    "safe": {"en": "SAFE", "ru": "БЕЗОПАСНО", "kk": "ҚАУІПСІЗ"},
    "caution": {"en": "CAUTION", "ru": "ОСТОРОЖНО", "kk": "АБАЙ БОЛЫҢЫЗ"},
    "suspicious": {"en": "SUSPICIOUS", "ru": "ПОДОЗРИТЕЛЬНО", "kk": "КҮДІКТІ"},
    "dangerous": {"en": "DANGEROUS", "ru": "ОПАСНО", "kk": "ҚАУІПТІ"},
    "what_to_do": {"en": "What to do", "ru": "Что делать", "kk": "Не істеу керек"},
    "evidence": {"en": "Evidence", "ru": "Фрагмент", "kk": "Дәлел"},
    "no_findings": {
        "en": "No scam indicators found. Stay careful: no checker catches everything.",
        "ru": "Признаков мошенничества не найдено. Будьте внимательны: ни одна проверка не ловит всё.",
        "kk": "Алаяқтық белгілері табылмады. Сақ болыңыз: ешбір тексеру бәрін таба алмайды.",
    },
    "error": {"en": "ERROR", "ru": "ОШИБКА", "kk": "ҚАТЕ"},
}


def ui(key: str, lang: str) -> str:
    """An interface string in `lang`, falling back to English."""
    entry = _UI[key]
    return entry.get(lang) or entry[DEFAULT_LANG]
