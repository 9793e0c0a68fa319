"""WhatsApp chat exports (`.txt`): Android and iOS line formats, any locale, streamed.

Android: ``21.11.2026, 14:05 - Name: text`` (ru/kk), ``21/11/2026, 14:05 - Name: text`` (en-GB),
``11/21/26, 2:05 PM - Name: text`` (en-US; since CLDR 42 a U+202F narrow space before PM).
iOS: ``[21.11.2026, 14:05:33] Name: text``. Lines without a timestamp continue the previous
message. System lines have no ``Name:`` (Android) or start with U+200E after it (iOS); media are
placeholders such as ``<Media omitted>`` / ``<Без медиафайлов>`` (any ``<...>`` body, so locales
we have not seen work too), ``IMG-...jpg (file attached)`` or iOS ``‎image omitted``.
Dates are read day-first or month-first as the export's own head shows (a field over 12 decides;
dots mean day-first; a 12-hour clock with slashes means en-US month-first).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

from kzscam.chat.model import DELETED, MEDIA, SERVICE, TEXT, ChatMessage, Limits

_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
# AM/PM in en (also a.m./p.m.) and kk CLDR (ТД = түске дейін, ТК = түстен кейін); the space
# before it is a plain, no-break or narrow no-break space depending on the Android version.
_AMPM = r"(?:[ \u00a0\u202f]?(?P<ampm>[AaPp]\.?[Mm]\.?|ТД|ТК|дп|пп))?"
ANDROID = re.compile(rf"^\u200e?{_DATE},? {_TIME}{_AMPM} [-–] (?P<body>.*)$")
IOS = re.compile(rf"^\u200e?\[{_DATE},? {_TIME}{_AMPM}\] (?P<body>.*)$")
_SENDER = re.compile(r"^(?P<sender>[^\n]{1,80}?): (?P<text>.*)$", re.S)
_PLACEHOLDER = re.compile(r"^<[^<>\n]{1,80}>$")  # <Media omitted>, <Без медиафайлов>, <attached: x>
_ATTACHED = re.compile(r"^\S[^\n]*\.\w{2,5} \([^()\n]{3,40}\)$")  # "IMG-1.jpg (file attached)"
_IOS_OMITTED = re.compile(r"^(?:image|video|audio|sticker|gif|document|contact card) omitted$|"
                          r"^(?:изображение|видео|аудиофайл|стикер|gif|документ)\s+\w+$", re.I)
_EDITED = re.compile(r"\s*<(?:This message was edited|Сообщение изменено|Хабар өзгертілді)>$")
_DELETED = {
    "this message was deleted", "you deleted this message", "данное сообщение удалено",
    "вы удалили данное сообщение", "это сообщение удалено", "бұл хабар жойылды",
    "сіз бұл хабарды жойдыңыз",
}
_QUOTES = set("\"“”«»")


def looks_like_whatsapp(head: str) -> bool:
    """True when one of the first lines carries a WhatsApp timestamp prefix."""
    lines = [ln for ln in head.splitlines()[:60] if ln.strip()]
    return any(ANDROID.match(ln) or IOS.match(ln) for ln in lines[:60])


def date_order(head: str) -> str:
    """'dmy' or 'mdy' for this export, decided from the timestamps in its head."""
    first_big = second_big = dots = ampm = False
    for line in head.splitlines()[:2000]:
        m = ANDROID.match(line) or IOS.match(line)
        if not m:
            continue
        a, b, _c = re.split(r"[./-]", m.group("date"))
        first_big |= len(a) <= 2 and int(a) > 12
        second_big |= int(b) > 12
        dots |= "." in m.group("date")
        ampm |= m.group("ampm") is not None
    if first_big:
        return "dmy"
    if second_big:
        return "mdy"
    return "mdy" if ampm and not dots else "dmy"


def iso_date(date: str, time: str, ampm: str | None, order: str) -> str:
    """``21.11.26`` + ``2:05`` + ``PM`` -> ``2026-11-21T14:05:00``; the raw text if invalid."""
    raw = f"{date} {time}{' ' + ampm if ampm else ''}"
    try:
        fields = re.split(r"[./-]", date)
        a, b, c = (int(x) for x in fields)
        if len(fields[0]) == 4:
            year, month, day = a, b, c
        else:
            day, month, year = (a, b, c) if order == "dmy" else (b, a, c)
        year += 2000 if year < 100 else 0
        parts = [int(x) for x in re.split(r"[:.]", time)] + [0]
        hour, minute, second = parts[0], parts[1], parts[2]
        if ampm:
            pm = ampm.lower().startswith("p") or ampm in ("ТК", "пп")
            hour = hour % 12 + (12 if pm else 0)
        if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 60):
            return raw
        return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    except (ValueError, IndexError):
        return raw


def classify(body: str, ios: bool) -> tuple[str, str, str]:
    """A line's body -> (sender, text, kind)."""
    m = _SENDER.match(body)
    if not m or _QUOTES & set(m.group("sender")):
        return "", body.strip("\u200e "), SERVICE  # "X created group", encryption notices
    sender, text = m.group("sender").strip("\u200e "), m.group("text")
    if ios and text.startswith("\u200e"):
        stripped = text.strip("\u200e ")
        if _PLACEHOLDER.match(stripped) or _IOS_OMITTED.match(stripped):
            return sender, "", MEDIA
        return "", stripped, SERVICE  # iOS system notices come "from" the chat's name
    stripped = text.strip("\u200e ")
    if _PLACEHOLDER.match(stripped) or _ATTACHED.match(stripped) or _IOS_OMITTED.match(stripped):
        return sender, "", MEDIA
    if stripped.lower() in _DELETED:
        return sender, "", DELETED
    return sender, _EDITED.sub("", text), TEXT


def read_whatsapp(stream: TextIO, head: str, limits: Limits) -> Iterator[ChatMessage]:
    """Stream the messages of a WhatsApp export; continuation lines join their message."""
    order = date_order(head)
    index = 0
    current: dict[str, str] | None = None
    lines: list[str] = []
    size = 0
    truncated = False

    def flush() -> ChatMessage | None:
        if current is None:
            return None
        text = "\n".join(lines)
        sender, body, kind = classify(text, current["ios"] == "1")
        return ChatMessage(index, current["date"], sender, body, kind, truncated=truncated)

    while True:
        line = stream.readline(limits.max_message_chars)
        if not line:
            break
        line = line.rstrip("\r\n")
        m = ANDROID.match(line) or IOS.match(line)
        if m is None:  # a continuation line, or the rest of a line longer than readline's cap
            if current is not None:
                room = limits.max_message_chars - size - 1  # after the newline joining it
                truncated = truncated or len(line) > room
                if room >= 0:
                    lines.append(line[:room])
                    size += min(len(line), room) + 1
            continue
        done = flush()
        if done is not None:
            yield done
        index += 1
        current = {"date": iso_date(m.group("date"), m.group("time"), m.group("ampm"), order),
                   "ios": "1" if line.lstrip("\u200e").startswith("[") else "0"}
        lines, size, truncated = [m.group("body")], len(m.group("body")), False
    done = flush()
    if done is not None:
        yield done
