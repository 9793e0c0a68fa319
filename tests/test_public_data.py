"""training/public.jsonl: real messages from public repositories, kept fit to train on.

They must carry their provenance and licence, must not repeat one another, and must stay clear of
the material kzscam is judged on and of the shared corpus (whose frozen split they would leak into).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest
from conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "scripts"))

from neardup import NearIndex

PUBLIC = ROOT / "training" / "public.jsonl"
SOURCE = re.compile(r"^github:[\w.-]+/[\w.-]+@[0-9a-f]{7,40} \S")


def _rows() -> list[dict[str, Any]]:
    with PUBLIC.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def test_every_row_says_what_it_is_and_where_it_came_from() -> None:
    rows = _rows()
    assert len(rows) >= 500
    for r in rows:
        assert set(r) == {"text", "label", "lang", "scenario", "source", "licence", "origin"}, r
        assert r["label"] in {"scam", "legit"} and r["lang"] in {"kk", "ru", "en", "mixed"}, r
        assert r["origin"] == "public" and r["licence"].strip() and r["text"].strip(), r
        assert re.fullmatch(r"[a-z][a-z0-9_]*", r["scenario"]), r
        assert SOURCE.match(r["source"]), r["source"]
    groups = Counter((r["lang"], r["label"]) for r in rows)
    assert groups[("ru", "legit")] and groups[("en", "scam")] and groups[("en", "legit")], groups
    # kzscam and the model trained from these rows are Apache-2.0: no copyleft or non-commercial data.
    assert not [r["source"] for r in rows if re.search(r"GPL|NC\b|NonCommercial", r["licence"])]


def test_no_message_is_repeated() -> None:
    rows = _rows()
    keys = [_key(r["text"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_nothing_near_the_evaluation_material() -> None:
    guard = shared_path("tools", "heldout_guard.py")
    done = subprocess.run([sys.executable, str(guard), str(PUBLIC), "--field", "text", "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_nothing_near_the_shared_corpus_or_the_development_set() -> None:
    texts: list[str] = []
    for path in (shared_path("corpus", "train", "train.jsonl"), shared_path("corpus", "texts_dev.jsonl")):
        with path.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh if line.strip()]
    keys = {_key(t) for t in texts}
    index = NearIndex(texts)
    near = [r["text"][:60] for r in _rows() if _key(r["text"]) in keys or index.has_near(r["text"])]
    assert not near
