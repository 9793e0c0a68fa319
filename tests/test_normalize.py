"""Normalisation: the folds rules rely on, and offsets that lead back to the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzscam.text.normalize import fold, normalize, translit_word


@pytest.mark.parametrize(("raw", "expected"), [
    ("Ұлттық Банк", "улттик банк"),          # Kazakh letters -> Russian base, ы/і -> и
    ("НАЦИОНАЛЬНЬІЙ БАНК", "националнии банк"),  # Ukrainian/Latin І after Ь
    ("ＫＡＳＰＩ", "kaspi"),                    # NFKC fullwidth
    ("Ёлка", "елка"),
    ("к\u200bод", "код"),                     # zero-width dropped
])
def test_fold_main_view(raw: str, expected: str) -> None:
    assert normalize(raw).main.text == expected


def test_mixed_script_words_fold_to_their_main_script() -> None:
    norm = normalize("Kаspi Bank и Нaциональный банк")  # Cyrillic а in Kaspi, Latin a in Нац...
    assert norm.main.text.startswith("kaspi bank и национални")
    assert norm.mixed_script_words


def test_leetspeak_inside_words() -> None:
    assert "code" in normalize("send the c0de").main.text
    assert normalize("KL341").main.text == "kl341"  # mostly digits: an id, left alone


def test_hex_addresses_are_not_leetspeak() -> None:
    address = "0x7aC3e5B1d9F0a2E4c6B8d0A1f3C5e7B9a2D4c6E8"
    assert address.lower() in normalize(f"CA: {address} launch now").main.text


def test_leet_three_is_ze_by_shape_and_ye_between_consonants() -> None:
    """"3аработок" (з by its shape) and "д3нь", "прив3т" (е: Russian needs a vowel there)."""
    text = normalize("З@р@б0т0к от 7000 в д3нь, прив3т").main.text
    assert text.startswith("заработок от 7000 в ден")
    assert "привет" in text


def test_spaced_letters_get_a_collapsed_view() -> None:
    views = {v.name: v.text for v in normalize("назовите к о д из смс").views}
    assert "код из смс" in views["collapsed"]


def test_latin_kazakh_and_translit_russian_get_a_cyrillic_view() -> None:
    views = {v.name: v.text for v in normalize("Ulttyq Bank: perevedite den'gi srochno").views}
    assert "улттик банк" in views["translit"]
    assert "переведите денги" in views["translit"]
    assert translit_word("shot") == "шот"
    # "j" is ж, as Kazakh writes it in both Latin alphabets and in ASCII ("jaz", "jumys")
    assert translit_word("jazynyz") == "жазиниз"
    assert translit_word("jumys") == "жумис"
    assert translit_word("yuliya") == "юлия"


def test_terms_fold_like_text() -> None:
    assert fold("Ұлттық") == normalize("УЛТТЫК").main.text


@pytest.mark.parametrize("raw", [
    "Ұлттық Банк: к\u200bод 1234", "ＫＡＳＰＩ пароль", "Straße Kаspi", "a\u0301b\u0301c д е ф",
    "👍 Национальный банк 👍", "",
])
def test_offsets_map_back_to_original(raw: str) -> None:
    norm = normalize(raw)
    for view in norm.views:
        for start in range(len(view.text)):
            o = view.to_original(start)
            assert 0 <= o < max(len(raw), 1)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_normalises_with_valid_spans(raw: str) -> None:
    norm = normalize(raw)
    for view in norm.views:
        s, e = view.span(0, len(view.text))
        assert 0 <= s <= e <= len(raw)


def test_huge_hostile_line_is_processed() -> None:
    # 10 MB of a pattern that would make a backtracking matcher quadratic: RE2 stays linear.
    line = ("kа" * 10 + " ") * 450_000 + "к о д " * 1000
    norm = normalize(line)
    assert norm.mixed_script_words
    assert len(norm.main.text) == len(line)


def test_offsets_through_dropped_and_expanded_characters_match_a_per_character_map() -> None:
    """The piecewise map back to the original agrees with expanding every character's fold."""
    import random

    from kzscam.text.normalize import FOLD, FOLD_LEN, View

    def reference(original: str, pos: int) -> int:
        owners = [i for i, n in enumerate(original.translate(FOLD_LEN)) for _ in range(ord(n))]
        if not owners:
            return min(pos, max(len(original) - 1, 0))
        return owners[min(pos, len(owners) - 1)]

    rng = random.Random(3)
    alphabet = "abcßﬁ№ьъ\u200bКкқ ²½\u00ad…ǅ"
    texts = ["", "ь", "ßß", "Съешь ещё", "a\u200bb"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for text in texts:
        view = View("main", text.translate(FOLD), text)
        for pos in range(len(view.text) + 2):
            assert view.to_original(pos) == reference(text, pos), (text, pos)


def test_invisible_class_and_plain_test_agree_on_every_code_point() -> None:
    """The batch path (a compiled class) and the first-messages path (is_invisible) must agree."""
    import re

    from kzscam.text.normalize import _INVISIBLE_CLASS, is_invisible

    pattern = re.compile(_INVISIBLE_CLASS)
    wrong = [hex(cp) for cp in range(0x110000)
             if (pattern.match(chr(cp)) is not None) != is_invisible(chr(cp))]
    assert wrong == []


def test_selectors_and_joiners_inside_emoji_are_not_hidden_characters() -> None:
    """Telegram posts open with "❗️Срочно": the emoji's U+FE0F touches a letter but hides nothing."""
    from kzscam.text.normalize import _OTHER_INVISIBLE, _SELECTORS, invisible_in_word

    ordinary = ["\u26a1\ufe0fМинцифры", "\u2757\ufe0fВакансии",
                "\U0001f468\U0001f3fb\u200d\u2695\ufe0fМаксимальный", "4\ufe0f\u20e3шаг",
                "\U0001f3f4\U000e0067\U000e0062\U000e007fword", "love \u2764\ufe0f"]
    hidden = ["к\u200bод", "ко\ufe0fд", "Open\u202e this", "\u200bkaspi", "kaspi\U000e0041.kz", "к\u2800од"]
    assert [t for t in ordinary if invisible_in_word().search(t)] == []
    assert [t for t in hidden if not invisible_in_word().search(t)] == []
    # the two halves cover the whole class
    import re

    from kzscam.text.normalize import _INVISIBLE_CLASS
    whole, halves = re.compile(_INVISIBLE_CLASS), re.compile(f"{_SELECTORS}|{_OTHER_INVISIBLE}")
    assert [cp for cp in range(0x110000) if bool(whole.match(chr(cp))) != bool(halves.match(chr(cp)))] == []


@pytest.mark.parametrize(("text", "folded"), [
    ("ʙᴀᴋᴀɴᴄɪя: ᴏᴨᴇᴩᴀᴛᴏᴩ ᴨᴋ", "вакансия: оператор пк"),  # small caps that look Cyrillic
    ("ʙɪɴᴀɴᴄᴇ ʙᴏɴᴜs", "binance bonus"),  # ...and the same letters in a Latin word
    ("ᴋᴀsᴘɪ ʙᴀɴᴋ", "kaspi bank"),
])
def test_small_capitals_fold_to_the_script_they_imitate(text: str, folded: str) -> None:
    assert normalize(text).views[0].text == folded


def test_emoji_headed_news_posts_are_not_flagged_as_disguised() -> None:
    from kzscam.engine import get_engine

    engine = get_engine()
    post = ("\u2757\ufe0fРеальные цены на продукты выросли за год, сообщают аналитики. "
            "Доход семей при этом почти не изменился.")
    assert "TXT-ENT-002" not in {h.check for h in engine.match_text(post).hits}


@pytest.mark.parametrize(("text", "mixed"), [
    ("Kаspi банк", True),  # Cyrillic а inside a Latin name
    ("НАЦИОНАЛЬНЬIЙ банк", True),  # Latin I inside a Cyrillic word
    ("kaspі bank", True),  # a single Cyrillic letter at the end is still a disguise
    ("Kaspiге ақша салдым", False),  # a Latin name with a Kazakh case ending
    ("WhatsAppтан жаздым", False),
    ("поликлиника №5, каб. 214", False),  # № folds to "no": leetspeak, not two scripts
    ("Резюме на hr@kts.kz", False),
    ("Wi-Fi: пароль navat2025", False),
])
def test_mixed_script_words_are_disguises_not_inflections(text: str, mixed: bool) -> None:
    norm = normalize(text)
    assert norm.mixed_script_words is mixed
    assert bool(norm.mixed_spans()) is mixed


def test_quotes_from_rewritten_words_cover_the_whole_word() -> None:
    """A Latin word read in Cyrillic can shrink ("srochno" -> "срочно"); its quote must not."""
    text = "srochno perevedite dengi, vash schet zablokirovan"
    view = next(v for v in normalize(text).views if v.name == "translit")
    for word in ("srochno", "schet", "perevedite"):
        start = text.index(word)
        folded = view.text.split()[text[:start].count(" ")].strip(",")
        at = view.text.index(folded)
        assert view.span(at, at + len(folded)) == (start, start + len(word)), word
    accented = "переведи\u0301те"
    main = normalize(accented).main
    assert main.span(0, len(main.text)) == (0, len(accented))  # the accent stays in the quote


def test_latin_kazakh_y_acute_is_u() -> None:
    """ý is у in the 2018 Kazakh Latin alphabet: "aýdarý" must read as "аудару", not "аидари"."""
    views = {v.name: v.text for v in normalize("Aqsha aýdarý kerek").views}
    assert "аудару" in views["translit"]


def test_latin_kazakh_ia_and_iu_are_ya_and_yu() -> None:
    """Kazakh's 2021 Latin alphabet writes я as "ıa": "alaıaqtar" reads алаяқтар."""
    views = {v.name: v.text for v in normalize("Bul shyn ba, álde alaıaqtar ma?").views}
    assert "алаяктар ма" in views["translit"]

