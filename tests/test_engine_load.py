"""Loading the engine from its cache: the shortcuts a one-message run takes give the same results.

A run from the cache neither builds the Aho-Corasick automaton nor the learned model's
dictionaries until enough text has gone through; these tests hold the shortcuts to the real thing
on real inputs (every example message written in the rule files, and examples/messages.txt).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from conftest import ROOT

from kzscam import engine as engine_module
from kzscam.config import Config
from kzscam.engine import SCAN_BEFORE_AUTOMATON, Engine
from kzscam.pipeline.text import check_text
from kzscam.rules.loader import load_catalog
from kzscam.text.learned import PACKED_MESSAGES, Model, Packed, features, sigmoid
from kzscam.text.normalize import normalize


@pytest.fixture(scope="module")
def fresh() -> Engine:
    return Engine(load_catalog(), Config())


@pytest.fixture(scope="module")
def image(fresh: Engine) -> dict[str, Any]:
    return fresh.to_image()


@pytest.fixture(scope="module")
def messages(fresh: Engine) -> list[str]:
    """Real inputs: the rule files' example messages (hits and misses) and the bundled samples."""
    texts = [t for r in fresh.catalog.rules if r.subject == "text" for t in (*r.hits, *r.misses)]
    sample = (ROOT / "examples" / "messages.txt").read_text(encoding="utf-8").splitlines()
    return [t for t in texts + sample if t.strip()]


def test_the_lookup_scan_finds_what_the_automaton_finds(fresh: Engine, image: dict[str, Any],
                                                        messages: list[str]) -> None:
    loaded = Engine.from_image(image, Config())
    lazy = loaded.table._automaton
    assert isinstance(lazy, engine_module._LazyAutomaton)
    real = fresh.table._automaton
    views = [v.text for m in messages for v in normalize(m).views]
    assert len(views) > 500
    for text in views:
        assert lazy.scan(text) == list(real.iter(text)), text
    assert lazy._built is None  # the comparison above never needed the real automaton


def test_a_short_run_never_builds_the_automaton_and_a_batch_does(image: dict[str, Any],
                                                                  messages: list[str]) -> None:
    loaded = Engine.from_image(image, Config())
    fresh = Engine(load_catalog(), Config())
    lazy = loaded.table._automaton
    first = messages[0]
    assert check_text(loaded, first, name="m", lang="ru") == check_text(fresh, first, name="m",
                                                                         lang="ru")
    assert lazy._built is None
    for text in messages:  # far more than SCAN_BEFORE_AUTOMATON characters
        assert check_text(loaded, text, name="m", lang="en") == check_text(fresh, text, name="m",
                                                                           lang="en")
    assert sum(map(len, messages)) > 2 * SCAN_BEFORE_AUTOMATON
    assert lazy._built is not None
    assert sorted(lazy.items()) == sorted(fresh.table._automaton.items())


def test_packed_weights_equal_the_dictionaries() -> None:
    model = Model.load()
    assert model is not None
    loaded = Model.from_image(model.to_image())
    assert loaded._packed is not None and loaded._tables is None
    for packed, table in zip(loaded._packed, model.tables(), strict=True):
        for key, weight in table.items():
            assert packed.get(key) == weight
        for absent in ("", "zzzz", "\uffff", "а" * 40, min(table, default="a") + "\x00"):
            if absent not in table:
                assert packed.get(absent, -1.0) == -1.0
    assert loaded.tables() == model.tables()
    assert loaded.weights == model.weights


def test_the_first_messages_score_as_the_dictionaries_do(messages: list[str]) -> None:
    model = Model.load()
    assert model is not None
    loaded = Model.from_image(model.to_image())
    for text in messages[: PACKED_MESSAGES]:
        norm = normalize(text)
        packed_p = loaded.probability(norm, ["url"])
        assert loaded._tables is None  # still the packed tables
        assert math.isclose(packed_p, model.probability(norm, ["url"]), rel_tol=1e-12)
        assert math.isclose(packed_p, sigmoid(model.bias, model.weights,
                                               features((v.text for v in norm.views), ["url"])),
                            rel_tol=1e-9)
    norm = normalize(messages[PACKED_MESSAGES])
    loaded.probability(norm, [])
    assert loaded._tables is not None  # a batch builds the dictionaries
    assert loaded.cues(norm) == model.cues(norm)


def test_damaged_packed_tables_are_refused() -> None:
    model = Model.load()
    assert model is not None
    bias, meta, words, *rest = model.to_image()
    with pytest.raises(ValueError):
        Model.from_image([bias, meta, [words[0], words[1][:-8]], *rest])
    with pytest.raises(TypeError):
        Packed(words[0], list(words[1]))  # type: ignore[arg-type]


def test_the_lexicon_and_texts_read_lazily_equal_the_rule_files(image: dict[str, Any],
                                                                fresh: Engine) -> None:
    loaded = Engine.from_image(image, Config())
    assert dict(loaded.catalog.lexicon) == {k: tuple(v) for k, v in fresh.catalog.lexicon.items()}
    for rule in fresh.catalog.rules:
        twin = loaded.catalog.by_id[rule.id]
        assert twin == rule.__class__(**{**rule.__dict__, "texts": twin.texts, "hits": (),
                                        "misses": (), "description": "",
                                        "match": {"check": rule.check} if rule.check else {}})
        for lang in ("kk", "ru", "en"):
            assert twin.texts.title[lang] == rule.texts.title[lang]
            assert twin.texts.advice[lang] == rule.texts.advice[lang]


def test_rule_texts_with_a_nul_cannot_enter_the_image() -> None:
    """Texts are NUL-joined in the image: one holding a NUL is refused (the engine then runs
    without writing a cache) instead of being split wrongly on the next load."""
    assert engine_module._joined(["ok", "fine"]) == "ok\x00fine"
    with pytest.raises(ValueError):
        engine_module._joined(["ok", "bad\x00text"])
