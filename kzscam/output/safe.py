"""Make untrusted text (messages, payloads, file names) inert before it reaches a terminal.

Escape sequences could recolour the screen, retitle the window or plant OSC-8 hyperlinks; bidi
controls reorder what a link looks like. They are shown as visible `<U+XXXX>` marks instead.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kzscam.model import Evidence

_KEEP = {"\n", "\t"}


@lru_cache(maxsize=4096)
def _mark(ch: str) -> str:
    if ch in _KEEP:
        return ch
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return f"<U+{ord(ch):04X}>"
    return ch


def clean(text: str, *, one_line: bool = False, limit: int | None = None) -> str:
    """Printable form of `text`: control and format characters made visible, optionally cut."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    if text.isascii() and text.isprintable():
        return text
    out = "".join(_mark(c) if not c.isprintable() or ord(c) > 127 else c for c in text)
    if one_line:
        out = out.replace("\n", " ⏎ ").replace("\t", " ")
    return out


def show_url(url: str) -> str:
    """A link as a person should see it: disguised letters in the host spelled out (k<U+0430>spi.kz)."""
    if url.isascii() and url.isprintable():
        return url
    from kzscam.url.display import visible

    return visible(url)


def show_evidence(ev: Evidence) -> str:
    """A quote by what it is, whichever rule quoted it: a link (or part of one) with disguised
    host letters spelled out, text as written. Either way the caller passes it through clean()."""
    return show_url(ev.text) if ev.kind == "link" else ev.text


def say(message: str) -> None:
    """One inert line on stderr (`kzscam: ...`); never fails, even with stderr closed or gone."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(f"kzscam: {clean(message, one_line=True)}\n")
            sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
