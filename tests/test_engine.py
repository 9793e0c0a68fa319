"""The one scorer and the stamping of detector hits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kzscam.config import Config
from kzscam.engine import UnknownCheck, get_engine
from kzscam.model import Evidence, Finding, Hit, Severity, Verdict
from kzscam.pipeline.text import check_text


def _finding(rule_id: str, severity: Severity, *tags: str) -> Finding:
    return Finding(rule_id, severity, "t", "a", tags=tags)


def test_score_thresholds_and_floors() -> None:
    eng = get_engine()
    assert eng.score([]) == (0, Verdict.SAFE)
    assert eng.score([_finding("A", Severity.INFO)])[1] is Verdict.SAFE
    assert eng.score([_finding("A", Severity.LOW)])[1] is Verdict.CAUTION
    assert eng.score([_finding("A", Severity.MEDIUM), _finding("B", Severity.MEDIUM)])[1] is (
        Verdict.SUSPICIOUS)
    assert eng.score([_finding("A", Severity.HIGH)])[1] is Verdict.SUSPICIOUS  # floor
    assert eng.score([_finding("A", Severity.CRITICAL)])[1] is Verdict.DANGEROUS  # floor


def test_combinations_are_worse_than_their_parts() -> None:
    eng = get_engine()
    authority = _finding("A", Severity.INFO, "authority")
    money = _finding("B", Severity.MEDIUM, "money")
    alone = eng.score([money])
    together = eng.score([authority, money])
    assert together[0] > alone[0]
    assert together[1] > alone[1]


def test_same_rule_counts_once() -> None:
    eng = get_engine()
    one = eng.score([_finding("A", Severity.MEDIUM)])
    twice = eng.score([_finding("A", Severity.MEDIUM), _finding("A", Severity.MEDIUM)])
    assert one == twice


def test_stamp_binds_rule_texts_and_fills_placeholders() -> None:
    eng = get_engine()
    ev = (Evidence("x", 0, 1),)
    en = eng.stamp([Hit("TXT-ENT-001", ev)], "en")
    kk = eng.stamp([Hit("TXT-ENT-001", ev)], "kk")
    assert en[0].rule_id == kk[0].rule_id == "TXT-ENT-001"
    assert en[0].title != kk[0].title and en[0].evidence == ev
    # A check nobody declared is a detector bug: it fails loudly instead of vanishing.
    with pytest.raises(UnknownCheck, match=r"no\.such\.check"):
        eng.stamp([Hit("no.such.check")], "en")


def test_disabled_rules_do_not_fire() -> None:
    text = "Open http://x.top/a.apk"
    assert "TXT-ENT-001" in {f.rule_id for f in check_text(get_engine(), text, name="m", lang="en").findings}
    eng = get_engine(replace(Config(), disabled_rules=frozenset({"TXT-ENT-001"})))
    assert "TXT-ENT-001" not in {f.rule_id for f in check_text(eng, text, name="m", lang="en").findings}


def test_evidence_offsets_point_into_the_original() -> None:
    text = "Привет!\n\nСкачайте ＡＰＰ: hxxp://kaspi-app[.]top/update.apk сегодня"
    report = check_text(get_engine(), text, name="m", lang="ru")
    for f in report.findings:
        for ev in f.evidence:
            assert text[ev.start:ev.end] == ev.text


def test_same_fact_from_two_detectors_counts_once() -> None:
    eng = get_engine()
    ev = (Evidence("http://x.top/a.apk", 0, 18),)
    a = Finding("TXT-A", Severity.HIGH, "t", "a", evidence=ev, category="malicious_file")
    b = Finding("URL-B", Severity.HIGH, "t", "a", evidence=ev, category="malicious_file")
    c = Finding("URL-C", Severity.HIGH, "t", "a", evidence=ev, category="phishing_link")
    assert eng.score([a, b]) == eng.score([a])
    assert eng.score([a, c])[0] > eng.score([a])[0]


def test_exit_code_precedence() -> None:
    from kzscam.exitcodes import ExitCode, exit_code

    assert exit_code(flagged=False, unreadable=False) is ExitCode.OK
    assert exit_code(flagged=True, unreadable=False) is ExitCode.FLAGGED
    assert exit_code(flagged=True, unreadable=True) is ExitCode.INPUT_ERROR
    assert exit_code(flagged=False, unreadable=True) is ExitCode.INPUT_ERROR
