"""Lines the WhatsApp reader cannot place, files merged from two platforms, and chat quotes.

The exports are written for kzscam in the shapes phones write (the fixtures' README describes
them); the scam wording is the National Bank's account-takeover script in English and Russian.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import run_cli

from kzscam.chat.analyse import check_chat
from kzscam.chat.model import SERVICE, TEXT, UNPLACED, ChatMessage, Limits, ReadNotes
from kzscam.chat.whatsapp import read_whatsapp
from kzscam.exitcodes import ExitCode
from kzscam.model import Report, Verdict

FIX = Path(__file__).parent / "fixtures" / "chat"

# An Android ru export; its first line came from an iPhone export (brackets, US dates): a
# merged or hand-edited file. Nothing before it places the line in a message.
FOREIGN_FIRST = (
    "[11/18/26, 7:01:40 PM] WhatsApp Support: tell me the SMS code now or your account "
    "will be deleted\n"
    "18.11.2026, 19:02 - Дана: кто это?\n"
    "18.11.2026, 19:03 - Асель: не знаю, не отвечай\n"
    "18.11.2026, 19:04 - Дана: хорошо\n"
    "18.11.2026, 19:10 - Асель: мама звонила, ужин в семь\n"
    "18.11.2026, 19:11 - Дана: ок, купить хлеб?\n"
    "18.11.2026, 19:12 - Асель: да, и молоко\n"
)


def read(text: str) -> tuple[list[ChatMessage], ReadNotes]:
    notes = ReadNotes()
    return list(read_whatsapp(io.StringIO(text), text, Limits(), notes)), notes


def test_an_unplaced_line_is_checked_not_skipped(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(FOREIGN_FIRST, encoding="utf-8")
    report = check_chat(path, all_messages=True)
    details = report.details
    assert (details["unplaced_lines"], details["unplaced_line_numbers"]) == (1, [1])
    assert details["message_count"] == 6  # the suites' counts: unplaced text is no message
    assert report.verdict >= Verdict.SUSPICIOUS
    loose = report.parts[0]
    assert loose.input == f"{path}:1" and loose.details["kind"] == UNPLACED
    assert loose.details["sender"] == "" and "date" not in loose.details
    assert {"TXT-CODE-001", "TXT-SUP-002"} & {f.rule_id for f in loose.findings}
    assert [p.details.get("sender") for p in report.parts[1:3]] == ["Дана", "Асель"]


def test_the_cli_never_calls_a_chat_with_unchecked_text_safe(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(FOREIGN_FIRST, encoding="utf-8")
    proc = run_cli("check-chat", str(path), "--lang", "en")
    assert proc.returncode == ExitCode.FLAGGED, proc.stdout
    assert "No scam indicators found" not in proc.stdout
    assert f"{path}:1" in proc.stdout and "lines outside any message" in proc.stdout
    doc = json.loads(run_cli("check-chat", str(path), "-f", "json").stdout)
    (result,) = doc["results"]
    assert result["messages"][0]["kind"] == "unplaced" and result["messages"][0]["line"] == 1


def test_clean_unplaced_text_keeps_a_chat_safe(tmp_path: Path) -> None:
    """A backup tool's header is read too; it holds no scam, so the chat stays safe."""
    path = tmp_path / "chat.txt"
    path.write_text("Backup of WhatsApp chat, exported 18.11.2026\n"
                    "18.11.2026, 19:02 - Дана: привет, во сколько ужин?\n", encoding="utf-8")
    report = check_chat(path, all_messages=True)
    assert report.verdict == Verdict.SAFE and report.details["unplaced_lines"] == 1
    assert report.parts[0].details["kind"] == UNPLACED and report.parts[0].text == (
        "Backup of WhatsApp chat, exported 18.11.2026")


def test_unplaced_lines_group_until_a_line_that_starts_like_a_message() -> None:
    text = ("[11/18/26, 7:01:40 PM] Support: your account will be deleted\n"
            "reply within 1 hour\n"
            "18.11.26 19.01.50: Support: send us the code\n"  # a third shape
            "18.11.2026, 19:02 - Дана: кто это?\n"
            "18.11.2026, 19:03 - Асель: не знаю\n"
            "18.11.2026, 19:04 - Дана: не отвечай им\n"
            "18.11.2026, 19:05 - Асель: хорошо\n")
    msgs, notes = read(text)
    assert [(m.kind, m.line, m.index) for m in msgs] == [
        (UNPLACED, 1, 0), (UNPLACED, 3, 0), (TEXT, 0, 1), (TEXT, 0, 2), (TEXT, 0, 3),
        (TEXT, 0, 4)]
    assert msgs[0].text.endswith("deleted\nreply within 1 hour")
    assert (notes.count, notes.first) == (3, [1, 2, 3])


# A file merged from an Android export (en-US: month first, 2-digit years) and an iPhone export
# (en-GB: day first, 4-digit years, seconds), as a person who joins two exports gets.
MERGED = (
    "11/18/26, 7:02 PM - Dana: are you coming tomorrow?\n"
    "11/18/26, 7:03 PM - Aliya: yes\n"
    "see you at 10\n"
    "[18/11/2026, 19:04:10] Bek: I'll bring the cake\n"
    "[18/11/2026, 19:05:00] Dana: great\n"
    "11/18/26, 7:06 PM - Aliya: 👍\n"
)


