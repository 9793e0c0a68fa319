"""Property tests for the QR payload parsers: whatever a code holds, parsing gives a result.

A QR code is attacker-written text. Arbitrary strings and near-valid payloads (real EMV, otpauth,
Wi-Fi, tel:, vCard, ... layouts with characters inserted, dropped or replaced) must never raise
out of `parse_payload`, the QR checks or the per-payload report; the parsers themselves may only
raise their documented `FormatError`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kzscam.config import Config
from kzscam.engine import get_engine
from kzscam.model import Verdict
from kzscam.qr import formats
from kzscam.qr.analyze import payload_report
from kzscam.qr.checks import qr_hits
from kzscam.qr.emv import build_emv, parse_emv, parse_tlv
from kzscam.qr.formats import FormatError
from kzscam.qr.links import classify_url, normalise_url, parse_otpauth
from kzscam.qr.payload import KINDS, parse_payload

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# Characters that parsers trip on: Unicode digits, URL and field syntax, controls, bidi.
TRICKY = st.sampled_from(list("²³٣۳߃０0123456789[]%:;\\?#=&@/.,+-* \t\r\n\x00\u202e\u200b\ufffd"
                              "\ud7ff\U0001f600ÿ"))
CHARS = st.one_of(TRICKY, st.characters(blacklist_categories=("Cs",)))


def _fields(draw: st.DrawFn) -> list[tuple[str, str]]:
    text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x4FF,
                                          blacklist_categories=("Cs",)), max_size=20)
    merchant = build_sub(draw(st.sampled_from(["kz.kaspi", "kz.halyk", "com.example"])),
                         draw(text))
    return [("00", "01"), ("01", draw(st.sampled_from(["11", "12"]))), ("26", merchant),
            ("52", "5411"), ("53", draw(st.sampled_from(["398", "643", "840"]))),
            ("54", str(draw(st.integers(1, 999_999)))), ("58", "KZ"),
            ("59", draw(text) or "SHOP"), ("60", "ALMATY"),
            ("62", build_sub("01", draw(text)))]


def build_sub(guid: str, value: str) -> str:
    body = [("00", guid), ("01", value[:99])]
    return "".join(f"{tag}{len(v):02d}{v}" for tag, v in body)


@st.composite
def emv_payloads(draw: st.DrawFn) -> str:
    return build_emv(_fields(draw))


TEMPLATES: list[st.SearchStrategy[str]] = [
    emv_payloads(),
    st.builds("otpauth://totp/{}:{}?secret={}&issuer={}".format,
              st.text(max_size=8), st.text(max_size=8), st.text(max_size=8), st.text(max_size=8)),
    st.just("otpauth-migration://offline?data=CjEKCkhlbGxvIQ"),
    st.builds("WIFI:T:{};S:{};P:{};H:{};;".format, st.sampled_from(["WPA", "WEP", "nopass", ""]),
              st.text(max_size=12), st.text(max_size=12), st.sampled_from(["true", "false"])),
    st.builds("tel:{}".format, st.text(alphabet="+0123456789*#%;=ext", max_size=16)),
    st.builds("SMSTO:{}:{}".format, st.text(max_size=12), st.text(max_size=20)),
    st.builds("sms:{}?body={}".format, st.text(max_size=12), st.text(max_size=20)),
    st.builds("mailto:{}?subject={}&body={}".format, st.text(max_size=10), st.text(max_size=10),
              st.text(max_size=10)),
    st.builds("MATMSG:TO:{};SUB:{};BODY:{};;".format, st.text(max_size=10),
              st.text(max_size=10), st.text(max_size=10)),
    st.builds("geo:{},{}?q={}".format, st.floats(allow_nan=True), st.floats(allow_nan=True),
              st.text(max_size=8)),
    st.builds("BEGIN:VCARD\nVERSION:3.0\nFN:{}\nORG:{}\nTEL:{}\nURL:{}\nNOTE:{}\nEND:VCARD".format,
              st.text(max_size=10), st.text(max_size=10), st.text(max_size=10),
              st.text(max_size=10), st.text(max_size=10)),
    st.builds("MECARD:N:{};TEL:{};URL:{};NOTE:{};;".format, st.text(max_size=10),
              st.text(max_size=10), st.text(max_size=10), st.text(max_size=10)),
    st.builds("BIZCARD:N:{};X:{};B:{};E:{};;".format, st.text(max_size=8), st.text(max_size=8),
              st.text(max_size=8), st.text(max_size=8)),
    st.builds("BEGIN:VEVENT\nSUMMARY:{}\nDTSTART:{}\nURL:{}\nEND:VEVENT".format,
              st.text(max_size=10), st.text(max_size=10), st.text(max_size=10)),
    st.builds("MEBKM:TITLE:{};URL:{};;".format, st.text(max_size=8), st.text(max_size=12)),
    st.builds("https://{}/{}?{}".format, st.sampled_from(["wa.me", "t.me", "pay.kaspi.kz",
                                                         "play.google.com", "[::1]", "kaspi.kz"]),
              st.text(max_size=10), st.text(max_size=10)),
    st.builds("tg://{}?{}".format, st.sampled_from(["login", "proxy", "resolve", "msg", "join"]),
              st.text(max_size=12)),
    st.builds("intent://{}#Intent;scheme={};package={};S.browser_fallback_url={};end".format,
              st.text(max_size=8), st.text(max_size=6), st.text(max_size=8), st.text(max_size=8)),
    st.builds("{}:{}".format, st.sampled_from(["bitcoin", "ethereum", "market", "itms-services",
                                               "whatsapp", "viber", "sgnl", "vmess", "data"]),
              st.text(max_size=16)),
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid-looking payload with a few characters inserted, deleted or replaced."""
    text = draw(st.one_of(*TEMPLATES))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "bracket"]))
        if op == "insert":
            text = text[:at] + draw(CHARS) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + 1:]
        elif op == "replace":
            text = text[:at] + draw(CHARS) + text[at + 1:]
        else:
            text = text[:at] + draw(st.sampled_from(["[", "]", "://[", "%", "\\"])) + text[at:]
    return text


