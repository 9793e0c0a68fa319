"""Which app a link opens and what it asks it to do: messengers, app stores, bank pages, intents.

Link formats are the apps' documented ones: WhatsApp click-to-chat (wa.me, whatsapp://send),
Telegram deep links (core.telegram.org/api/links: tg://login?token= is the QR login token,
t.me/login/ the login code, tg://proxy), Signal device linking (sgnl://linkdevice), Android
intents (developer.android.com "Android Intents with Chrome"), store links and iOS
itms-services side-loading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from kzscam.qr.formats import FormatError
from kzscam.qr.known import known


@dataclass(frozen=True)
class Link:
    """A link's kind (a payload kind, or "unknown"), parsed details, links and texts inside it."""

    kind: str
    details: dict[str, Any] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def _q(query: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


def split_url(url: str) -> SplitResult | None:
    """`urlsplit`, or None for a link it refuses: it raises ValueError on a bracket that opens
    no IPv6 address (`otpauth://[x`) and on hosts that change under NFKC normalisation."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def normalise_url(url: str) -> str:
    """Lower-case scheme and host only: QR alphanumeric mode prints `HTTPS://KASPI.KZ/Pay/AbC`,
    and paths are case-sensitive, so the rest stays as printed."""
    parts = split_url(url)
    if parts is None or not parts.scheme or not parts.netloc:
        return url.strip()
    rest = url.strip()[len(parts.scheme) + 3 + len(parts.netloc):]
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{rest}"


def classify_url(url: str) -> Link:
    """Classify an http(s) or app link; "unknown" for schemes nobody here knows."""
    parts = split_url(url)
    if parts is None:
        return Link("unknown", {"problem": "malformed link"})
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return _web(normalise_url(url), parts.hostname or "", parts.path, parts.query)
    handler = _SCHEMES.get(scheme)
    if handler is not None:
        return handler(url.strip(), parts.netloc.lower(), parts.path, parts.query)
    k = known()
    if scheme in k.list("apps", "store_schemes"):
        return _store(scheme, parts.netloc, parts.path, parts.query)
    return Link("unknown", {"scheme": scheme})


def _web(url: str, host: str, path: str, query: str) -> Link:
    k = known()
    full_host = host.lower()
    host = full_host.removeprefix("www.")
    q = _q(query)
    segs = [s for s in path.split("/") if s]
    if host in ("wa.me", "api.whatsapp.com", "whatsapp.com"):
        phone = q.get("phone") or (segs[0] if segs and segs[0].isdigit() else "")
        text = q.get("text", "")
        chat = {"app": "WhatsApp", "phone": phone, "text": text}
        return Link("messenger_link", chat, [url], [text])
    if host == "chat.whatsapp.com":
        return Link("messenger_link", {"app": "WhatsApp", "group_invite": True}, [url])
    if host in ("t.me", "telegram.me", "telegram.dog"):
        return _telegram_web(url, segs, q)
    if host in ("discord.com", "discordapp.com") and segs[:1] == ["ra"]:
        return Link("messenger_login", {"app": "Discord", "login": "QR login"}, [url])
    if host in ("signal.me", "signal.group"):
        return Link("messenger_link", {"app": "Signal"}, [url])
    if host in k.list("apps", "store_hosts"):
        return _store_web(url, host, segs, q)
    last = segs[-1].lower() if segs else ""
    if last.endswith(k.list("apps", "package_extensions")):
        return Link("app_link", {"download": unquote(segs[-1]), "url": url}, [url])
    bank = k.bank_of_host(host)
    if bank is not None and bank.category in ("bank", "payments") and _payment_like(host, segs):
        return Link("bank_payment_link", {"bank": bank.name, "host": full_host, "url": url,
                                          "official_domain": True}, [url])
    named = k.brand_named_in(host.replace(".", " ")) if bank is None else None
    if named is not None and named.category in ("bank", "payments") and _payment_like(host, segs):
        # Judged by the URL inspector (look-alike checks); here we only say what it claims.
        return Link("bank_payment_link", {"bank": named.name, "host": full_host, "url": url,
                                          "official_domain": False}, [url])
    details: dict[str, Any] = {"url": url, "host": full_host}
    if bank is not None:
        details["brand"] = bank.name
    return Link("url", details, [url])


_PAY_WORDS = ("pay", "qr", "payment", "payments", "transfer", "invoice", "oplata", "pos", "p2p")


def _payment_like(host: str, segs: list[str]) -> bool:
    labels = host.split(".")[:-2]
    return any(w in labels for w in _PAY_WORDS) or any(s.lower() in _PAY_WORDS for s in segs[:2])


def _telegram_web(url: str, segs: list[str], q: dict[str, str]) -> Link:
    first = segs[0] if segs else ""
    if first == "login":
        return Link("messenger_login", {"app": "Telegram", "login": "login code"}, [url])
    if first in ("proxy", "socks"):
        return Link("proxy", {"app": "Telegram", "server": q.get("server", ""),
                              "port": q.get("port", "")}, [url])
    if first == "share":
        return Link("messenger_link", {"app": "Telegram", "share": True}, [url, q.get("url", "")],
                    [q.get("text", "")])
    invite = first.startswith("+") or first == "joinchat"
    return Link("messenger_link", {"app": "Telegram", "target": first, "group_invite": invite,
                                   "start": q.get("start", "")}, [url])


def _store_web(url: str, host: str, segs: list[str], q: dict[str, str]) -> Link:
    package = q.get("id", "") or (segs[-1] if "rustore" in host and segs else "")
    store = {"play.google.com": "Google Play", "apps.apple.com": "App Store",
             "itunes.apple.com": "App Store"}.get(host, host)
    return Link("app_link", {"store": store, "package": package, "url": url}, [url])


def _store(scheme: str, netloc: str, path: str, query: str) -> Link:
    q = _q(query)
    segs = [s for s in f"{netloc}/{path}".split("/") if s]
    package = q.get("id", "") or (segs[-1] if segs else "")
    return Link("app_link", {"store": scheme, "package": package})


def _whatsapp(url: str, netloc: str, path: str, query: str) -> Link:
    q = _q(query)
    return Link("messenger_link", {"app": "WhatsApp", "phone": q.get("phone", ""),
                                   "text": q.get("text", ""),
                                   "group_invite": netloc == "chat"}, [url], [q.get("text", "")])


def _tg(url: str, netloc: str, path: str, query: str) -> Link:
    q = _q(query)
    if netloc == "login":
        method = "QR login token" if "token" in q else "login code"
        return Link("messenger_login", {"app": "Telegram", "login": method}, [url])
    if netloc in ("proxy", "socks"):
        return Link("proxy", {"app": "Telegram", "server": q.get("server", ""),
                              "port": q.get("port", "")})
    if netloc in ("msg", "msg_url", "share"):
        return Link("messenger_link", {"app": "Telegram", "share": True}, [q.get("url", "")],
                    [q.get("text", "")])
    return Link("messenger_link", {"app": "Telegram", "target": q.get("domain", ""),
                                   "group_invite": netloc == "join", "start": q.get("start", "")},
                [url])


def _viber(url: str, netloc: str, path: str, query: str) -> Link:
    q = _q(query)
    return Link("messenger_link", {"app": "Viber", "phone": q.get("number", ""),
                                   "target": q.get("chatURI", "")})


def _signal(url: str, netloc: str, path: str, query: str) -> Link:
    q = _q(query)
    if netloc == "linkdevice" or url.lower().startswith("tsdevice:") or "pub_key" in q:
        return Link("messenger_login", {"app": "Signal", "login": "link a device"})
    return Link("messenger_link", {"app": "Signal"})


def _intent(url: str, netloc: str, path: str, query: str) -> Link:
    """intent://host/path#Intent;scheme=https;package=com.x;S.browser_fallback_url=...;end"""
    head, _, spec = url.partition("#Intent;")
    params: dict[str, str] = {}
    for item in spec.split(";"):
        key, sep, value = item.partition("=")
        if sep:
            params[key] = unquote(value)
    target_scheme = params.get("scheme", "")
    target = head.split(":", 1)[1] if ":" in head else ""
    urls = []
    if target_scheme in ("http", "https") and target.startswith("//"):
        urls.append(f"{target_scheme}:{target}")
    fallback = params.get("S.browser_fallback_url", "")
    if fallback:
        urls.append(fallback)
    return Link("app_link", {"intent": True, "package": params.get("package", ""),
                             "action": params.get("action", ""), "scheme": target_scheme,
                             "fallback_url": fallback}, urls)


def _itms_services(url: str, netloc: str, path: str, query: str) -> Link:
    manifest = _q(query).get("url", "")
    return Link("app_link", {"sideload": True, "manifest_url": manifest},
                [manifest] if manifest else [])


_SCHEMES = {"whatsapp": _whatsapp, "tg": _tg, "viber": _viber, "sgnl": _signal,
            "tsdevice": _signal, "signal": _signal, "intent": _intent,
            "itms-services": _itms_services}


def parse_otpauth(payload: str) -> dict[str, Any]:
    """otpauth://totp/Issuer:account?secret=...&issuer=... (Google Authenticator Key Uri Format).

    The secret itself is never copied into the report: it is the second factor.
    """
    parts = split_url(payload)
    if parts is None:
        raise FormatError("malformed otpauth link (its address part cannot be parsed)")
    if parts.scheme.lower() == "otpauth-migration":
        return {"export": True, "accounts": "several (authenticator export)"}
    q = _q(parts.query)
    if not q.get("secret"):
        raise FormatError("otpauth link without a secret")
    label = unquote(parts.path.lstrip("/"))
    issuer, _, account = label.rpartition(":")
    return {"type": parts.netloc.lower(), "issuer": q.get("issuer") or issuer,
            "account": account or label, "has_secret": True, "export": False}
