"""Open a chat export safely and tell its format from the content, not the file name.

Inputs: a Telegram Desktop `result.json` (or the export folder holding it), a WhatsApp `.txt`, or
the `.zip` WhatsApp shares (Android: `WhatsApp Chat with X.txt` plus media; iOS: `_chat.txt`).
Zip members are read in memory through a size-counting stream, never extracted, so a hostile
archive can neither write outside a folder nor fill the disk or memory: path-traversal names,
encrypted members, absurd compression ratios and oversized members are refused with one line.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from kzscam.chat.model import ChatError, Limits, mb
from kzscam.chat.whatsapp import looks_like_whatsapp

SNIFF_BYTES = 64 << 10
TELEGRAM = "telegram"
WHATSAPP = "whatsapp"
UNKNOWN_FORMAT = ("not a recognised chat export: expected a Telegram Desktop result.json "
                  "(machine-readable JSON), a WhatsApp .txt or the .zip WhatsApp shares")


@dataclass(frozen=True)
class Sniffed:
    """The detected format, the text encoding, and the decoded head (used to guess date order)."""

    fmt: str
    encoding: str
    head: str


class _Counting(io.RawIOBase):
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


def sniff(head: bytes) -> Sniffed:
    """Detect the format of a chat text from its first bytes."""
    if not head.strip():
        raise ChatError("empty file")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        text = codecs.getincrementaldecoder("utf-16")(errors="replace").decode(head)
    else:
        if b"\x00" in head:
            raise ChatError("binary data, not a chat export")
        encoding = "utf-8-sig"
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        except UnicodeDecodeError as exc:
            raise ChatError(f"not UTF-8 text (invalid byte at offset {exc.start}); chat exports "
                            f"are UTF-8: export the chat again, or convert the file with "
                            f"`iconv -f cp1251 -t utf-8`") from None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return Sniffed(TELEGRAM, encoding, text)
    if looks_like_whatsapp(text):  # before "[": iOS lines start with "[date, time]"
        return Sniffed(WHATSAPP, encoding, text)
    if stripped.startswith("["):
        raise ChatError("a JSON array, not a Telegram export (result.json is one JSON object)")
    raise ChatError(UNKNOWN_FORMAT)


def text_stream(raw: io.RawIOBase, encoding: str) -> io.TextIOWrapper:
    """Decode strictly: a wrong encoding is an error, not silently replaced characters."""
    return io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, errors="strict",
                            newline=None)


def _unsafe_name(name: str) -> bool:
    norm = name.replace("\\", "/")
    parts = PurePosixPath(norm).parts
    return norm.startswith("/") or bool(re.match(r"^[A-Za-z]:", norm)) or ".." in parts


def _member_rank(info: zipfile.ZipInfo) -> int:
    name = PurePosixPath(info.filename.replace("\\", "/")).name
    if name == "_chat.txt":
        return 0  # iOS
    if name == "result.json":
        return 0  # a zipped Telegram export folder
    if name.lower().endswith(".txt") and "whatsapp" in name.lower():
        return 1  # Android: "WhatsApp Chat with ...", "Чат WhatsApp с ..."
    if name.lower().endswith((".txt", ".json")):
        return 2
    return 9


def _check_member(info: zipfile.ZipInfo, limits: Limits) -> None:
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
def _open_zip_member(path: Path, limits: Limits) -> Iterator[tuple[_Counting, bytes, str]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ChatError(f"not a valid zip archive ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            raise ChatError(f"zip has {len(infos)} members, over the limit of "
                            f"{limits.max_zip_members}")
        for info in infos:
            if _unsafe_name(info.filename):
                raise ChatError(f"unsafe zip: member {info.filename!r} points outside the archive "
                                f"(path traversal); refusing the whole file")
        candidates = sorted((i for i in infos if not i.is_dir() and _member_rank(i) < 9),
                            key=_member_rank)
        for info in candidates[:20]:
            _check_member(info, limits)
            with archive.open(info) as probe:
                head = probe.read(SNIFF_BYTES)
            try:
                sniff(head)
            except ChatError:
                continue
            what = f"zip member {info.filename!r}"
            counted = _Counting(archive.open(info), limits.max_bytes, what)
            try:
                yield counted, head, info.filename
            finally:
                counted.close()
            return
        raise ChatError("zip archive holds no chat (no _chat.txt, WhatsApp .txt or result.json)")


def _resolve_dir(path: Path) -> Path:
    for name in ("result.json", "_chat.txt"):
        if (path / name).is_file():
            return path / name
    raise ChatError("directory has no result.json (Telegram) or _chat.txt (WhatsApp); "
                    "give the export file itself")


@contextmanager
def open_chat(path: Path, limits: Limits) -> Iterator[tuple[Sniffed, io.TextIOWrapper, str]]:
    """Yield (format, decoded text stream, what was opened) for a chat export path."""
    try:
        if path.is_dir():
            path = _resolve_dir(path)
        size = path.stat().st_size
        with path.open("rb") as handle:
            magic = handle.read(4)
    except FileNotFoundError:
        raise ChatError("no such file") from None
    except PermissionError:
        raise ChatError("permission denied") from None
    except OSError as exc:
        raise ChatError(f"cannot read: {exc.strerror or exc}") from None
    try:
        if magic.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            with _open_zip_member(path, limits) as (raw, head, member):
                found = sniff(head)
                yield found, text_stream(raw, found.encoding), member
            return
        if size > limits.max_bytes:
            raise ChatError(f"file is {mb(size)}, over the {mb(limits.max_bytes)} limit "
                            f"(raise --max-size to read it)")
        with path.open("rb") as handle:
            found = sniff(handle.read(SNIFF_BYTES))
            handle.seek(0)
            counted = _Counting(handle, limits.max_bytes, "file")  # it may grow while we read
            yield found, text_stream(counted, found.encoding), path.name
    except zipfile.BadZipFile as exc:
        raise ChatError(f"corrupt zip archive ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ChatError(f"not UTF-8 text ({exc.reason}); chat exports are UTF-8: export the chat "
                        f"again, or convert the file with `iconv -f cp1251 -t utf-8`") from None
    except OSError as exc:
        raise ChatError(f"cannot read: {exc.strerror or exc}") from None
