"""Example runner for text rules: which rules fire on one message."""

from __future__ import annotations


def fired_rules(example: str) -> set[str]:
    """Ids of all rules whose findings appear for `example` (text rules and URL checks)."""
    from kzscam.engine import get_engine

    engine = get_engine()
    return {f.rule_id for f in engine.stamp(engine.text_hits(example).hits, "en")}
