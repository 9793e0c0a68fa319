"""What a QR payload is: its kind and parsed fields (a typed, judgement-free `QrPayload`).

Classification follows what phone cameras do with a scanned code: a scheme or a well-known prefix
decides (`WIFI:`, `tel:`, `MATMSG:`, `otpauth://`, EMV `000201...`), upper-case forms included
(QR alphanumeric mode only has capitals, so printed codes say `HTTPS://` and `SMSTO:`).
Anything that claims a format and breaks it keeps that kind with `problem` set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kzscam.qr import formats
from kzscam.qr.emv import looks_like_emv, parse_emv
from kzscam.qr.formats import FormatError
from kzscam.qr.known import known
from kzscam.qr.links import classify_url

KINDS = ("url", "bank_payment_link", "messenger_login", "messenger_link", "app_link", "wifi",
         "tel", "sms", "email", "geo", "contact", "calendar", "emv_payment", "otpauth", "crypto",
         "proxy", "script", "text", "binary", "unknown")

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]{0,30}):")
_WA_LINK_RE = re.compile(r"^[12]@[A-Za-z0-9+/=_\-]{8,},[A-Za-z0-9+/=_\-]{20,},"
                         r"[A-Za-z0-9+/=_\-]{20,}(?:,[A-Za-z0-9+/=_\-]{10,})*$")
_BARE_CRYPTO = {
    "bitcoin": re.compile(r"^(?:bc1[a-z0-9]{25,62}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})$"),
    "ethereum": re.compile(r"^0x[0-9a-fA-F]{40}$"),
    "tron": re.compile(r"^T[1-9A-HJ-NP-Za-km-z]{33}$"),
}


@dataclass(frozen=True)
class QrPayload:
    """One payload: `kind` from KINDS, `details` JSON-safe, spans to inspect with offsets.

    `urls` and `texts` are (string, offset in `text`) pairs: links for the URL inspector and
    free text (prefilled SMS, e-mail body, contact note) for the text rules.
    """

    text: str
    raw: bytes
    kind: str
    details: dict[str, Any] = field(default_factory=dict)
    urls: tuple[tuple[str, int], ...] = ()
    texts: tuple[tuple[str, int], ...] = ()
    phones: tuple[str, ...] = ()
    problem: str | None = None


def _find(text: str, part: str) -> int:
    """Offset of `part` in the payload, -1 when escaping or URL-encoding changed it."""
    return text.find(part) if part else -1


def _spans(text: str, parts: list[str]) -> tuple[tuple[str, int], ...]:
    return tuple((p, _find(text, p)) for p in parts if p and p.strip())


def parse_payload(text: str | None, raw: bytes) -> QrPayload:
    """Classify and parse; never raises (a broken payload is reported, not crashed on)."""
    if text is None:
        return QrPayload("", raw, "binary", {"length": len(raw)})
    stripped = text.strip()
    try:
        return _classify(text, stripped, raw)
    except FormatError as exc:
        kind = _claimed_kind(stripped)
        return QrPayload(text, raw, kind, {}, problem=str(exc))


def _claimed_kind(s: str) -> str:
    upper = s[:12].upper()
    for prefix, kind in (("WIFI:", "wifi"), ("MECARD:", "contact"), ("BIZCARD:", "contact"),
                         ("BEGIN:VCARD", "contact"), ("MATMSG:", "email"), ("MEBKM:", "url"),
                         ("BEGIN:VEVENT", "calendar"), ("BEGIN:VCALEN", "calendar"),
                         ("GEO:", "geo"), ("TEL:", "tel"), ("SMS", "sms"), ("MAILTO:", "email"),
                         ("OTPAUTH", "otpauth")):
        if upper.startswith(prefix):
            return kind
    return "emv_payment" if looks_like_emv(s) else "unknown"


def _classify(text: str, s: str, raw: bytes) -> QrPayload:
    upper = s[:16].upper()
    if upper.startswith("WIFI:"):
        return QrPayload(text, raw, "wifi", formats.parse_wifi(s[5:]))
    if upper.startswith(("MECARD:", "BIZCARD:", "BEGIN:VCARD")):
        return _contact(text, s, raw, upper)
    if upper.startswith(("BEGIN:VEVENT", "BEGIN:VCALENDAR")):
        ev = formats.parse_vevent(s)
        return QrPayload(text, raw, "calendar", ev, urls=_spans(text, [ev["url"]]),
                         texts=_spans(text, [ev["summary"], ev["location"], ev["description"]]))
    if upper.startswith("MATMSG:"):
        return _email(text, raw, formats.parse_matmsg(s[7:]))
    if upper.startswith("MEBKM:"):
        bm = formats.parse_bookmark(s[6:])
        return _url(text, raw, bm["url"], {"title": bm["title"]})
    if upper.startswith("URLTO:"):
        return _url(text, raw, s[6:].strip(), {})
    if looks_like_emv(s):
        emv = parse_emv(s)
        return QrPayload(text, raw, "emv_payment", emv.summary())
    if _WA_LINK_RE.match(s):
        login = {"app": "WhatsApp", "login": "link a device"}
        return QrPayload(text, raw, "messenger_login", login)
    for coin, pattern in _BARE_CRYPTO.items():
        if pattern.match(s):
            return QrPayload(text, raw, "crypto", {"currency": coin, "address": s})
    m = _SCHEME_RE.match(s)
    if m and not s[m.end():m.end() + 1].isspace():  # "Note: text" is prose, not a link
        scheme = m.group(1).lower()
        spaced = any(c.isspace() for c in s)
        if scheme in ("http", "https") and spaced:
            return QrPayload(text, raw, "text", {}, texts=((text, 0),))
        if scheme in _SPACED_SCHEMES or s[m.end():m.end() + 2] == "//" or not spaced:
            return _by_scheme(text, s, raw, scheme)
    return QrPayload(text, raw, "text", {}, texts=((text, 0),))


# Schemes recognised even when the payload contains spaces (prefilled texts, labels).
_SPACED_SCHEMES = frozenset({"tel", "sms", "smsto", "mms", "mmsto", "mailto", "geo", "otpauth",
                             "otpauth-migration", "javascript", "data", "vbscript", "intent",
                             "bitcoin", "ethereum", "litecoin", "ton"})


def _by_scheme(text: str, s: str, raw: bytes, scheme: str) -> QrPayload:
    k = known()
    if scheme in ("http", "https"):
        return _url(text, raw, s, {})
    if scheme == "tel":
        return QrPayload(text, raw, "tel", formats.parse_tel(s))
    if scheme in ("sms", "smsto", "mms", "mmsto"):
        sms = formats.parse_sms(s)
        return QrPayload(text, raw, "sms", sms, texts=_spans(text, [sms["body"]]))
    if scheme == "mailto":
        return _email(text, raw, formats.parse_mailto(s))
    if scheme == "geo":
        return QrPayload(text, raw, "geo", formats.parse_geo(s))
    if scheme in ("otpauth", "otpauth-migration"):
        from kzscam.qr.links import parse_otpauth

        return QrPayload(text, raw, "otpauth", parse_otpauth(s))
    if scheme in ("javascript", "data", "vbscript"):
        return QrPayload(text, raw, "script", {"scheme": scheme})
    if scheme in k.list("crypto", "schemes"):
        address = s.split(":", 1)[1].lstrip("/").split("?")[0]
        return QrPayload(text, raw, "crypto", {"currency": scheme, "address": address})
    if scheme in k.list("proxy", "schemes"):
        return QrPayload(text, raw, "proxy", {"scheme": scheme})
    link = classify_url(s)
    if link.kind != "unknown":
        return QrPayload(text, raw, link.kind, link.details, urls=_spans(text, link.urls),
                         texts=_spans(text, link.texts))
    return QrPayload(text, raw, "unknown", {"scheme": scheme})


def _url(text: str, raw: bytes, url: str, extra: dict[str, Any]) -> QrPayload:
    link = classify_url(url)
    details = {**extra, **link.details}
    kind = link.kind if link.kind != "unknown" else "url"
    urls = link.urls or [url]
    return QrPayload(text, raw, kind, details, urls=_spans(text, urls),
                     texts=_spans(text, link.texts))


def _email(text: str, raw: bytes, mail: dict[str, str]) -> QrPayload:
    return QrPayload(text, raw, "email", mail, texts=_spans(text, [mail["subject"], mail["body"]]))


def _contact(text: str, s: str, raw: bytes, upper: str) -> QrPayload:
    if upper.startswith("MECARD:"):
        card = formats.parse_mecard(s[7:])
    elif upper.startswith("BIZCARD:"):
        card = formats.parse_bizcard(s[8:])
    else:
        card = formats.parse_vcard(s)
    urls = [str(u) for u in card["urls"]]  # type: ignore[attr-defined]
    phones = tuple(str(p) for p in card["phones"])  # type: ignore[attr-defined]
    return QrPayload(text, raw, "contact", card, urls=_spans(text, urls),
                     texts=_spans(text, [str(card["note"])]), phones=phones)
