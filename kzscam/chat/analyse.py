"""Judge a whole chat: every message through the text rules, every sender through the chains.

Verdicts, from small to large, all from `Engine.combine` (policy in rules/scoring.toml): a message
is judged as text; a sender folds their messages and completed chains, where a chain is scored
together with the findings of its messages (so "support" claim -> account deletion -> code request
scores higher than any of its messages alone); the chat folds its senders. Findings are never
summed over unrelated messages, so a long family chat does not drift into "suspicious" by
accumulation.
Messages are streamed (in parallel with `jobs > 1`); only flagged ones (at most `MAX_SHOWN`, the
riskiest) and the messages of completed chains are kept for the report.
"""

from __future__ import annotations

import functools
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, ClassVar

from kzscam.batch import ordered_map
from kzscam.chat.conversation import Conversation
from kzscam.chat.model import TEXT, UNPLACED, ChatError, ChatMessage, Limits, ReadNotes
from kzscam.chat.source import TELEGRAM, open_chat, read_problem
from kzscam.chat.summary import Summary
from kzscam.chat.telegram import read_telegram
from kzscam.chat.whatsapp import read_whatsapp
from kzscam.checks import ChatCheck
from kzscam.config import Config
from kzscam.details import Labels, MessageDetails, say
from kzscam.model import Evidence, Hit, Report, Verdict
from kzscam.output.quotes import quote

Checked = tuple[ChatMessage, Report, dict[str, Evidence]]
CUT_CHECK = ChatCheck.MESSAGE_CUT  # a message longer than Limits.max_message_chars
CUT_MARK = "[cut] "  # example syntax: this message was cut by the reader


class PartDetails(MessageDetails):
    """A message part's fields. Its text is also the part Report's own `text` (what evidence
    offsets index and quotes widen over), which human reports show once, with the evidence
    marked: the `text` field is for JSON only, as JSON RESULTs carry no text."""

    __slots__ = ()
    HIDDEN = MessageDetails.HIDDEN | {"text"}
    INTERNAL = MessageDetails.INTERNAL | {"line"}
    KINDS: ClassVar[Labels] = {
        "media": {"en": "media (not checked)", "ru": "медиафайл (не проверяется)",
                  "kk": "медиафайл (тексерілмейді)"},
        "service": {"en": "system message", "ru": "системное сообщение",
                    "kk": "жүйелік хабарлама"},
        "deleted": {"en": "deleted", "ru": "удалено", "kk": "жойылған"},
        UNPLACED: {"en": "text outside any message (no sender or date; checked)",
                   "ru": "текст вне сообщений (без отправителя и даты; проверен)",
                   "kk": "хабарламадан тыс мәтін (жіберушісі мен күні жоқ; тексерілді)"},
    }

    def value(self, key: str, value: Any, lang: str) -> str:
        if key == "kind" and isinstance(value, str):
            return say(self.KINDS, value, lang) or value
        return super().value(key, value, lang)


def part_name(name: str, msg: ChatMessage) -> str:
    """``chat.txt#3`` for the third message; ``chat.txt:1`` for text unplaced at line 1."""
    return f"{name}:{msg.line}" if msg.kind == UNPLACED else f"{name}#{msg.index}"


def message_details(msg: ChatMessage) -> MessageDetails:
    """The JSON fields of one message part (`text` included: JSON RESULTs carry no text)."""
    if msg.kind == UNPLACED:  # no sender, date or number: only where it stands in the file
        return PartDetails({"line": msg.line, "sender": "", "text": msg.text, "kind": msg.kind,
                            **({"truncated": True} if msg.truncated else {})})
    details: dict[str, object] = {"index": msg.index, "date": msg.date, "sender": msg.sender,
                                  "text": msg.text}
    if msg.kind != TEXT:
        details["kind"] = msg.kind
    if msg.forwarded_from:
        details["forwarded_from"] = msg.forwarded_from
    if msg.chat:
        details["chat"] = msg.chat
    if msg.truncated:
        details["truncated"] = True
    return PartDetails(details)


def check_message(msg: ChatMessage, *, name: str, lang: str, config: Config) -> Checked:
    """One message -> its report and conversation steps (top-level: runs in worker processes)."""
    from kzscam.chat.steps import step_matcher
    from kzscam.engine import get_engine
    from kzscam.pipeline.text import check_text

    part = part_name(name, msg)
    if msg.kind not in (TEXT, UNPLACED) or not msg.text.strip():
        return msg, Report(part, Verdict.SAFE, 0, text=msg.text or None,
                           details=message_details(msg)), {}
    engine = get_engine(config)
    report = check_text(engine, msg.text, name=part, lang=lang)
    # Unplaced text has no sender to follow through a conversation: the text rules judge it.
    steps = ({} if msg.kind == UNPLACED
             else step_matcher(engine.catalog.lexicon).match(msg.text, report.findings))
    findings, score, verdict = report.findings, report.score, report.verdict
    if msg.truncated:  # the end of the message went unchecked: a check floor says "caution"
        findings += tuple(engine.stamp([Hit(CUT_CHECK, params={"chars": f"{len(msg.text):,}"})],
                                       lang))
        score, verdict = engine.combine("text", findings)
    return msg, Report(part, verdict, score, findings, report.urls, report.phones, text=msg.text,
                       details=message_details(msg)), steps