def test_a_merged_android_and_iphone_file_reads_both_shapes() -> None:
    msgs, notes = read(MERGED)
    assert [(m.sender, m.date) for m in msgs] == [
        ("Dana", "2026-11-18T19:02:00"), ("Aliya", "2026-11-18T19:03:00"),
        ("Bek", "2026-11-18T19:04:10"), ("Dana", "2026-11-18T19:05:00"),
        ("Aliya", "2026-11-18T19:06:00")]
    assert msgs[1].text == "yes\nsee you at 10" and notes.count == 0


def test_one_pasted_iphone_line_stays_text_of_its_message() -> None:
    """Two shapes are learned only from whole runs of lines: a quoted line is text."""
    text = ("18.11.2026, 19:02 - Дана: смотри, что мне прислали:\n"
            "[18/11/2026, 19:01:00] Kaspi: ваша карта заблокирована\n"
            "18.11.2026, 19:03 - Асель: это мошенники\n"
            "18.11.2026, 19:04 - Дана: да\n")
    msgs, _ = read(text)
    assert [m.sender for m in msgs] == ["Дана", "Асель", "Дана"]
    assert "Kaspi: ваша карта" in msgs[0].text


def test_lines_starting_with_a_date_are_never_a_second_shape() -> None:
    """"date time text" is what a message starting with a date looks like."""
    text = ("21.11.2026, 14:05 - Ana: the schedule:\n"
            "22.11.2026 10:00 room 4\n"
            "23.11.2026 11:00 room 5\n"
            "21.11.2026, 14:06 - Bek: thanks\n")
    msgs, _ = read(text)
    assert [m.sender for m in msgs] == ["Ana", "Bek"]
    assert msgs[0].text.count("\n") == 2


def test_system_lines_of_both_platforms_in_a_merged_file() -> None:
    msgs, _ = read(MERGED + "11/18/26, 7:07 PM - Aliya left\n"
                   "[18/11/2026, 19:08:00] \u200eBek changed the group name\n")
    assert [(m.sender, m.kind) for m in msgs[-2:]] == [("", SERVICE), ("", SERVICE)]


# Quotes: a message part's report carries its text, so quotes are widened to whole words.

SUPPORT = (
    "11/18/26, 7:02 PM - +1 (555) 010-4477: Hello, this is WhatsApp Support Team.\n"
    "11/18/26, 7:03 PM - +1 (555) 010-4477: Your account will be deleted today.\n"
    "11/18/26, 7:04 PM - +1 (555) 010-4477: To stop it tell me the code that we sent you.\n"
)


def _boundaries_ok(text: str, start: int, end: int) -> bool:
    inside = lambda i: 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()  # noqa: E731
    return not inside(start) and not inside(end)


def _all_quotes(report: Report) -> list[tuple[str, str, int, int]]:
    """(message text, quote, start, end) of every quote the plain report prints."""
    from kzscam.output.quotes import quote

    out = []
    for part in report.parts:
        for f in part.findings:
            assert part.text is not None
            for ev in f.evidence:
                if ev.kind != "link":
                    q = quote(part.text, ev)
                    out.append((part.text, q.text, q.start, q.end))
    texts = {p.details.get("index"): p.text for p in report.parts}
    for f in report.findings:  # chain evidence: step k in the k-th message the title names
        where = [int(n) for n in re.findall(r"#(\d+)", f.title)]
        for ev in f.evidence:
            owner = next(t for n in where if (t := texts.get(n)) is not None
                         and t[ev.start:ev.end] == ev.text)
            out.append((owner, ev.text, ev.start, ev.end))
    return out


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIX.iterdir()
                                           if p.suffix in (".txt", ".json")))
def test_chat_quotes_are_whole_words(fixture: str) -> None:
    report = check_chat(FIX / fixture, all_messages=True)
    assert any(part.text for part in report.parts)  # the parts carry the text quotes grow in
    for text, quoted, start, end in _all_quotes(report):
        assert text[start:end] == quoted and _boundaries_ok(text, start, end), (quoted, text)


def test_a_chain_quote_is_widened_against_its_own_message(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(SUPPORT, encoding="utf-8")
    report = check_chat(path, all_messages=True)
    chains = [f for f in report.findings if f.rule_id.startswith("CHAT-")]
    assert chains
    quotes = _all_quotes(report)
    assert all(_boundaries_ok(t, s, e) for t, _, s, e in quotes)
    proc = run_cli("check-chat", str(path), "--lang", "en")
    assert not re.search(r"«[^»]*\bt»", proc.stdout), proc.stdout
    # Message text is shown once, inside «», never again as a plain field.
    assert proc.stdout.count("To stop it tell me the code that we sent you.") == 1


def test_unplaced_text_over_the_message_limit_is_cut_and_never_safe(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("Backup header, harmless words\n" * 20
                    + "18.11.2026, 19:02 - Дана: привет\n" * 3, encoding="utf-8")
    report = check_chat(path, all_messages=True, limits=Limits(max_message_chars=100))
    loose = report.parts[0]
    assert loose.details["kind"] == UNPLACED and loose.details.get("truncated") is True
    assert "CHAT-CUT-001" in {f.rule_id for f in loose.findings}
    assert report.verdict >= Verdict.CAUTION and report.details["unplaced_lines"] == 20
