"""Read messages from arguments, files and stdin, robustly: any bytes in, text or a clear error out.

Real exports arrive as UTF-8 (with or without BOM), UTF-16 from Windows tools, or cp1251 from old
Russian-locale software. Undecodable bytes are replaced and reported, never a traceback; lines are
streamed so a 1 GB file of messages needs constant memory.
"""

from __future__ import annotations

import codecs
import io
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

SNIFF = 8192


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
    """Lone surrogates (from invalid UTF-8 in argv or JSON escapes) -> U+FFFD, so output can encode."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return len(head) > 0 and controls / len(head) > 0.1


def _open(path: Path) -> tuple[BinaryIO | None, str | None]:
    if str(path) == "-":
        return sys.stdin.buffer, None
    try:
        if path.is_dir():
            return None, "is a directory (give a file)"
        return path.open("rb"), None
    except FileNotFoundError:
        return None, "no such file"
    except PermissionError:
        return None, "permission denied"
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"


def read_whole(path: Path, name: str) -> Message:
    """A file (or `-` for stdin) as one message."""
    handle, problem = _open(path)
    if handle is None:
        return Message(name, error=problem)
    try:
        data = handle.read()
    except OSError as exc:
        return Message(name, error=f"cannot read: {exc.strerror or exc}")
    finally:
        if str(path) != "-":
            handle.close()
    if _looks_binary(data[:SNIFF]):
        return Message(name, error="binary data, not text")
    text, note = decode_bytes(data)
    if not text.strip():
        return Message(name, error="empty input")
    return Message(name, text, note=note)


def iter_lines(path: Path, name: str) -> Iterator[Message]:
    """Each non-empty line of a file (or stdin) as one message, streamed."""
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
        stream: Iterator[bytes] | Iterator[str]
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            stream = io.TextIOWrapper(handle, encoding="utf-16", errors="replace", newline=None)
        else:
            stream = iter(handle)
        seen = 0
        for lineno, raw in enumerate(stream, 1):
            note: str | None = None
            if isinstance(raw, bytes):
                data = raw[3:] if lineno == 1 and raw.startswith(codecs.BOM_UTF8) else raw
                text, note = decode_bytes(data)
            else:
                text = str(raw)
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            seen += 1
            label = str(lineno) if is_stdin else f"{name}:{lineno}"
            yield Message(label, text, note=note)
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
