"""Read messages from arguments, files and stdin, robustly: any bytes in, text or a clear error out.

Real exports arrive as UTF-8 (with or without BOM), UTF-16 from Windows tools, or cp1251 from old
Russian-locale software. Undecodable bytes are replaced and reported, never a traceback; lines are
streamed so a 1 GB file of messages needs constant memory. Everything is read in bounded chunks up
to a size limit (one message, one line), and binary data is recognised from its first bytes, so
`/dev/zero` or a 2 GB file costs no more memory than the limit.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from kzscam.config import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_LINE_BYTES, format_size

SNIFF = 8192
CHUNK = 1 << 16


class Message(NamedTuple):
    """One message to check, or the reason it could not be read."""

    name: str
    text: str = ""
    error: str | None = None
    note: str | None = None  # e.g. "decoded as cp1251", reported on stderr
    extra: Mapping[str, Any] | None = None  # --jsonl-field: the other fields, passed through


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode a whole message; returns text and a note when it was not clean UTF-8.

    A stray invalid byte in otherwise valid UTF-8 must not turn Cyrillic into cp1251 mojibake (and
    hide a scam): cp1251 is chosen only when the bytes do not look like UTF-8 at all.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "decoded as UTF-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    multibyte = sum(1 for c in replaced if ord(c) > 127 and c != "\ufffd")
    if multibyte >= bad * 4 or bad <= max(1, len(data) // 200):
        return replaced, f"invalid UTF-8: {bad} undecodable byte sequence(s) replaced"
    try:
        return data.decode("cp1251"), "not UTF-8; decoded as cp1251"
    except UnicodeDecodeError:
        return replaced, "invalid UTF-8; undecodable bytes replaced"


def clean_surrogates(text: str) -> str:
    """Lone surrogates (from invalid UTF-8 in argv or JSON escapes) -> U+FFFD, so output can encode.

    One U+FFFD per surrogate: a surrogate is one code point, and the text keeps its length.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        import re

        return re.sub("[\ud800-\udfff]", "\ufffd", text)


def _looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return len(head) > 0 and controls / len(head) > 0.1


def too_big(limit: int) -> str:
    """The error for a message over the size limit, naming how to raise it."""
    return f"larger than the {format_size(limit)} limit for one message (--max-bytes)"


def line_too_long(limit: int) -> str:
    """The error for a line over the per-line limit, naming how to raise it."""
    return f"line longer than the {format_size(limit)} limit (--max-line-bytes)"


def over_limit(text: str, limit: int) -> bool:
    """Is `text` more than `limit` bytes in UTF-8? Cheap for the usual short message."""
    if len(text) * 4 <= limit:
        return False
    return len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit


def _open(path: Path) -> tuple[BinaryIO | None, str | None]:
    if str(path) == "-":
        if sys.stdin is None:
            return None, "stdin is closed"
        return sys.stdin.buffer, None
    try:
        if path.is_dir():
            return None, "is a directory (give a file)"
        # Non-blocking open, then blocking reads: a named pipe nobody writes to reads as empty
        # at once instead of hanging the batch (`<(zcat ...)` has its writer and reads as usual).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), None
    except FileNotFoundError:
        return None, "no such file"
    except PermissionError:
        return None, "permission denied"
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"


def read_whole(path: Path, name: str, limit: int = DEFAULT_MAX_INPUT_BYTES) -> Message:
    """A file (or `-` for stdin) as one message, at most `limit` bytes.

    The first bytes decide "binary" before anything else is read, and the rest comes in chunks
    that stop one byte past the limit: memory is bounded by the limit, whatever the input is.
    """
    handle, problem = _open(path)
    if handle is None:
        return Message(name, error=problem)
    try:
        head = handle.read(min(SNIFF, limit + 1))
        if _looks_binary(head):
            return Message(name, error="binary data, not text")
        parts, size = [head], len(head)
        while size <= limit:
            block = handle.read(min(CHUNK, limit + 1 - size))
            if not block:
                break
            parts.append(block)
            size += len(block)
    except OSError as exc:
        return Message(name, error=f"cannot read: {exc.strerror or exc}")
    finally:
        if str(path) != "-":
            handle.close()
    if size > limit:
        return Message(name, error=too_big(limit))
    text, note = decode_bytes(b"".join(parts))
    if not text.strip():
        return Message(name, error="empty input")
    return Message(name, text, note=note)


