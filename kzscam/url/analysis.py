"""What a link does, as hits: opens an app, downloads a program, shortens or forwards, hosts a
page anyone can publish, logs a device into a messenger, prepares a payment.

`Analysis` collects the hits and facts of one link; `kzscam.url.inspect` drives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kzscam.checks import UrlCheck
from kzscam.model import Hit
from kzscam.url import checks, kinds
from kzscam.url.display import visible
from kzscam.url.host import HostInfo
from kzscam.url.parse import ParsedUrl

if TYPE_CHECKING:
    from kzscam.url.lookalike import BrandMatch

# Hits that describe what a link does rather than who it pretends to be: they stay on for the
# brands' own domains (a real t.me login link still logs someone into your account).
ACTION_CHECKS = frozenset({UrlCheck.TG_LOGIN, UrlCheck.WA_PREFILLED, UrlCheck.PAYMENT,
                           UrlCheck.CRYPTO_PAYMENT})
_REDIRECT_PARAMS = ("url", "u", "q", "to", "target", "link", "redirect", "next", "dest")


@dataclass
class Analysis:
    """Everything the inspector learnt about one link (hits plus facts for the report)."""

    url: str
    parsed: ParsedUrl
    host: HostInfo | None = None
    site: str = ""
    kind: str = "web"
    brand: BrandMatch | None = None
    owner: str = ""
    anyone: bool = False  # under a suffix where anyone gets a subdomain (free hosting, dynamic DNS)
    found: dict[str, str] | None = None  # the host's link kinds (kinds.Links.kinds_of), once known
    cheap: bool = False  # under an ending phishing kits favour (words.toml `throwaway`)
    hits: list[Hit] = field(default_factory=list)

    def add(self, check: str, span: tuple[int, int] | None, **params: str) -> None:
        """Record a hit whose evidence is `span` of the link (the whole link when None)."""
        self.hits.append(Hit(check, checks.evidence(self.url, span), params))


def opaque_hits(a: Analysis) -> None:
    """Links that open an app or run code instead of a web page (tg:, whatsapp:, bitcoin:, ...)."""
    p = a.parsed
    body = a.url.split(":", 1)[1].strip() if ":" in a.url else p.opaque
    path, _, query = body.lstrip("/").partition("?")
    shown = visible(body[:60])
    a.kind = "script" if p.scheme in checks.BAD_SCHEMES else "app-link"
    a.hits.extend(checks.scheme_hits(p))
    if kinds.is_tg_login(p.scheme, "", "", body):
        a.kind = "messenger"
        a.add(UrlCheck.TG_LOGIN, None, domain=shown)
    phone = kinds.whatsapp_prefilled(p.scheme, "", "/" + path, query)
    if phone:
        a.kind = "messenger"
        a.add(UrlCheck.WA_PREFILLED, None, phone=phone, domain=shown)
    app = kinds.payment_app(p.scheme, "", body)
    if app:
        a.kind = "payment"
        check = UrlCheck.CRYPTO_PAYMENT if p.scheme in kinds.CRYPTO_SCHEMES else UrlCheck.PAYMENT
        a.add(check, None, app=app, domain=shown)
    if p.scheme == "itms-services" and "download-manifest" in query:
        a.kind = "download"
        a.add(UrlCheck.APP_DOWNLOAD, None, ext="ipa", domain=shown)
    tool = kinds.tool_package(query + "&" + body.rpartition("#")[2].replace(";", "&"))
    if tool:
        a.kind = "remote-tool"
        a.add(UrlCheck.REMOTE_TOOL, None, tool=tool, domain=shown)


def action_hits(a: Analysis, name: str) -> None:
    """Telegram login, WhatsApp prepared message, payment: reported even on the real domains."""
    p = a.parsed
    if kinds.is_tg_login(p.scheme, name, p.path, ""):
        a.kind = "messenger"
        a.add(UrlCheck.TG_LOGIN, p.host_span, domain=visible(name))
    phone = kinds.whatsapp_prefilled(p.scheme, name, p.path, p.query)
    if phone:
        a.kind = "messenger"
        a.add(UrlCheck.WA_PREFILLED, p.host_span, phone=phone, domain=visible(name))
    app = kinds.payment_app(p.scheme, name, p.path)
    if app:
        a.kind = "payment"
        check = UrlCheck.CRYPTO_PAYMENT if app in kinds.CRYPTO_APPS else UrlCheck.PAYMENT
        a.add(check, p.host_span, app=app, domain=visible(name))


def kind_hits(a: Analysis, name: str, depth: int, allow: frozenset[str]) -> None:
    """Remote-access tools, downloads, shorteners, redirectors, forms, free hosting, actions."""
    p = a.parsed
    found = a.found if a.found is not None else kinds.links().kinds_of(name, p.path)
    tool = kinds.remote_tool(name, p.path, p.query, found.get("tool"))
    if tool:
        a.kind = "remote-tool"
        a.add(UrlCheck.REMOTE_TOOL, p.host_span, tool=tool, domain=visible(name))
    download = kinds.download_ext(p.path)
    if download:
        a.kind = "download"
        check = UrlCheck.APP_DOWNLOAD if download[0] == "app" else UrlCheck.ARCHIVE_DOWNLOAD
        start = p.tail_span[0] + p.path.rfind(".") + 1
        a.add(check, (start, start + len(download[1])), ext=download[1], domain=visible(name))
    if "shortener" in found:
        a.kind = "shortener"
        a.add(UrlCheck.SHORTENER, p.host_span, domain=visible(name))
    if "redirect" in found and depth == 0:
        redirect_hits(a, name, allow)
    if "form" in found:
        a.kind = "form"
        a.add(UrlCheck.WEB_FORM, p.host_span, domain=visible(name))
    elif "hosting" in found or a.anyone:
        a.kind = "free-hosting"
        a.add(UrlCheck.FREE_HOSTING, p.host_span, domain=visible(name), site=visible(a.site))
        brand_in_path(a, name, False)  # a brand folder alone is reported, at lower severity
        sign_in_page(a, name)
    elif a.brand is None and not a.owner:
        if len(p.path) > 2 or p.query:
            brand_in_path(a, name, a.cheap, loose=False)
            cms_page(a, name)
        if a.cheap:
            sign_in_page(a, name)
    action_hits(a, name)


def sign_in_page(a: Analysis, name: str) -> None:
    """A sign-in or payment page on a host anyone can publish on or under a throwaway ending:
    the commonest shape of a feed's phishing link that names no brand."""
    from kzscam.url.pathbrand import sign_in_word

    if a.brand is not None or any(h.check in (UrlCheck.BRAND_LOGIN_PATH, UrlCheck.BRAND_PATH)
                                  for h in a.hits):
        return
    own = a.host.labels[:-(a.site.count(".") + 1) + 1] if a.host and a.site else ()
    word = sign_in_word(list(own), a.parsed.path, a.parsed.query)
    if word is not None:
        a.add(UrlCheck.SIGN_IN_KIT, a.parsed.host_span, domain=visible(name),
              site=visible(a.site or name), word=word)


