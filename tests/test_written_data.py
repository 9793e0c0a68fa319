"""training/written.jsonl and the written held-out sets: fit to train on and to measure with.

The second held-out set measures messages written like the training ones but never trained or tuned
on: none may be a near copy of a training message, and none may sit near the material kzscam is
judged on (the guard).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest
from conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "scripts"))

from neardup import NearIndex
from splits import NEWS_QUOTES

WRITTEN = ROOT / "training" / "written.jsonl"
HELDOUT2 = ROOT / "training" / "heldout_written2.jsonl"
WILD = ROOT / "training" / "tuning_wild.jsonl"
CHAT = ROOT / "training" / "tuning_chat.jsonl"
HELD_WILD = ROOT / "training" / "heldout_wild.jsonl"
HELD_CHAT = ROOT / "training" / "heldout_chat.jsonl"
QUOTES = ROOT / "training" / "tuning_quotes.jsonl"
HELD_QUOTES = ROOT / "training" / "heldout_quotes.jsonl"
EVERYDAY_KK = ROOT / "training" / "tuning_kk.jsonl"
HELD_KK = ROOT / "training" / "heldout_kk.jsonl"
FORMAL = ROOT / "training" / "tuning_formal.jsonl"
HELD_MIXED = ROOT / "training" / "heldout_mixed.jsonl"
HELD_MONTH = ROOT / "training" / "heldout_month.jsonl"
PAIRS = ROOT / "training" / "tuning_pairs.jsonl"
HARDNEG = ROOT / "training" / "tuning_hardneg.jsonl"
FAMILY = ROOT / "training" / "tuning_family.jsonl"
SERVICE = ROOT / "training" / "tuning_service.jsonl"
EVERYDAY = ROOT / "training" / "tuning_everyday.jsonl"
RUSSIAN = ROOT / "training" / "tuning_russian.jsonl"
KAZAKH = ROOT / "training" / "tuning_kazakh.jsonl"
FORWARDED = ROOT / "training" / "tuning_forwarded.jsonl"


def _rows(path: Any) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.mark.parametrize(("path", "origin"), [(WRITTEN, "written"), (HELDOUT2, "written-heldout"),
                                             (WILD, "written-tuning"), (CHAT, "written-tuning"),
                                             (HELD_WILD, "written-heldout"), (HELD_CHAT, "written-heldout"),
                                             (QUOTES, "written-tuning"), (HELD_QUOTES, "written-heldout"),
                                             (EVERYDAY_KK, "written-tuning"), (HELD_KK, "written-heldout"),
                                             (FORMAL, "written-tuning"), (HELD_MIXED, "written-heldout"),
                                             (HARDNEG, "written-tuning"), (FAMILY, "written-tuning"),
                                             (SERVICE, "written-tuning"), (EVERYDAY, "written-tuning"),
                                             (RUSSIAN, "written-tuning"), (KAZAKH, "written-tuning"),
                                             (FORWARDED, "written-tuning"), (HELD_MONTH, "written-heldout"),
                                             (PAIRS, "written-tuning")])
def test_rows_are_labelled(path: Any, origin: str) -> None:
    rows = _rows(path)
    for r in rows:
        assert set(r) == {"text", "label", "lang", "scenario", "origin"}, r
        assert r["label"] in {"scam", "legit"} and r["lang"] in {"kk", "ru", "en", "mixed"}, r
        assert r["origin"] == origin and r["text"].strip(), r
    langs = Counter(r["lang"] for r in rows)
    # The everyday-Kazakh sets are Kazakh and Kazakh-Russian only, the Russian month Russian only,
    # on purpose.
    if path == RUSSIAN:
        assert set(langs) == {"ru"}, langs
    else:
        kazakh_only = path in (EVERYDAY_KK, HELD_KK, KAZAKH)
        assert langs["kk"] and (kazakh_only or (langs["ru"] and langs["en"])), langs


@pytest.mark.parametrize("heldout", [HELDOUT2, HELD_WILD, HELD_CHAT, HELD_QUOTES, HELD_KK, HELD_MIXED,
                                     HELD_MONTH])
def test_heldout_sets_are_not_copies_of_training_or_tuning_text(heldout: Any) -> None:
    trained_or_tuned = (WRITTEN, WILD, CHAT, QUOTES, EVERYDAY_KK, FORMAL, HARDNEG, FAMILY, SERVICE,
                        EVERYDAY, RUSSIAN, KAZAKH, FORWARDED, PAIRS)
    index = NearIndex(r["text"] for path in trained_or_tuned for r in _rows(path))
    near = [r["text"][:60] for r in _rows(heldout) if index.has_near(r["text"])]
    assert near == []


def test_training_never_reads_the_heldout_sets() -> None:
    source = (ROOT / "scripts" / "train_model.py").read_text(encoding="utf-8")
    assert "heldout" not in source and "tuning_" not in source


@pytest.mark.parametrize("path", [WRITTEN, HELDOUT2, WILD, CHAT, HELD_WILD, HELD_CHAT, QUOTES, HELD_QUOTES,
                                  EVERYDAY_KK, HELD_KK, FORMAL, HELD_MIXED, HARDNEG, FAMILY, SERVICE,
                                  EVERYDAY, RUSSIAN, KAZAKH, FORWARDED, HELD_MONTH, PAIRS,
                                  NEWS_QUOTES])
def test_nothing_near_the_evaluation_material(path: Any) -> None:
    guard = shared_path("tools", "heldout_guard.py")
    done = subprocess.run([sys.executable, str(guard), str(path), "--field", "text", "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_news_quotes_are_attributed_real_lines_in_two_fixed_parts() -> None:
    from splits import news_quote_parts

    rows = _rows(NEWS_QUOTES)
    for r in rows:
        assert set(r) == {"text", "label", "lang", "scenario", "part", "source", "note"}, r
        assert r["label"] in {"scam", "legit"} and r["lang"] in {"kk", "ru", "en", "mixed"}, r
        assert r["source"].startswith("https://") and r["text"].strip(), r
    assert len({r["text"] for r in rows}) == len(rows)
    parts = news_quote_parts(rows)
    assert all(r["part"] == parts[r["text"]] for r in rows)
    counts = Counter((r["part"], r["lang"], r["label"]) for r in rows)
    assert counts[("check", "kk", "scam")] >= 15 and counts[("tune", "kk", "scam")] >= 15, counts


def test_news_quotes_are_not_copies_of_training_tuning_or_shared_text() -> None:
    """Exact Jaccard of character 5-grams (neardup's measure) against every other text: the
    quotes' 5-grams are few, so each text is looked up in them rather than indexed itself."""
    from neardup import THRESHOLD, _shingles
    from splits import read_jsonl

    quotes = [_shingles(r["text"]) for r in _rows(NEWS_QUOTES)]
    owner: dict[str, list[int]] = {}
    for i, grams in enumerate(quotes):
        for g in grams:
            owner.setdefault(g, []).append(i)
    others = [r["text"] for path in (ROOT / "training").glob("*.jsonl") if path != NEWS_QUOTES
              for r in _rows(path)]
    others += [r["text"] for name in (("corpus", "train", "train.jsonl"), ("corpus", "texts_dev.jsonl"))
               for r in read_jsonl(shared_path(*name))]
    near = []
    for text in others:
        grams = _shingles(text)
        shared = Counter(i for g in grams for i in owner.get(g, ()))
        near += [text[:60] for i, n in shared.items()
                 if n / (len(grams) + len(quotes[i]) - n) >= THRESHOLD]
    assert near == []
    source = (ROOT / "scripts" / "train_model.py").read_text(encoding="utf-8")
    assert "news_quotes" not in source
