"""Open a chat export safely and tell its format from the content, not the file name.

Inputs: a Telegram Desktop `result.json` (or the export folder holding it), a WhatsApp `.txt`, or
the `.zip` WhatsApp shares (Android: `WhatsApp Chat with X.txt` plus media; iOS: `_chat.txt`),
from a file, a pipe (``<(…)``, a named FIFO) or standard input (``-``). Every input is opened once
and read once: a pipe cannot be read twice, so its head is sniffed and then streamed on, and a
zip arriving through a pipe is held in memory (bounded by `Limits.max_bytes`) because reading a
zip needs random access. Zip members are read in memory through a size-counting stream, never
extracted, so a hostile archive can neither write outside a folder nor fill the disk or memory.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import select
import stat
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kzscam.chat.model import ChatError, Limits, mb
from kzscam.chat.safezip import Counting, open_member
from kzscam.chat.whatsapp import looks_like_whatsapp

SNIFF_BYTES = 64 << 10  # the same as safezip.PROBE_BYTES: a zip member's head is sniffed alike
STDIN = "-"
TELEGRAM = "telegram"
WHATSAPP = "whatsapp"
UNKNOWN_FORMAT = ("not a recognised chat export: expected a Telegram Desktop result.json "
                  "(machine-readable JSON), a WhatsApp .txt or the .zip WhatsApp shares")
_JSON_ARRAY = re.compile(r'\[\s*(?:[\[{"\]]|-?\d+(?:\.\d+)?\s*[,\]]|true\b|false\b|null\b)')
_BRACKETED_STAMP = re.compile(r"\[\s*\d{1,4}\W{1,3}\d{1,4}")  # "[3/6/18 ...", "[2018-06-13 ..."
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 1 << 20
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # absent on Windows, which has no FIFOs either
_O_BINARY = getattr(os, "O_BINARY", 0)

Opened = tuple["Sniffed", io.TextIOWrapper, str]


@dataclass(frozen=True)
class Sniffed:
    """The detected format, the text encoding, and the decoded head (used to guess date order)."""

    fmt: str
    encoding: str
    head: str


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
    if _JSON_ARRAY.match(stripped):
        raise ChatError("a JSON array, not a Telegram export (result.json is one JSON object)")
    if _BRACKETED_STAMP.match(stripped):
        first = stripped.splitlines()[0][:60]
        raise ChatError(f"looks like a WhatsApp iPhone export, but its date and time format is "
                        f"not one kzscam knows (first line starts {first!r})")
    raise ChatError(UNKNOWN_FORMAT)


def text_stream(raw: io.RawIOBase, encoding: str) -> io.TextIOWrapper:
    """Decode strictly: a wrong encoding is an error, not silently replaced characters."""
    return io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, errors="strict",
                            newline=None)


def _is_chat(head: bytes) -> bool:
    try:
        sniff(head)
    except ChatError:
        return False
    return True


def _resolve_dir(path: Path) -> Path:
    for name in ("result.json", "_chat.txt"):
        if (path / name).is_file():
            return path / name
    raise ChatError("directory has no result.json (Telegram) or _chat.txt (WhatsApp); "
                    "give the export file itself")


def read_up_to(fh: IO[bytes], limit: int) -> bytes:
    """At most `limit` bytes, in chunks (a pipe returns short reads; no `limit`-sized buffer)."""
    parts: list[bytes] = []
    got = 0
    while got < limit:
        data = fh.read(min(_CHUNK, limit - got))
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


class _Prefixed:
    """The bytes already read from a pipe to sniff it, then the rest of the pipe."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest = head, rest

    def read(self, size: int = -1, /) -> bytes:
        if self._head:
            size = len(self._head) if size < 0 else size
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)

    def close(self) -> None:
        """The pipe belongs to whoever opened it."""


