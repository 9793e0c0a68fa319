"""Read one member of an untrusted zip in memory, with limits; never extract anything.

A WhatsApp export zip holds the chat text next to photos and videos; only the text member is read,
through a stream that counts what comes out. Before Python's `zipfile` parses the central directory
(which it keeps in memory), the end-of-directory record is read to refuse archives that claim
absurd member counts or directory sizes. Names that climb out of a folder (``../``, ``/etc``,
``C:``) refuse the whole archive: a real export never has them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from kzscam.chat.model import ChatError, Limits, mb

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_MAX_DIRECTORY = 64 << 20  # bytes of central directory: ~1 million names
PROBE_BYTES = 64 << 10


class Counting(io.RawIOBase):
    """Passes bytes through and stops the read once more than `limit` bytes came out."""

    def __init__(self, inner: IO[bytes], limit: int, what: str) -> None:
        self._inner, self._limit, self._what, self.count = inner, limit, what, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self.count += len(data)
        if self.count > self._limit:
            raise ChatError(f"{self._what} is larger than {mb(self._limit)} "
                            f"(raise --max-size to read it)")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def directory_size(path: Path) -> tuple[int, int]:
    """(member count, central directory bytes) as the archive's end record claims them."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(max(0, end - (1 << 16) - 22))
        tail = fh.read()
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        raise ChatError("not a valid zip archive (no end-of-directory record)")
    count, size = struct.unpack("<HI", tail[pos + 10 : pos + 16])
    locator = tail.rfind(_EOCD64_LOCATOR, 0, pos)
    if (count == 0xFFFF or size == 0xFFFFFFFF) and locator >= 0:
        (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
        with path.open("rb") as fh:
            fh.seek(offset)
            record = fh.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            count, size = struct.unpack("<QQ", record[32:48])
    return count, size


def unsafe_name(name: str) -> bool:
    """True for member names that would land outside the folder they are extracted to."""
    norm = name.replace("\\", "/")
    return norm.startswith("/") or bool(re.match(r"^[A-Za-z]:", norm)) or (
        ".." in PurePosixPath(norm).parts)


def member_rank(info: zipfile.ZipInfo) -> int:
    """Where to look for the chat first (lower is better; 9 means never)."""
    name = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
    if name in ("_chat.txt", "result.json"):
        return 0  # iOS WhatsApp; a zipped Telegram export folder
    if name.endswith(".txt") and "whatsapp" in name:
        return 1  # Android: "WhatsApp Chat with ...", "Чат WhatsApp с ..."
    return 2 if name.endswith((".txt", ".json")) else 9


def check_member(info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse encrypted, oversized and bomb-like members from their header alone."""
    what = f"zip member {info.filename!r}"
    if info.flag_bits & 0x1:
        raise ChatError(f"{what} is password-protected; export the chat again without a password")
    if info.file_size > limits.max_bytes:
        raise ChatError(f"{what} unpacks to {mb(info.file_size)}, over the {mb(limits.max_bytes)} "
                        f"limit (raise --max-size to read it)")
    ratio = info.file_size / max(1, info.compress_size)
    if info.file_size > limits.zip_ratio_floor and ratio > limits.max_zip_ratio:
        raise ChatError(f"{what} expands {ratio:.0f} times (a zip bomb?); refusing to unpack it")


@contextmanager
def open_member(path: Path, limits: Limits,
                accept: Callable[[bytes], bool]) -> Iterator[tuple[Counting, bytes, str]]:
    """Yield (counted stream, first bytes, name) of the first member whose head `accept`s."""
    count, size = directory_size(path)
    if count > limits.max_zip_members or size > _MAX_DIRECTORY:
        raise ChatError(f"zip claims {count} members in a {mb(size)} directory, over the limit "
                        f"of {limits.max_zip_members} members")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ChatError(f"not a valid zip archive ({exc})") from None
    with archive:
        infos = archive.infolist()
        bad = next((i.filename for i in infos if unsafe_name(i.filename)), None)
        if bad is not None:
            raise ChatError(f"unsafe zip: member {bad!r} points outside the archive "
                            f"(path traversal); refusing the whole file")
        candidates = sorted((i for i in infos if not i.is_dir() and member_rank(i) < 9),
                            key=member_rank)
        for info in candidates[:20]:
            check_member(info, limits)
            with archive.open(info) as probe:
                head = probe.read(PROBE_BYTES)
            if not accept(head):
                continue
            counted = Counting(archive.open(info), limits.max_bytes,
                               f"zip member {info.filename!r}")
            try:
                yield counted, head, info.filename
            finally:
                counted.close()
            return
        raise ChatError("zip archive holds no chat (no _chat.txt, WhatsApp .txt or result.json)")
