"""The learned text detector: a logistic model over words and word stems of the folded views.

Rules catch the phrasings they were written for; real scams reword them. This detector was trained
on thousands of real labelled messages plus Kazakh, Russian and English messages written from the
National Bank's notices (see docs/model.md and `make model`), balanced per language so that it
learns what scams say rather than which language or source a message comes from.

Features are deliberately simple so that checking stays fast and needs no training library: every
word of the folded text (Kazakh letters, homoglyphs and Latin-script Kazakh are already folded by
`normalize`), its first five letters (a stem that survives Kazakh and Russian endings), pairs of
neighbouring stems, digit shapes (`0000` for any four digits) and the kinds of entity found (link,
phone, card, IIN). A message's score is the sum of its features' weights; the words that added most
are quoted as evidence, with offsets into the original text. (Scaling by the number of features
was measured and lost on every language.)
"""

from __future__ import annotations

import json
import math
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any, NamedTuple

from kzscam.text.normalize import Normalized, View

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "text_model.json"
STEM = 5
MAX_VIEW_CHARS = 4000  # the start of a message carries its pitch; bounded work on huge inputs
MAX_EVIDENCE = 4
_TOKEN = re.compile(r"[0-9a-z\u0430-\u044f]+")
_DIGITS = str.maketrans("123456789", "000000000")
_NONZERO = re.compile("[1-9]")  # the same mapping as _DIGITS; a C-speed pass over the whole view


class Cue(NamedTuple):
    """One quoted word and how much it added to the score."""

    start: int
    end: int
    weight: float


def _tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Words with their view offsets (for quoting evidence); the same words as `_words`."""
    for m in _TOKEN.finditer(text, 0, MAX_VIEW_CHARS):
        if m.end() - m.start() >= 2:
            yield m.group().translate(_DIGITS), m.start(), m.end()


def _words(text: str) -> list[str]:
    """Words of a view, digits as shapes ("4821" -> "0000"): one C-speed pass, no per-word calls."""
    return [w for w in _TOKEN.findall(_NONZERO.sub("0", text[:MAX_VIEW_CHARS])) if len(w) >= 2]


class Parts(NamedTuple):
    """A message's features in three sets: words, stems of long words, pairs of neighbouring stems."""

    words: set[str]
    stems: set[str]
    pairs: set[str]  # "stem stem"
    kinds: list[str]


def parts(views: Iterable[str], kinds: Iterable[str] = ()) -> Parts:
    words: set[str] = set()
    pairs: set[str] = set()
    for text in views:
        ws = _words(text)
        words.update(ws)
        stems = [w[:STEM] for w in ws]
        pairs.update([a + " " + b for a, b in pairwise(stems)])
    return Parts(words, {w[:STEM] for w in words if len(w) > STEM}, pairs, _kinds(kinds))


def features(views: Iterable[str], kinds: Iterable[str] = ()) -> set[str]:
    """The feature set of one message as named features (what training sees and the model stores)."""
    p = parts(views, kinds)
    out = {"e" + k for k in p.kinds}
    out.update("w" + w for w in p.words)
    out.update("s" + s for s in p.stems)
    out.update("b" + pair for pair in p.pairs)
    return out


# The entity kinds of `extract_all`, the same in training and checking (the engine's own signals
# such as app_download are not features: training never sees them).
ENTITY_KINDS = ("url", "phone", "card", "iin")


