"""Follow each sender through the chat and spot the scam scripts (rules/chat_steps.toml), streaming.

State is per (chat, sender, chain) and holds at most one step hit per step, so a chat of any
length is followed in constant memory per sender. For an ordered chain, `best[k]` is the partial
chain through step k with the earliest start still inside the window (it tells the whole story);
a chain fires once per sender, and only across at least two messages (one message alone is
judged by the text rules). An `answered` chain is a question and another sender's answer ("send
the code" -> "482-915"): per chat, the latest question of each sender is kept, and the chain (the
asker's) fires once per chat and check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kzscam.chat.cues import Chain, vocabulary
from kzscam.chat.model import ChatMessage
from kzscam.model import Evidence, Hit, Report

SenderKey = tuple[str | None, str]


@dataclass(frozen=True)
class StepHit:
    """One step seen in one message (the message's part report is kept for display)."""

    step: str
    index: int
    date: str
    evidence: Evidence
    part: Report


@dataclass(frozen=True)
class ChainHit:
    """A completed chain: who went through which steps, where."""

    chain: Chain
    sender: SenderKey
    steps: tuple[StepHit, ...]

    answered_by: str = ""  # who answered, for an `answered` chain

    def hit(self) -> Hit:
        """The detector hit the engine stamps into a CHAT-… finding."""
        where = ", ".join(f"#{i}" for i in sorted({s.index for s in self.steps}))
        params = {"sender": self.sender[1] or "?", "messages": where,
                  "first": self.steps[0].date, "last": self.steps[-1].date,
                  "replier": self.answered_by or "?"}
        return Hit(self.chain.check, tuple(s.evidence for s in self.steps), params)


@dataclass
class _State:
    best: list[tuple[StepHit, ...] | None]
    done: bool = False


@dataclass
class Conversation:
    """Feed messages in order with the steps found in them; collect completed chains."""

    chains: tuple[Chain, ...] = field(default_factory=lambda: vocabulary().chains)
    completed: list[ChainHit] = field(default_factory=list)
    _state: dict[tuple[SenderKey, int], _State] = field(default_factory=dict)
    # answered chains: the latest question of each sender, per (chat, chain); answered checks
    _asked: dict[tuple[str | None, int], dict[str, StepHit]] = field(default_factory=dict)
    _answered: set[tuple[str | None, str]] = field(default_factory=set)

    def observe(self, msg: ChatMessage, steps: dict[str, Evidence], part: Report) -> None:
        if not steps:
            return
        key: SenderKey = (msg.chat, msg.sender)
        hits = {s: StepHit(s, msg.index, msg.date, ev, part) for s, ev in steps.items()}
        for n, chain in enumerate(self.chains):
            if chain.answered:
                self._answer(n, chain, msg, hits)
                continue
            state = self._state.get((key, n))
            if state is None:
                state = self._state[(key, n)] = _State([None] * len(chain.steps))
            if state.done:
                continue
            done = (self._ordered if chain.ordered else self._unordered)(chain, state, msg, hits)
            if done is not None:
                state.done = True
                self.completed.append(ChainHit(chain, key, done))

    def _answer(self, n: int, chain: Chain, msg: ChatMessage, hits: dict[str, StepHit]) -> None:
        """An answer by this sender to another's recent question completes the chain."""
        if not msg.sender:
            return  # system lines neither ask nor answer
        asked = self._asked.setdefault((msg.chat, n), {})
        answer = next((hits[a] for a in chain.steps[1] if a in hits), None)
        if answer is not None and (msg.chat, chain.check) not in self._answered:
            recent = [(q, who) for who, q in asked.items()
                      if who != msg.sender and msg.index - q.index <= chain.window]
            if recent:
                asked_hit, asker = max(recent, key=lambda r: r[0].index)
                self._answered.add((msg.chat, chain.check))
                self.completed.append(ChainHit(chain, (msg.chat, asker), (asked_hit, answer),
                                               msg.sender))
        question = next((hits[q] for q in chain.steps[0] if q in hits), None)
        if question is not None:
            asked[msg.sender] = question

    @staticmethod
    def _ordered(chain: Chain, state: _State, msg: ChatMessage,
                 hits: dict[str, StepHit]) -> tuple[StepHit, ...] | None:
        def stale(partial: tuple[StepHit, ...] | None) -> bool:
            return partial is None or msg.index - partial[0].index > chain.window

        for k, alternatives in enumerate(chain.steps):
            hit = next((hits[a] for a in alternatives if a in hits), None)
            if hit is None:
                continue
            prev = state.best[k - 1] if k else ()
            if prev is None or (k and stale(prev)):
                continue
            current = state.best[k]
            # Keep the earliest start still in the window: it explains the whole script. A
            # partial made of one message only may still be extended from an earlier one.
            single = k > 0 and current is not None and current[0].index == current[-1].index
            if stale(current) or single:
                state.best[k] = (*prev, hit)
        last = state.best[-1]
        if last is None or last[0].index == last[-1].index:
            return None  # one message alone is the text rules' business, not a conversation
        return last

    @staticmethod
    def _unordered(chain: Chain, state: _State, msg: ChatMessage,
                   hits: dict[str, StepHit]) -> tuple[StepHit, ...] | None:
        for k, alternatives in enumerate(chain.steps):
            hit = next((hits[a] for a in alternatives if a in hits), None)
            if hit is not None:
                state.best[k] = (hit,)
        seen = [b[0] for b in state.best if b is not None]
        if len(seen) < len(chain.steps):
            return None
        first, last = min(s.index for s in seen), max(s.index for s in seen)
        if first == last or last - first > chain.window:
            return None
        return tuple(sorted(seen, key=lambda s: s.index))

    def results(self) -> list[ChainHit]:
        """Completed chains, without the weaker ones a stronger chain of the sender implies."""
        strong = {(c.sender, s) for c in self.completed for s in c.chain.supersedes}
        return [c for c in self.completed if (c.sender, c.chain.check) not in strong]
