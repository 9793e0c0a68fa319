"""Fold judged messages into one chat Report: senders table, flagged messages, chain findings.

Memory is bounded: per sender a few counters, and at most `MAX_SHOWN` message parts (the
riskiest, by a heap) unless every message was asked for.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kzscam.chat.conversation import ChainHit, SenderKey
from kzscam.chat.model import TEXT, UNPLACED, ChatMessage, ReadNotes
from kzscam.details import ChatDetails, Labels
from kzscam.engine import Engine, Fold
from kzscam.model import Finding, Report, Severity, Verdict

MAX_SHOWN = 1000  # message parts in one chat report (the riskiest)


class _ChatDetails(ChatDetails):
    """The chat's fields, with labels for what the reader could not place."""

    __slots__ = ()
    LABELS: ClassVar[Labels] = {
        "unplaced_lines": {"en": "lines outside any message (checked as text)",
                           "ru": "строк вне сообщений (проверены как текст)",
                           "kk": "хабарламадан тыс жолдар (мәтін ретінде тексерілді)"},
        "unplaced_line_numbers": {"en": "at lines", "ru": "в строках", "kk": "жолдарда"},
    }
MAX_SENDERS_SHOWN = 100
MAX_LINKS = 100


@dataclass
class _Sender:
    name: str
    chat: str | None
    fold: Fold
    messages: int = 0
    flagged: int = 0
    chains: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        return self.fold.verdict

    @property
    def score(self) -> int:
        return self.fold.score

    def row(self) -> dict[str, Any]:
        """One row of the senders table (JSON; `ChatDetails` says it to people)."""
        row: dict[str, Any] = dict(name=self.name, verdict=self.verdict.label, score=self.score,
                                   messages=self.messages, flagged=self.flagged, chains=self.chains)
        if self.chat is not None:
            row["chat"] = self.chat
        return row


@dataclass
class Summary:
    """Accumulates a chat's messages in order; `report()` builds the chat's Report."""

    engine: Engine
    all_messages: bool = False
    max_shown: int = MAX_SHOWN
    count: int = 0
    checked: int = 0
    flagged: int = 0
    omitted: int = 0
    senders: dict[SenderKey, _Sender] = field(default_factory=dict)
    chain_findings: list[Finding] = field(default_factory=list)
    # Text the reader could not place: judged by the text rules, folded apart from any sender
    # (it has none) but into the chat's verdict.
    unplaced: Fold | None = None
    _heap: list[tuple[int, int, tuple[int, int], Report]] = field(default_factory=list)
    _all: list[Report] = field(default_factory=list)
    _chain_parts: dict[tuple[int, int], Report] = field(default_factory=dict)
    _urls: dict[str, None] = field(default_factory=dict)
    _phones: dict[str, None] = field(default_factory=dict)

    def add(self, msg: ChatMessage, part: Report) -> None:
        # A message with a finding worth points is flagged; an info signal alone (a message about a
        # scam, words about earnings) is not, or every warning in a family chat would be listed.
        is_flagged = part.verdict > Verdict.SAFE or any(f.severity > Severity.INFO for f in part.findings)
        if msg.kind == UNPLACED:  # not a message (unplaced_lines counts it), but judged
            if self.unplaced is None:
                self.unplaced = self.engine.fold("sender")
            if is_flagged:
                self.flagged += 1
                self.unplaced.add(part.score, part.verdict)
        else:
            self.count += 1
            key = (msg.chat, msg.sender)
            sender = self.senders.get(key)
            if sender is None:
                sender = self.senders[key] = _Sender(msg.sender, msg.chat,
                                                     self.engine.fold("sender"))
            sender.messages += 1
            if msg.kind == TEXT and msg.text.strip():
                self.checked += 1
            if is_flagged:
                self.flagged += 1
                sender.flagged += 1
                sender.fold.add(part.score, part.verdict)
        # Links and phones found anywhere in the chat, as for every input (output.md); the first
        # MAX_LINKS distinct ones, so a years-long chat does not print thousands.
        for url in part.urls:
            if len(self._urls) >= MAX_LINKS:
                break
            self._urls[url] = None
        for phone in part.phones:
            if len(self._phones) >= MAX_LINKS:
                break
            self._phones[phone] = None
        if self.all_messages:
            self._all.append(part)
        elif is_flagged:
            where = msg.position
            heapq.heappush(self._heap, (int(part.verdict), part.score, (-where[0], -where[1]),
                                        part))
            if len(self._heap) > self.max_shown:
                heapq.heappop(self._heap)
                self.omitted += 1

    def add_chain(self, chain: ChainHit, findings: list[Finding], score: int,
                  verdict: Verdict) -> None:
        sender = self.senders[chain.sender]
        sender.chains.extend(f.rule_id for f in findings)
        sender.fold.add(score, verdict)
        self.chain_findings.extend(findings)
        for step in chain.steps:
            self._chain_parts[(step.index, 0)] = step.part

    def _parts(self) -> list[Report]:
        if self.all_messages:
            return self._all
        shown = {(-entry[2][0], -entry[2][1]): entry[3] for entry in self._heap}
        shown.update(self._chain_parts)
        return [shown[i] for i in sorted(shown)]

    def report(self, name: str, engine: Engine, *, fmt: str = "", title: str = "",
               error: str | None = None, notes: ReadNotes | None = None) -> Report:
        # System lines ("X created the group", encryption notices) have no sender.
        ranked = sorted((s for s in self.senders.values() if s.name),
                        key=lambda s: (-s.verdict, -s.score, -s.flagged, -s.messages, s.name))
        details: dict[str, Any] = {"format": fmt}
        if title:
            details["chat"] = title
        details.update(message_count=self.count, checked=self.checked, flagged=self.flagged,
                       senders=[s.row() for s in ranked[:MAX_SENDERS_SHOWN]])
        if len(ranked) > MAX_SENDERS_SHOWN:
            details["senders_total"] = len(ranked)
        if self.omitted:
            details["messages_omitted"] = self.omitted
        if notes is not None and notes.count:
            details["unplaced_lines"] = notes.count
            details["unplaced_line_numbers"] = list(notes.first)
        findings = sorted(self.chain_findings, key=lambda f: (-f.severity, f.rule_id))
        # A chat read only in part is never "safe": the rest went unchecked. Senders without a
        # name (system lines) never have flagged messages, so they change nothing here.
        folds = [(s.score, s.verdict) for s in ranked]
        if self.unplaced is not None:
            folds.append((self.unplaced.score, self.unplaced.verdict))
        score, verdict = engine.combine("chat", findings, folds, incomplete=error is not None)
        return Report(
            input=name,
            verdict=verdict,
            score=score,
            findings=tuple(findings),
            urls=tuple(self._urls),
            phones=tuple(self._phones),
            parts=tuple(self._parts()),
            parts_key="messages",
            details=_ChatDetails(details),
            error=error,
        )
