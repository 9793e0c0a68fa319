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
from kzscam.qr.emv import crc16_ccitt, parse_emv


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def _emv() -> str:
    """A Kazakh merchant payment code laid out as EMV QRCPS-MPM says (tags 00-63, CRC-16)."""
    body = (_tlv("00", "01") + _tlv("01", "12")
            + _tlv("26", _tlv("00", "kz.kaspi") + _tlv("01", "KZ86722S000012345678"))
            + _tlv("52", "5411") + _tlv("53", "398") + _tlv("54", "15000") + _tlv("58", "KZ")
            + _tlv("59", "ИП Ахметова") + _tlv("60", "Almaty") + _tlv("62", _tlv("05", "INV-77"))
            + "6304")
    return body + f"{crc16_ccitt(body.encode()):04X}"


# Written for these tests and checked with ../shared/tools/heldout_guard.py, like the Wi-Fi and
# contact payloads below.
EMV = _emv()
WHATSAPP_LOGIN = ("2@abcDEFghiJKLmnoPQRstu1234567890,AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdef=,"
                  "ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zyxwvu=")

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
    # A payment code as the parser reads it: accounts by meaning, no tag numbers, no checksum
    # values unless verbose.
    details = parse_emv(EMV).summary()
    code = CodeDetails(kind="emv_payment", index=1, details=details)
    lines = code.describe("kk")
    assert lines[0].value == "төлем коды (EMV)" and len(lines) == 2  # index is internal
    assert "шоттар: kz.kaspi (IBAN KZ86722S000012345678)" in lines[1].value
    assert "төлем мақсаты: INV-77" in lines[1].value and "бақылау сомасы дұрыс: иә" in lines[1].value
    assert not re.search(r"\b(26|00|01|crc|additional|reference_label)\b", lines[1].value)
    assert details["crc"] not in lines[1].value
    verbose = code.describe("kk", verbose=True)
    assert [line.key for line in verbose] == ["kind", "index", "details"]
    assert f"бақылау сомасы: {details['crc']}" in verbose[2].value


def test_every_unnamed_additional_field_of_a_payment_code_is_shown() -> None:
    """Tag 62 may hold several fields without a name of their own; each one is shown, none
    overwrites another."""
    body = ("00020101021226360008kz.kaspi0120KZ86722S0000123456785204541153033985802KZ5904Shop"
            "6006Almaty62350506INV-775011FIRSTSECRET5106SECOND6304")
    payload = body + f"{crc16_ccitt(body.encode()):04X}"
    code = CodeDetails(kind="emv_payment", index=1, details=parse_emv(payload).summary())
    shown = code.describe("en")[1].value
    assert "INV-77" in shown and "FIRSTSECRET" in shown and "SECOND" in shown


def test_evidence_line_in_each_language() -> None:
    item = {"kind": "service", "value": "anydesk.service", "where": "/etc/systemd/anydesk.service",
            "enabled": True, "port": 7070}
    assert evidence_line(item, "en") == ("service anydesk.service (at /etc/systemd/anydesk.service)"
                                         ", starts by itself (port 7070)")
    assert evidence_line(item, "ru").startswith("служба anydesk.service (в ")
    assert "өздігінен іске қосылады" in evidence_line(item, "kk")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_payment_code_reads_by_meaning(lang: str) -> None:
    proc = run_cli("scan-qr", "--payload", EMV, "--lang", lang, "--format", "plain",
                   env={"COLUMNS": "80"})
    assert "kz.kaspi (IBAN KZ86722S000012345678)" in proc.stdout
    for raw in ("26: 00:", "01: KZ86", "crc_expected", "reference_label", "additional:",
                "«kaspi0120"):
        assert raw not in proc.stdout, proc.stdout
    assert "«ИП Ахметова»" in proc.stdout  # the rule's quote is the merchant's name alone


@pytest.mark.parametrize(("lang", "said"), [("kk", "кіру тәсілі: құрылғыны байланыстыру"),
                                            ("ru", "способ входа: привязка устройства"),
                                            ("en", "how it logs in: link a device")])
