"""Telegram Desktop exports (`result.json`, "Machine-readable JSON"), streamed message by message.

A single-chat export is ``{"name", "type", "id", "messages": [...]}``; a whole-account export
nests chats under ``chats.list`` (and ``left_chats.list``). A message's `text` is a string or a
list of strings and entity objects (``{"type": "text_link", "text": "Подтвердить", "href":
"https://..."}``); the hidden `href` of a text link is what a scammer hides, so it is written
into the checked text right after its label. Service messages (calls, joins, pins) have an
`actor` and an `action` and are kept, unchecked, for context.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any, TextIO

from kzscam.chat.jsonstream import JsonStream
from kzscam.chat.model import MEDIA, SERVICE, TEXT, ChatError, ChatMessage, Limits, clean

_MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "location_information")
NOT_TELEGRAM = ("JSON without a \"messages\" list: not a Telegram Desktop chat export (in "
                "Telegram Desktop choose Export chat history, format 'Machine-readable JSON')")


def flatten_text(value: Any) -> str:
    """Telegram's text (string or list of parts) as one string, link targets made visible."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    out: list[str] = []
    for part in value:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, dict):
            text = str(part.get("text", ""))
            href = part.get("href")
            if part.get("type") == "text_link" and isinstance(href, str) and href not in text:
                text = f"{text} ({href})"
            out.append(text)
    return "".join(out)


def _extras(obj: dict[str, Any]) -> str:
    """Text carried outside `text`: polls and shared contacts (scams use both)."""
    extra: list[str] = []
    poll = obj.get("poll")
    if isinstance(poll, dict):
        answers = [str(a.get("text", "")) for a in poll.get("answers", []) if isinstance(a, dict)]
        extra.append(" / ".join([str(poll.get("question", "")), *answers]))
    contact = obj.get("contact_information")
    if isinstance(contact, dict):
        names = (contact.get("first_name"), contact.get("last_name"), contact.get("phone_number"))
        extra.append(" ".join(str(v) for v in names if v))
    return "\n".join(e for e in extra if e.strip())


def to_message(obj: Any, index: int, chat: str | None, limits: Limits) -> ChatMessage | None:
    """One exported message object -> ChatMessage (None for objects that are not messages)."""
    if not isinstance(obj, dict):
        raise ChatError(f"message {index} is not a JSON object")
    mtype = obj.get("type")
    date = str(obj.get("date", ""))
    if mtype == "service":
        action = str(obj.get("action") or "service")
        details = [str(obj[k]) for k in ("title", "discard_reason") if obj.get(k)]
        if obj.get("duration_seconds"):
            details.append(f"{obj['duration_seconds']} s")
        text = action + (f" ({', '.join(details)})" if details else "")
        return ChatMessage(index, clean(date), clean(str(obj.get("actor") or "")), clean(text),
                           SERVICE, chat=chat)
    if mtype != "message":
        return None  # "unsupported" media the export could not describe
    sender = obj.get("from")
    text = flatten_text(obj["text"] if "text" in obj else obj.get("text_entities"))
    extra = _extras(obj)
    text = f"{text}\n{extra}" if text and extra else text or extra
    kind = TEXT if text.strip() else MEDIA if any(k in obj for k in _MEDIA_KEYS) else TEXT
    forwarded = obj.get("forwarded_from")
    truncated = len(text) > limits.max_message_chars
    return ChatMessage(index, clean(date), clean(str(sender)) if sender else "(deleted account)",
                       clean(text[: limits.max_message_chars]), kind,
                       forwarded_from=clean(str(forwarded)) if forwarded else None, chat=chat,
                       truncated=truncated)


def _messages(js: JsonStream, chat: str | None, counter: Iterator[int],
              limits: Limits) -> Iterator[ChatMessage]:
    for _ in js.elements("messages"):
        index = next(counter)
        msg = to_message(js.value(f"message {index}"), index, chat, limits)
        if msg is not None:
            yield msg


def _chat_list(js: JsonStream, key: str, counter: Iterator[int],
               limits: Limits) -> Iterator[ChatMessage]:
    for sub in js.items(key):
        if sub != "list":
            js.skip(f"{key}.{sub}")
            continue
        for _ in js.elements(f"{key}.list"):
            name: str | None = None
            for field in js.items("a chat"):
                if field == "messages":
                    yield from _messages(js, name or "(unnamed chat)", counter, limits)
                elif field == "name":
                    value = js.value("a chat name")
                    name = clean(str(value)) if value else None
                else:
                    js.skip(field)


def read_telegram(stream: TextIO, limits: Limits, meta: dict[str, str]) -> Iterator[ChatMessage]:
    """Stream the messages of a Telegram export; fills `meta` with the chat's name and type."""
    js = JsonStream(stream, limits.max_json_value_chars)
    counter = count(1)
    found = False
    for key in js.items("the export"):
        if key == "messages":
            found = True
            yield from _messages(js, None, counter, limits)
        elif key in ("name", "type"):
            value = js.value(key)
            meta[key] = clean(str(value)) if value is not None else ""
        elif key in ("chats", "left_chats"):
            found = True
            meta["type"] = "account_export"
            yield from _chat_list(js, key, counter, limits)
        else:
            js.skip(key)
    if js.peek() != "":
        raise ChatError(f"invalid JSON: unexpected data after the export at character {js.offset}")
    if not found:
        raise ChatError(NOT_TELEGRAM)
