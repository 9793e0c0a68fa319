"""Show a URL safely: no terminal escapes, no invisible characters, no disguised letters.

``visible("https://kаspi.kz")`` is ``"https://k<U+0430>spi.kz"``: a person reading the report sees
that the second letter is not the Latin ``a``. Host labels written wholly in another alphabet that
cannot pass for Latin (``пример.рф``) stay readable; labels that mix alphabets or only imitate
Latin letters (``каѕрі``) have every non-ASCII character spelled out.
"""

from __future__ import annotations

import unicodedata

from kzscam.url.parse import parse_url
from kzscam.url.skeleton import imitates_ascii, scripts


def _code(ch: str) -> str:
    return f"<U+{ord(ch):04X}>"


def _unsafe(ch: str) -> bool:
    """Controls (terminal escapes), format characters (zero-width, bidi) and odd spaces."""
    if ch.isascii():
        return ch < " " or ch == "\x7f"
    category = unicodedata.category(ch)
    return category in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn") or (category == "Zs")


def _escape(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return "".join(_code(c) if _unsafe(c) else c for c in text)


def _label(label: str) -> str:
    if label.isascii():
        return _escape(label)
    found = scripts(label)
    readable = (len(found) == 1 and "LATIN" not in found
                and any(c.isalpha() and not imitates_ascii(c) for c in label))
    if readable:
        return _escape(label)
    return "".join(_code(c) if not c.isascii() or _unsafe(c) else c for c in label)


def visible(url: str) -> str:
    """`url` made safe to print, with suspicious host characters spelled as ``<U+XXXX>``."""
    if url.isascii() and url.isprintable():
        return url  # nothing to escape and nothing to spell out: the common case, kept fast
    start, end = parse_url(url).host_span
    host = ".".join(_label(label) for label in url[start:end].split("."))
    return _escape(url[:start]) + host + _escape(url[end:])
