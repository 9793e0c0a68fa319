"""The frozen test split of the labelled training corpus, decided by content, never by tuning.

Every real message in `../shared/corpus/train/train.jsonl` belongs to the test split or to the
training part by a rule that looks only at its text: within each (language, label, scenario)
stratum, messages are ordered by the SHA-256 of their text and every fifth one (20%, at least one
per stratum of five or more) is held out. The rule was fixed before any model or rule was tuned;
the test part is only ever measured in aggregate (`make eval` prints no misses for it).
Messages written for the project (`training/written.jsonl`) are training data only.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TEST_EVERY = 5
ROOT = Path(__file__).resolve().parents[1]
WRITTEN = ROOT / "training" / "written.jsonl"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def split(rows: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(training part, frozen test part) of the real labelled messages."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["lang"], row["label"])].append(row)
    train: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    for key in sorted(groups):
        ordered = sorted(groups[key], key=lambda r: (r.get("scenario", ""), _digest(r["text"])))
        for i, row in enumerate(ordered):
            (test if i % TEST_EVERY == 0 else train).append(row)
    return train, test


def corpus(shared: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(real training part, frozen test part, written training messages)."""
    train, test = split(read_jsonl(shared / "corpus" / "train" / "train.jsonl"))
    written = read_jsonl(WRITTEN) if WRITTEN.exists() else []
    return train, test, written


NEWS_QUOTES = ROOT / "training" / "news_quotes.jsonl"


def news_quote_parts(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The part ("check" or "tune") of each real line quoted by news pages, by a rule fixed before
    any of them was checked: within each (language, label) group, ordered by SHA-256 of the text,
    every other line from the first is in the check part (measured, its misses never read)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        groups[(row["lang"], row["label"])].append(row["text"])
    parts: dict[str, str] = {}
    for key in sorted(groups):
        for i, text in enumerate(sorted(groups[key], key=_digest)):
            parts[text] = "check" if i % 2 == 0 else "tune"
    return parts
