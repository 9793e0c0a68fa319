"""The URL inspector: one link in, detector hits (and a full report for `check-url`) out.

`inspect_url` is what `check-text` runs on every extracted link and `scan-qr` on URL payloads.
It is pure (no I/O, no network), linear in the length of the link and never raises. Importing
this module is cheap: the Public Suffix List, the brand index and the confusables table load on
first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kzscam.model import Evidence, Hit, Report
from kzscam.url import checks, kinds
from kzscam.url.display import visible
from kzscam.url.host import HostInfo, decode_host
from kzscam.url.parse import SPECIAL, ParsedUrl, parse_url

if TYPE_CHECKING:
    from kzscam.config import Config
    from kzscam.url.lookalike import BrandMatch

# Hits that describe what a link does rather than who it pretends to be: they stay on for the
# brands' own domains (a real t.me login link still logs someone into your account).
ACTION_CHECKS = frozenset({"url.tg_login", "url.wa_prefilled", "url.payment", "url.crypto_payment"})
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
    hits: list[Hit] = field(default_factory=list)

    def add(self, check: str, span: tuple[int, int] | None, **params: str) -> None:
        self.hits.append(Hit(check, checks.evidence(self.url, span), params))


def _allowed(name: str, allow: frozenset[str]) -> bool:
    return bool(allow) and any(name == d or name.endswith("." + d) for d in allow)


def _brand_hit(a: Analysis, match: BrandMatch) -> None:
    from kzscam.url.lookalike import describe_match

    check, why = describe_match(match)
    assert a.host is not None
    a.add(check, a.parsed.host_span, brand=match.keyword.brand.name, real=match.keyword.real,
          domain=visible(a.host.name), site=visible(a.site), why=why, kind=match.kind)


def _opaque(a: Analysis) -> None:
    """Links that open an app or run code instead of a web page (tg:, whatsapp:, bitcoin:, ...)."""
    p = a.parsed
    body = a.url.split(":", 1)[1].strip() if ":" in a.url else p.opaque
    path, _, query = body.lstrip("/").partition("?")
    shown = visible(body[:60])
    a.kind = "script" if p.scheme in checks.BAD_SCHEMES else "app-link"
    a.hits.extend(checks.scheme_hits(p))
    if kinds.is_tg_login(p.scheme, "", "", body):
        a.kind = "messenger"
        a.add("url.tg_login", None, domain=shown)
    phone = kinds.whatsapp_prefilled(p.scheme, "", "/" + path, query)
    if phone:
        a.kind = "messenger"
        a.add("url.wa_prefilled", None, phone=phone, domain=shown)
    app = kinds.payment_app(p.scheme, "", body)
    if app:
        a.kind = "payment"
        check = "url.crypto_payment" if p.scheme in kinds.CRYPTO_SCHEMES else "url.payment"
        a.add(check, None, app=app, domain=shown)
    if p.scheme == "itms-services" and "download-manifest" in query:
        a.kind = "download"
        a.add("url.app_download", None, ext="ipa", domain=shown)
    tool = kinds.tool_package(query + "&" + body.rpartition("#")[2].replace(";", "&"))
    if tool:
        a.kind = "remote-tool"
        a.add("url.remote_tool", None, tool=tool, domain=shown)


def _actions(a: Analysis, name: str) -> None:
    p = a.parsed
    if kinds.is_tg_login(p.scheme, name, p.path, ""):
        a.kind = "messenger"
        a.add("url.tg_login", p.host_span, domain=visible(name))
    phone = kinds.whatsapp_prefilled(p.scheme, name, p.path, p.query)
    if phone:
        a.kind = "messenger"
        a.add("url.wa_prefilled", p.host_span, phone=phone, domain=visible(name))
    app = kinds.payment_app(p.scheme, name, p.path)
    if app:
        a.kind = "payment"
        check = "url.crypto_payment" if app in kinds.CRYPTO_APPS else "url.payment"
        a.add(check, p.host_span, app=app, domain=visible(name))


def _link_kinds(a: Analysis, name: str, depth: int, allow: frozenset[str]) -> None:
    p = a.parsed
    found = kinds.links().kinds_of(name, p.path)
    tool = kinds.remote_tool(name, p.path, p.query, found.get("tool"))
    if tool:
        a.kind = "remote-tool"
        a.add("url.remote_tool", p.host_span, tool=tool, domain=visible(name))
    download = kinds.download_ext(p.path)
    if download:
        a.kind = "download"
        check = "url.app_download" if download[0] == "app" else "url.archive_download"
        start = p.tail_span[0] + p.path.rfind(".") + 1
        a.add(check, (start, start + len(download[1])), ext=download[1], domain=visible(name))
    if "shortener" in found:
        a.kind = "shortener"
        a.add("url.shortener", p.host_span, domain=visible(name))
    if "redirect" in found and depth == 0:
        _redirect(a, name, allow)
    if "form" in found:
        a.kind = "form"
        a.add("url.web_form", p.host_span, domain=visible(name))
    elif "hosting" in found:
        a.kind = "free-hosting"
        a.add("url.free_hosting", p.host_span, domain=visible(name), site=visible(a.site))
        _brand_in_path(a, name)
    _actions(a, name)


def _brand_in_path(a: Analysis, name: str) -> None:
    """A brand's name in the path of a page anyone can publish (free hosting, bare IP address)."""
    from kzscam.url.lookalike import brand_in_words

    p = a.parsed
    words = "".join(c if c.isalnum() else " " for c in (p.path[:300] + " " + p.query[:200]))
    kw = brand_in_words(words.split())
    if kw is not None:
        a.add("url.brand_path", (p.tail_span[0], min(p.tail_span[1], p.tail_span[0] + 300)),
              brand=kw.brand.name, real=kw.real, domain=visible(name), site=visible(a.site))


