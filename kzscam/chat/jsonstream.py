"""Incremental reading of one huge JSON document (a Telegram export) in bounded memory.

`json.load` would hold a 1 GB `result.json` (several GB as Python objects). Here the outer
objects and arrays are walked token by token and only one inner value at a time (one message) is
decoded with `json.JSONDecoder.raw_decode`, over a sliding buffer that never grows beyond that
value plus one read. Errors name the character offset and say whether the file is truncated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from kzscam.chat.model import ChatError, mb

_CHUNK = 1 << 16
_WS = " \t\r\n"
_TAIL = 12  # an error this close to the buffer's end may be a token cut by the read
MAX_DEPTH = 100  # Telegram nests 4 deep; deeper is hostile (and would exhaust the stack)
MAX_INT_DIGITS = 4000  # below Python's int-conversion limit (4300 digits)


def _int(digits: str) -> int | str:
    """Huge integers (ids, counters) are kept as text instead of failing the whole export."""
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


_DECODER = json.JSONDecoder(parse_int=_int)


class JsonStream:
    """A cursor over a JSON text stream: walk containers, decode leaf values one at a time."""

    def __init__(self, stream: TextIO, max_value_chars: int) -> None:
        self._stream = stream
        self._max = max_value_chars
        self._buf = ""
        self._pos = 0
        self._base = 0  # characters dropped before _buf
        self._eof = False

    @property
    def offset(self) -> int:
        return self._base + self._pos

    def _fill(self, want: int = _CHUNK) -> bool:
        if self._eof:
            return False
        if self._pos > len(self._buf) // 2:
            self._base += self._pos
            self._buf = self._buf[self._pos :]
            self._pos = 0
        data = self._stream.read(max(want, _CHUNK))
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    def _truncated(self, what: str) -> ChatError:
        return ChatError(f"truncated JSON: the file ends early (reading {what}, at character "
                         f"{self.offset}); the export is incomplete, export the chat again")

    def _too_deep(self, what: str) -> ChatError:
        return ChatError(f"invalid JSON at character {self.offset}: {what} is nested too deeply "
                         "(hostile or corrupt JSON, not a Telegram export)")

    def _error(self, what: str) -> ChatError:
        if self._eof and self._pos >= len(self._buf.rstrip(_WS)):
            return self._truncated(what)
        return ChatError(f"invalid JSON at character {self.offset}: expected {what}")

    def peek(self) -> str:
        """The next non-blank character ('' at the end of the document)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WS:
                self._pos += 1
            if self._pos < len(self._buf) or not self._fill():
                return self._buf[self._pos] if self._pos < len(self._buf) else ""

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self._error(what)
        self._pos += 1

    def value(self, what: str = "a value") -> Any:
        """Decode the next complete value; reads more only while the value is incomplete."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except RecursionError:
                raise self._too_deep(what) from None
            except json.JSONDecodeError as exc:
                # The buffer may end inside a string, a \uXXXX escape or a literal: read on.
                incomplete = (exc.pos >= len(self._buf) - _TAIL or exc.msg.startswith("Unterminated"))
                if not incomplete:
                    raise ChatError(f"invalid JSON at character {self._base + exc.pos}: "
                                    f"{exc.msg}") from None
                if len(self._buf) - self._pos > self._max:
                    raise ChatError(f"{what} at character {self.offset} is larger than "
                                    f"{mb(self._max)}") from None
                # Incomplete so far (or invalid): read as much again, then retry (amortised O(n)).
                if not self._fill(len(self._buf) - self._pos):
                    raise self._truncated(what) from None
                continue
            # A number or literal cut by the buffer's end may look complete: make sure it is not.
            if end == len(self._buf) and not self._eof and self._fill():
                continue
            self._pos = end
            return value

    def items(self, what: str) -> Iterator[str]:
        """Walk an object: yields each key; the caller must consume its value before the next."""
        self.expect("{", f"an object ({what})")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value(f"a key in {what}")
            if not isinstance(key, str):
                raise self._error(f"a string key in {what}")
            self.expect(":", f"':' after {key!r} in {what}")
            yield key
            sep = self.peek()
            self._pos += 1
            if sep == "}":
                return
            if sep != ",":
                self._pos -= 1
                raise self._error(f"',' or '}}' in {what}")

    def elements(self, what: str) -> Iterator[None]:
        """Walk an array: yields once per element, which the caller must consume."""
        self.expect("[", f"a list ({what})")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield None
            sep = self.peek()
            self._pos += 1
            if sep == "]":
                return
            if sep != ",":
                self._pos -= 1
                raise self._error(f"',' or ']' in {what}")

    def skip(self, what: str, depth: int = 0) -> None:
        """Step over a value of any size without decoding it whole."""
        first = self.peek()
        if first in "{[" and depth >= MAX_DEPTH:
            raise self._too_deep(what)
        if first == "{":
            for key in self.items(what):
                self.skip(f"{what}.{key}", depth + 1)
        elif first == "[":
            for _ in self.elements(what):
                self.skip(what, depth + 1)
        else:
            self.value(what)
