"""From decoded symbols to Reports: one child report per code, one report per image.

Each code's findings come from three places, all stamped by the one engine: the QR checks
(`kzscam.qr.checks`), the shared URL inspector for every link in the payload, and the text rules
for free text (plain-text codes, prefilled SMS and chat messages, e-mail bodies, contact notes).
Their evidence offsets are moved to index the payload text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kzscam.checks import QrCheck, UrlCheck
from kzscam.details import CodeDetails, ImageDetails
from kzscam.model import Evidence, Finding, Hit, Report
from kzscam.pipeline.text import text_hits
from kzscam.qr.checks import qr_hits
from kzscam.qr.decoders import Symbol
from kzscam.qr.payload import QrPayload, parse_payload
from kzscam.url.inspect import inspect_url

if TYPE_CHECKING:
    from kzscam.config import Config
    from kzscam.engine import Engine

def _shift(hit: Hit, payload: str, part: str, offset: int) -> Hit:
    """Move evidence from `part`-relative to payload-relative offsets."""
    if offset < 0:  # the part was unescaped/decoded: quote the payload instead
        return Hit(hit.check, (Evidence(payload[:200], 0, min(len(payload), 200)),), hit.params)
    evidence = tuple(Evidence(e.text, e.start + offset, e.end + offset) for e in hit.evidence)
    return Hit(hit.check, evidence or (Evidence(part, offset, offset + len(part)),), hit.params)


# URL-inspector checks that say the same as a QR check: keep the QR one (its advice is about
# scanning), drop the duplicate.
_SUPERSEDES = {QrCheck.MESSENGER_LOGIN: frozenset({UrlCheck.TG_LOGIN}),
               QrCheck.REMOTE_ACCESS_APP: frozenset({UrlCheck.REMOTE_TOOL})}


def _typed(hit: Hit, links: list[tuple[int, int]]) -> Hit:
    """Quotes inside a span the payload parser found to be a link are links (shown with their
    disguised letters spelled out); everything else in a payload is text (a network name, an
    SMS body, a contact card)."""
    if not any(e.kind == "text" and any(s <= e.start and e.end <= t for s, t in links)
               for e in hit.evidence):
        return hit
    return Hit(hit.check, tuple(
        replace(e, kind="link") if any(s <= e.start and e.end <= t for s, t in links) else e
        for e in hit.evidence), hit.params)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    present = {h.check for h in hits}
    dropped = frozenset().union(*(v for k, v in _SUPERSEDES.items() if k in present))
    return [h for h in hits if h.check not in dropped]


def payload_hits(p: QrPayload, engine: Engine,
                 config: Config) -> tuple[list[Hit], list[str], list[str]]:
    """All hits for one payload, plus the links and phone numbers found in it."""
    hits = qr_hits(p, config.allow_phones)
    urls: list[str] = []
    phones: list[str] = list(p.phones)
    for number in (p.details.get("number"), p.details.get("phone")):
        if isinstance(number, str) and number:
            phones.append(number)
    for url, offset in p.urls:
        if not url:
            continue
        urls.append(url)
        for hit in inspect_url(url, allow_domains=config.allow_domains):
            hits.append(_shift(hit, p.text, url, offset))
    for segment, offset in p.texts:
        outcome = text_hits(engine, segment)
        hits.extend(_shift(h, p.text, segment, offset) for h in outcome.hits)
        for ent in outcome.entities:
            if ent.kind == "url":
                urls.append(ent.value)
            elif ent.kind == "phone" and ent.value not in config.allow_phones:
                phones.append(ent.value)
    links = [(offset, offset + len(url)) for url, offset in p.urls if url and offset >= 0]
    typed = [_typed(h, links) for h in _dedupe(hits)]
    return typed, list(dict.fromkeys(urls)), list(dict.fromkeys(phones))


def code_report(sym: Symbol, index: int, image_name: str, engine: Engine, config: Config,
                lang: str) -> Report:
    """The child report of one decoded code (JSON: an element of `codes`)."""
    p = parse_payload(sym.text, sym.raw)
    hits, urls, phones = payload_hits(p, engine, config)
    findings = engine.stamp(hits, lang)
    # A code nobody can read is never "safe": check floors in rules/scoring.toml.
    score, verdict = engine.combine("code", findings)
    fields: dict[str, Any] = {
        "index": index,
        "payload": sym.text if sym.text is not None
        else sym.raw.decode("utf-8", "backslashreplace"),
        "kind": p.kind,
        "decoder": sym.decoder,
        "symbology": sym.symbology,
        "position": [[round(x), round(y)] for x, y in sym.corners],
        "details": p.details,
    }
    if sym.text is None or sym.text.encode("utf-8") != sym.raw:
        fields["payload_hex"] = sym.raw.hex()
    if sym.method != "direct":
        fields["method"] = sym.method
    if sym.frame:
        fields["frame"] = sym.frame
    return Report(input=f"{image_name} #{index}", verdict=verdict, score=score,
                  findings=tuple(findings), urls=tuple(urls), phones=tuple(phones),
                  text=sym.text, details=CodeDetails(fields))


def image_report(name: str, size: tuple[int, int], symbols: Iterable[Symbol], engine: Engine,
                 config: Config, lang: str, notes: dict[str, Any] | None = None,
                 frames: tuple[int, int] = (1, 1)) -> Report:
    """The report of one image: its codes as parts, combined as `[subjects] image` says.

    `frames` is (frames scanned, frames in the file): when an animation was only sampled and no
    code turned up, the code may sit in a frame never looked at, so the image is not called safe.
    """
    codes = tuple(code_report(s, i, name, engine, config, lang)
                  for i, s in enumerate(symbols, 1))
    details = ImageDetails({"size": list(size), **(notes or {})})
    findings: tuple[Finding, ...] = ()
    if not codes:
        hits = [Hit(QrCheck.NO_CODE)]
        if frames[0] < frames[1]:
            hits.append(Hit(QrCheck.FRAMES_SKIPPED, (), {"scanned": str(frames[0]),
                                                      "total": str(frames[1])}))
        findings = tuple(engine.stamp(hits, lang))
    score, verdict = engine.combine("image", findings, [(c.score, c.verdict) for c in codes])
    return Report(input=name, verdict=verdict, score=score, findings=findings, parts=codes,
                  parts_key="codes", details=details)


def payload_report(text: str, engine: Engine, config: Config, lang: str,
                   name: str = "payload") -> Report:
    """A report for a payload string given directly (`--payload`, rule examples)."""
    sym = Symbol(text.encode("utf-8"), text, ((0, 0), (0, 0), (0, 0), (0, 0)), "input")
    report = code_report(sym, 1, name, engine, config, lang)
    details = CodeDetails({k: v for k, v in report.details.items()
                           if k not in ("position", "index")})
    return replace(report, input=name, details=details)


def fired_rules(example: str) -> set[str]:
    """Rule-example runner for subject "qr": ids of the rules that fire on a payload string.

    Two special forms: `bytes:<hex>` is a payload of raw bytes (text only if valid UTF-8), and
    `nocode:<anything>` is an image in which no code was found, `sampled:<anything>` an animation
    of 41 frames of which 32 were scanned, without finding a code.
    """
    from kzscam.config import Config
    from kzscam.engine import get_engine
    from kzscam.qr.decoders import text_of

    config = Config()
    engine = get_engine(config)
    if example.startswith(("nocode:", "sampled:")):
        frames = (32, 41) if example.startswith("sampled:") else (1, 1)
        report = image_report("example", (1, 1), [], engine, config, "en", frames=frames)
        return {f.rule_id for f in report.findings}
    raw = bytes.fromhex(example[6:]) if example.startswith("bytes:") else example.encode("utf-8")
    p = parse_payload(text_of(raw), raw)
    hits, _, _ = payload_hits(p, engine, config)
    return {f.rule_id for f in engine.stamp(hits, "en")}
