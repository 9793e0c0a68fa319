"""Read one member of an untrusted zip in memory, with limits; never extract anything.

A WhatsApp export zip holds the chat text next to photos and videos; only the text member is read,
through a stream that counts what comes out. Before Python's `zipfile` parses the central directory
(which it keeps in memory), the end-of-directory record is read, the way `zipfile` reads it, to
refuse archives that claim absurd member counts or directory sizes. Names that climb out of a
folder (``../``, ``/etc``, ``C:``) refuse the whole archive: a real export never has them. Every
error `zipfile` and the decompressors raise on corrupt data (zlib, LZMA, bz2, unknown methods,
impossible offsets) becomes one `ChatError`, when the archive is opened and while it is read.
"""

from __future__ import annotations

import io
import lzma
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

from kzscam.chat.model import ChatError, Limits, mb, one_line

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
# Bytes of central directory `zipfile` may hold as ZipInfo objects (it walks the directory by its
# size, not its claimed member count): 16 MB is 100,000 members with 110-character names.
MAX_DIRECTORY = 16 << 20
PROBE_BYTES = 64 << 10

# What `zipfile` and the decompressors raise on hostile bytes: bad structures (BadZipFile,
# struct.error, ValueError/TypeError/OverflowError from impossible offsets, negative seeks),
# corrupt streams (zlib.error, LZMAError, EOFError; bz2 raises OSError), unsupported methods
# (NotImplementedError) and encryption flags set only in some headers (RuntimeError).
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, OSError,
    ValueError, TypeError, OverflowError, IndexError, struct.error, RuntimeError)


def zip_problem(exc: BaseException, what: str = "zip archive") -> str:
    """One line for an error met inside a zip (its members' data or its structure)."""
    if isinstance(exc, ChatError):
        return str(exc)
    detail = one_line(str(exc)) or type(exc).__name__
    if isinstance(exc, NotImplementedError):
        return (f"{what} uses a compression method kzscam cannot read ({detail}); "
                f"export the chat again")
    if isinstance(exc, (zlib.error, lzma.LZMAError, EOFError)) or (
            isinstance(exc, OSError) and not exc.errno):  # bz2's "Invalid data stream"
        return f"{what} has corrupt compressed data ({detail})"
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or detail}"
    if isinstance(exc, zipfile.BadZipFile):
        return f"corrupt zip archive ({detail})"
    return f"corrupt zip archive ({type(exc).__name__}: {detail})"


class Readable(Protocol):
    """What Counting reads from: a binary file, a zip member, a pipe with its head put back."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class Counting(io.RawIOBase):
    """Passes bytes through and stops the read once more than `limit` bytes came out.

    `close_inner=False` leaves the wrapped stream open (standard input belongs to the caller).
    """

    def __init__(self, inner: Readable, limit: int, what: str, *,
                 close_inner: bool = True) -> None:
        self._inner, self._limit, self._what, self.count = inner, limit, what, 0
        self._close_inner = close_inner

    def readable(self) -> bool:
        return True

    def _read(self, size: int) -> bytes:
        return self._inner.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._read(len(buffer))
        self.count += len(data)
        if self.count > self._limit:
            raise ChatError(f"{self._what} is larger than {mb(self._limit)} "
                            f"(raise --max-size to read it)")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._close_inner:
            self._inner.close()
        super().close()


class _Member(Counting):
    """A zip member's stream: corrupt compressed data midway is a ChatError like any other."""

    def _read(self, size: int) -> bytes:
        try:
            return self._inner.read(size)
        except ZIP_ERRORS as exc:
            raise ChatError(zip_problem(exc, self._what)) from None


def directory_size(source: Path | IO[bytes]) -> tuple[int, int]:
    """(member count, central directory bytes) as `zipfile` will read them from the end records."""
    if isinstance(source, Path):
        with source.open("rb") as opened:
            return directory_size(opened)
    fh = source
    fh.seek(0, 2)
    start = max(0, fh.tell() - (1 << 16) - 22)
    fh.seek(start)
    tail = fh.read()
    if len(tail) >= 22 and tail[-22:-18] == _EOCD and tail[-2:] == b"\0\0":
        pos = len(tail) - 22  # no comment: zipfile looks here first
    else:
        pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        raise ChatError("not a valid zip archive (no end-of-directory record)")
    count, size = struct.unpack("<HI", tail[pos + 10 : pos + 16])
    eocd = start + pos
    if eocd >= 20 + 56:  # zipfile takes the zip64 records right before the end record
        fh.seek(eocd - 20)
        if fh.read(4) == _EOCD64_LOCATOR:
            fh.seek(eocd - 20 - 56)
            record = fh.read(56)
            if len(record) == 56 and record[:4] == _EOCD64:
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


def _find_member(archive: zipfile.ZipFile, limits: Limits,
                 accept: Callable[[bytes], bool]) -> tuple[zipfile.ZipInfo, bytes]:
    infos = archive.infolist()
    bad = next((i.filename for i in infos if unsafe_name(i.filename)), None)
    if bad is not None:
        raise ChatError(f"unsafe zip: member {bad!r} points outside the archive "
                        f"(path traversal); refusing the whole file")
    candidates = sorted((i for i in infos if not i.is_dir() and member_rank(i) < 9),
                        key=member_rank)
    for info in candidates[:20]:
        check_member(info, limits)
        try:
            with archive.open(info) as probe:
                head = probe.read(PROBE_BYTES)
        except ZIP_ERRORS as exc:
            raise ChatError(zip_problem(exc, f"zip member {info.filename!r}")) from None
        if accept(head):
            return info, head
    raise ChatError("zip archive holds no chat (no _chat.txt, WhatsApp .txt or result.json)")


@contextmanager
def open_member(fh: IO[bytes], limits: Limits,
                accept: Callable[[bytes], bool]) -> Iterator[tuple[Counting, bytes, str]]:
    """Yield (counted stream, first bytes, name) of the first member whose head `accept`s.

    `fh` must be seekable (a file, or a pipe's bytes buffered in memory).
    """
    with ExitStack() as stack:
        # Only the parsing of hostile bytes sits inside `except ZIP_ERRORS`: a bug in kzscam's
        # own choice of member must surface, not pass for a corrupt archive.
        try:
            count, size = directory_size(fh)
            if count > limits.max_zip_members:
                raise ChatError(f"zip claims {count} members, over the limit of "
                                f"{limits.max_zip_members}")
            if size > MAX_DIRECTORY:
                raise ChatError(f"zip directory is {mb(size)}, over the limit of "
                                f"{mb(MAX_DIRECTORY)}")
            archive = stack.enter_context(zipfile.ZipFile(fh))
        except ZIP_ERRORS as exc:
            raise ChatError(zip_problem(exc)) from None
        info, head = _find_member(archive, limits, accept)
        what = f"zip member {info.filename!r}"
        try:
            member = archive.open(info)
        except ZIP_ERRORS as exc:
            raise ChatError(zip_problem(exc, what)) from None
        counted = stack.enter_context(_Member(member, limits.max_bytes, what))
        yield counted, head, info.filename
