"""The text pipeline: text rules, the learned detector, and the URL inspector on every link."""

from __future__ import annotations

from functools import lru_cache

from kzscam.engine import Engine, TextOutcome, get_engine
from kzscam.model import Evidence, Hit, Report
from kzscam.text.extract import Entity

MAX_URLS = 50
_CACHED_URL_LEN = 2048  # longer links are inspected every time rather than kept alive in the cache


def _inspect(url: str, allow_domains: frozenset[str]) -> tuple[Hit, ...]:
    """URL inspector hits; a batch meets the same links again and again (one campaign, one link)."""
    if len(url) > _CACHED_URL_LEN:
        from kzscam.url.inspect import inspect_url  # on first link: most messages have none

        return tuple(inspect_url(url, allow_domains=allow_domains))
    return _inspect_cached(url, allow_domains)


@lru_cache(maxsize=4096)
def _inspect_cached(url: str, allow_domains: frozenset[str]) -> tuple[Hit, ...]:
    from kzscam.url.inspect import inspect_url

    return tuple(inspect_url(url, allow_domains=allow_domains))


def _url_hits(text: str, entities: list[Entity], allow_domains: frozenset[str]) -> list[Hit]:
    out: list[Hit] = []
    seen: set[str] = set()
    for ent in entities:
        # A message with thousands of links must not produce thousands of findings: the first
        # MAX_URLS distinct links are inspected (all are still listed in `urls`).
        if ent.kind != "url" or ent.value in seen:
            continue
        seen.add(ent.value)
        if len(seen) > MAX_URLS:
            break
        for hit in _inspect(ent.value, allow_domains):
            # Evidence offsets of the inspector are relative to the URL; quote the link itself.
            out.append(Hit(hit.check, (Evidence(text[ent.start : ent.end], ent.start, ent.end,
                                                 "link"),), hit.params))
    return out


def text_hits(engine: Engine, text: str) -> TextOutcome:
    """Every hit for one message: its rules and learned detector, and each link's inspection."""
    outcome = engine.match_text(text)
    links = _url_hits(text, outcome.entities, engine.config.allow_domains)
    return TextOutcome([*outcome.hits, *links], outcome.entities)


def check_text(engine: Engine, text: str, *, name: str, lang: str) -> Report:
    """The full text pipeline for one message: hits, findings, verdict, links and phones."""
    outcome = text_hits(engine, text)
    findings = engine.stamp(outcome.hits, lang)
    score, verdict = engine.combine("text", findings)
    urls = tuple(dict.fromkeys(e.value for e in outcome.entities if e.kind == "url"))
    phones = tuple(dict.fromkeys(
        e.value for e in outcome.entities
        if e.kind == "phone" and e.value not in engine.config.allow_phones
    ))
    return Report(input=name, verdict=verdict, score=score, findings=tuple(findings),
                  urls=urls, phones=phones, text=text)


def fired_rules(example: str) -> set[str]:
    """Rule-example runner for subject "text": ids of the rules firing on one message."""
    engine = get_engine()
    return {f.rule_id for f in engine.stamp(text_hits(engine, example).hits, "en")}