def _not_a_file(mode: int) -> str | None:
    """Why an input of this type is refused (devices would block or never end), or None."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return ("a device, not a chat export file (give the export itself, or pipe it into "
                "`kzscam check-chat -`)")
    if stat.S_ISSOCK(mode):
        return "a socket, not a chat export file"
    return None


def _first_from_fifo(fd: int, wait: float) -> bytes:
    """First bytes of a pipe opened non-blocking; waits at most `wait` s for a writer to come.

    A read that finds no writer returns end-of-file at once; a named pipe's writer may not have
    started yet, so wait for one (Linux reports neither data nor hang-up until one connected).
    """
    try:
        first = os.read(fd, SNIFF_BYTES)
    except BlockingIOError:
        return b""  # a writer is connected and has not written yet: block from now on
    if first:
        return first
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        raise ChatError(f"named pipe: no program wrote to it within {wait:g} s (start the "
                        f"writer first, or pipe the export into `kzscam check-chat -`)")
    try:
        return os.read(fd, SNIFF_BYTES)
    except BlockingIOError:
        return b""


def _open_path(path: Path, limits: Limits) -> tuple[IO[bytes], bool, bytes]:
    """(binary handle, is it a pipe, bytes already read from it): each input is opened once."""
    try:
        if path.is_dir():
            path = _resolve_dir(path)
        refused = _not_a_file(path.stat().st_mode)  # stat, unlike open, never blocks
        if refused:
            raise ChatError(refused)
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY)
    except FileNotFoundError:
        raise ChatError("no such file") from None
    except PermissionError:
        raise ChatError("permission denied") from None
    except OSError as exc:
        raise ChatError(f"cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode  # what was opened, should the path have changed since
        refused = _not_a_file(mode)
        if refused:
            raise ChatError(refused)
        pipe = stat.S_ISFIFO(mode)
        first = _first_from_fifo(fd, limits.fifo_wait_seconds) if pipe else b""
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), pipe, first
    except BaseException:
        os.close(fd)
        raise


def _chat_in_zip(fh: IO[bytes], limits: Limits, stack: ExitStack) -> Opened:
    raw, head, member = stack.enter_context(open_member(fh, limits, _is_chat))
    found = sniff(head)
    return found, text_stream(raw, found.encoding), member


def _open_file(fh: IO[bytes], limits: Limits, name: str, stack: ExitStack) -> Opened:
    """A regular file: seekable, so its size is checked up front and a zip is read in place."""
    if fh.read(4).startswith(_ZIP_MAGIC):
        fh.seek(0)
        return _chat_in_zip(fh, limits, stack)
    size = os.fstat(fh.fileno()).st_size
    if size > limits.max_bytes:
        raise ChatError(f"file is {mb(size)}, over the {mb(limits.max_bytes)} limit "
                        f"(raise --max-size to read it)")
    fh.seek(0)
    found = sniff(read_up_to(fh, SNIFF_BYTES))
    fh.seek(0)
    counted = Counting(fh, limits.max_bytes, "file", close_inner=False)  # it may grow meanwhile
    return found, text_stream(counted, found.encoding), name


def _open_stream(fh: IO[bytes], first: bytes, limits: Limits, what: str,
                 stack: ExitStack) -> Opened:
    """A pipe or standard input: read once; a zip is buffered (bounded), text is streamed."""
    head = first + read_up_to(fh, SNIFF_BYTES - len(first))
    if head.startswith(_ZIP_MAGIC):
        data = head + read_up_to(fh, limits.max_bytes + 1 - len(head))
        if len(data) > limits.max_bytes:
            raise ChatError(f"{what} holds a zip larger than {mb(limits.max_bytes)} (a zip "
                            f"read from a pipe is kept in memory; raise --max-size, or give "
                            f"the file's path)")
        return _chat_in_zip(io.BytesIO(data), limits, stack)
    found = sniff(head)
    counted = Counting(_Prefixed(head, fh), limits.max_bytes, what, close_inner=False)
    return found, text_stream(counted, found.encoding), what


@contextmanager
def open_chat(path: Path, limits: Limits, stdin: IO[bytes] | None = None) -> Iterator[Opened]:
    """Yield (format, decoded text stream, what was opened) for a chat export.

    With `stdin` given, the path ``-`` reads it (left open: it belongs to the caller).
    """
    with ExitStack() as stack:
        if stdin is not None and str(path) == STDIN:
            if stdin.isatty():
                raise ChatError("standard input is a terminal: pipe an export into kzscam, "
                                "or give its path")
            fh, pipe, first, what = stdin, True, b"", "standard input"
        else:
            fh, pipe, first = _open_path(Path(path), limits)
            stack.callback(fh.close)
            what = "pipe" if pipe else "file"
        try:  # reading errors in the caller's loop over the stream, too
            if pipe:
                yield _open_stream(fh, first, limits, what, stack)
            else:
                yield _open_file(fh, limits, Path(path).name, stack)
        except (UnicodeDecodeError, OSError, zipfile.BadZipFile) as exc:
            raise ChatError(read_problem(exc)) from None


def read_problem(exc: Exception) -> str:
    """One line for an error met while reading an export (also midway through it)."""
    if isinstance(exc, zipfile.BadZipFile):
        return f"corrupt zip archive ({exc})"
    if isinstance(exc, UnicodeDecodeError):
        return (f"not UTF-8 text ({exc.reason}); chat exports are UTF-8: export the chat again, "
                f"or convert the file with `iconv -f cp1251 -t utf-8`")
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)
