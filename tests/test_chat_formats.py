"""Export shapes met in other chat parsers' test suites: date formats, system lines, placeholders.

The short exports here are written for kzscam and reproduce each format's shape (the lines the
suites of joweich/chat-miner and Pustur/whatsapp-chat-parser test against); the real sample
files themselves are read from a snapshot of those repositories at the end, when one is present.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kzscam.chat.analyse import check_chat
from kzscam.chat.model import (
    MEDIA,
    SERVICE,
    TEXT,
    UNPLACED,
    ChatError,
    ChatMessage,
    Limits,
    ReadNotes,
)
from kzscam.chat.source import sniff
from kzscam.chat.telegram import flatten_text, to_message
from kzscam.chat.whatsapp import read_whatsapp
from kzscam.model import Verdict

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path("/work/.mirror")


def read(text: str) -> tuple[list[ChatMessage], ReadNotes]:
    notes = ReadNotes()
    return list(read_whatsapp(io.StringIO(text), text, Limits(), notes)), notes


@pytest.mark.parametrize(("line", "date"), [
    # es/pt-419 12-hour clock: "a. m." / "p. m." with a plain or no-break space inside
    ("01/30/2019, 08:49 p. m. - Ana: hola", "2019-01-30T20:49:00"),
    ("30/01/2019, 08:49 p.\u00a0m. - Ana: hola", "2019-01-30T20:49:00"),
    ("[30/01/19 1:55:00 a. m.] Ana: hola", "2019-01-30T01:55:00"),
    ("\u200e[30/01/19 1:55:00 p. m.] Ana: hola", "2019-01-30T13:55:00"),
    # dotted times, with the date and time separated by a space and the sender by ": "
    ("13.06.18 21.25.15: Ana: hola", "2018-06-13T21:25:15"),
    # Finnish "klo"
    ("13.6.2018 klo 21.25.15 - Ana: hola", "2018-06-13T21:25:15"),
    # hr/sr/hu: spaces after the dots, a dot after the year and no separator before the sender
    ("13. 6. 2018. 21:25:15 Ana: hola", "2018-06-13T21:25:15"),
    # the year in the middle
    ("[06/2018/13, 21:25:15] Ana: hola", "2018-06-13T21:25:15"),
])
def test_date_formats_are_read(line: str, date: str) -> None:
    text = f"{line}\nsecond line of the same message\n"
    (msg,), notes = read(text)
    assert (msg.date, msg.sender, msg.text, msg.kind) == (
        date, "Ana", "hola\nsecond line of the same message", TEXT)
    assert notes.count == 0
    assert sniff(text.encode()).fmt == "whatsapp"


def test_a_date_written_unlike_the_exports_own_is_text_inside_a_message() -> None:
    """A phone writes every date of an export alike (Chatistics' samples test this): a line
    with a 4-digit year inside an export of 2-digit years is a quoted or pasted line."""
    (first, second), _ = read("[04.01.18, 11:53:57] Ana: look what he sent\n"
                              "[1.2.2019, 00:00:00] Bob: this line is quoted\n"
                              "[04.01.18, 11:54:03] Bob: ok\n")
    assert first.text == "look what he sent\n[1.2.2019, 00:00:00] Bob: this line is quoted"
    assert (second.sender, second.text) == ("Bob", "ok")
    # Mixed widths in the export itself (under two thirds alike) are all read as messages.
    msgs, _ = read("[4.1.18, 11:53] Ana: a\n[4.1.2018, 11:54] Bob: b\n[4.1.18, 11:55] Ana: c\n"
                   "[4.1.2018, 11:56] Bob: d\n")
    assert [m.text for m in msgs] == ["a", "b", "c", "d"]


def test_a_sender_line_ending_at_the_colon_starts_a_message() -> None:
    """WhatsApp writes "Name:" and the text on the next lines when the text starts with one."""
    (first, second), _ = read("2/11/19, 14:48 - John Doe:\n\n👍👍!\n"
                              "2/11/19, 14:51 - Ana: ok\n")
    assert (first.sender, first.text, first.kind) == ("John Doe", "👍👍!", TEXT)
    assert second.sender == "Ana"


def test_unplaced_lines_are_counted_not_fatal() -> None:
    lines = ["Saved from my old phone", "", "=== chat ===",
             "21.11.2026, 14:05 - Ana: hi", "21.11.2026, 14:06 - Bek: hello"]
    msgs, notes = read("\n".join(lines) + "\n")
    assert [(m.sender, m.kind) for m in msgs] == [("", UNPLACED), ("Ana", TEXT), ("Bek", TEXT)]
    assert (msgs[0].text, msgs[0].line, msgs[0].index) == (
        "Saved from my old phone\n\n=== chat ===", 1, 0)
    assert (notes.count, notes.first) == (2, [1, 3])


def test_unplaced_lines_reach_the_report(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("exported by a backup tool\n21.11.2026, 14:05 - Ana: hi\n", encoding="utf-8")
    report = check_chat(path)
    assert report.details is not None
    assert (report.details["unplaced_lines"], report.details["unplaced_line_numbers"]) == (1, [1])
    assert report.details["message_count"] == 1 and report.error is None


def test_the_line_format_is_learned_from_the_export() -> None:
    """In a dash export a line opening with a date and time continues the message before it."""
    text = ("21.11.2026, 14:05 - Ana: the meeting moved to\n"
            "22.11.2026 10:00 room 4\n"
            "21.11.2026, 14:06 - Bek: ok\n")
    msgs, _ = read(text)
    assert [m.text for m in msgs] == ["the meeting moved to\n22.11.2026 10:00 room 4", "ok"]


def test_unknown_iphone_format_is_not_called_a_json_array() -> None:
    with pytest.raises(ChatError) as err:
        sniff(b"[3/6/18 1:55:00 o'clock] a: m\n")
    assert "JSON array" not in str(err.value) and "WhatsApp" in str(err.value)
    with pytest.raises(ChatError, match="JSON array"):
        sniff(b'[{"id": 1}]')


@pytest.mark.parametrize("line", [
    "[21.11.2026, 14:05:00] Family: Messages and calls are end-to-end encrypted. No one outside "
    "of this chat can read them.",
    "[21.11.2026, 14:05:00] +7 701 234 5678: +7 701 234 5678 updated the message timer. New "
    "messages will disappear from this chat 7 days after they're sent.",
    "21.11.2026, 14:05 - +7 701 234 5678: You turned on disappearing messages.",
])
def test_system_lines_are_not_messages_or_senders(line: str) -> None:
    (msg,), _ = read(line + "\n")
    assert (msg.kind, msg.sender) == (SERVICE, "")


def test_a_person_writing_about_a_timer_is_a_message() -> None:
    (msg,), _ = read("21.11.2026, 14:05 - Ana: I updated the message timer yesterday\n")
    assert (msg.kind, msg.sender) == (TEXT, "Ana")


@pytest.mark.parametrize("body", [
    "\u2039attached>",  # old iOS
    "IMG-20200101-WA0001.jpg (Datei angehängt)",
    "null",
    "\u200e<attached: 00000012-PHOTO-2020-01-01-10-00-00.jpg>",
])
def test_media_placeholders(body: str) -> None:
    (msg,), _ = read(f"21.11.2026, 14:05 - Ana: {body}\n")
    assert (msg.kind, msg.sender, msg.text) == (MEDIA, "Ana", "")


def test_media_with_a_caption_checks_the_caption() -> None:
    (msg,), _ = read("21.11.2026, 14:05 - Ana: IMG-1.jpg (Datei angehängt)\nour new flat\n")
    assert (msg.kind, msg.text) == (TEXT, "our new flat")


def test_whatsapps_own_marks_are_not_invisible_tricks() -> None:
    text = ("[21.11.2026, 14:05:00] Ana: see you at 4\ufe0f\u20e3 \u200e<This message was edited>\n"
            "[21.11.2026, 14:06:00] Bek: \u200eThis message was deleted.\n")
    (first, second), _ = read(text)
    assert first.text == "see you at 4\ufe0f\u20e3"
    assert second.kind == "deleted"


def test_keycap_emoji_and_whatsapp_marks_are_not_flagged(tmp_path: Path) -> None:
    path = tmp_path / "_chat.txt"
    path.write_text("[21.11.2026, 14:05:00] Ana: Table 4\ufe0f\u20e3 at 7\ufe0f\u20e3 pm "
                    "\u200e<This message was edited>\n", encoding="utf-8")
    assert check_chat(path).verdict == Verdict.SAFE


def test_invisible_characters_inside_words_still_count(tmp_path: Path) -> None:
    path = tmp_path / "_chat.txt"
    path.write_text("[21.11.2026, 14:05:00] Ana: па\u200bроль\n", encoding="utf-8")
    report = check_chat(path, all_messages=True)
    assert any(f.rule_id == "TXT-ENT-002" for p in report.parts for f in p.findings)


def test_describing_a_download_is_not_suspicious(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("21.11.2026, 14:05 - Ana: send it as a document, it turns into a link that "
                    "lets you download the file\n", encoding="utf-8")
    assert check_chat(path).verdict < Verdict.SUSPICIOUS


@pytest.mark.parametrize(("parts", "text"), [
    (["см. ", {"type": "link", "text": "https://example.kz/a.jpg"}, "гыгы"],
     "см. https://example.kz/a.jpg гыгы"),
    (["(", {"type": "text_link", "text": "фото", "href": "https://example.kz/a.jpg"},
      ")Ожидается"], "(фото (https://example.kz/a.jpg) )Ожидается"),
    ([{"type": "link", "text": "https://example.kz"}, " ok"], "https://example.kz ok"),
])
def test_a_link_entity_does_not_swallow_the_next_text(parts: list[object], text: str) -> None:
    assert flatten_text(parts) == text


def test_telegram_links_end_where_the_entity_ends(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Friends", "type": "private_group", "messages": [
        {"id": 1, "type": "message", "date": "2026-11-21T14:05:00", "from": "Ana",
         "text": [{"type": "link", "text": "https://example.kz/a.jpg"}, "гыгы"]}]}),
        encoding="utf-8")
    report = check_chat(path)
    assert report.urls == ("https://example.kz/a.jpg",)
    assert report.details is not None and report.details["chat"] == "Friends"


def test_group_actors_are_not_senders() -> None:
    group = to_message({"type": "service", "date": "2026-11-21T14:05:00", "actor": "Friends",
                        "actor_id": "channel1234567", "action": "migrate_from_group"},
                       1, None, Limits())
    person = to_message({"type": "service", "date": "2026-11-21T14:05:00", "actor": "Ana",
                         "actor_id": "user42", "action": "invite_members"}, 2, None, Limits())
    assert group is not None and person is not None
    assert (group.sender, person.sender) == ("", "Ana")


def test_urls_are_every_link_found(tmp_path: Path) -> None:
    """As output.md says of every result: links found in the input, flagged or not."""
    path = tmp_path / "chat.txt"
    path.write_text("21.11.2026, 14:05 - Ana: photos: https://example.kz/album\n",
                    encoding="utf-8")
    report = check_chat(path)
    assert report.verdict == Verdict.SAFE and report.urls == ("https://example.kz/album",)


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "eval_chat_samples", ROOT / "scripts" / "eval_chat_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("text", ["https://example.com/photo.jpg 👀", "Link:https://example.com/"])
def test_a_link_alone_is_not_judged_by_its_wording(tmp_path: Path, text: str) -> None:
    """The learned detector weighs words; a bare link has none (the URL inspector judges it)."""
    path = tmp_path / "chat.txt"
    path.write_text(f"21.11.2026, 14:05 - Ana: {text}\n", encoding="utf-8")
    report = check_chat(path, all_messages=True)
    assert not [f.rule_id for p in report.parts for f in p.findings]


def test_a_link_with_scam_wording_is_still_judged(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("21.11.2026, 14:05 - Bank: Ваша карта заблокирована, срочно подтвердите "
                    "данные https://example.com/login\n", encoding="utf-8")
    assert check_chat(path).verdict >= Verdict.SUSPICIOUS


SNAPSHOTS = ("joweich+chat-miner", "mlomb+chat-analytics", "Pustur+whatsapp-chat-parser",
             "lucasrodes+whatstk", "MasterScrat+Chatistics", "JanChodorowski+whatsapp-chat-parser-go",
             "innerdvations+telegram-chat-parser", "emmaakachukwu+whatsapp-chat-parser-rb")


@pytest.mark.skipif(not any((MIRROR / name / "repo").exists() for name in SNAPSHOTS),
                    reason=f"no snapshot of the chat parsers' repositories under {MIRROR} "
                           "(sample exports are read from them, never copied)")
def test_other_parsers_samples_read_with_their_suites_counts(
        capsys: pytest.CaptureFixture[str]) -> None:
    module = _eval_module()
    samples = module.all_samples(MIRROR)
    assert samples
    assert module.run(samples) == 0, capsys.readouterr().out
