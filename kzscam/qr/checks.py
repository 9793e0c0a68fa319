"""QR detectors: pure functions from a parsed `QrPayload` to `Hit`s (`qr.*` check names).

They say what scanning the code would do and what is risky about it; `kzscam/rules/qr.toml` binds
each check to a rule with severity and kk/ru/en advice. Evidence offsets index the payload text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kzscam.checks import QrCheck
from kzscam.model import Evidence, Hit
from kzscam.qr.known import known
from kzscam.qr.payload import QrPayload

PARAM_LIMIT = 60


def _p(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= PARAM_LIMIT else text[: PARAM_LIMIT - 1] + "…"


def _ev(p: QrPayload, part: str = "") -> tuple[Evidence, ...]:
    """Quote `part` where it occurs in the payload, else the whole payload (cut)."""
    text = p.text
    if not text:
        return ()
    at = text.find(part) if part else -1
    if at < 0:
        return (Evidence(text[:200], 0, min(len(text), 200)),)
    return (Evidence(part, at, at + len(part)),)


def _hit(check: str, p: QrPayload, part: str = "", **params: Any) -> Hit:
    return Hit(check, _ev(p, part), {k: _p(v) for k, v in params.items()})


def qr_hits(p: QrPayload, allow_phones: Iterable[str] = ()) -> list[Hit]:
    """Every QR-level hit for one payload (URL and text rules run separately on its spans)."""
    if p.problem is not None:
        return [_hit(QrCheck.MALFORMED, p, kind=p.kind.replace("_", " "), problem=p.problem)]
    check = _BY_KIND.get(p.kind)
    return check(p, frozenset(allow_phones)) if check else []


def _url(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    host = str(d.get("host", ""))
    # Look-alike bank sites, payment pages and downloads are the URL inspector's findings.
    return [_hit(QrCheck.URL, p, str(d.get("url", "")), host=host or d.get("url", ""))]


def _login(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    return [_hit(QrCheck.MESSENGER_LOGIN, p, app=p.details.get("app", ""),
                 method=p.details.get("login", ""))]


def _chat(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    target = d.get("phone") or d.get("target") or ""
    hits = [_hit(QrCheck.MESSENGER_CHAT, p, app=d.get("app", ""), target=target or "?")]
    if d.get("phone"):
        hits.extend(_number_hits(p, str(d["phone"]), allow))
    return hits


def _app(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    package = str(d.get("package", ""))
    hits: list[Hit] = []
    tool = known().remote_apps.get(package.lower()) if package else None
    if tool:
        hits.append(_hit(QrCheck.REMOTE_ACCESS_APP, p, package, app=tool, package=package))
    if d.get("download"):  # a file link: the URL inspector reports the download itself
        hits.extend(_url(p, allow))
    elif d.get("sideload"):
        name = str(d.get("manifest_url") or "")
        hits.append(_hit(QrCheck.APP_DOWNLOAD, p, name, file=name or "?"))
    elif d.get("intent"):
        hits.append(_hit(QrCheck.ANDROID_INTENT, p, package, package=package or "?"))
    elif not tool:
        hits.append(_hit(QrCheck.APP_STORE, p, package, package=package or "?",
                         store=d.get("store", "")))
    return hits


def _wifi(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    ssid = str(d.get("ssid", ""))
    hits = [_hit(QrCheck.WIFI, p, ssid, ssid=ssid)]
    security = str(d.get("security", "")).upper()
    if security in ("NOPASS", "") or not d.get("has_password"):
        hits.append(_hit(QrCheck.WIFI_INSECURE, p, ssid, ssid=ssid, security="open"))
    elif security == "WEP":
        hits.append(_hit(QrCheck.WIFI_INSECURE, p, ssid, ssid=ssid, security="WEP"))
    if d.get("hidden"):
        hits.append(_hit(QrCheck.WIFI_HIDDEN, p, ssid, ssid=ssid))
    brand = known().brand_named_in(ssid)
    if brand is not None:
        hits.append(_hit(QrCheck.WIFI_BRAND, p, ssid, ssid=ssid, brand=brand.name))
    return hits


def _digits(number: str) -> str:
    return "".join(c for c in number if c.isdigit())


def _number_hits(p: QrPayload, number: str, allow: frozenset[str]) -> list[Hit]:
    digits = _digits(number)
    if not digits or number in allow or "+" + digits in allow or digits in allow:
        return []
    k = known()
    if len(digits) <= 6 and digits not in k.list("phones", "official_short"):
        return [_hit(QrCheck.SHORT_NUMBER, p, number, number=number)]
    plus = number.strip().startswith("+") or number.strip().startswith("00")
    if plus and not digits.lstrip("0").startswith("7"):
        return [_hit(QrCheck.FOREIGN_NUMBER, p, number, number=number)]
    return []


def _tel(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    number = str(p.details.get("number", ""))
    if "*" in number or "#" in number or "%23" in number.lower():
        code = number.replace("%23", "#")
        forwarding = known().list("ussd", "forwarding_prefixes")
        if code.startswith(forwarding):
            target = _digits(code.split("*")[-1]) or _digits(code)
            return [_hit(QrCheck.USSD_FORWARD, p, number, code=code, number=target or "?")]
        return [_hit(QrCheck.USSD, p, number, code=code)]
    return [_hit(QrCheck.TEL, p, number, number=number), *_number_hits(p, number, allow)]


def _sms(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    number = str(p.details.get("number", ""))
    return [_hit(QrCheck.SMS, p, number, number=number), *_number_hits(p, number, allow)]


def _contact(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    name = str(d.get("name") or d.get("org") or "")
    hits = [_hit(QrCheck.CONTACT, p, name, name=name or "?")]
    brand = known().brand_named_in(f"{d.get('name', '')} {d.get('org', '')}")
    if brand is not None and p.phones:
        hits.append(_hit(QrCheck.CONTACT_BRAND, p, name, name=name, brand=brand.name))
    for number in p.phones:
        hits.extend(_number_hits(p, number, allow))
    return hits


def _emv(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    amount = f"{d.get('amount')} {d.get('currency')}" if d.get("amount") else "-"
    merchant = str(d.get("merchant_name", ""))
    hits = [_hit(QrCheck.EMV, p, merchant, merchant=merchant or "?",
                 city=d.get("merchant_city") or "?", amount=amount)]
    if not d.get("crc_ok"):
        hits.append(_hit(QrCheck.EMV_BAD_CRC, p, p.text[-8:], given=d.get("crc", ""),
                         expected=d.get("crc_expected", "")))
    country, currency = str(d.get("country", "")), str(d.get("currency", ""))
    if (country and country.upper() != "KZ") or (currency and currency != "KZT"):
        hits.append(_hit(QrCheck.EMV_FOREIGN, p, country=country or "?", currency=currency or "?"))
    return hits


def _simple(check: str, key: str, part_key: str = "") -> Callable[[QrPayload, frozenset[str]],
                                                                   list[Hit]]:
    def run(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
        value = p.details.get(key, "")
        part = str(p.details.get(part_key, "")) if part_key else ""
        return [_hit(check, p, part, **{key: value if value not in ("", None) else "?"})]
    return run


def _otp(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    if p.details.get("export"):
        return [_hit(QrCheck.OTP_EXPORT, p)]
    return [_hit(QrCheck.OTPAUTH, p, issuer=p.details.get("issuer") or "?",
                 account=p.details.get("account") or "?")]


def _proxy(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    what = d.get("scheme") or f"{d.get('app', '')} proxy {d.get('server', '')}".strip()
    return [_hit(QrCheck.PROXY, p, scheme=what)]


def _geo(p: QrPayload, allow: frozenset[str]) -> list[Hit]:
    d = p.details
    return [_hit(QrCheck.GEO, p, place=f"{d.get('latitude')}, {d.get('longitude')}")]


_BY_KIND: dict[str, Callable[[QrPayload, frozenset[str]], list[Hit]]] = {
    "url": _url, "bank_payment_link": _url, "messenger_login": _login,
    "messenger_link": _chat, "app_link": _app, "wifi": _wifi, "tel": _tel, "sms": _sms,
    "email": _simple(QrCheck.EMAIL, "to", "to"), "geo": _geo, "contact": _contact,
    "calendar": _simple(QrCheck.CALENDAR, "summary", "summary"), "emv_payment": _emv,
    "otpauth": _otp, "crypto": _simple(QrCheck.CRYPTO, "currency", "address"),
    "proxy": _proxy, "script": _simple(QrCheck.SCRIPT, "scheme"),
    "binary": _simple(QrCheck.BINARY, "length"), "unknown": _simple(QrCheck.UNKNOWN_SCHEME, "scheme"),
}
