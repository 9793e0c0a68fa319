"""Which finding leads a human report and which one thing to do it opens with.

The order of findings from the engine is by severity, then rule id: among equally severe
findings that is an accident of naming. People read the first finding and the closing advice
first, so both follow the relevance data in advice.toml instead.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kzscam.model import Finding, Report, Severity

DATA = Path(__file__).with_name("advice.toml")


@dataclass(frozen=True)
class Closing:
    key: str
    categories: frozenset[str]
    tags: frozenset[str]
    prefixes: tuple[str, ...]
    text: dict[str, str]
    urgent: bool = False
    subject: bool = False

    def fits(self, f: Finding) -> bool:
        return (f.category in self.categories or not self.tags.isdisjoint(f.tags)
                or self.names(f))

    def names(self, f: Finding) -> bool:
        """Is the finding's rule one this closing names (by id prefix: its subject's own)?"""
        return f.rule_id.startswith(self.prefixes)


@dataclass(frozen=True)
class Relevance:
    severity_weights: dict[str, float]
    lead: dict[str, int]
    weight: dict[str, float]
    closings: tuple[Closing, ...]


@cache
def relevance() -> Relevance:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    rel = data["relevance"]
    closings = tuple(
        Closing(key=c["key"], categories=frozenset(c.get("categories", ())),
                tags=frozenset(c.get("tags", ())), prefixes=tuple(c.get("prefixes", ())),
                text={lang: c[lang] for lang in ("kk", "ru", "en")},
                urgent=bool(c.get("urgent", False)), subject=bool(c.get("subject", False)))
        for c in data["closing"])
    return Relevance(severity_weights={k: float(v) for k, v in rel["severity_weights"].items()},
                     lead={c: i for i, c in enumerate(rel["lead"])},
                     weight={k: float(v) for k, v in rel.get("weight", {}).items()},
                     closings=closings)


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    """The findings grouped by category, heaviest group first (see advice.toml); within a group,
    worst first as the engine gave them."""
    rel = relevance()
    mass: dict[str, float] = {}
    for f in findings:
        mass[f.category] = mass.get(f.category, 0.0) + rel.severity_weights.get(f.severity.label, 1.0)
    rank = {c: (-m * rel.weight.get(c, 1.0), rel.lead.get(c, len(rel.lead))) for c, m in mass.items()}
    return sorted(findings, key=lambda f: (rank[f.category], -f.severity))


def _all_findings(r: Report) -> Iterator[Finding]:
    yield from r.findings
    for part in r.parts:
        yield from _all_findings(part)


def _choose(r: Report) -> Closing:
    """An urgent closing that fits any finding (a code already sent); else a subject's closing
    (an audit, a QR scan) whose rules found anything; else the closing of the
    leading finding above info (the one naming its rule first, then by category or tag); else
    the first that fits any finding above info; else the general one. Info findings (words
    about earnings beside an investment offer) never choose it."""
    findings = list(_all_findings(r))
    closings = relevance().closings
    urgent = next((c for c in closings if c.urgent and any(c.fits(f) for f in findings)), None)
    if urgent is not None:
        return urgent
    weighty = [f for f in ordered(findings) if f.severity > Severity.INFO]
    subject = next((c for c in closings if c.subject and any(c.names(f) for f in findings)), None)
    if subject is not None:
        return subject
    if weighty:
        lead = weighty[0]
        chosen = (next((c for c in closings if c.names(lead)), None)
                  or next((c for c in closings if c.fits(lead)), None))
        if chosen is not None:
            return chosen
    return next((c for c in closings if any(c.fits(f) for f in weighty)), closings[-1])


def closing(r: Report, lang: str) -> str:
    """The one thing to do for this report: the closing that fits its leading finding (a code
    is named only when a code is involved), else the general one (see `_choose`)."""
    chosen = _choose(r)
    return chosen.text.get(lang) or chosen.text["en"]


def closing_key(r: Report) -> str:
    """Which closing fits: its key in advice.toml."""
    return _choose(r).key
