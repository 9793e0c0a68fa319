"""Chat export readers: format detection, Telegram and WhatsApp variants, streaming memory."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest

from kzscam.chat.model import MEDIA, SERVICE, TEXT, ChatError, ChatMessage, Limits
from kzscam.chat.source import TELEGRAM, WHATSAPP, open_chat, sniff
from kzscam.chat.telegram import flatten_text, read_telegram
from kzscam.chat.whatsapp import date_order, iso_date, read_whatsapp

FIX = Path(__file__).parent / "fixtures" / "chat"
NNB, LRM = "\u202f", "\u200e"


def read(path: Path, limits: Limits | None = None) -> tuple[str, list[ChatMessage]]:
    limits = limits or Limits()
    with open_chat(path, limits) as (found, stream, _):
        if found.fmt == TELEGRAM:
            return found.fmt, list(read_telegram(stream, limits, {}))
        return found.fmt, list(read_whatsapp(stream, found.head, limits))


def wa(text: str) -> list[ChatMessage]:
    return list(read_whatsapp(io.StringIO(text), text, Limits()))


@pytest.mark.parametrize(("name", "fmt", "count"), [
    ("telegram_takeover.json", TELEGRAM, 10),
    ("telegram_family.json", TELEGRAM, 15),
    ("whatsapp_android_ru.txt", WHATSAPP, 11),
    ("whatsapp_android_en_us.txt", WHATSAPP, 10),
    ("whatsapp_android_kk.txt", WHATSAPP, 10),
    ("whatsapp_ios_chat.txt", WHATSAPP, 8),
])
def test_format_is_detected_from_content_not_name(tmp_path: Path, name: str, fmt: str,
                                                  count: int) -> None:
    renamed = tmp_path / "export.dat"  # a misleading name must not matter
    renamed.write_bytes((FIX / name).read_bytes())
    found, messages = read(renamed)
    assert found == fmt
    assert len(messages) == count
    assert [m.index for m in messages] == list(range(1, count + 1))


def test_telegram_entities_links_forwards_and_service() -> None:
    _, msgs = read(FIX / "telegram_takeover.json")
    link = msgs[3]
    assert link.text == ("Откройте форму отмены (https://telegram-support-cancel.com/form) и "
                         "укажите свой номер телефона.")
    call = msgs[4]
    assert (call.kind, call.sender, call.text) == (SERVICE, "Telegram Support",
                                                   "phone_call (missed)")
    sticker = msgs[7]
    assert sticker.kind == MEDIA and sticker.text == ""
    forwarded = msgs[8]
    assert forwarded.forwarded_from == "Kaspi.kz" and forwarded.kind == TEXT
    assert msgs[0].date == "2026-11-18T19:02:11"


def test_telegram_text_parts_and_odd_values() -> None:
    assert flatten_text(["a ", {"type": "bold", "text": "b"}, {"type": "text_link",
                        "text": "https://x.kz", "href": "https://x.kz"}]) == "a bhttps://x.kz"
    assert flatten_text(None) == "" and flatten_text(42) == ""
    doc = {"name": "n", "messages": [
        {"id": 1, "type": "message", "date": "2026-01-01T00:00:00", "from": None, "text": "hi"},
        {"id": 2, "type": "unsupported"},
        {"id": 3, "type": "message", "date": "d", "from": "P", "text": "",
         "poll": {"question": "Голосуйте за мою дочь", "answers": [{"text": "Да"}]}},
        {"id": 4, "type": "message", "date": "d", "from": "P", "text": "",
         "contact_information": {"first_name": "Bank", "phone_number": "+77011234567"}},
    ]}
    meta: dict[str, str] = {}
    msgs = list(read_telegram(io.StringIO(json.dumps(doc)), Limits(), meta))
    assert meta == {"name": "n"}
    assert [m.index for m in msgs] == [1, 3, 4]
    assert msgs[0].sender == "(deleted account)"
    assert msgs[1].text == "Голосуйте за мою дочь / Да"
    assert msgs[2].text == "Bank +77011234567"


def test_whole_account_export_names_each_chat() -> None:
    doc = {"about": "x", "personal_information": {"first_name": "A"},
           "chats": {"about": "y", "list": [
               {"name": "Support", "type": "personal_chat", "id": 1, "messages": [
                   {"id": 1, "type": "message", "date": "d", "from": "S", "text": "one"}]},
               {"name": "Mom", "type": "personal_chat", "id": 2, "messages": [
                   {"id": 1, "type": "message", "date": "d", "from": "M", "text": "two"}]}]},
           "contacts": {"list": [{"first_name": "Z", "phone_number": "1"}]}}
    meta: dict[str, str] = {}
    msgs = list(read_telegram(io.StringIO(json.dumps(doc)), Limits(), meta))
    assert [(m.index, m.chat, m.text) for m in msgs] == [(1, "Support", "one"), (2, "Mom", "two")]
    assert meta["type"] == "account_export"


def test_android_en_us_twelve_hour_with_narrow_space() -> None:
    _, msgs = read(FIX / "whatsapp_android_en_us.txt")
    assert msgs[0].kind == SERVICE and msgs[0].sender == ""
    assert msgs[1].sender == "+1 (555) 010-4477" and msgs[1].date == "2026-11-18T19:02:00"
    assert msgs[5].kind == MEDIA  # <Media omitted>
    assert msgs[6].kind == "deleted"
    assert msgs[7].text == "I'm not sending any code.\nBlocking you."  # multi-line
    assert msgs[8].kind == SERVICE  # "You blocked this contact."
    assert msgs[9].kind == MEDIA and msgs[9].date == "2026-11-19T10:15:00"  # (file attached)


def test_android_ru_placeholders_deleted_and_multiline() -> None:
    _, msgs = read(FIX / "whatsapp_android_ru.txt")
    assert msgs[0].kind == SERVICE
    assert msgs[3].kind == MEDIA  # <Без медиафайлов>
    assert msgs[5].text.endswith("На карту 4400 4302 1234 5678, она не моя, подруги")
    assert msgs[5].date == "2026-11-15T22:47:00"
    assert msgs[8].kind == "deleted"


def test_ios_zip_member_lines() -> None:
    _, msgs = read(FIX / "whatsapp_ios_chat.txt")
    assert msgs[0].kind == SERVICE and msgs[0].sender == ""  # LRM-marked encryption notice
    assert msgs[2].kind == MEDIA  # <attached: ...jpg>
    assert msgs[4].text == ("Всё просто: выполняете задания, получаете оплату на карту.\n"
                            "Первые 3 задания бесплатно.")
    assert msgs[6].kind == MEDIA  # image omitted
    assert msgs[5].date == "2026-11-20T10:31:09"


def test_kazakh_group_system_line_and_placeholder() -> None:
    _, msgs = read(FIX / "whatsapp_android_kk.txt")
    assert msgs[0].kind == SERVICE  # Сіз "Отбасы" тобын құрдыңыз
    assert msgs[3].kind == MEDIA  # a placeholder wording we never saw still is one
    assert {m.sender for m in msgs if m.kind == TEXT} == {"Мама", "Асхат", "Дана", "Папа"}


@pytest.mark.parametrize(("lines", "expected"), [
    ([f"[11/21/26, 2:05:33{NNB}PM] Dana: hi"], "2026-11-21T14:05:33"),
    (["[21/11/2026, 14:05:33] Dana: hi"], "2026-11-21T14:05:33"),
    (["19/09/26, 9:52 am - Dana: hi"], "2026-09-19T09:52:00"),
    (["09/10/26, 21:52 - Dana: hi", "25/10/26, 21:52 - Dana: day first"], "2026-10-09T21:52:00"),
    (["09/10/26, 9:52 PM - Dana: hi", "10/25/26, 9:52 PM - Dana: month first"],
     "2026-09-10T21:52:00"),
    (["03.11.2026, 7:30 ТК - Мама: сәлем"], "2026-11-03T19:30:00"),
    (["2026-11-03, 19:30 - Мама: iso"], "2026-11-03T19:30:00"),
])
def test_dates_in_every_locale_shape(lines: list[str], expected: str) -> None:
    assert wa("\n".join(lines) + "\n")[0].date == expected


def test_date_order_and_invalid_dates() -> None:
    assert date_order("1/2/26, 9:00 AM - a: b") == "mdy"
    assert date_order("1.2.26, 9:00 - a: b") == "dmy"
    assert iso_date("31/31/2026", "10:00", None, "dmy") == "31/31/2026 10:00"


def test_sender_names_with_colons_and_quotes() -> None:
    msgs = wa('01.01.2026, 10:00 - Мама: Время: 10:00\n'
              '01.01.2026, 10:01 - Вы изменили тему с "A: b" на "C"\n')
    assert (msgs[0].sender, msgs[0].text) == ("Мама", "Время: 10:00")
    assert msgs[1].kind == SERVICE


def test_huge_message_is_cut_not_held() -> None:
    limits = Limits(max_message_chars=1000)
    text = "01.01.2026, 10:00 - A: start\n" + ("x" * 500 + "\n") * 100
    msgs = list(read_whatsapp(io.StringIO(text), text[:200], limits))
    assert len(msgs) == 1 and msgs[0].truncated and len(msgs[0].text) <= 1100


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "empty file"),
    (b"   \n", "empty file"),
    (b"\x00\x01\x02binary", "binary data"),
    ("Привет, просто заметка".encode(), "not a recognised chat export"),
    ("12.11.2026, 09:14 - Мама: Привет".encode("cp1251"), "not UTF-8"),
    (b'[{"a": 1}]', "JSON array"),
])
def test_unreadable_heads(data: bytes, problem: str) -> None:
    with pytest.raises(ChatError, match=problem):
        sniff(data)


def test_utf16_export_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes((FIX / "whatsapp_android_ru.txt").read_text("utf-8").encode("utf-16"))
    fmt, msgs = read(path)
    assert fmt == WHATSAPP and len(msgs) == 11


def test_bad_byte_later_in_the_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    good = (FIX / "whatsapp_android_ru.txt").read_bytes()
    path.write_bytes(good * 200 + "12.11.2026, 09:14 - Б: конец".encode("cp1251"))
    with pytest.raises(ChatError, match="not UTF-8"):
        read(path)


def test_stream_of_a_big_whatsapp_export_uses_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    line = "21.11.2026, 14:05 - Алия: " + "Привет, как дела? Вечером созвонимся. " * 15 + "\n"
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(20):
            fh.write(line * 1_000)  # 20,000 messages, ~22 MB
    tracemalloc.start()
    try:
        limits = Limits()
        with open_chat(path, limits) as (found, stream, _):
            count = sum(1 for _ in read_whatsapp(stream, found.head, limits))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert path.stat().st_size > 20e6
    assert peak < 4 << 20, f"peak {peak / 1e6:.1f} MB for a {path.stat().st_size / 1e6:.0f} MB file"


def test_stream_of_a_big_telegram_export_uses_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    msg = {"id": 0, "type": "message", "date": "2026-11-21T14:05:00", "from": "Алия",
           "from_id": "user1", "text": ["Привет, ", {"type": "bold", "text": "как дела"},
                                        "? Вечером созвонимся. " * 40]}
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"name": "Big", "type": "private_group", "id": 1, "messages": [\n')
        for i in range(20_000):
            msg["id"] = i
            fh.write(("," if i else "") + json.dumps(msg, ensure_ascii=False) + "\n")
        fh.write("]}\n")
    tracemalloc.start()
    try:
        with path.open(encoding="utf-8") as fh:
            count = sum(1 for _ in read_telegram(fh, Limits(), {}))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert path.stat().st_size > 20e6
    assert peak < 4 << 20, f"peak {peak / 1e6:.1f} MB for a {path.stat().st_size / 1e6:.0f} MB file"
