"""Payload understanding: every kind is recognised, parsed and judged (no images involved)."""

from __future__ import annotations

import pytest

from kzscam.config import Config
from kzscam.engine import get_engine
from kzscam.model import Verdict
from kzscam.qr.analyze import fired_rules, payload_report
from kzscam.qr.emv import build_emv, crc16_ccitt, parse_emv
from kzscam.qr.formats import FormatError, split_fields
from kzscam.qr.payload import KINDS, parse_payload


def kind_of(text: str) -> str:
    return parse_payload(text, text.encode()).kind


@pytest.mark.parametrize(("payload", "kind"), [
    ("https://example.kz/menu", "url"),
    ("HTTPS://EXAMPLE.KZ/MENU", "url"),
    ("MEBKM:TITLE:Wiki;URL:http\\://en.wikipedia.org;;", "url"),
    ("URLTO:example.com", "url"),
    ("https://pay.kaspi.kz/pay/abc123", "bank_payment_link"),
    ("tg://login?token=AQKzdWUAAAAA", "messenger_login"),
    ("https://t.me/login/12345", "messenger_login"),
    ("sgnl://linkdevice?uuid=abc&pub_key=def", "messenger_login"),
    ("https://discord.com/ra/abcdef", "messenger_login"),
    ("https://wa.me/77011234567?text=hi", "messenger_link"),
    ("https://chat.whatsapp.com/AbCdEf", "messenger_link"),
    ("tg://resolve?domain=durov", "messenger_link"),
    ("market://details?id=com.example", "app_link"),
    ("https://play.google.com/store/apps/details?id=com.example", "app_link"),
    ("intent://x#Intent;scheme=https;package=com.example;end", "app_link"),
    ("https://example.top/update.apk", "app_link"),
    ("itms-services://?action=download-manifest&url=https://x.example/m.plist", "app_link"),
    ("WIFI:T:WPA;S:Cafe;P:secret;;", "wifi"),
    ("tel:+77011234567", "tel"),
    ("SMSTO:+77011234567:hello there", "sms"),
    ("sms:+77011234567?body=hello%20there", "sms"),
    ("mailto:info@example.kz?subject=Hi", "email"),
    ("MATMSG:TO:info@example.kz;SUB:Hi;BODY:Text;;", "email"),
    ("geo:43.238,76.945", "geo"),
    ("MECARD:N:Doe,John;TEL:+77011234567;;", "contact"),
    ("BIZCARD:N:John;X:Doe;B:+77011234567;;", "contact"),
    ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Aigerim\r\nEND:VCARD", "contact"),
    ("BEGIN:VEVENT\nSUMMARY:Meeting\nDTSTART:20261201T100000\nEND:VEVENT", "calendar"),
    ("otpauth://totp/Ex:alice?secret=JBSWY3DPEHPK3PXP", "otpauth"),
    ("bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "crypto"),
    ("vmess://eyJ2IjoiMiJ9", "proxy"),
    ("tg://proxy?server=1.2.3.4&port=443", "proxy"),
    ("javascript:alert(1)", "script"),
    ("Привет, Қазақстан!", "text"),
    ("Note: call me", "text"),
    ("see https://example.kz for details", "text"),
    ("foo://bar", "unknown"),
])
def test_kind(payload: str, kind: str) -> None:
    assert kind in KINDS
    assert kind_of(payload) == kind


def test_binary_payload() -> None:
    p = parse_payload(None, b"\x00\xff\x10")
    assert p.kind == "binary" and p.details == {"length": 3}


def test_fields_honour_escapes() -> None:
    assert split_fields(r"S:My\;Net;P:pa\:ss\\;;") == [("S", "My;Net"), ("P", "pa:ss\\")]


def test_wifi_details() -> None:
    d = parse_payload("WIFI:S:Home;T:WEP;P:abc;H:true;;", b"").details
    assert d == {"ssid": "Home", "security": "WEP", "has_password": True, "hidden": True}


def test_vcard_folding_and_fields() -> None:
    card = "BEGIN:VCARD\r\nFN:Ai\r\n gerim\r\nTEL;TYPE=CELL:+77011234567\r\nURL:https://x.kz\r\nEND:VCARD"
    p = parse_payload(card, card.encode())
    assert p.details["name"] == "Aigerim"
    assert p.phones == ("+77011234567",) and p.urls[0][0] == "https://x.kz"


def test_malformed_payloads_keep_their_kind_and_say_why() -> None:
    p = parse_payload("WIFI:T:WPA;P:secret;;", b"")
    assert (p.kind, p.problem) == ("wifi", "Wi-Fi code without a network name (S:)")
    assert parse_payload("geo:999,1", b"").problem == "geo coordinates out of range"


def test_otpauth_secret_is_never_copied() -> None:
    payload = "otpauth://totp/Bank:me?secret=JBSWY3DPEHPK3PXP&issuer=Bank"
    p = parse_payload(payload, payload.encode())
    assert "JBSWY3DPEHPK3PXP" not in repr(p.details)
    assert p.details["issuer"] == "Bank" and p.details["account"] == "me"


def test_crc16_reference_vector() -> None:
    assert crc16_ccitt(b"123456789") == 0x29B1  # CRC-16/CCITT-FALSE check value


def test_emv_specification_example() -> None:
    # The example payload of EMV QRCPS-MPM v1.1 (Appendix A), with its published CRC A13A.
    s = ("00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441"
         "115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502"
         "016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A")
    emv = parse_emv(s)
    assert emv.crc_ok
    d = emv.summary()
    assert (d["merchant_name"], d["merchant_city"], d["currency"], d["amount"]) == (
        "BEST TRANSPORT", "BEIJING", "CNY", "23.72")


def test_emv_broken_structure_is_malformed_not_safe() -> None:
    engine = get_engine(Config())
    report = payload_report("00020101021252045999530339899", engine, Config(), "en")
    assert report.details["kind"] == "emv_payment" and report.verdict >= Verdict.CAUTION
    with pytest.raises(FormatError):
        parse_emv("0002010102125204")


def test_emv_findings() -> None:
    good = build_emv([("00", "01"), ("01", "12"), ("53", "398"), ("54", "990.00"), ("58", "KZ"),
                      ("59", "Кофейня"), ("60", "Алматы")])
    assert "QR-EMV-001" in fired_rules(good) and "QR-EMV-002" not in fired_rules(good)
    tampered = good.replace("990.00", "999.00")
    assert "QR-EMV-002" in fired_rules(tampered)
    abroad = build_emv([("00", "01"), ("53", "643"), ("58", "RU"), ("59", "X"), ("60", "Y")])
    assert "QR-EMV-003" in fired_rules(abroad)


@pytest.mark.parametrize(("payload", "expected", "verdict"), [
    ("tg://login?token=AQKzdWUAAAAAZz1x", "QR-LOGIN-001", Verdict.DANGEROUS),
    ("tel:**21*+77011234567%23", "QR-USSD-001", Verdict.DANGEROUS),
    ("market://details?id=com.anydesk.anydeskandroid", "QR-APP-002", Verdict.DANGEROUS),
    ("WIFI:T:nopass;S:Kaspi Free WiFi;;", "QR-WIFI-004", Verdict.CAUTION),
    ("xyz:opaque", "QR-UNK-001", Verdict.CAUTION),
])
def test_verdicts(payload: str, expected: str, verdict: Verdict) -> None:
    report = payload_report(payload, get_engine(Config()), Config(), "en")
    assert expected in {f.rule_id for f in report.findings}
    assert report.verdict == verdict


def test_unknown_and_binary_are_never_safe() -> None:
    engine = get_engine(Config())
    assert payload_report("zzz:1", engine, Config(), "en").verdict == Verdict.CAUTION
    assert "QR-UNK-002" in fired_rules("bytes:00ff")


def test_prefilled_sms_goes_through_text_rules_with_payload_offsets() -> None:
    body = "Скачайте обновление http://kaspi-app.top/update.apk"
    payload = f"SMSTO:+77011234567:{body}"
    report = payload_report(payload, get_engine(Config()), Config(), "en")
    text_findings = [f for f in report.findings if f.rule_id.startswith("TXT-")]
    assert text_findings, [f.rule_id for f in report.findings]
    for f in text_findings:
        for ev in f.evidence:
            assert payload[ev.start:ev.end] == ev.text
    assert "http://kaspi-app.top/update.apk" in report.urls


def test_allow_phones_silences_number_checks() -> None:
    cfg = Config(allow_phones=frozenset({"+447911123456"}))
    assert "QR-TEL-003" in fired_rules("tel:+447911123456")
    report = payload_report("tel:+447911123456", get_engine(cfg), cfg, "en")
    assert "QR-TEL-003" not in {f.rule_id for f in report.findings}


def test_advice_in_every_language_fills_params() -> None:
    engine = get_engine(Config())
    for lang in ("kk", "ru", "en"):
        report = payload_report("WIFI:T:nopass;S:Halyk_Guest;;", engine, Config(), lang)
        titles = " ".join(f.title for f in report.findings)
        assert "Halyk_Guest" in titles and "{" not in titles
