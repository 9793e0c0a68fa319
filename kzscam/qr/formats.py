"""Parsers for the structured payload formats phones understand (pure functions, no judgement).

Formats as the de-facto references define them: the ZXing "Barcode Contents" wiki (WIFI:, MECARD:,
MEBKM:, MATMSG:, SMSTO:, BIZCARD:), RFC 3966 (tel:), RFC 5724 (sms:), RFC 6068 (mailto:),
RFC 5870 (geo:), RFC 6350 (vCard) and RFC 5545 (iCalendar). Every parser raises `FormatError`
with a short reason when the payload claims a format but breaks it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote


class FormatError(ValueError):
    """The payload announces a format but does not follow it; str() says what is wrong."""


def split_fields(body: str) -> list[tuple[str, str]]:
    r"""`K:v;K2:v2;;` with backslash escapes (`\;` `\:` `\,` `\\`) -> [(K, v), ...] in order."""
    fields: list[tuple[str, str]] = []
    current: list[str] = []
    escaped = False
    for ch in body:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ";":
            _add_field(fields, "".join(current))
            current = []
        else:
            current.append(ch if ch != "\x00" else "")
    _add_field(fields, "".join(current))
    return fields


def _add_field(fields: list[tuple[str, str]], item: str) -> None:
    if not item.strip():
        return
    key, sep, value = item.partition(":")
    if not sep:
        raise FormatError(f"field without a name: {item[:40]!r}")
    fields.append((key.strip().upper(), value))


def _first(fields: list[tuple[str, str]], key: str) -> str:
    return next((v for k, v in fields if k == key), "")


def _all(fields: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in fields if k == key and v.strip()]


def parse_wifi(body: str) -> dict[str, object]:
    """WIFI:T:WPA;S:name;P:secret;H:true;; (the body after `WIFI:`)."""
    fields = split_fields(body)
    ssid = _first(fields, "S")
    if not ssid:
        raise FormatError("Wi-Fi code without a network name (S:)")
    auth = _first(fields, "T").strip().upper()
    password = _first(fields, "P")
    if auth in ("", "NOPASS", "NONE", "OPEN") and not password:
        auth = "nopass"
    out: dict[str, object] = {
        "ssid": ssid, "security": auth or "WPA", "has_password": bool(password),
        "hidden": _first(fields, "H").strip().lower() in ("true", "1", "yes")}
    if _first(fields, "E"):
        out["eap"] = _first(fields, "E")
    return out


def parse_mecard(body: str) -> dict[str, object]:
    """MECARD:N:Surname,Name;TEL:...;EMAIL:...;URL:...;NOTE:...;;"""
    fields = split_fields(body)
    name = _first(fields, "N").replace(",", " ").strip()
    return {"name": " ".join(name.split()), "org": _first(fields, "ORG"),
            "phones": _all(fields, "TEL") + _all(fields, "TEL-AV"), "emails": _all(fields, "EMAIL"),
            "urls": _all(fields, "URL"), "note": _first(fields, "NOTE"),
            "address": _first(fields, "ADR")}


def parse_bizcard(body: str) -> dict[str, object]:
    """BIZCARD:N:Name;X:Surname;T:Title;C:Company;A:Address;B:phone;M:mobile;E:email;;"""
    fields = split_fields(body)
    name = " ".join(p for p in (_first(fields, "N"), _first(fields, "X")) if p)
    return {"name": name, "org": _first(fields, "C"),
            "phones": _all(fields, "B") + _all(fields, "M") + _all(fields, "F"),
            "emails": _all(fields, "E"), "urls": [], "note": _first(fields, "T"),
            "address": _first(fields, "A")}


def parse_bookmark(body: str) -> dict[str, str]:
    """MEBKM:TITLE:name;URL:http\\://example.com;;"""
    fields = split_fields(body)
    url = _first(fields, "URL").strip()
    if not url:
        raise FormatError("bookmark without a URL")
    return {"title": _first(fields, "TITLE"), "url": url}


