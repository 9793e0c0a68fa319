"""Decode a host as a browser would: %-escapes, Unicode mapping, punycode, IP addresses.

What the browser connects to is what matters: ``http://0x7f.1`` is 127.0.0.1, ``xn--80ak6aa92e.com``
shows as Cyrillic letters, ``%6Baspi.kz`` is kaspi.kz. Never raises; linear in the input.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Dots that browsers accept between labels (ideographic and full-width full stops).
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_FORBIDDEN = frozenset(" \t\r\n\0<>\"^`{|}\\")


@dataclass(frozen=True, slots=True)
class HostInfo:
    """A decoded host. `name` is lower-case Unicode without a trailing dot ("" when absent)."""

    raw: str
    name: str
    labels: tuple[str, ...]
    ip: str | None = None  # canonical address when the host is an IP literal
    ip_notation: str | None = None  # dotted, integer, hex, octal, shortened, ipv6
    percent: bool = False  # written with %-escapes
    punycode: bool = False  # written with xn-- labels
    bad_punycode: bool = False  # an xn-- label that does not decode to valid Unicode
    forbidden: bool = False  # characters a real host cannot contain
    bad_ip: bool = False  # ends in a number but is no valid IPv4 address (browsers refuse it)


def parents(name: str, depth: int = 8) -> list[str]:
    """`name` and its parent domains, most specific first, at most `depth` labels long.

    ``a.b.kaspi.kz`` -> [a.b.kaspi.kz, b.kaspi.kz, kaspi.kz, kz]. Bounded so that a host of
    50,000 labels costs one pass, not 50,000 slices.
    """
    labels = name.rsplit(".", depth)[-depth:] if name else []
    return [".".join(labels[i:]) for i in range(len(labels))]


def _remove_format_chars(text: str) -> str:
    """Drop zero-width and direction marks (they are reported separately, on the raw URL)."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _unicode_map(text: str) -> str:
    """UTS #46 mapping (full-width letters to ASCII, case folding); NFKC when it refuses."""
    try:
        import idna

        return str(idna.uts46_remap(text, std3_rules=False, transitional=False))
    except Exception:  # idna rejects some code points; the NFKC form is still what users see
        return unicodedata.normalize("NFKC", text).lower()


def _decode_label(label: str) -> tuple[str, bool]:
    """(shown form, ok) of one label; ``xn--`` labels are decoded permissively."""
    if not label.startswith("xn--"):
        return label, True
    try:
        shown = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label, False
    if not shown or shown.isascii() or any(unicodedata.category(c).startswith("C") for c in shown):
        return label, False
    return shown.lower(), True


def decode_host(raw: str) -> HostInfo:
    """Decode `raw` (a host as written in a URL)."""
    text = raw
    percent = "%" in text
    if percent:
        from urllib.parse import unquote

        text = unquote(text, errors="replace")
    forbidden = any(c in _FORBIDDEN for c in text)
    text = text.translate(_DOTS).strip().lower()
    if text.startswith("["):
        return _ipv6(raw, text, percent)
    if not text.isascii():
        text = _unicode_map(_remove_format_chars(text))
    text = text.rstrip(".")
    raw_labels = text.split(".") if text else []
    punycode = any(lab.startswith("xn--") for lab in raw_labels)
    bad = False
    labels: list[str] = []
    for label in raw_labels:
        shown, ok = _decode_label(label)
        bad = bad or not ok
        labels.append(shown)
    name = ".".join(labels)
    ip, notation = _ipv4(raw_labels)
    last = raw_labels[-1] if raw_labels else ""
    bad_ip = ip is None and last.isascii() and (last.isdigit() or last[:2] == "0x")
    return HostInfo(raw, name, tuple(labels), ip, notation, percent, punycode, bad, forbidden,
                    bad_ip)


def _ipv6(raw: str, text: str, percent: bool) -> HostInfo:
    import ipaddress

    inner = text[1:text.find("]")] if "]" in text else text[1:]
    try:
        address = ipaddress.IPv6Address(inner.split("%", 1)[0])
    except ValueError:
        return HostInfo(raw, text, (text,), None, None, percent, forbidden=True)
    shown = str(address.ipv4_mapped) if address.ipv4_mapped else str(address)
    return HostInfo(raw, text, (text,), shown, "ipv6", percent)


def _number(part: str) -> tuple[int, str] | None:
    """WHATWG IPv4 number parser: 0x.. is hex, 0.. is octal, else decimal; None when invalid."""
    if len(part) > 34:
        return None
    if part[:2] in ("0x", "0X"):
        digits, base, kind = part[2:] or "0", 16, "hex"
    elif len(part) > 1 and part[0] == "0":
        digits, base, kind = part[1:], 8, "octal"
    else:
        digits, base, kind = part, 10, "decimal"
    try:
        return int(digits, base), kind
    except ValueError:
        return None


def _ipv4(labels: list[str]) -> tuple[str | None, str | None]:
    """(dotted address, notation) when the host "ends in a number" and parses as IPv4."""
    if not labels or not labels[-1]:
        return None, None
    last = labels[-1]
    hexlike = last[:2] in ("0x", "0X") and all(c in "0123456789abcdefABCDEF" for c in last[2:])
    if not (last.isascii() and last.isdigit()) and not hexlike:
        return None, None
    if len(labels) > 4:
        return None, None
    parsed = [_number(p) for p in labels]
    if any(p is None for p in parsed):
        return None, None
    numbers = [p[0] for p in parsed if p is not None]
    kinds = {p[1] for p in parsed if p is not None}
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None, None
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    dotted = ".".join(str((value >> s) & 255) for s in (24, 16, 8, 0))
    if len(numbers) == 4 and kinds == {"decimal"}:
        notation = "dotted"
    elif len(numbers) == 1:
        notation = "hex" if "hex" in kinds else "octal" if "octal" in kinds else "integer"
    else:
        notation = "hex" if "hex" in kinds else "octal" if "octal" in kinds else "shortened"
    return dotted, notation
