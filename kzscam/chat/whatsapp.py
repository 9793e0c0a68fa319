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
from dataclasses import dataclass
from typing import TextIO

from kzscam.chat.model import (
    DELETED,
    MEDIA,
    SERVICE,
    TEXT,
    UNPLACED,
    ChatMessage,
    Limits,
    ReadNotes,
)

# A date is three numbers; the separator may be followed by a space and the last one by a dot
# (hr/sr/hu "13. 6. 2018."). Times are HH:MM[:SS] with colons or dots (fi "21.25.15").
_DATE = r"(?P<date>\d{1,4}[./-] ?\d{1,4}[./-] ?\d{1,4}\.?)"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
_SPACE = "[ \u00a0\u202f]"  # a plain, no-break or narrow no-break space, by Android version
# AM/PM in en (also a.m./p.m.), es/pt-419 ("p. m.", the inner space possibly no-break) and kk/ru
# CLDR (ТД = түске дейін, ТК = түстен кейін; дп/пп).
_AMPM = rf"(?:{_SPACE}?(?P<ampm>[AaPp]\.?{_SPACE}?[Mm]\.?|ТД|ТК|дп|пп))?"
_STAMP = rf"{_DATE}(?:,? | klo ){_TIME}{_AMPM}"  # "klo": Finnish "13.6.2018 klo 21.25.15"
# The line shapes seen in exports; each export uses one, learned from its head (`line_format`).
FORMATS: dict[str, re.Pattern[str]] = {
    "ios": re.compile(rf"^\u200e?\[{_STAMP}\] (?P<body>.*)$"),  # [21.11.2026, 14:05:33] A: hi
    "dash": re.compile(rf"^\u200e?{_STAMP} [-–] (?P<body>.*)$"),  # 21.11.2026, 14:05 - A: hi
    "colon": re.compile(rf"^\u200e?{_STAMP}: (?P<body>.*)$"),  # 13.06.18 21.25.15: A: hi
    "bare": re.compile(rf"^\u200e?{_STAMP} (?P<body>.*)$"),  # 13. 6. 2018. 21:25:15 A: hi
}
ANDROID, IOS = FORMATS["dash"], FORMATS["ios"]
# "Name: text"; "Name:" at the end of its line starts a message whose text begins on the next.
_SENDER = re.compile(r"^(?P<sender>[^\n]{1,80}?):(?: |(?=\n)|$)(?P<text>.*)$", re.S)
# <Media omitted>, <Без медиафайлов>, <attached: x>; old iOS wrote "‹attached>".
_PLACEHOLDER = re.compile(r"^[<‹][^<>‹›\n]{1,80}[>›]$")
# "IMG-1.jpg (file attached)", "IMG-1.jpg (Datei angehängt)", "IMG-1.jpg (файл добавлен)"
_ATTACHED = re.compile(r"^\S[^\n]*\.\w{2,5} \([^()\n]{3,40}\)$")
_IOS_OMITTED = re.compile(r"^(?:image|video|audio|sticker|gif|document|contact card) omitted$|"
                          r"^(?:изображение|видео|аудиофайл|стикер|gif|документ)\s+\w+$", re.I)
_NULL_MEDIA = "null"  # Android writes "null" for view-once media and some voice notes
_EDITED = re.compile(r"\s*\u200e?<(?:This message was edited|Сообщение изменено|"
                     r"Хабар өзгертілді)>$")
_DELETED = {
    "this message was deleted", "you deleted this message", "данное сообщение удалено",
    "вы удалили данное сообщение", "это сообщение удалено", "бұл хабар жойылды",
    "сіз бұл хабарды жойдыңыз",
}
# System notices written "from" the chat or a member, as iOS exports without U+200E have them:
# encryption notices, and changes whose subject is the sender itself or "You" (a person does not
# write "Ana: Ana updated the message timer"; "Ana: I updated the timer" stays a message).
_SYSTEM_TEXT = re.compile(
    r"^(?:Messages and calls are end-to-end encrypted|Messages to this group are now secured "
    r"with end-to-end encryption|Сообщения и звонки защищены сквозным шифрованием)\b.*$|"
    r"^(?P<who>.{1,80}?) (?:updated the message timer|turned (?:on|off) disappearing messages|"
    r"changed (?:the subject from|this group's icon|the group description|their phone number))"
    r"\b.*$", re.S)
_QUOTES = set("\"“”«»")