def parse_matmsg(body: str) -> dict[str, str]:
    """MATMSG:TO:a@b.kz;SUB:subject;BODY:text;;"""
    fields = split_fields(body)
    return {"to": _first(fields, "TO"), "subject": _first(fields, "SUB"),
            "body": _first(fields, "BODY")}


def parse_mailto(payload: str) -> dict[str, str]:
    """mailto:a@b.kz?subject=..&body=.. (RFC 6068)."""
    rest = payload.split(":", 1)[1]
    addr, _, query = rest.partition("?")
    params = parse_qs(query, keep_blank_values=True)
    return {"to": unquote(addr), "subject": params.get("subject", [""])[0],
            "body": params.get("body", [""])[0]}


def parse_tel(payload: str) -> dict[str, str]:
    """tel:+77011234567 (RFC 3966; `;ext=` parameters dropped)."""
    number = unquote(payload.split(":", 1)[1]).split(";")[0].strip()
    if not number:
        raise FormatError("phone link without a number")
    return {"number": number}


def parse_sms(payload: str) -> dict[str, str]:
    """sms:+7701..?body=text (RFC 5724), smsto:/SMSTO:/MMSTO:number:text (ZXing)."""
    scheme, rest = payload.split(":", 1)
    scheme = scheme.lower()
    if scheme in ("smsto", "mmsto"):
        number, _, body = rest.partition(":")
    else:
        number, _, query = rest.partition("?")
        number = number.split(";")[0]
        body = parse_qs(query, keep_blank_values=True).get("body", [""])[0]
    number = unquote(number).strip()
    if not number:
        raise FormatError("SMS link without a number")
    return {"number": number, "body": body}


def parse_geo(payload: str) -> dict[str, object]:
    """geo:43.2380,76.9458[,alt][;u=..][?q=..] with latitude/longitude range checks."""
    rest = payload.split(":", 1)[1]
    coords, _, query = rest.partition("?")
    parts = coords.split(";")[0].split(",")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        raise FormatError("geo link without numeric latitude,longitude") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FormatError("geo coordinates out of range")
    label = parse_qs(query, keep_blank_values=True).get("q", [""])[0]
    return {"latitude": lat, "longitude": lon, "query": label}


def _vlines(text: str) -> list[tuple[str, str]]:
    """Unfold vCard/iCalendar content lines -> [(NAME, value)], parameters dropped."""
    unfolded: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += line[1:]
        elif line.strip():
            unfolded.append(line)
    out: list[tuple[str, str]] = []
    for line in unfolded:
        head, sep, value = line.partition(":")
        if not sep:
            continue
        name = head.split(";")[0].split(".")[-1].strip().upper()
        out.append((name, value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")))
    return out


def parse_vcard(text: str) -> dict[str, object]:
    """BEGIN:VCARD ... END:VCARD: name, organisation, phones, e-mails, links, note."""
    lines = _vlines(text)
    if not any(n == "END" for n, _ in lines):
        raise FormatError("vCard without END:VCARD")
    name = _first(lines, "FN") or _first(lines, "N").replace(";", " ").strip()
    return {"name": " ".join(name.split()), "org": _first(lines, "ORG").replace(";", " ").strip(),
            "phones": _all(lines, "TEL"), "emails": _all(lines, "EMAIL"),
            "urls": _all(lines, "URL"), "note": _first(lines, "NOTE"),
            "address": _first(lines, "ADR").replace(";", " ").strip()}


def parse_vevent(text: str) -> dict[str, str]:
    """BEGIN:VEVENT (or a VCALENDAR around it): summary, start, end, location, description, url."""
    lines = _vlines(text)
    summary = _first(lines, "SUMMARY")
    start = _first(lines, "DTSTART")
    if not (summary or start):
        raise FormatError("calendar event without SUMMARY or DTSTART")
    return {"summary": summary, "start": start, "end": _first(lines, "DTEND"),
            "location": _first(lines, "LOCATION"), "description": _first(lines, "DESCRIPTION"),
            "url": _first(lines, "URL")}
