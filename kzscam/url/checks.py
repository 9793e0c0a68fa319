"""Structure tricks in a URL, as detector hits: what the link hides from the person reading it.

Raw IP hosts in any notation, userinfo ``@`` tricks, odd ports, invisible and direction-changing
characters, very long or deep hosts, script schemes, %-encoded or punycode hosts, mixed alphabets
and plain http for pages that ask for logins or card details. Pure functions over parsed input.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from kzscam.checks import UrlCheck
from kzscam.model import Evidence, Hit
from kzscam.url.display import visible
from kzscam.url.host import HostInfo
from kzscam.url.parse import ParsedUrl, Span
from kzscam.url.skeleton import describe, fold, imitates_ascii, scripts

BAD_SCHEMES = frozenset({"javascript", "vbscript", "data", "blob", "file"})
_DEFAULT_PORTS = {"http": "80", "https": "443", "": "80", "ftp": "21", "ws": "80", "wss": "443"}
# Words of login and payment pages: plain http there sends passwords and card numbers in clear.
_SENSITIVE = ("login", "signin", "auth", "password", "pay", "card", "bank", "verify",
              "account", "oplata", "vhod", "kabinet", "checkout", "billing", "3ds", "otp", "cvv")
# Scripts whose letters are normal in host names under the matching country endings.
_NATIVE_ENDINGS = {"CYRILLIC": ("рф", "қаз", "бел", "укр", "срб", "мкд", "мон", "рус", "дети")}
MAX_HOST = 80
MAX_DEPTH = 5


def evidence(url: str, span: Span | None) -> tuple[Evidence, ...]:
    """One Evidence for `span` of `url` (the whole URL when there is no span)."""
    start, end = span if span and span[1] > span[0] else (0, len(url))
    return (Evidence(url[start:end], start, end),)


def invisible_chars(url: str) -> Hit | None:
    """Zero-width, direction-override and control characters: never legitimate in a link."""
    if url.isascii() and url.strip().isprintable():
        return None  # the common case, without a per-character category lookup
    lead, trail = len(url) - len(url.lstrip()), len(url.rstrip())
    found: list[int] = []
    for i, ch in enumerate(url):
        if lead <= i < trail and (
            ch < " " or "\x7f" <= ch <= "\x9f" or unicodedata.category(ch) == "Cf"
        ):
            found.append(i)
            if len(found) >= 5:
                break
    if not found:
        return None
    chars = ", ".join(dict.fromkeys(describe(url[i]) for i in found))
    return Hit(UrlCheck.INVISIBLE, tuple(Evidence(url[i], i, i + 1) for i in found[:3]),
               {"chars": chars, "domain": visible(url[:200])})


def scheme_hits(parsed: ParsedUrl) -> Iterator[Hit]:
    """``javascript:``, ``data:`` and other schemes that run code or show local content."""
    if parsed.scheme in BAD_SCHEMES:
        start = parsed.tail_span[0] - len(parsed.scheme) - 1
        yield Hit(UrlCheck.BAD_SCHEME, evidence(parsed.raw, (max(start, 0), parsed.tail_span[1])),
                  {"scheme": parsed.scheme})


def host_hits(parsed: ParsedUrl, host: HostInfo, site: str) -> Iterator[Hit]:
    """Tricks in the authority part: IP hosts, userinfo, ports, encoding, length, alphabets."""
    url, span = parsed.raw, parsed.host_span
    shown = host.name if host.name.isascii() and host.name.isprintable() else visible(
        host.name or host.raw)
    if host.ip is not None:
        yield Hit(UrlCheck.IP_HOST, evidence(url, span),
                  {"ip": host.ip, "notation": host.ip_notation or "dotted", "domain": shown})
    if parsed.userinfo:
        yield Hit(UrlCheck.USERINFO, evidence(url, parsed.userinfo_span),
                  {"shown": visible(parsed.userinfo[:80]), "domain": shown})
    port = parsed.port
    if port and port.lstrip("0") != _DEFAULT_PORTS.get(parsed.scheme, "").lstrip("0"):
        yield Hit(UrlCheck.PORT, evidence(url, parsed.port_span),
                  {"port": visible(port[:12]), "domain": shown})
    if host.percent or "\\" in url[:span[0]].split("://", 1)[-1]:
        yield Hit(UrlCheck.ENCODED_HOST, evidence(url, span), {"domain": shown})
    if host.punycode or host.bad_punycode:
        yield Hit(UrlCheck.PUNYCODE, evidence(url, span),
                  {"domain": shown, "why": "invalid punycode" if host.bad_punycode else "decoded"})
    depth = len(host.labels) - (site.count(".") + 1 if site else 0)
    if len(host.name) > MAX_HOST or depth > MAX_DEPTH:
        yield Hit(UrlCheck.LONG_HOST, evidence(url, span),
                  {"domain": visible(host.name[:120]), "site": visible(site) or _ending(host),
                   "length": str(len(host.name)), "depth": str(max(depth, 0))})


def _ending(host: HostInfo) -> str:
    """The end of a host whose owner cannot be named (a label too long for the DNS, say)."""
    tail = ".".join(host.labels[-2:]) or host.name or host.raw
    return visible(tail) if len(tail) <= 40 else "…" + visible(tail[-40:])


def malformed(parsed: ParsedUrl, host: HostInfo) -> Hit | None:
    """A host or port no browser would accept: built to confuse filters, or broken."""
    port = parsed.port
    why = (
        "no host name" if not host.name and host.ip is None else
        "characters that cannot appear in a host name" if host.forbidden else
        "an xn-- label that is not valid punycode" if host.bad_punycode else
        "a numeric host that is not a valid IP address" if host.bad_ip else
        "a label longer than 63 characters" if any(len(x) > 63 for x in host.labels) else
        "a host name longer than 253 characters" if len(host.name) > 253 else
        "an invalid port" if port and not (port.isascii() and port.isdigit()
                                           and int(port[:6]) <= 65535) else ""
    )
    if not why:
        return None
    return Hit(UrlCheck.MALFORMED, evidence(parsed.raw, parsed.host_span),
               {"domain": visible(host.name[:120] or parsed.raw[:80]), "why": why})


def alphabet_hit(parsed: ParsedUrl, host: HostInfo) -> Hit | None:
    """A label mixing alphabets, or one made only of letters that imitate Latin ones."""
    ending = host.labels[-1] if host.labels else ""
    for label in host.labels:
        if label.isascii():
            continue
        found = scripts(label)
        native = any(ending in _NATIVE_ENDINGS.get(s, ()) for s in found)
        lookalikes = [c for c in label if imitates_ascii(c)]
        whole = len(found) == 1 and not native and fold(label).isascii() and "LATIN" not in found
        if len(found) > 1 or whole:
            chars = ", ".join(dict.fromkeys(describe(c) for c in lookalikes[:4])) or "-"
            return Hit(UrlCheck.MIXED_SCRIPT, evidence(parsed.raw, parsed.host_span),
                       {"domain": visible(host.name), "chars": chars,
                        "scripts": "+".join(sorted(s.lower() for s in found))})
    return None


def http_sensitive(parsed: ParsedUrl, host: HostInfo) -> Hit | None:
    """Plain http to a page whose address talks about logins or payments."""
    if parsed.scheme != "http":
        return None
    where = (host.name + " " + parsed.path[:300] + " " + parsed.query[:300]).lower()
    tokens = "".join(c if c.isalnum() else " " for c in where).split()
    word = next((w for t in tokens for w in _SENSITIVE if t.startswith(w)), None)
    if word is None:
        return None
    start = parsed.raw.lower().find("http:")
    return Hit(UrlCheck.HTTP_SENSITIVE, evidence(parsed.raw, (start, start + 4)),
               {"domain": visible(host.name), "word": word})
