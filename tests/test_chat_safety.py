"""Hostile and broken exports: zips, huge files, truncated JSON. Clear errors, nothing extracted."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from kzscam.chat.analyse import check_chat
from kzscam.chat.model import ChatError, Limits
from kzscam.chat.safezip import Counting, directory_size
from kzscam.chat.source import open_chat
from kzscam.chat.telegram import read_telegram

FIX = Path(__file__).parent / "fixtures" / "chat"


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def mark_encrypted(path: Path) -> None:
    """Set the "encrypted" flag bit in every header (zipfile cannot write encrypted members)."""
    data = bytearray(path.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(signature)
        while pos != -1:
            data[pos + flag_offset] |= 0x1
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))


def test_android_zip_with_media_is_read_in_memory(tmp_path: Path) -> None:
    chat = (FIX / "whatsapp_android_en_us.txt").read_bytes()
    archive = make_zip(tmp_path / "WhatsApp Chat with Dana.zip", {
        "IMG-20261119-WA0003.jpg": b"\xff\xd8\xff\xe0 fake jpeg",
        "WhatsApp Chat with Dana.txt": chat,
    })
    before = set(os.listdir(tmp_path))
    report = check_chat(archive)
    assert report.details["format"] == "whatsapp" and report.details["message_count"] == 10
    assert set(os.listdir(tmp_path)) == before  # nothing was extracted


def test_ios_zip_finds_chat_txt(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "chat.zip", {
        "00000003-PHOTO-2026-11-20-10-03-05.jpg": b"\xff\xd8 fake",
        "_chat.txt": (FIX / "whatsapp_ios_chat.txt").read_bytes(),
    })
    assert check_chat(archive).details["message_count"] == 8


def test_zipped_telegram_export_folder(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "export.zip", {
        "ChatExport_2026-11-21/result.json": (FIX / "telegram_takeover.json").read_bytes(),
        "ChatExport_2026-11-21/files/sticker.webp": b"RIFF",
    })
    assert check_chat(archive).details["format"] == "telegram"


@pytest.mark.parametrize("evil", ["../../etc/cron.d/x.txt", "/etc/passwd", "C:/Windows/x.txt",
                                  "ok/../../../x.txt", "..\\..\\x.txt"])
def test_path_traversal_names_refuse_the_archive(tmp_path: Path, evil: str) -> None:
    archive = make_zip(tmp_path / "evil.zip", {
        "_chat.txt": (FIX / "whatsapp_ios_chat.txt").read_bytes(), evil: b"pwned"})
    with pytest.raises(ChatError, match="path traversal"):
        check_chat(archive)
    assert not (tmp_path.parent / "x.txt").exists()


def test_zip_bomb_is_refused_by_ratio(tmp_path: Path) -> None:
    head = b"12.11.2026, 09:14 - A: hi\n"
    archive = make_zip(tmp_path / "bomb.zip", {"_chat.txt": head + b"a" * (24 << 20)})
    assert archive.stat().st_size < 200_000
    with pytest.raises(ChatError, match="zip bomb"):
        check_chat(archive)


def test_oversized_member_is_refused_from_its_header(tmp_path: Path) -> None:
    chat = (FIX / "whatsapp_android_ru.txt").read_bytes()
    archive = make_zip(tmp_path / "big.zip", {"_chat.txt": chat * 50})
    with pytest.raises(ChatError, match="over the 8192 bytes limit"):
        check_chat(archive, limits=Limits(max_bytes=8192))


def test_counting_stream_stops_at_the_limit() -> None:
    counted = Counting(io.BytesIO(b"x" * 5000), 4096, "zip member 'a'")
    with pytest.raises(ChatError, match="larger than 4096 bytes"):
        counted.read()


def test_encrypted_member_is_reported(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "locked.zip",
                       {"_chat.txt": (FIX / "whatsapp_ios_chat.txt").read_bytes()})
    mark_encrypted(archive)
    with pytest.raises(ChatError, match="password-protected"):
        check_chat(archive)


@pytest.mark.parametrize(("members", "problem"), [
    ({"photo.jpg": b"\xff\xd8"}, "holds no chat"),
    ({"notes.txt": "просто заметки".encode()}, "holds no chat"),
])
def test_zip_without_a_chat(tmp_path: Path, members: dict[str, bytes], problem: str) -> None:
    with pytest.raises(ChatError, match=problem):
        check_chat(make_zip(tmp_path / "a.zip", members))


def test_corrupt_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ChatError, match="zip"):
        check_chat(path)


def test_one_gigabyte_export_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"12.11.2026, 09:14 - A: hi\n")
        fh.truncate(1 << 30)  # sparse: 1 GB on paper, nothing on disk
    with pytest.raises(ChatError, match="1024 MB, over the 256 MB limit"):
        check_chat(path)


def test_truncated_telegram_export_judges_what_was_read(tmp_path: Path) -> None:
    data = (FIX / "telegram_takeover.json").read_text("utf-8")
    cut = data.index('"id": 4110')  # inside the last message
    path = tmp_path / "result.json"
    path.write_text(data[:cut], encoding="utf-8")
    report = check_chat(path)
    assert report.error is not None and report.error.startswith("truncated JSON")
    assert report.details["message_count"] == 9
    assert report.verdict.label == "dangerous"  # the scam before the cut is still reported


def test_invalid_json_in_the_middle(tmp_path: Path) -> None:
    data = (FIX / "telegram_takeover.json").read_text("utf-8")
    path = tmp_path / "result.json"
    path.write_text(data.replace('"id": 4105,', '"id": 4105 oops', 1), encoding="utf-8")
    report = check_chat(path)
    assert report.error is not None and "invalid JSON at character" in report.error
    assert report.details["message_count"] == 4


def test_json_that_is_not_a_telegram_export(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"users": [1, 2, 3], "nested": {"a": [{}]}}), encoding="utf-8")
    with pytest.raises(ChatError, match="not a Telegram Desktop chat export"):
        check_chat(path)


def test_one_message_over_the_json_value_limit(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    big = {"id": 1, "type": "message", "date": "d", "from": "A", "text": "x" * 300_000}
    path.write_text(json.dumps({"name": "n", "messages": [big]}), encoding="utf-8")
    small = Limits(max_json_value_chars=100_000)
    with pytest.raises(ChatError, match="larger than"), open_chat(path, small) as (_, stream, _m):
        list(read_telegram(stream, small, {}))


def test_export_folder_and_missing_paths(tmp_path: Path) -> None:
    folder = tmp_path / "ChatExport_2026-11-21"
    folder.mkdir()
    (folder / "result.json").write_bytes((FIX / "telegram_family.json").read_bytes())
    assert check_chat(folder).details["message_count"] == 15
    with pytest.raises(ChatError, match=r"no result\.json"):
        check_chat(tmp_path / "ChatExport_2026-11-21" / ".." / "..")
    with pytest.raises(ChatError, match="no such file"):
        check_chat(tmp_path / "missing.json")


def test_directory_size_is_read_before_parsing(tmp_path: Path) -> None:
    many = make_zip(tmp_path / "many.zip", {f"f{i}.jpg": b"x" for i in range(30)} | {
        "_chat.txt": (FIX / "whatsapp_ios_chat.txt").read_bytes()})
    count, size = directory_size(many)
    assert count == 31 and 0 < size < 5000
    with pytest.raises(ChatError, match="claims 31 members"):
        check_chat(many, limits=Limits(max_zip_members=10))
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(ChatError, match="end-of-directory"):
        check_chat(fake)


def test_bad_byte_midway_keeps_the_messages_before_it(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    good = (FIX / "whatsapp_android_ru.txt").read_bytes()
    path.write_bytes(good * 300 + "12.11.2026, 09:14 - Б: конец".encode("cp1251"))
    report = check_chat(path)
    assert report.error is not None and report.error.startswith("not UTF-8 text")
    assert report.details["message_count"] >= 11 * 290  # decoding runs ahead by one buffer
    assert "CHAT-RELATIVE-001" in {f.rule_id for f in report.findings}
