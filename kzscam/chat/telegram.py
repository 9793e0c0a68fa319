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

_LINK_TYPES = ("link", "text_link", "email")
_MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "location_information")
NOT_TELEGRAM = ("JSON without a \"messages\" list: not a Telegram Desktop chat export (in "
                "Telegram Desktop choose Export chat history, format 'Machine-readable JSON')")


def scalar(value: Any) -> str:
    """A field that should be text: strings as they are, numbers as digits, anything else "".

    Exports are untrusted: a list, object, bool or null where Telegram writes a string is
    ignored rather than stringified (`str()` of a deeply nested list can even overflow the stack).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def flatten_text(value: Any) -> str:
    """Telegram's text (string or list of parts) as one string, link targets made visible."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = [value]  # one entity object instead of a list of them
    if not isinstance(value, list):
        return ""
    out: list[str] = []
    link_ended = False  # the previous part was a link: Telegram ends it there, a URL parser not
    for part in value:
        text = ""
        if isinstance(part, str):
            text = part
        elif isinstance(part, dict):
            text = scalar(part.get("text"))
            href = part.get("href")
            if part.get("type") == "text_link" and isinstance(href, str) and href not in text:
                text = f"{text} ({href})"
        if link_ended and text[:1] and not text[:1].isspace():
            out.append(" ")
        out.append(text)
        link_ended = isinstance(part, dict) and part.get("type") in _LINK_TYPES and bool(text)
    return "".join(out)


def _extras(obj: dict[str, Any]) -> str:
    """Text carried outside `text`: polls and shared contacts (scams use both)."""
    extra: list[str] = []
    poll = obj.get("poll")
    if isinstance(poll, dict):
        answers = poll.get("answers")
        texts = [scalar(a.get("text")) for a in answers if isinstance(a, dict)] if isinstance(
            answers, list) else []
        extra.append(" / ".join([scalar(poll.get("question")), *texts]))
    contact = obj.get("contact_information")
    if isinstance(contact, dict):
        names = (scalar(contact.get(k)) for k in ("first_name", "last_name", "phone_number"))
        extra.append(" ".join(v for v in names if v))
    return "\n".join(e for e in extra if e.strip())


def to_message(obj: Any, index: int, chat: str | None, limits: Limits) -> ChatMessage | None:
    """One exported message object -> ChatMessage (None for objects that are not messages)."""
    if not isinstance(obj, dict):
        raise ChatError(f"message {index} is not a JSON object")
    mtype = obj.get("type")
    date = scalar(obj.get("date"))
    if mtype == "service":
        action = scalar(obj.get("action")) or "service"
        details = [v for v in (scalar(obj.get(k)) for k in ("title", "discard_reason")) if v]
        duration = scalar(obj.get("duration_seconds"))
        if duration and duration != "0":
            details.append(f"{duration} s")
        text = action + (f" ({', '.join(details)})" if details else "")
        # A group or channel (actor_id "channel123", "chat123") acts too: it is not a sender.
        actor_id = scalar(obj.get("actor_id"))
        actor = "" if actor_id and not actor_id.startswith("user") else scalar(obj.get("actor"))
        return ChatMessage(index, clean(date), clean(actor), clean(text), SERVICE, chat=chat)
    if mtype != "message":
        return None  # "unsupported" media the export could not describe
    sender = scalar(obj.get("from"))
    # `text_entities` says the same as `text` in real exports: a fallback when `text` is unusable.
    text = flatten_text(obj.get("text")) or flatten_text(obj.get("text_entities"))
    extra = _extras(obj)
    text = f"{text}\n{extra}" if text and extra else text or extra
    kind = TEXT if text.strip() else MEDIA if any(k in obj for k in _MEDIA_KEYS) else TEXT
    forwarded = scalar(obj.get("forwarded_from"))
    truncated = len(text) > limits.max_message_chars
    return ChatMessage(index, clean(date), clean(sender) if sender else "(deleted account)",
                       clean(text[: limits.max_message_chars]), kind,
                       forwarded_from=clean(forwarded) if forwarded else None, chat=chat,
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
                    name = clean(scalar(js.value("a chat name"))) or None
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
            meta[key] = clean(scalar(js.value(key)))
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
