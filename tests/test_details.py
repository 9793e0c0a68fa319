"""Typed, localised details: Kazakh and Russian reports carry no English labels, no Python
reprs and no internal fields (unless --verbose); JSON keeps the contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli
from test_golden import CASES

from kzscam.details import COMMON_LABELS, CodeDetails, ToolDetails, evidence_line

# "  label: value" lines of the plain layout (findings start with "- ", quotes with «).
DETAIL_LINE = re.compile(r"^ +([^\s«\-\[][^:«]*): ")
ENGLISH = {e["en"] for e in COMMON_LABELS.values()} | set(COMMON_LABELS)
ENGLISH_VALUES = re.compile(r"\b(True|False|None|starts automatically|not enabled|messages flagged)\b")


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("command", sorted(CASES))
def test_no_english_labels_or_reprs(command: str, lang: str) -> None:
    proc = run_cli(*CASES[command], "--lang", lang, "--format", "plain")
    labels = [m.group(1) for line in proc.stdout.splitlines() if (m := DETAIL_LINE.match(line))]
    assert labels, proc.stdout[:500]
    english = sorted({lab for lab in labels if lab in ENGLISH and lab not in ("id", "SMS")})
    assert english == []
    assert not ENGLISH_VALUES.search(proc.stdout)
    assert "{'" not in proc.stdout and "['" not in proc.stdout


def test_internal_fields_only_with_verbose() -> None:
    payload = ["scan-qr", "--payload", "WIFI:T:nopass;S:Halyk_Guest;;", "--format", "plain"]
    quiet, verbose = run_cli(*payload).stdout, run_cli(*payload, "--verbose").stdout
    assert "decoder:" not in quiet and "symbology:" not in quiet
    assert "decoder: input" in verbose and "symbology: QR Code" in verbose


def test_json_keeps_every_field() -> None:
    proc = run_cli("scan-qr", "--payload", "WIFI:T:nopass;S:Halyk_Guest;;", "--format", "json",
                   "--lang", "kk")
    (code,) = json.loads(proc.stdout)["results"]
    assert code["decoder"] == "input" and code["kind"] == "wifi"
    assert code["details"] == {"ssid": "Halyk_Guest", "security": "nopass",
                               "has_password": False, "hidden": False}


def test_audit_host_json_always_lists_tools(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    proc = run_cli("audit-host", "--root", str(tmp_path), "--platform", "linux", "-f", "json")
    (host,) = json.loads(proc.stdout)["results"]
    assert host["tools"] == [] and host["verdict"] == "safe"


def test_describe_translates_values_and_flattens_tables() -> None:
    tool = ToolDetails(state="running", confidence="high", allowed=False, ports=[5900])
    assert tool.describe("ru") == [("state", "состояние", "запущена"),
                                   ("confidence", "уверенность", "высокая"),
                                   ("allowed", "разрешено вами", "нет"),
                                   ("ports", "порты", "5900")]
    code = CodeDetails(kind="emv_payment", index=1,
                       details={"accounts": {"26": {"bank": "Kaspi"}}, "crc_ok": True})
    lines = code.describe("kk")
    assert lines[0].value == "төлем коды (EMV)" and len(lines) == 2  # index is internal
    assert lines[1].value == "шоттар: 26: банк: Kaspi; бақылау сомасы дұрыс: иә"
    assert [line.key for line in code.describe("kk", verbose=True)] == ["kind", "index", "details"]


def test_evidence_line_in_each_language() -> None:
    item = {"kind": "service", "value": "anydesk.service", "where": "/etc/systemd/anydesk.service",
            "enabled": True, "port": 7070}
    assert evidence_line(item, "en") == ("service anydesk.service (at /etc/systemd/anydesk.service)"
                                         ", starts by itself (port 7070)")
    assert evidence_line(item, "ru").startswith("служба anydesk.service (в ")
    assert "өздігінен іске қосылады" in evidence_line(item, "kk")
