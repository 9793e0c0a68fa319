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
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kzscam.chat.model import ChatError, Limits, mb
from kzscam.chat.safezip import Counting, open_member
from kzscam.chat.whatsapp import looks_like_whatsapp

SNIFF_BYTES = 64 << 10  # the same as safezip.PROBE_BYTES: a zip member's head is sniffed alike
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
            with open_member(path, limits, _is_chat) as (raw, head, member):
                found = sniff(head)
                yield found, text_stream(raw, found.encoding), member
            return
        if size > limits.max_bytes:
            raise ChatError(f"file is {mb(size)}, over the {mb(limits.max_bytes)} limit "
                            f"(raise --max-size to read it)")
        with path.open("rb") as handle:
            found = sniff(handle.read(SNIFF_BYTES))
            handle.seek(0)
            counted = Counting(handle, limits.max_bytes, "file")  # it may grow while we read
            yield found, text_stream(counted, found.encoding), path.name
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
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