PAYLOADS = st.one_of(st.text(alphabet=CHARS, max_size=80), mutated())


def _check_parse(text: str) -> None:
    p = parse_payload(text, text.encode("utf-8", "surrogatepass"))
    assert p.kind in KINDS
    assert p.text == text
    hits = qr_hits(p)
    assert isinstance(hits, list)
    for url, offset in p.urls:
        assert offset == -1 or text[offset:offset + len(url)] == url


@FAST
@given(PAYLOADS)
@example("000201\u00b2202xx6304ABCD")  # '²' is a digit to str.isdigit, not to int()
@example("otpauth://[x?secret=A")  # urlsplit: "Invalid IPv6 URL"
@example("https://k\u2100.kz/")  # urlsplit: a host that changes under NFKC
def test_parse_payload_never_raises(text: str) -> None:
    _check_parse(text)


@FAST
@given(mutated())
def test_near_valid_payloads_parse(text: str) -> None:
    _check_parse(text)


@FAST
@given(st.binary(max_size=64))
def test_binary_payloads_parse(raw: bytes) -> None:
    from kzscam.qr.decoders import text_of

    p = parse_payload(text_of(raw), raw)
    assert p.kind in KINDS and p.raw == raw


@FAST
@given(emv_payloads())
def test_valid_emv_round_trips(payload: str) -> None:
    p = parse_payload(payload, payload.encode())
    assert p.kind == "emv_payment" and p.problem is None
    assert p.details["crc_ok"] is True and p.details["country"] == "KZ"


@FAST
@given(emv_payloads(), st.integers(0, 10_000), TRICKY)
def test_corrupted_emv_is_malformed_or_fails_the_checksum(payload: str, where: int,
                                                          char: str) -> None:
    at = 6 + where % (len(payload) - 6)  # keep the 000201 prefix: it still claims to be EMV
    if payload[at] == char:
        return
    broken = payload[:at] + char + payload[at + 1:]
    p = parse_payload(broken, broken.encode())
    assert p.kind == "emv_payment"
    assert p.problem is not None or p.details["crc_ok"] is False


def _only_format_errors(parse: Callable[[str], object], text: str) -> None:
    with contextlib.suppress(FormatError):  # any other exception fails the test
        parse(text)


PARSERS: dict[str, Callable[[str], object]] = {
    "tlv": parse_tlv, "emv": parse_emv, "otpauth": parse_otpauth,
    "wifi": formats.parse_wifi, "mecard": formats.parse_mecard, "bizcard": formats.parse_bizcard,
    "bookmark": formats.parse_bookmark, "matmsg": formats.parse_matmsg,
    "mailto": lambda s: formats.parse_mailto("mailto:" + s),
    "tel": lambda s: formats.parse_tel("tel:" + s),
    "sms": lambda s: formats.parse_sms("sms:" + s),
    "smsto": lambda s: formats.parse_sms("SMSTO:" + s),
    "geo": lambda s: formats.parse_geo("geo:" + s),
    "vcard": formats.parse_vcard, "vevent": formats.parse_vevent,
    "classify_url": classify_url, "normalise_url": normalise_url,
}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parsers_raise_only_format_errors(name: str) -> None:
    @FAST
    @given(PAYLOADS)
    def run(text: str) -> None:
        _only_format_errors(PARSERS[name], text)

    run()


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(PAYLOADS)
def test_payload_report_always_gives_a_result(text: str) -> None:
    """The whole per-code path (QR checks, URL inspector, text rules) stays up too."""
    config = Config()
    report = payload_report(text, get_engine(config), config, "en")
    assert report.error is None and report.input == "payload"
    assert report.details["kind"] in KINDS
    if report.details["kind"] in ("unknown", "binary"):
        assert report.verdict >= Verdict.CAUTION
