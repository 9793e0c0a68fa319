"""The one data model every command shares: severities, verdicts, findings and reports.

Detectors (text rules, the URL inspector, QR payload parsers, host collectors, chat readers)
produce `Hit`s; the engine stamps rule metadata onto them to make `Finding`s; the scorer turns
findings into a `Verdict`; renderers print `Report`s and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import FrozenInstanceError, dataclass, field, fields, replace
from enum import IntEnum
from operator import attrgetter
from typing import Any, Literal, TypeVar, cast, dataclass_transform

_T = TypeVar("_T")
_set = object.__setattr__
# The default of a field whose default is a new dict per instance (dataclasses' default_factory).
_NEW_DICT: Any = object()


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_T]) -> type[_T]:
    """A frozen dataclass whose `__init__` is written out in the class body.

    `@dataclass(frozen=True)` writes six methods as source text and compiles them for every class
    at every start: 0.4-1 ms a class (measured), several ms of a one-message run over the classes
    it imports. Here `__init__` comes compiled from the module's byte-code and the others are
    shared functions over the field names, which costs a tenth of that. Behaviour is that of
    `@dataclass(frozen=True)`: equality and hash over all fields in order, a repr naming each
    field, FrozenInstanceError on assignment, and `dataclasses.replace`/`fields` work as on any
    dataclass (tests/test_records.py compares them with the generated methods).
    """
    cls = dataclass(init=False, repr=False, eq=False)(cls)
    names = tuple(f.name for f in fields(cast(Any, cls)))
    if len(names) < 2:
        raise TypeError("record: a class of two or more fields")
    key: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)  # a tuple for two names or more
    fields_set = frozenset(names)

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(key(self))

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(names, key(self), strict=True))
        return f"{self.__class__.__qualname__}({inner})"

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in fields_set:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in fields_set:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    for method in (__eq__, __hash__, __repr__, __setattr__, __delattr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    return cls


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


@record
class Evidence:
    """A quoted piece of the input; offsets index the ORIGINAL input string (Python str indices)."""

    text: str
    start: int
    end: int
    kind: EvidenceKind = "text"

    def __init__(self, text: str, start: int, end: int, kind: EvidenceKind = "text") -> None:
        _set(self, "text", text)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "kind", kind)


@record
class Hit:
    """What a matcher or detector reports: which check fired, where, with which parameters.

    `check` is the rule id for text rules, or a detector check name (``url.lookalike``) that rule
    data binds to a rule id. `params` fill placeholders such as ``{brand}`` in advisory texts.
    """

    check: str
    evidence: tuple[Evidence, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)

    def __init__(self, check: str, evidence: tuple[Evidence, ...] = (),
                 params: Mapping[str, str] = _NEW_DICT) -> None:
        _set(self, "check", check)
        _set(self, "evidence", evidence)
        _set(self, "params", {} if params is _NEW_DICT else params)

    def as_links(self) -> Hit:
        """The same hit with every quote typed as a link (hits of the URL inspector)."""
        if all(e.kind == "link" for e in self.evidence):
            return self
        return replace(self, evidence=tuple(replace(e, kind="link") for e in self.evidence))


@record
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

    def __init__(self, rule_id: str, severity: Severity, title: str, advice: str,
                 evidence: tuple[Evidence, ...] = (), category: str = "",
                 tags: tuple[str, ...] = (), params: Mapping[str, str] = _NEW_DICT) -> None:
        _set(self, "rule_id", rule_id)
        _set(self, "severity", severity)
        _set(self, "title", title)
        _set(self, "advice", advice)
        _set(self, "evidence", evidence)
        _set(self, "category", category)
        _set(self, "tags", tags)
        _set(self, "params", {} if params is _NEW_DICT else params)

    @property
    def fingerprint(self) -> tuple[str, tuple[str, ...]]:
        """Identity without position, for de-duplication and baselines."""
        return (self.rule_id, tuple(sorted({e.text for e in self.evidence})))


@record
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

    def __init__(self, input: str, verdict: Verdict, score: int,
                 findings: tuple[Finding, ...] = (), urls: tuple[str, ...] = (),
                 phones: tuple[str, ...] = (), text: str | None = None,
                 parts: tuple[Report, ...] = (), parts_key: str = "parts",
                 details: Mapping[str, Any] = _NEW_DICT, error: str | None = None,
                 lang: str | None = None) -> None:
        _set(self, "input", input)
        _set(self, "verdict", verdict)
        _set(self, "score", score)
        _set(self, "findings", findings)
        _set(self, "urls", urls)
        _set(self, "phones", phones)
        _set(self, "text", text)
        _set(self, "parts", parts)
        _set(self, "parts_key", parts_key)
        _set(self, "details", {} if details is _NEW_DICT else details)
        _set(self, "error", error)
        _set(self, "lang", lang)

    @property
    def worst(self) -> Verdict:
        """The worst verdict of this report and any of its parts."""
        return max([self.verdict, *(p.worst for p in self.parts)])
