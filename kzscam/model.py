"""The one data model every command shares: severities, verdicts, findings and reports.

Detectors (text rules, the URL inspector, QR payload parsers, host collectors, chat readers)
produce `Hit`s; the engine stamps rule metadata onto them to make `Finding`s; the scorer turns
findings into a `Verdict`; renderers print `Report`s and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any, Literal


class Severity(IntEnum):
    """How bad one finding is on its own."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of {names})") from None


class Verdict(IntEnum):
    """What a report as a whole means for the person reading it."""

    SAFE = 0
    CAUTION = 1
    SUSPICIOUS = 2
    DANGEROUS = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Verdict:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(v.label for v in cls)
            raise ValueError(f"unknown verdict {value!r} (expected one of {names})") from None


# What a quote is, so that a renderer escapes it by type: a `link` (a URL or part of one) has
# disguised host letters spelled out (k<U+0430>spi.kz); `text` is shown as written.
EvidenceKind = Literal["text", "link"]


@dataclass(frozen=True)
class Evidence:
    """A quoted piece of the input; offsets index the ORIGINAL input string (Python str indices)."""

    text: str
    start: int
    end: int
    kind: EvidenceKind = "text"


@dataclass(frozen=True)
class Hit:
    """What a matcher or detector reports: which check fired, where, with which parameters.

    `check` is the rule id for text rules, or a detector check name (``url.lookalike``) that rule
    data binds to a rule id. `params` fill placeholders such as ``{brand}`` in advisory texts.
    """

    check: str
    evidence: tuple[Evidence, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)

    def as_links(self) -> Hit:
        """The same hit with every quote typed as a link (hits of the URL inspector)."""
        if all(e.kind == "link" for e in self.evidence):
            return self
        return replace(self, evidence=tuple(replace(e, kind="link") for e in self.evidence))


@dataclass(frozen=True)
class Finding:
    """One stamped, localised finding: the unit every renderer and the scorer work on."""

    rule_id: str
    severity: Severity
    title: str
    advice: str
    evidence: tuple[Evidence, ...] = ()
    category: str = ""
    tags: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> tuple[str, tuple[str, ...]]:
        """Identity without position, for de-duplication and baselines."""
        return (self.rule_id, tuple(sorted({e.text for e in self.evidence})))


@dataclass(frozen=True)
class Report:
    """Everything known about one input (a message, URL, image, host or chat).

    `parts` holds sub-reports (QR codes in an image, messages in a chat, tools on a host) and
    `parts_key` names them in JSON (``codes``, ``messages``, ``tools``). `details` holds extra
    JSON-safe fields of the command (payload, decoder, position, ...). `error` is set when the
    input could not be read; such a report has no findings and verdict ``caution``.
    `lang`, when set, is the language of its findings (and of its parts').
    """

    input: str
    verdict: Verdict
    score: int
    findings: tuple[Finding, ...] = ()
    urls: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    text: str | None = None
    parts: tuple[Report, ...] = ()
    parts_key: str = "parts"
    details: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None
    # The language its titles and advice are written in when it is not the run's (chosen per
    # message when nobody chose one); human renderers label the report in it. Not in JSON.
    lang: str | None = None

    @property
    def worst(self) -> Verdict:
        """The worst verdict of this report and any of its parts."""
        return max([self.verdict, *(p.worst for p in self.parts)])
