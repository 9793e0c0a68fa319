"""The API takes any str, as the command line does: lone surrogates become U+FFFD."""

from __future__ import annotations

import json

from conftest import run_cli

from kzscam import api

HOSTILE = "Назовите ко\ud800д из SMS \udcff, служба безопасности банка"


def test_check_text_accepts_lone_surrogates_and_matches_the_cli() -> None:
    report = api.check_text(HOSTILE, name="msg\udc80")
    assert report.text.encode("utf-8") and report.input.encode("utf-8")
    assert "\ufffd" in report.text and report.input == "msg\ufffd"
    cli = run_cli("check-text", "--jsonl-field", "text", "-f", "jsonl",
                  input=json.dumps({"text": HOSTILE}) + "\n")
    row = json.loads(cli.stdout)
    assert report.verdict.label == row["verdict"]
    assert [f.rule_id for f in report.findings] == [f["rule_id"] for f in row["findings"]]


def test_a_lone_surrogate_alone_is_checked() -> None:
    report = api.check_text("\ud800")
    assert report.text == "\ufffd" and report.error is None


def test_check_many_accepts_lone_surrogates_in_and_out_of_process() -> None:
    texts = ["\ud800", HOSTILE, "hello \udfff"] * 200
    for jobs in (1, 2):
        reports = list(api.check_many(texts, jobs=jobs))
        assert len(reports) == len(texts)
        assert all(r.text.encode("utf-8") for r in reports)
        assert reports[1].verdict == api.check_text(HOSTILE).verdict


def test_check_url_accepts_lone_surrogates() -> None:
    report = api.check_url("http://kaspi\ud800.kz/login")
    assert report.input.encode("utf-8") and "\ud800" not in report.input