def _skip_rest_of_line(stream: Any) -> None:
    """Read past the end of an over-long line in bounded pieces."""
    while True:
        block = stream.readline(CHUNK)
        if not block or block.endswith("\n" if isinstance(block, str) else b"\n"):
            return


def iter_lines(path: Path, name: str, limit: int = DEFAULT_MAX_LINE_BYTES,
               on_blank: Callable[[int], None] | None = None) -> Iterator[Message]:
    """Each non-empty line of a file (or stdin) as one message, streamed.

    Blank lines are no messages; `on_blank` learns how many were skipped once the input ends,
    so the command can say so.

    A line over `limit` bytes (UTF-16: `limit / 2` characters) is an error for that line only; it
    is skipped in bounded pieces, never held whole, and the next line is read as usual.
    """
    handle, problem = _open(path)
    if handle is None:
        yield Message(name, error=problem)
        return
    is_stdin = str(path) == "-"
    try:
        head = handle.peek(SNIFF)[:SNIFF] if hasattr(handle, "peek") else b""
        if _looks_binary(head):
            yield Message(name, error="binary data, not text")
            return
        stream: Any = handle
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            stream = io.TextIOWrapper(handle, encoding="utf-16", errors="replace", newline=None)
            limit_units = max(1, limit // 2)
        else:
            limit_units = limit
        seen = lineno = blank = 0
        while True:
            raw = stream.readline(limit_units + 2)  # the line and its \r\n, if it fits
            if not raw:
                break
            lineno += 1
            label = str(lineno) if is_stdin else f"{name}:{lineno}"
            newline = "\n" if isinstance(raw, str) else b"\n"
            if len(raw.rstrip("\r\n" if isinstance(raw, str) else b"\r\n")) > limit_units:
                if not raw.endswith(newline):
                    _skip_rest_of_line(stream)
                seen += 1
                yield Message(label, error=line_too_long(limit))
                continue
            note: str | None = None
            if isinstance(raw, bytes):
                data = raw[3:] if lineno == 1 and raw.startswith(codecs.BOM_UTF8) else raw
                text, note = decode_bytes(data)
            else:
                text = raw
            text = text.rstrip("\r\n")
            if not text.strip():
                blank += 1
                continue
            seen += 1
            yield Message(label, text, note=note)
        if blank and on_blank is not None:
            on_blank(blank)
        if seen == 0:
            yield Message(name, error="empty input")
    except OSError as exc:
        yield Message(name, error=f"cannot read: {exc.strerror or exc}")
    finally:
        if not is_stdin:
            handle.close()


def from_jsonl(messages: Iterator[Message], field_name: str) -> Iterator[Message]:
    """Lines that are JSON objects: the message is `field_name`, other fields pass through."""
    for msg in messages:
        if msg.error is not None:
            yield msg
            continue
        try:
            obj = json.loads(msg.text, parse_constant=_no_constants)
        except json.JSONDecodeError as exc:
            yield Message(msg.name, error=f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except (ValueError, RecursionError) as exc:  # NaN, 5000-digit numbers, 100,000-deep nesting
            problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            yield Message(msg.name, error=f"invalid JSON: {problem}")
            continue
        if not isinstance(obj, dict):
            yield Message(msg.name, error="JSON line is not an object")
            continue
        value = obj.get(field_name)
        if not isinstance(value, str):
            yield Message(msg.name, error=f"field {field_name!r} missing or not a string")
            continue
        name = str(obj["id"]) if "id" in obj and obj["id"] is not None else msg.name
        rest = {k: v for k, v in obj.items() if k != field_name}
        yield Message(clean_surrogates(name), clean_surrogates(value), note=msg.note,
                      extra={"passthrough": rest} if rest else {})


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")
