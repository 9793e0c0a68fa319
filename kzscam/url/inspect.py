"""The URL inspector: one link in, detector hits (and a full report for `check-url`) out.

`inspect_url` is what `check-text` runs on every extracted link and `scan-qr` on URL payloads.
It is pure (no I/O, no network), linear in the length of the link and never raises. Importing
this module is cheap: the Public Suffix List, the brand index and the confusables table load on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzscam.checks import UrlCheck
from kzscam.model import Evidence, Hit
from kzscam.url import checks, kinds
from kzscam.url.analysis import (
    ACTION_CHECKS,
    Analysis,
    action_hits,
    brand_in_path,
    kind_hits,
    opaque_hits,
    redirect_hits,
)
from kzscam.url.display import visible
from kzscam.url.host import decode_host
from kzscam.url.parse import SPECIAL, parse_url
from kzscam.url.wrapped import Target, target

if TYPE_CHECKING:
    from kzscam.url.lookalike import BrandMatch

__all__ = ["ACTION_CHECKS", "Analysis", "analyse", "inspect_url"]


def _allowed(name: str, allow: frozenset[str]) -> bool:
    return bool(allow) and any(name == d or name.endswith("." + d) for d in allow)


def _brand_hit(a: Analysis, match: BrandMatch) -> None:
    from kzscam.url.explain import describe_match

    check, why = describe_match(match)
    assert a.host is not None
    a.add(check, a.parsed.host_span, brand=match.keyword.brand.name, real=match.keyword.real,
          domain=visible(a.host.name), site=visible(a.site), why=why, kind=match.kind)


def _hierarchical(a: Analysis, allow: frozenset[str], depth: int) -> None:
    from kzscam.url.brands import index, words
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
        action_hits(a, name)
        if depth == 0 and "redirect" in kinds.links().kinds_of(name, p.path):
            redirect_hits(a, name, allow)
        return
    if host.ip is not None:
        a.kind = "ip"
        a.hits.extend(checks.host_hits(p, host, ""))
        brand_in_path(a, host.ip, True)
        kind_hits(a, name, depth, allow)
        return
    a.site, suffix = split_domain(name)
    a.found = kinds.links().kinds_of(name, p.path)
    # the suffix itself (googleapis.com, gov.ru) is its operator's own site, not a tenant's page
    a.anyone = kinds.anyone_publishes(a.found, suffix if a.site else "")
    a.cheap = a.site.rpartition(".")[2] in words().throwaway
    if owner is None and a.site:
        from kzscam.url.lookalike import match_brand

        a.brand = match_brand(host.labels, suffix, a.anyone)
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
    kind_hits(a, name, depth, allow)


def _shift(hit: Hit, url: str, opened: Target) -> Hit:
    """A hit on the page a wrapper opens, its evidence moved onto the wrapper link."""
    if opened.exact:
        ev = tuple(Evidence(e.text, e.start + opened.start, e.end + opened.start)
                   for e in hit.evidence)
    else:
        ev = (Evidence(url[opened.start:opened.end], opened.start, opened.end),)
    return Hit(hit.check, ev, hit.params)


def _wrapped(a: Analysis, opened: Target, allow: frozenset[str], depth: int) -> None:
    """An intent or browser link: what the wrapper does, plus every check on the page it opens."""
    inner = analyse(opened.url, allow, depth + 1)
    opaque_hits(a)
    a.host, a.site, a.brand, a.owner = inner.host, inner.site, inner.brand, inner.owner
    if inner.kind != "web" or a.kind == "app-link":
        a.kind = inner.kind
    a.hits.extend(_shift(h, a.url, opened) for h in inner.hits)


def analyse(url: str, allow_domains: frozenset[str] = frozenset(), depth: int = 0) -> Analysis:
    """Inspect one link; see `inspect_url`. Raises only on a bug (tests call this directly)."""
    a = Analysis(url, parse_url(url))
    invisible = checks.invisible_chars(url)
    opened = target(url) if depth < 2 and a.parsed.scheme not in SPECIAL | {""} else None
    if opened is not None:
        _wrapped(a, opened, allow_domains, depth)
    elif a.parsed.hierarchical and a.parsed.scheme in SPECIAL | {""}:
        _hierarchical(a, allow_domains, depth)
    else:
        opaque_hits(a)
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
        return [Hit(UrlCheck.MALFORMED, (Evidence(url[:200], 0, min(len(url), 200)),),
                    {"domain": visible(url[:80])})]
