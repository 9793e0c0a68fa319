"""The URL pipeline: one link through the URL inspector, stamped and combined by the engine."""

from __future__ import annotations

from kzscam.checks import UrlCheck
from kzscam.config import Config
from kzscam.details import UrlDetails
from kzscam.engine import get_engine
from kzscam.model import Hit, Report
from kzscam.url.display import visible
from kzscam.url.inspect import Analysis, analyse, inspect_url
from kzscam.url.parse import parse_url


def url_report(url: str, *, name: str, lang: str, config: Config) -> Report:
    """A full Report for `check-url`: stamped findings, verdict and the facts a reader needs."""
    try:
        a = analyse(url, config.allow_domains)
    except Exception:
        a = Analysis(url, parse_url(url), kind="malformed",
                     hits=[Hit(UrlCheck.MALFORMED, (), {"domain": visible(url[:80])})])
    engine = get_engine(config)
    findings = engine.stamp((h.as_links() for h in a.hits), lang)  # quotes of the link
    score, verdict = engine.combine("url", findings)
    host = (a.host.ip or a.host.name) if a.host and a.host.name else None
    details = UrlDetails({
        "url": url,
        "scheme": a.parsed.scheme or None,
        "host": host,
        "registrable_domain": a.site or None,
        "kind": a.kind,
        "owner": a.owner or None,
        "imitates": a.brand.keyword.brand.name if a.brand else None,
        "real_domain": a.brand.keyword.real if a.brand else None,
    })
    if visible(url) != url:  # human output shows this line; JSON keeps the raw strings above
        details = details.with_fields(display=visible(url))
    return Report(input=name, verdict=verdict, score=score, findings=tuple(findings),
                  urls=(url,), details=details)


def fired_rules(example: str) -> set[str]:
    """Rule-example runner for subject "url": ids of the rules firing on one URL."""
    return {f.rule_id for f in get_engine(Config()).stamp(inspect_url(example), "en")}