def _guarded(messages: Iterator[ChatMessage], errors: list[str]) -> Iterator[ChatMessage]:
    """Stop cleanly at a reading error so every message read before it is still judged."""
    try:
        yield from messages
    except (ChatError, UnicodeDecodeError, OSError, zipfile.BadZipFile) as exc:
        errors.append(read_problem(exc))


def check_messages(messages: Iterator[ChatMessage], *, name: str, lang: str, config: Config,
                   jobs: int = 1, all_messages: bool = False, fmt: str = "",
                   meta: dict[str, str] | None = None, notes: ReadNotes | None = None) -> Report:
    """Judge a stream of messages (from any reader) and build the chat's report.

    `meta` (the chat's name) and `notes` (unplaced lines) are filled by the reader as it goes,
    so they are read only once every message is in.
    """
    from kzscam.engine import get_engine

    engine = get_engine(config)
    errors: list[str] = []
    conversation = Conversation()
    summary = Summary(engine, all_messages=all_messages)
    worker = functools.partial(check_message, name=name, lang=lang, config=config)
    for msg, part, steps in ordered_map(worker, _guarded(messages, errors), jobs, chunk=64,
                                        label=name):
        summary.add(msg, part)
        conversation.observe(msg, steps, part)
    if errors and summary.count == 0:
        raise ChatError(errors[0])  # nothing readable at all: an input error, not a chat
    chains = conversation.results()
    for chain in chains:
        # Each step's evidence indexes the text of its own message, which the chat's report does
        # not carry: it is widened to whole words here, against that message's text.
        hit = chain.hit()
        hit = replace(hit, evidence=tuple(quote(s.part.text, s.evidence) for s in chain.steps))
        findings = engine.stamp([hit], lang)
        together = [*findings, *(f for s in chain.steps for f in s.part.findings)]
        score, verdict = engine.combine("chain", together)
        summary.add_chain(chain, findings, score, verdict)
    return summary.report(name, engine, fmt=fmt, title=(meta or {}).get("name", ""),
                          error=errors[0] if errors else None, notes=notes)


def check_chat(path: Path, *, config: Config | None = None, lang: str = "en", jobs: int = 1,
               all_messages: bool = False, limits: Limits | None = None,
               name: str | None = None, stdin: IO[bytes] | None = None) -> Report:
    """Read and judge one chat export; raises ChatError when it cannot be read at all.

    ChatError is the only exception bad input raises (corrupt zips, wrong JSON types, pipes and
    devices included). An export that breaks off midway (truncated JSON, a bad byte, corrupt
    compressed data) still yields a report of the messages read before the problem, with `error`
    set (exit code 3). With `stdin`, the path ``-`` reads it.
    """
    limits = limits or Limits()
    config = config or Config()
    with open_chat(Path(path), limits, stdin) as (sniffed, stream, _member):
        meta: dict[str, str] = {}
        notes = ReadNotes()
        if sniffed.fmt == TELEGRAM:
            messages = read_telegram(stream, limits, meta)
        else:
            messages = read_whatsapp(stream, sniffed.head, limits, notes)
        report = check_messages(messages, name=name or str(path), lang=lang, config=config,
                                jobs=jobs, all_messages=all_messages, fmt=sniffed.fmt,
                                meta=meta, notes=notes)
    return report


def parse_example(example: str) -> list[ChatMessage]:
    """The compact example syntax of CHAT rules: ``Sender: text || Sender: text || ...``.

    Each message is ``Name: text``; messages are separated by `` || ``; a message without
    ``Name:`` comes from "?". Dates are the message numbers, one minute apart. A text starting
    with ``[cut] `` stands for a message the reader had to cut (over the size limit).
    """
    out: list[ChatMessage] = []
    for i, chunk in enumerate(example.split(" || "), 1):
        sender, sep, text = chunk.partition(": ")
        if not sep:
            sender, text = "?", chunk
        cut = text.startswith(CUT_MARK)
        out.append(ChatMessage(i, f"2026-01-01T00:{i % 60:02d}:00", sender.strip(),
                               text.removeprefix(CUT_MARK).strip(), truncated=cut))
    return out


def fired_rules(example: str) -> set[str]:
    """Example runner for subject "chat": ids of the rules that fire anywhere in the chat."""
    report = check_messages(iter(parse_example(example)), name="example", lang="en",
                            config=Config(), all_messages=True)
    return {f.rule_id for f in report.findings} | {
        f.rule_id for part in report.parts for f in part.findings}
