"""The learned text detector: a logistic model over words and word stems of the folded views.

Rules catch the phrasings they were written for; real scams reword them. This detector was trained
on thousands of real labelled messages plus Kazakh, Russian and English messages written from the
National Bank's notices (see docs/model.md and `make model`), balanced per language so that it
learns what scams say rather than which language or source a message comes from.

Features are deliberately simple so that checking stays fast and needs no training library: every
word of the folded text (Kazakh letters, homoglyphs and Latin-script Kazakh are already folded by
`normalize`), its first five letters (a stem that survives Kazakh and Russian endings), pairs of
neighbouring stems, digit shapes (`0000` for any four digits) and the kinds of entity found (link,
phone, card). A message's score is the sum of its features' weights; the words that added most
are quoted as evidence, with offsets into the original text. (Scaling by the number of features
was measured and lost on every language.)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from kzscam.text.normalize import Normalized, View

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "text_model.json"
STEM = 5
MAX_VIEW_CHARS = 4000  # the start of a message carries its pitch; bounded work on huge inputs
MAX_EVIDENCE = 4
_TOKEN = re.compile(r"[0-9a-z\u0430-\u044f]+")
_DIGITS = str.maketrans("123456789", "000000000")


class Cue(NamedTuple):
    """One quoted word and how much it added to the score."""

    start: int
    end: int
    weight: float


def _tokens(text: str) -> Iterator[tuple[str, int, int]]:
    for m in _TOKEN.finditer(text, 0, MAX_VIEW_CHARS):
        tok = m.group()
        if tok[0] in "0123456789" or tok[-1] in "0123456789":
            tok = tok.translate(_DIGITS)[:12]
        elif len(tok) < 2:
            continue
        yield tok, m.start(), m.end()


def token_features(tok: str, prev: str) -> list[str]:
    """Features one word contributes (`prev` is the previous word's stem, or "")."""
    stem = tok[:STEM]
    out = ["w" + tok]
    if len(tok) > STEM:
        out.append("s" + stem)
    if prev:
        out.append("b" + prev + " " + stem)
    return out


def features(views: Iterable[str], kinds: Iterable[str] = ()) -> set[str]:
    """The feature set of one message (training and checking share this one definition)."""
    out = {"e" + k for k in kinds}
    for text in views:
        prev = ""
        for tok, _s, _e in _tokens(text):
            out.update(token_features(tok, prev))
            prev = tok[:STEM]
    return out


ENTITY_KINDS = ("url", "phone", "card", "iin", "short_url", "app_download", "email")


class Model(NamedTuple):
    """Weights of the logistic model; `meta` records how it was trained."""

    bias: float
    weights: Mapping[str, float]
    meta: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model | None:
        """The packaged model, or None when it is absent (the detector then stays silent)."""
        try:
            data = json.loads(path.read_bytes())
            return cls(float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()},
                       data.get("meta", {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def probability(self, norm: Normalized, kinds: Iterable[str]) -> float:
        """P(scam) for one message."""
        return sigmoid(self.bias, self.weights,
                       features((v.text for v in norm.views), _kinds(kinds)))

    def cues(self, norm: Normalized) -> list[Cue]:
        """The words that pushed the score up most, as original-text spans."""
        weights = self.weights
        seen: set[str] = set()
        best: dict[tuple[int, int], float] = {}
        for view in norm.views:
            prev = ""
            for tok, s, e in _tokens(view.text):
                gain = 0.0
                for f in token_features(tok, prev):
                    if f not in seen:
                        seen.add(f)
                        gain += weights.get(f, 0.0)
                prev = tok[:STEM]
                if gain > 0:
                    span = _view_span(view, s, e)
                    best[span] = max(best.get(span, 0.0), gain)
        top = sorted(best.items(), key=lambda kv: -kv[1])[:MAX_EVIDENCE]
        return sorted((Cue(s, e, w) for (s, e), w in top), key=lambda c: c.start)


def sigmoid(bias: float, weights: Mapping[str, float], feats: set[str]) -> float:
    """P(scam) of a feature set (training and checking share this one definition)."""
    z = bias + sum(weights.get(f, 0.0) for f in feats)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _kinds(kinds: Iterable[str]) -> list[str]:
    return [k for k in kinds if k in ENTITY_KINDS]


def _view_span(view: View, start: int, end: int) -> tuple[int, int]:
    return view.span(start, end)