def line_format(head: str) -> str | None:
    """The line shape most of the head's lines use ("ios", "dash", ...), None for none.

    Learned per export, so a message line that happens to start with a date and a time is not
    taken for a new message in an export whose lines look different.
    """
    lines = [ln for ln in head.splitlines()[:2000] if ln.strip()]
    counts = {name: sum(1 for ln in lines if p.match(ln)) for name, p in FORMATS.items()}
    most = max(counts.values())
    if not most:
        return None
    # A looser shape ("bare") also matches the lines of a stricter one, and message text may
    # start with a date: the strictest shape that explains at least half as many lines wins.
    return next(name for name, found in counts.items() if 2 * found >= most)


# A file merged from an Android and an iPhone export holds both platforms' shapes. Only these two
# are learned as a second shape: their stamp is set off by brackets or " - ", which ordinary text
# does not imitate, whereas "date time text" (bare) is what a message starting with a date looks
# like. A second shape needs SECOND_SHAPE_LINES lines and a tenth of the first shape's, so a line
# or two of an iPhone export pasted into an Android chat stay text of the message they are in.
SECOND_SHAPES = ("ios", "dash")
SECOND_SHAPE_LINES = 2


@dataclass(frozen=True)
class Shape:
    """One line shape of an export, with the date order and year width its own lines use."""

    name: str
    pattern: re.Pattern[str]
    order: str
    width: int | None


def _strictest(line: str) -> str | None:
    """The strictest shape that matches `line` (a dash line also matches the bare shape)."""
    return next((name for name, p in FORMATS.items() if p.match(line)), None)


def line_shapes(head: str) -> list[Shape]:
    """The export's line shapes, its main one first (`line_format`), then a second platform's.

    Each shape's date order and year width are learned from its own lines: a merged file may
    write ``12/15/25`` (US, month first) on its Android lines and ``15/12/2025`` on its iPhone
    lines.
    """
    main = line_format(head) or "dash"
    lines = [ln for ln in head.splitlines()[:2000] if ln.strip()]
    main_lines = sum(1 for ln in lines if FORMATS[main].match(ln))
    shapes = [Shape(main, FORMATS[main], date_order(head, main), year_width(head, main))]
    for name in SECOND_SHAPES:
        if name == main:
            continue
        own = "\n".join(ln for ln in lines if _strictest(ln) == name)
        found = own.count("\n") + 1 if own else 0
        if found >= SECOND_SHAPE_LINES and 10 * found >= main_lines:
            shapes.append(Shape(name, FORMATS[name], date_order(own, name), year_width(own, name)))
    return shapes


def looks_like_whatsapp(head: str) -> bool:
    """True when one of the first lines carries a WhatsApp timestamp prefix."""
    lines = [ln for ln in head.splitlines()[:60] if ln.strip()]
    return any(p.match(ln) for ln in lines for p in FORMATS.values())


def _date_fields(date: str) -> tuple[int, int, int, bool] | None:
    """(year, first other field, second other field, year first?) of a date, None if malformed.

    The year is the field of 3-4 digits wherever it stands (``2018/06/13``, ``06/2018/13``);
    a 2-digit year comes last.
    """
    fields = [f for f in re.split(r"[./-] ?", date.rstrip(".")) if f]
    if len(fields) != 3 or not all(f.isdigit() for f in fields):
        return None
    long = [i for i, f in enumerate(fields) if len(f) >= 3]
    at = long[0] if long else 2
    rest = [int(f) for i, f in enumerate(fields) if i != at]
    return int(fields[at]), rest[0], rest[1], at == 0


def _year_width(date: str) -> int:
    fields = [f for f in re.split(r"[./-] ?", date.rstrip(".")) if f]
    return 4 if any(len(f) >= 3 for f in fields) else 2


def year_width(head: str, fmt: str) -> int | None:
    """The year width (2 or 4 digits) at least two thirds of the head's message lines use.

    A phone writes every date of an export alike, so in an export of "04.01.18" dates a line
    "[1.2.2019, 00:00:00] A: ..." inside a message is text (a quote, a pasted line), not a new
    message. None when the head is too mixed to tell.
    """
    widths = [_year_width(m.group("date")) for line in head.splitlines()[:2000]
              if (m := FORMATS[fmt].match(line))]
    for width in (2, 4):
        if widths and 3 * widths.count(width) >= 2 * len(widths):
            return width
    return None


def date_order(head: str, fmt: str | None = None) -> str:
    """'dmy' or 'mdy' for this export, decided from the timestamps in its head."""
    first_big = second_big = dots = ampm = False
    patterns = [FORMATS[fmt]] if fmt else list(FORMATS.values())
    for line in head.splitlines()[:2000]:
        m = next((mm for p in patterns if (mm := p.match(line))), None)
        if not m:
            continue
        fields = _date_fields(m.group("date"))
        if fields is None:
            continue
        _year, a, b, year_first = fields
        if year_first:
            continue  # year-month-day says nothing about the others
        first_big |= a > 12
        second_big |= b > 12
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
    fields = _date_fields(date)
    if fields is None:
        return raw
    year, a, b, year_first = fields
    try:
        if year_first:
            month, day = a, b  # year first is always year-month-day
        else:
            day, month = (a, b) if order == "dmy" else (b, a)
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