class Model:
    """Weights of the logistic model; `meta` records how it was trained.

    Checking needs the weights split by feature kind (`tables`); training, tests and evidence use
    them by feature name (`weights`). Either form is built from the other on first use, so the
    engine cache stores only the split form.
    """

    __slots__ = ("_tables", "_weights", "bias", "meta")

    def __init__(self, bias: float, weights: Mapping[str, float] | None,
                 meta: Mapping[str, Any], tables: _Tables | None = None) -> None:
        self.bias = bias
        self.meta = meta
        self._weights = weights
        self._tables = tables

    @property
    def weights(self) -> Mapping[str, float]:
        if self._weights is None:
            t = self.tables()
            named: dict[str, float] = {"w" + k: v for k, v in t.words.items()}
            named.update(("s" + k, v) for k, v in t.stems.items())
            named.update(("b" + k, v) for k, v in t.pairs.items())
            named.update(("e" + k, v) for k, v in t.kinds.items())
            self._weights = named
        return self._weights

    def tables(self) -> _Tables:
        """The weights split by feature kind, keyed without building feature names per message."""
        if self._tables is None:
            self._tables = _split(self.weights)
        return self._tables

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model | None:
        """The packaged model, or None when it is absent (the detector then stays silent)."""
        try:
            data = json.loads(path.read_bytes())
            return cls(float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()},
                       data.get("meta", {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def to_image(self) -> list[Any]:
        """Plain data for the engine cache: per table, the keys joined into one string and the
        weights as one array of doubles (two objects to load instead of thousands)."""
        t = self.tables()

        def pack(keys: list[str], values: list[float]) -> list[Any]:
            return ["\n".join(keys), array("d", values).tobytes()]

        return [self.bias, dict(self.meta),
                pack(list(t.words), list(t.words.values())),
                pack(list(t.stems), list(t.stems.values())),
                pack(list(t.pairs), list(t.pairs.values())),
                pack(list(t.kinds), list(t.kinds.values()))]

    @classmethod
    def from_image(cls, image: list[Any]) -> Model:
        bias, meta, words, stems, pairs, kinds = image

        def unpack(packed: list[Any]) -> tuple[list[str], list[float]]:
            keys: list[str] = packed[0].split("\n") if packed[0] else []
            values = array("d")
            values.frombytes(packed[1])
            if len(keys) != len(values):
                raise ValueError("learned model image: keys and weights differ in number")
            return keys, values.tolist()

        tables = _Tables(*(dict(zip(*unpack(part), strict=True))
                           for part in (words, stems, pairs, kinds)))
        return cls(float(bias), None, meta, tables)

    def probability(self, norm: Normalized, kinds: Iterable[str]) -> float:
        """P(scam) for one message; equal to `sigmoid` over `features` (a test checks it)."""
        t = self.tables()
        p = parts((v.text for v in norm.views), kinds)
        zero = repeat(0.0)
        z = (self.bias + sum(map(t.words.get, p.words, zero)) + sum(map(t.stems.get, p.stems, zero))
             + sum(map(t.pairs.get, p.pairs, zero)) + sum(map(t.kinds.get, p.kinds, zero)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def cues(self, norm: Normalized) -> list[Cue]:
        """The words that pushed the score up most, as original-text spans."""
        t = self.tables()
        seen: set[tuple[int, str]] = set()
        gains: list[tuple[float, int, View, int, int]] = []
        for view in norm.views:
            prev = ""
            for tok, s, e in _tokens(view.text):
                stem = tok[:STEM]
                # A word's features as in `parts`: itself, its stem when longer, the pair with
                # the previous stem; each counted once per message.
                parts_of = [(0, tok, t.words)]
                if len(tok) > STEM:
                    parts_of.append((1, stem, t.stems))
                if prev:
                    parts_of.append((2, prev + " " + stem, t.pairs))
                gain = 0.0
                for kind, key, table in parts_of:
                    if (kind, key) not in seen:
                        seen.add((kind, key))
                        gain += table.get(key, 0.0)
                prev = stem
                if gain > 0:
                    gains.append((gain, len(gains), view, s, e))
        # Map back to the original only the words that will be quoted (offset lookups cost).
        best: dict[tuple[int, int], float] = {}
        for gain, _i, view, s, e in sorted(gains, key=lambda g: (-g[0], g[1])):
            span = view.span(s, e)
            best.setdefault(span, gain)
            if len(best) == MAX_EVIDENCE:
                break
        return sorted((Cue(s, e, w) for (s, e), w in best.items()), key=lambda c: c.start)


def sigmoid(bias: float, weights: Mapping[str, float], feats: set[str]) -> float:
    """P(scam) of a feature set (training and checking share this one definition)."""
    z = bias + sum(weights.get(f, 0.0) for f in feats)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class _Tables(NamedTuple):
    words: dict[str, float]
    stems: dict[str, float]
    pairs: dict[str, float]
    kinds: dict[str, float]


def _split(weights: Mapping[str, float]) -> _Tables:
    t = _Tables({}, {}, {}, {})
    for name, weight in weights.items():
        kind, rest = name[:1], name[1:]
        if kind == "w":
            t.words[rest] = weight
        elif kind == "s":
            t.stems[rest] = weight
        elif kind == "b":
            t.pairs[rest] = weight
        elif kind == "e":
            t.kinds[rest] = weight
    return t


def _kinds(kinds: Iterable[str]) -> list[str]:
    return [k for k in kinds if k in ENTITY_KINDS]