def cms_page(a: Analysis, name: str) -> None:
    """A sign-in or payment page inside a site engine's system folder: a kit uploaded to a
    hacked site (pathbrand.cms_sign_in)."""
    from kzscam.url.pathbrand import cms_sign_in

    if any(h.check == UrlCheck.BRAND_LOGIN_PATH for h in a.hits):
        return
    found = cms_sign_in(a.parsed.path, a.parsed.query)
    if found is not None:
        folder, word, offset = found
        start = a.parsed.tail_span[0] + offset
        a.add(UrlCheck.CMS_KIT, (start, min(a.parsed.tail_span[1], start + 200)),
              domain=visible(name), site=visible(a.site or name), folder=folder, word=word)


def brand_in_path(a: Analysis, name: str, cheap: bool, loose: bool = True) -> None:
    """A brand's name in the path: as a folder next to a login or payment step on any host
    (`url.brand_login_path`), or anywhere in the path of a page anyone can publish (free hosting,
    bare IP address: `url.brand_path`, when `loose`). `cheap`: a bare IP address or a throwaway
    ending, where a brand folder alone is a login page's."""
    p = a.parsed
    if (not p.path[1:] and not p.query) or any(
            h.check in (UrlCheck.BRAND_LOGIN_PATH, UrlCheck.BRAND_PATH) for h in a.hits):
        return
    from kzscam.url.pathbrand import login_path_brand

    found = login_path_brand(p.path, p.query, cheap)
    if found is not None:
        kw, offset = found
        start = p.tail_span[0] + offset
        a.add(UrlCheck.BRAND_LOGIN_PATH, (start, min(p.tail_span[1], start + 200)),
              brand=kw.brand.name, real=kw.real, domain=visible(name),
              site=visible(a.site or name))
        return
    if not loose:
        return
    from kzscam.url.explain import brand_in_words

    words = "".join(c if c.isalnum() else " " for c in (p.path[:300] + " " + p.query[:200]))
    named = brand_in_words(words.split())
    if named is not None:
        kw = named
        a.add(UrlCheck.BRAND_PATH, (p.tail_span[0], min(p.tail_span[1], p.tail_span[0] + 300)),
              brand=kw.brand.name, real=kw.real, domain=visible(name),
              site=visible(a.site or name))


def redirect_hits(a: Analysis, name: str, allow: frozenset[str]) -> None:
    """A known redirector: report it, and inspect the address it forwards to (one level)."""
    from urllib.parse import parse_qsl

    p = a.parsed
    for key, value in parse_qsl(p.query[:4000]):
        if key.lower() in _REDIRECT_PARAMS and "." in value:
            from kzscam.url.inspect import analyse  # the same pipeline, one level deep

            inner = analyse(value, allow, depth=1)
            a.add(UrlCheck.REDIRECT, p.host_span, domain=visible(name), target=visible(value[:120]))
            span = (p.tail_span[0], p.tail_span[1])
            a.hits.extend(Hit(h.check, checks.evidence(a.url, span), h.params) for h in inner.hits)
            return