def _redirect(a: Analysis, name: str, allow: frozenset[str]) -> None:
    from urllib.parse import parse_qsl

    p = a.parsed
    for key, value in parse_qsl(p.query[:4000]):
        if key.lower() in _REDIRECT_PARAMS and "." in value:
            inner = analyse(value, allow, depth=1)
            a.add("url.redirect", p.host_span, domain=visible(name), target=visible(value[:120]))
            span = (p.tail_span[0], p.tail_span[1])
            a.hits.extend(Hit(h.check, checks.evidence(a.url, span), h.params) for h in inner.hits)
            return


def _hierarchical(a: Analysis, allow: frozenset[str], depth: int) -> None:
    from kzscam.url.brands import index
    from kzscam.url.psl import split_domain

    p = a.parsed
    host = a.host = decode_host(p.host)
    name = host.name
    a.hits.extend(checks.scheme_hits(p))
    if _allowed(name, allow):
        a.kind, a.hits = "allowlisted", []
        return
    owner = index().owner(name) if name and host.ip is None else None
    if owner is not None and owner[1]:
        a.kind, a.owner, a.hits = "brand", owner[0].name, []
        a.site = split_domain(name)[0]
        _actions(a, name)
        if depth == 0 and "redirect" in kinds.links().kinds_of(name, p.path):
            _redirect(a, name, allow)
        return
    if host.ip is not None:
        a.kind = "ip"
        a.hits.extend(checks.host_hits(p, host, ""))
        _brand_in_path(a, host.ip)
        _link_kinds(a, name, depth, allow)
        return
    a.site, suffix = split_domain(name)
    if owner is None and a.site:
        from kzscam.url.lookalike import match_brand

        a.brand = match_brand(host.labels, suffix)
        if a.brand is not None:
            _brand_hit(a, a.brand)
    elif owner is not None:
        a.owner = owner[0].name
    a.hits.extend(checks.host_hits(p, host, a.site))
    broken = checks.malformed(p, host)
    if broken:
        a.hits.append(broken)
    if a.brand is None:
        mixed = checks.alphabet_hit(p, host)
        if mixed:
            a.hits.append(mixed)
    sensitive = checks.http_sensitive(p, host)
    if sensitive:
        a.hits.append(sensitive)
    _link_kinds(a, name, depth, allow)


def analyse(url: str, allow_domains: frozenset[str] = frozenset(), depth: int = 0) -> Analysis:
    """Inspect one link; see `inspect_url`. Raises only on a bug (tests call this directly)."""
    a = Analysis(url, parse_url(url))
    invisible = checks.invisible_chars(url)
    if a.parsed.hierarchical and a.parsed.scheme in SPECIAL | {""}:
        _hierarchical(a, allow_domains, depth)
    else:
        _opaque(a)
    if invisible is not None and a.kind not in ("allowlisted", "brand"):
        a.hits.insert(0, invisible)
    return a


def inspect_url(url: str, *, allow_domains: frozenset[str] = frozenset()) -> list[Hit]:
    """Hits for one URL as found in text or a QR code (the scheme may be missing).

    Evidence offsets are relative to `url`. Never raises: an internal error becomes a
    ``url.malformed`` hit so one odd link cannot stop a batch.
    """
    try:
        return analyse(url, allow_domains).hits
    except Exception:  # defensive: the property tests in tests/test_url_robust.py keep this dead
        return [Hit("url.malformed", (Evidence(url[:200], 0, min(len(url), 200)),),
                    {"domain": visible(url[:80])})]


def url_report(url: str, *, name: str, lang: str, config: Config) -> Report:
    """A full Report for `check-url`: stamped findings, verdict and the facts a reader needs."""
    from kzscam.engine import get_engine

    try:
        a = analyse(url, config.allow_domains)
    except Exception:
        a = Analysis(url, parse_url(url), kind="malformed",
                     hits=[Hit("url.malformed", (), {"domain": visible(url[:80])})])
    engine = get_engine(config)
    findings = engine.stamp(a.hits, lang)
    score, verdict = engine.score(findings)
    details: dict[str, str | None] = {
        "url": visible(url),
        "scheme": a.parsed.scheme or None,
        "host": (a.host.ip or visible(a.host.name)) if a.host and a.host.name else None,
        "registrable_domain": visible(a.site) if a.site else None,
        "kind": a.kind,
        "owner": a.owner or None,
        "imitates": a.brand.keyword.brand.name if a.brand else None,
        "real_domain": a.brand.keyword.real if a.brand else None,
    }
    return Report(input=name, verdict=verdict, score=score, findings=tuple(findings),
                  urls=(url,), details=details)


def fired_rules(example: str) -> set[str]:
    """Rule-example runner (`kzscam.rules.examples`): ids of the rules firing on one URL."""
    from kzscam.config import Config
    from kzscam.engine import get_engine

    return {f.rule_id for f in get_engine(Config()).stamp(inspect_url(example), "en")}
