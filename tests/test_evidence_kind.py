"""Quotes are escaped by what they are (a link or text), never by which rule quoted them.

A text rule may quote a link (TXT-LINK-014 quotes the "is this you in the video?" link), and a
QR rule may quote free text (a Wi-Fi network name, an SMS body). A link has disguised host letters
spelled out (v<U+0456>deo); text is shown as written. Hostile input (escape sequences, rich
markup, bidi controls) stays inert either way.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from kzscam.api import check_text, scan_payload

# Written for this test: a Kazakh "is this you?" bait whose link has a Cyrillic і in the host.
BAIT = "Бұл сенсің бе? Қара: https://vіdeo-share.me/clip?id=77"
# A Wi-Fi code named after a bank, in two alphabets, as a café's "free Wi-Fi" sticker would be.
WIFI = "WIFI:T:nopass;S:Kaspi_Тегін;;"
# A window-title escape (no ';': it ends a field of a Wi-Fi code), a colour, rich markup, bidi.
HOSTILE = ["\x1b]2:pwned\x07", "\x1b[31m", "[red]", "[/red]", "\u202e", "\u2066"]


def _evidence(report: object, rule_id: str) -> list[tuple[str, str]]:
    findings = [f for f in report.findings if f.rule_id == rule_id]  # type: ignore[attr-defined]
    assert findings, rule_id
    return [(e.kind, e.text) for e in findings[0].evidence]


def test_a_text_rule_types_its_link_quote() -> None:
    assert _evidence(check_text(BAIT), "TXT-LINK-014") == [
        ("text", "Бұл сенсің бе"), ("link", "https://vіdeo-share.me/clip?id=77")]


def test_a_qr_rule_types_its_text_quote() -> None:
    report = scan_payload(WIFI)
    assert _evidence(report, "QR-WIFI-004") == [("text", "Kaspi_Тегін")]
    link = scan_payload("https://kаspi-pay.kz/qr?x=1")
    assert _evidence(link, "QR-URL-001") == [("link", "https://kаspi-pay.kz/qr?x=1")]


@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_both_are_shown_by_kind(fmt: str) -> None:
    text = run_cli("check-text", BAIT, "-f", fmt, "--lang", "en", env={"COLUMNS": "200"}).stdout
    block = text[text.index("TXT-LINK-014"):]
    block = block[:block.index("What to do")]
    assert "«https://v<U+0456>deo-share.me/clip?id=77»" in block  # the disguise is visible
    assert "«Бұл сенсің бе»" in block  # Kazakh text stays readable
    qr = run_cli("scan-qr", "--payload", WIFI, "-f", fmt, "--lang", "en",
                 env={"COLUMNS": "200"}).stdout
    block = qr[qr.index("QR-WIFI-004"):]
    block = block[:block.index("What to do")]
    assert "«Kaspi_Тегін»" in block and "<U+" not in block  # a network name is no host name


@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_hostile_quotes_stay_inert(fmt: str) -> None:
    link = "https://vіdeo-share.me/" + "".join(HOSTILE) + "x"
    ssid = "Kaspi_" + "".join(HOSTILE) + "Тегін"
    wide = {"COLUMNS": "200"}
    outs = [run_cli("check-text", f"Бұл сенсің бе? {link}", "-f", fmt, "--lang", "en",
                    env=wide).stdout,
            run_cli("scan-qr", "--payload", f"WIFI:T:nopass;S:{ssid};;", "-f", fmt,
                    "--lang", "en", env=wide).stdout]
    for out in outs:
        assert "\x1b" not in out and "\u202e" not in out and "\u2066" not in out and "\x07" not in out
        assert "<U+001B>" in out and "<U+202E>" in out
        assert "[red]" in out and "[/red]" in out  # shown as typed, never parsed as markup
