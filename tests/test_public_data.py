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


def test_the_readme_counts_are_the_files_counts() -> None:
    """training/README.md's table of public.jsonl is what the model card and the reader rely on."""
    text = (ROOT / "training" / "README.md").read_text(encoding="utf-8")
    section = text.split("## `public.jsonl`", 1)[1]
    table = re.search(r"\| \| en \| ru \|\n\|---\|---:\|---:\|\n(\| scam .*)\n(\| legit .*)\n", section)
    assert table, "the en/ru count table of public.jsonl is missing from training/README.md"
    documented = {}
    for line in table.groups():
        label, en, ru = (cell.strip() for cell in line.strip("|").split("|"))
        documented[(label, "en")] = int(en.replace(",", ""))
        documented[(label, "ru")] = int(ru.replace(",", ""))
    counts = Counter((r["label"], r["lang"]) for r in _rows())
    assert {k: counts.get(k, 0) for k in documented} == documented
    assert sum(counts.values()) == sum(documented.values()), counts


def _fetch_public(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "fetch_public.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_the_measured_chat_source_is_read_only_when_asked_for() -> None:
    """The shipped file is built without the chat source (measured, not kept): a rebuild must not
    need its snapshot, and asking for it must."""
    plain = _fetch_public("--out", "/dev/null")
    assert plain.returncode == 2
    assert "NKTKLN/telegram-news-classifier" in plain.stderr
    assert "STANKIN_AntiSpam_Bot" not in plain.stderr
    asked = _fetch_public("--with-chat", "--out", "/dev/null")
    assert asked.returncode == 2 and "overklassniy/STANKIN_AntiSpam_Bot" in asked.stderr
    assert not [r for r in _rows() if "STANKIN_AntiSpam_Bot" in r["source"]]


def test_the_measured_email_source_is_read_only_when_asked_for() -> None:
    """The SpamAssassin ham e-mails were measured and not kept (training/README.md): the shipped
    file holds none of them, a rebuild does not need their snapshot, and asking for them does."""
    plain = _fetch_public("--out", "/dev/null")
    assert plain.returncode == 2 and "datasets-spam-assassin" not in plain.stderr
    asked = _fetch_public("--with-email", "--out", "/dev/null")
    assert asked.returncode == 2 and "stdlib-js/datasets-spam-assassin" in asked.stderr
    assert not [r for r in _rows() if "datasets-spam-assassin" in r["source"]]