def test_login_code_says_how_it_logs_in(lang: str, said: str) -> None:
    """The login way is no decoder's `method`: its own label, its value translated."""
    proc = run_cli("scan-qr", "--payload", WHATSAPP_LOGIN, "--lang", lang, "--format", "plain")
    assert said in proc.stdout and "оқу тәсілі" not in proc.stdout
    data = json.loads(run_cli("scan-qr", "--payload", WHATSAPP_LOGIN, "-f", "json").stdout)
    assert data["results"][0]["details"] == {"app": "WhatsApp", "login": "link a device"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_payload_fields_and_audit_notes_are_translated(lang: str) -> None:
    """No English key or note under --lang kk/ru: Wi-Fi `hidden`, contact `org`/`emails`, the
    audit's "not checked" lines, the tool list `admin`."""
    wifi = run_cli("scan-qr", "--payload", "WIFI:T:WPA;S:Cafe_Lobby;P:x1y2z3;H:true;;",
                   "--lang", lang, "-f", "plain").stdout
    assert "hidden:" not in wifi and ("жасырын желі: иә" in wifi or "скрытая сеть: да" in wifi)
    card = run_cli("scan-qr", "--payload", "MECARD:N:Ахметова,Сауле;ORG:Halyk;TEL:+77011234567;"
                   "EMAIL:saule@example.kz;;", "--lang", lang, "-f", "plain").stdout
    assert "org:" not in card and "emails:" not in card, card
    audit = run_cli("audit-host", "--root", "tests/fixtures/host/windows", "--platform", "windows",
                    "--lang", lang, "-f", "plain").stdout
    line = next(x for x in audit.splitlines() if x.startswith(("  тексерілмеді:", "  не проверено:")))
    assert not re.search(r"\b(processes|sockets|registry|offline audit)\b", line), line
    assert "admin" not in evidence_values(audit)


def evidence_values(out: str) -> str:
    """The value part of every detail line of a plain report."""
    return "\n".join(line.split(": ", 1)[1] for line in out.splitlines() if ": " in line)


def test_admin_tier_is_translated() -> None:
    tool = ToolDetails(tier="admin")
    assert tool.describe("kk")[0].value == "әкімшілік бағдарламалары"
    assert tool.describe("ru")[0].value == "программы администрирования"


PAYLOADS = [
    "BEGIN:VEVENT\nSUMMARY:Собрание\nDTSTART:20261120T100000\nLOCATION:Almaty\nEND:VEVENT",
    "geo:43.238,76.945", "SMSTO:+77011234567:STOP", "mailto:info@example.kz?subject=Hi&body=x",
    "otpauth://totp/Kaspi:me?secret=JBSWY3DPEHPK3PXP&issuer=Kaspi",
    "tg://proxy?server=1.2.3.4&port=443&secret=abc", "https://t.me/joinchat/AAAA",
    "intent://scan/#Intent;scheme=zxing;package=com.google.zxing.client.android;"
    "S.browser_fallback_url=http%3A%2F%2Fzxing.org;end",
    "https://play.google.com/store/apps/details?id=com.anydesk.anydeskandroid",
    "tg://login?token=abc", "MEBKM:TITLE:Kaspi;URL:https://kaspi.kz;;",
]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_payload_kind_has_translated_labels(lang: str) -> None:
    """The details line of each kind of QR payload: every label in the report's language
    (proper names such as `Android intent`, `IBAN`, `e-mail` excepted)."""
    args = [a for p in PAYLOADS for a in ("--payload", p)]
    out = run_cli("scan-qr", *args, "--lang", lang, "-f", "plain").stdout
    heading = {"kk": "  мәліметтер: ", "ru": "  подробности: "}[lang]
    lines = [line[len(heading):] for line in out.splitlines() if line.startswith(heading)]
    assert len(lines) == len(PAYLOADS), out
    for line in lines:
        labels = [part.split(": ", 1)[0] for part in line.split("; ")]
        english = [lab for lab in labels if re.fullmatch(r"[A-Za-z_ ]+", lab)
                   and lab not in ("Android intent", "IBAN", "e-mail")]
        assert english == [], line
