"""Entity extraction from real-looking messages."""

from __future__ import annotations

import pytest

from kzscam.text.extract import extract_all, iin_ok, luhn_ok, undefang


def kinds(text: str) -> list[tuple[str, str]]:
    return [(e.kind, e.value) for e in extract_all(text)]


@pytest.mark.parametrize(("text", "url"), [
    ("Перейдите hxxps://kaspi-bonus[.]kz/login", "https://kaspi-bonus.kz/login"),
    ("vote at www.konkurs-deti.top/vote?id=5.", "www.konkurs-deti.top/vote?id=5"),
    ("зайдите на egov-kz.online сегодня", "egov-kz.online"),
    ("https://bit.ly/3abc)", "https://bit.ly/3abc"),
    ("сайт каспи.рф/акция", "каспи.рф/акция"),
])
def test_urls(text: str, url: str) -> None:
    assert ("url", url) in kinds(text)


@pytest.mark.parametrize("text", ["и т.д. и т.п.", "цена 1.5 млн", "mail me: a.b@example.com"])
def test_not_urls(text: str) -> None:
    assert not [k for k in kinds(text) if k[0] == "url"]


@pytest.mark.parametrize(("text", "phone"), [
    ("звоните +7 701 123 45 67", "+77011234567"),
    ("тел. 8 (7172) 77-52-10", "+77172775210"),
    ("call 09061701461 now", "09061701461"),
    ("позвоните в 1477.", "1477"),
])
def test_phones(text: str, phone: str) -> None:
    assert ("phone", phone) in kinds(text)


def test_otp_code_is_not_a_phone() -> None:
    assert kinds("Код: 1234. Никому не сообщайте его") == []


def test_cards_need_luhn() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert kinds("номер 4111 1111 1111 1111") == [("card", "411111…1111")]
    assert [k for k, _ in kinds("номер 4111 1111 1111 1112")] != ["card"]


def test_iin_checksum() -> None:
    # Built with the published algorithm: weights 1..11 give check digit 0 for this body.
    body = "90010130012"
    check = sum(int(d) * w for d, w in zip(body, range(1, 12), strict=True)) % 11
    assert check != 10
    assert iin_ok(body + str(check))
    assert not iin_ok(body + str((check + 1) % 10))
    assert not iin_ok("991301300120")  # month 13


def test_undefang() -> None:
    assert undefang("hxxp://a[.]b(.)c") == "http://a.b.c"


def test_adjacent_numbers_are_all_found() -> None:
    phones = [v for k, v in kinds("+77010000001 +77010000002 +77010000003 1477 1414")]
    assert phones == ["+77010000001", "+77010000002", "+77010000003", "1477", "1414"]


def test_mobile_links_with_a_digit_label_pass_the_prefilter() -> None:
    from kzscam.text.extract import extract_all

    for text, url in [("Скачайте m.888/app и войдите", "m.888/app"), ("M[.]1xbet/login", "M.1xbet/login")]:
        assert [e.value for e in extract_all(text) if e.kind == "url"] == [url]


def test_bare_links_under_scam_favourite_endings() -> None:
    from kzscam.text.extract import extract_all

    text = "Аккаунт удаляется, отменить тут 👉 whatsapp-kz.help, kaspi-center.services или wa.support/x"
    assert [e.value for e in extract_all(text) if e.kind == "url"] == [
        "whatsapp-kz.help", "kaspi-center.services", "wa.support/x"]


# IINs with a valid checksum (YYMMDD, century/sex digit, serial, check digit), as people paste
# them into forms and chats, and 12-digit runs that fail the checksum.
@pytest.mark.parametrize("text", [
    "Мой ИИН 870412300416, данные карты скину позже",
    "ЖСН: 870412300416",
    "ИИН 8 7041 230 04 16",  # the same IIN with spaces
    "номер договора 870412300417",  # 12 digits, no valid IIN: a bare run is no phone either
    "ИИН870412300416",  # glued to its label: still the IIN, not a phone after a "glued" digit
])
def test_an_iin_or_a_bare_twelve_digit_run_is_not_a_phone(text: str) -> None:
    assert [k for k in kinds(text) if k[0] == "phone"] == []


def test_an_iin_next_to_a_phone() -> None:
    found = kinds("ИИН 870412300416, тел. +7 701 123 45 67")
    assert ("iin", "870412…") in found
    assert [k for k in found if k[0] == "phone"] == [("phone", "+77011234567")]


@pytest.mark.parametrize(("text", "phone"), [
    ("звоните 87011234567", "+77011234567"),
    ("тел +7-701-123-45-67", "+77011234567"),
    ("WhatsApp +380 50 123 4567", "+380501234567"),  # 12 digits written with a "+"
    ("+44 20 7946 0958", "+442079460958"),
    # A digit glued to the word before is the word's, not the number's first ("8 0906 ...").
    ("Reply Win8 09061701461 to claim", "09061701461"),
])
def test_real_phone_forms_stay_phones(text: str, phone: str) -> None:
    assert ("phone", phone) in kinds(text)
