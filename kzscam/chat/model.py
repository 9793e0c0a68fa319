"""What the chat readers produce: one `ChatMessage` per message, or a `ChatError`.

Readers are streaming generators, so a chat of any length is read in constant memory; `Limits`
bounds everything an export could blow up (file size, one message's size, zip members).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Message kinds. Only TEXT messages go through the text rules; the others are kept for context.
TEXT = "text"
MEDIA = "media"  # a photo, voice note, sticker... (the export has a placeholder or a file name)
SERVICE = "service"  # "X created the group", calls, pins, encryption notices
DELETED = "deleted"
# Text the reader could not place in a message (lines before the first message line, as a backup
# tool or an edited or merged file may have): checked by the text rules like a message, but with
# no sender, date or place in the conversation, and not counted as a message.
UNPLACED = "unplaced"


class ChatError(Exception):
    """An export cannot be read; the message is one line naming the problem (exit code 3)."""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a chat export, in the order of the export.

    `date` is ISO 8601 local time as the export states it (``2026-11-20T10:15:03``), or the raw
    text when it cannot be parsed; `index` counts messages from 1 in the export. An UNPLACED
    text has the index of the message before it (0 before the first) and its first `line`.
    """

    index: int
    date: str
    sender: str
    text: str
    kind: str = TEXT
    forwarded_from: str | None = None
    chat: str | None = None  # which chat, in a whole-account Telegram export
    truncated: bool = False
    line: int = 0  # the export's line number where an UNPLACED text starts

    @property
    def position(self) -> tuple[int, int]:
        """Where it stands in the export: unplaced text sorts after the message it follows."""
        return (self.index, self.line)


@dataclass
class ReadNotes:
    """What a reader could not place (lines before the first message), for the report."""

    shown: int = 5
    count: int = 0
    first: list[int] = field(default_factory=list)

    def unplaced(self, line: int) -> None:
        self.count += 1
        if len(self.first) < self.shown:
            self.first.append(line)


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted exports; every one of them ends in a clear ChatError when exceeded."""

    max_bytes: int = 256 << 20  # the chat text itself (a file, or a zip member uncompressed)
    # Messages are checked whole up to this size (the text engine is linear); a longer one is cut
    # and its report is never "safe" (CHAT-CUT-001). WhatsApp itself allows 65,536 characters.
    max_message_chars: int = 8 << 20
    max_json_value_chars: int = 8 << 20  # one Telegram message object
    max_zip_members: int = 100_000
    max_zip_ratio: int = 200  # uncompressed / compressed; plain text rarely passes 20
    zip_ratio_floor: int = 10 << 20  # the ratio check applies above this uncompressed size
    # A named pipe with no writer yet: wait this long for one to connect, then give up (opening
    # it the ordinary way would block forever).
    fifo_wait_seconds: float = 30.0


def mb(n: int) -> str:
    """Human size for error messages."""
    return f"{n / (1 << 20):.0f} MB" if n >= 1 << 20 else f"{n} bytes"


def one_line(text: str) -> str:
    """Library error texts squeezed onto one line (errors are one line on stderr)."""
    return " ".join(text.split())


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Lone surrogates (JSON "\\udc00") -> U+FFFD: they cannot be printed or encoded as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)
