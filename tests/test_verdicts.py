"""The verdict policy is data (rules/scoring.toml) applied by one `Engine.combine`.

Changing the data changes the verdicts: a rule's severity in host.toml, a check floor, the way a
subject folds its parts. Hosts are written in the compact example syntax of host rules.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from kzscam.config import Config
from kzscam.engine import Engine, Fold, get_engine
from kzscam.host.catalogue import load_catalogue
from kzscam.host.examples import parse_example
from kzscam.host.judge import judge
from kzscam.host.report import host_report
from kzscam.model import Report, Severity, Verdict
from kzscam.rules.loader import Catalog, Scoring, load_catalog

LEFTOVERS = "linux: path ~/.config/rustdesk/RustDesk2.toml"
RUNNING = "windows: process quickassist.exe"


def audit(example: str, engine: Engine) -> Report:
    facts, allow = parse_example(example)
    return host_report(facts, judge(facts, load_catalogue(), allow), engine, "en")


@cache
def _catalog() -> Catalog:
    return load_catalog()


def engine_with(severities: dict[str, Severity] | None = None,
                **scoring: object) -> Engine:
    """An engine from the packaged rules with some severities or scoring fields changed."""
    cat = _catalog()
    rules = tuple(replace(r, severity=(severities or {}).get(r.id, r.severity))
                  for r in cat.rules)
    sc: Scoring = cat.scoring._replace(**scoring)  # type: ignore[arg-type]
    return Engine(cat._replace(rules=rules, by_id={r.id: r for r in rules}, scoring=sc), Config())


def test_a_severity_in_host_toml_changes_a_host_verdict() -> None:
    assert audit(LEFTOVERS, get_engine()).verdict is Verdict.CAUTION
    raised = engine_with({"HOST-RA-006": Severity.CRITICAL})
    report = audit(LEFTOVERS, raised)
    assert report.verdict is Verdict.DANGEROUS
    assert report.parts[0].findings[0].severity is Severity.CRITICAL


def test_a_running_tool_is_dangerous_by_its_check_floor_not_its_points() -> None:
    report = audit(RUNNING, get_engine())
    (tool,) = report.parts
    assert tool.verdict is Verdict.DANGEROUS and tool.score < 10  # 6 points: "suspicious"
    no_floor = engine_with(check_floors={k: v for k, v in get_engine().catalog.scoring
                                         .check_floors.items() if k != "host.tool_running"})
    assert audit(RUNNING, no_floor).verdict is Verdict.SUSPICIOUS
    lowered = engine_with({"HOST-RA-002": Severity.LOW},
                          check_floors={})
    assert audit(RUNNING, lowered).verdict is Verdict.CAUTION


def test_the_host_score_is_what_scoring_toml_says() -> None:
    example = "linux: package x11vnc; process x11vnc; listen 5900 x11vnc; package anydesk"
    summed = audit(example, get_engine())
    assert len(summed.parts) == 2
    assert summed.score == sum(p.score for p in summed.parts)  # no host-level findings here
    maxed = audit(example, engine_with(subjects={**get_engine().catalog.scoring.subjects,
                                                 "host": "max"}))
    assert maxed.score == max(p.score for p in maxed.parts) < summed.score
    assert maxed.verdict == summed.verdict == Verdict.DANGEROUS


@pytest.mark.parametrize(("mode", "expected"), [
    ("sum", (13, Verdict.DANGEROUS)),
    ("max", (9, Verdict.DANGEROUS)),
    ("worst", (4, Verdict.DANGEROUS)),
])
def test_fold_modes(mode: str, expected: tuple[int, Verdict]) -> None:
    fold = Fold(mode)
    for score, verdict in [(9, Verdict.SUSPICIOUS), (4, Verdict.DANGEROUS), (0, Verdict.SAFE)]:
        fold.add(score, verdict)
    assert (fold.score, fold.verdict) == expected


def test_every_subject_has_a_policy_and_an_unknown_one_is_an_error() -> None:
    engine = get_engine()
    for subject in ("text", "url", "code", "image", "tool", "host", "chain", "sender", "chat"):
        engine.combine(subject)
    with pytest.raises(KeyError, match=r"scoring\.toml"):
        engine.combine("printer")


def test_an_input_read_in_part_is_never_safe() -> None:
    engine = get_engine()
    assert engine.combine("chat") == (0, Verdict.SAFE)
    assert engine.combine("chat", incomplete=True) == (0, Verdict.CAUTION)


def test_a_verdict_from_parts_is_the_worst_of_them() -> None:
    engine = get_engine()
    parts = [(3, Verdict.CAUTION), (6, Verdict.SUSPICIOUS)]
    assert engine.combine("image", (), parts) == (6, Verdict.SUSPICIOUS)
