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