def _is_media(line: str) -> bool:
    return bool(_PLACEHOLDER.match(line) or _ATTACHED.match(line) or _IOS_OMITTED.match(line)
                or line == _NULL_MEDIA)


def classify(body: str, ios: bool) -> tuple[str, str, str]:
    """A line's body -> (sender, text, kind)."""
    m = _SENDER.match(body)
    if not m or _QUOTES & set(m.group("sender")):
        return "", body.strip("\u200e "), SERVICE  # "X created group", encryption notices
    sender, text = m.group("sender").strip("\u200e "), m.group("text").lstrip("\n")
    stripped = text.strip("\u200e ")
    first, _, caption = stripped.partition("\n")
    if _is_media(first.strip("\u200e ")):
        caption = caption.strip()
        return (sender, caption, TEXT) if caption else (sender, "", MEDIA)
    if stripped.lower().rstrip(".") in _DELETED:  # iOS ends them with a dot
        return sender, "", DELETED
    system = _SYSTEM_TEXT.match(stripped)
    if (ios and text.startswith("\u200e")) or (
            system and system.group("who") in (None, sender, "You", "Вы")):
        return "", stripped, SERVICE  # iOS system notices come "from" the chat's name
    # WhatsApp itself writes U+200E before placeholders and edit marks: not the sender's text.
    return sender, _EDITED.sub("", text.lstrip("\u200e")), TEXT


def _unplaced(index: int, line: int, lines: list[str], truncated: bool) -> ChatMessage | None:
    text = "\n".join(lines).strip("\u200e\ufeff \t\n")
    if not text.strip():
        return None
    return ChatMessage(index, "", "", text, UNPLACED, truncated=truncated, line=line)


def read_whatsapp(stream: TextIO, head: str, limits: Limits,
                  notes: ReadNotes | None = None) -> Iterator[ChatMessage]:
    """Stream the messages of a WhatsApp export; continuation lines join their message.

    Lines before the first message line cannot be placed: they are counted in `notes`, not
    fatal (an export with one odd line is still read), and their text comes out as UNPLACED
    messages (a new one at each line that starts like a message of some shape), so the text
    rules still read them.
    """
    shapes = line_shapes(head)
    ios = shapes[0].name == "ios"
    index = 0
    current: str | None = None  # the date of the message being read
    current_ios = ios
    lines: list[str] = []
    size = 0
    truncated = False
    number = 0
    loose_line = 0  # where the unplaced text being gathered starts (0: none)

    def flush() -> ChatMessage | None:
        if current is None:
            return _unplaced(index, loose_line, lines, truncated) if loose_line else None
        text = "\n".join(lines)
        sender, body, kind = classify(text, current_ios)
        return ChatMessage(index, current, sender, body, kind, truncated=truncated)

    while True:
        line = stream.readline(limits.max_message_chars)
        if not line:
            break
        whole = line.endswith(("\n", "\r"))
        line = line.rstrip("\r\n")
        number += 1
        shape, m = next(((sh, mm) for sh in shapes if (mm := sh.pattern.match(line))),
                        (shapes[0], None))
        if m is not None and current is not None and shape.width and \
                _year_width(m.group("date")) != shape.width:
            m = None  # a date written unlike the export's own: text inside the message
        if m is None and current is None and line.strip("\u200e\ufeff \t"):
            if notes is not None:
                notes.unplaced(number)
            if loose_line and _strictest(line) is not None:  # another shape's message line
                done = flush()
                if done is not None:
                    yield done
                loose_line = 0
            if not loose_line:
                loose_line, lines, size, truncated = number, [], 0, False
        if m is None:  # a continuation line, or the rest of a line longer than readline's cap
            if current is not None or loose_line:
                room = limits.max_message_chars - size - 1  # after the newline joining it
                truncated = truncated or len(line) > room
                if room >= 0:
                    lines.append(line[:room])
                    size += min(len(line), room) + 1
            if not whole:
                number -= 1  # the same line goes on in the next read
            continue
        if not whole:
            number -= 1
        done = flush()
        if done is not None:
            yield done
        index += 1
        loose_line = 0
        current = iso_date(m.group("date"), m.group("time"), m.group("ampm"), shape.order)
        current_ios = shape.name == "ios"
        lines, size, truncated = [m.group("body")], len(m.group("body")), False
    done = flush()
    if done is not None:
        yield done
