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
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
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
# A link's scheme and "www." say only that there is a link, which the entity kind "url" already
# says once. Read as words ("https", its transliteration "хттпс", the pair "https me") they tripled
# that weight, and "look at this https://github.com/..." or Telegram's own "Check out «…» sticker
# set: https://t.me/addstickers/…" scored as scams. They are blanked (same length, so offsets stay
# valid); the host and path words stay (out of fold: recall unchanged, docs/model.md).
_LINK = re.compile(r"\b(?:https?|\u0445\u0442\u0442\u043f\u0441?)://|\b(?:www|\u0443\u0443\u0443)\.")


# Evidence quotes words, not pieces of links ("com", "me"): the whole of a token with a scheme,
# "www." or a host followed by a path is skipped when quoting (it still counts in the score; the
# link itself is quoted by the URL inspector's findings). Anchored at token starts, so linear.
_LINK_TOKEN = re.compile(
    r"(?<!\S)(?=\S*?(?:://|www\.|\u0443\u0443\u0443\.|\.[a-z\u0430-\u044f]{2,}/))\S+")


def _linkish(text: str) -> bool:
    return "/" in text or "www." in text or "\u0443\u0443\u0443." in text


def _blank_links(text: str) -> str:
    """`text` with whole links replaced by spaces of the same length (offsets stay valid)."""
    return _LINK_TOKEN.sub(lambda m: " " * (m.end() - m.start()), text) if _linkish(text) else text


class Cue(NamedTuple):
    """One quoted word and how much it added to the score."""

    start: int
    end: int
    weight: float


def _tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Words outside links with their view offsets (for quoting evidence)."""
    for m in _TOKEN.finditer(_blank_links(text[:MAX_VIEW_CHARS])):
        if m.end() - m.start() >= 2:
            yield m.group().translate(_DIGITS), m.start(), m.end()


def _words(text: str) -> list[str]:
    """Words of a view, digits as shapes ("4821" -> "0000"): one C-speed pass, no per-word calls."""
    text = text[:MAX_VIEW_CHARS]
    if _linkish(text):
        text = _LINK.sub(" ", text)
    return [w for w in _TOKEN.findall(_NONZERO.sub("0", text)) if len(w) >= 2]


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
    engine cache stores only the split form, each table as sorted keys and an array of weights
    (`Packed`). Turning those into dictionaries costs more than one message's look-ups, so the
    first few messages of a process search the sorted keys and only then are the dictionaries built.
    """

    __slots__ = ("_packed", "_tables", "_uses", "_weights", "bias", "meta")

    def __init__(self, bias: float, weights: Mapping[str, float] | None,
                 meta: Mapping[str, Any], tables: _Tables | None = None,
                 packed: tuple[Packed, Packed, Packed, Packed] | None = None) -> None:
        self.bias = bias
        self.meta = meta
        self._weights = weights
        self._tables = tables
        self._packed = packed
        self._uses = 0

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
            if self._packed is not None:
                self._tables = _Tables(*(p.to_dict() for p in self._packed))
            else:
                self._tables = _split(self.weights)
        return self._tables

    def _lookups(self) -> tuple[_Get, _Get, _Get, _Get]:
        """`get` of the words, stems, pairs and kinds tables for one message."""
        packed = self._packed
        if self._tables is None and packed is not None and self._uses < PACKED_MESSAGES:
            self._uses += 1
            return packed[0].get, packed[1].get, packed[2].get, packed[3].get
        t = self.tables()
        return t.words.get, t.stems.get, t.pairs.get, t.kinds.get

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
        """Plain data for the engine cache: per table, the keys sorted and joined into one string
        and the weights as one array of doubles (two objects to load instead of thousands)."""
        t = self.tables()

        def pack(table: dict[str, float]) -> list[Any]:
            keys = sorted(table)
            if any("\n" in k for k in keys):
                raise ValueError("learned model: a feature name holds a line break")
            return ["\n".join(keys), array("d", [table[k] for k in keys]).tobytes()]

        return [self.bias, dict(self.meta), pack(t.words), pack(t.stems), pack(t.pairs),
                pack(t.kinds)]

    @classmethod
    def from_image(cls, image: list[Any]) -> Model:
        """A model from `to_image` data; malformed data raises ValueError or TypeError."""
        bias, meta, words, stems, pairs, kinds = image
        if not isinstance(meta, dict):
            raise TypeError("learned model image: meta is not a table")
        packed = (Packed(*words), Packed(*stems), Packed(*pairs), Packed(*kinds))
        return cls(float(bias), None, meta, packed=packed)

    def probability(self, norm: Normalized, kinds: Iterable[str]) -> float:
        """P(scam) for one message; equal to `sigmoid` over `features` (a test checks it)."""
        words, stems, pairs, kinds_ = self._lookups()
        p = parts((v.text for v in norm.views), kinds)
        zero = repeat(0.0)
        z = (self.bias + sum(map(words, p.words, zero)) + sum(map(stems, p.stems, zero))
             + sum(map(pairs, p.pairs, zero)) + sum(map(kinds_, p.kinds, zero)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def cues(self, norm: Normalized) -> list[Cue]:
        """The words that pushed the score up most, as original-text spans."""
        words, stems, pairs, _kinds = self._lookups()
        seen: set[tuple[int, str]] = set()
        gains: list[tuple[float, int, View, int, int]] = []
        for view in norm.views:
            prev = ""
            for tok, s, e in _tokens(view.text):
                stem = tok[:STEM]
                # A word's features as in `parts`: itself, its stem when longer, the pair with
                # the previous stem; each counted once per message.
                parts_of = [(0, tok, words)]
                if len(tok) > STEM:
                    parts_of.append((1, stem, stems))
                if prev:
                    parts_of.append((2, prev + " " + stem, pairs))
                gain = 0.0
                for kind, key, get in parts_of:
                    if (kind, key) not in seen:
                        seen.add((kind, key))
                        gain += get(key, 0.0)
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


_Get = Callable[[str, float], float]
# Messages per process that look weights up in the packed tables before the dictionaries are built:
# a short message makes about a hundred look-ups (~1 us each by bisection), building the four
# dictionaries costs about 1.5 ms (measured), so a one-message run never builds them.
PACKED_MESSAGES = 8


class Packed:
    """One weight table as stored in the engine cache: keys sorted and joined by line breaks,
    weights as the bytes of an array of doubles in the same order. Split on first use."""

    __slots__ = ("_joined", "_raw", "_split")

    def __init__(self, joined: str, weights: bytes) -> None:
        if not isinstance(joined, str) or not isinstance(weights, bytes):
            raise TypeError("learned model image: a table is not text and bytes")
        n = joined.count("\n") + 1 if joined else 0
        if len(weights) != 8 * n:
            raise ValueError("learned model image: keys and weights differ in number")
        self._joined, self._raw = joined, weights
        self._split: tuple[list[str], array[float]] | None = None

    def _unpack(self) -> tuple[list[str], array[float]]:
        split = self._split
        if split is None:
            weights = array("d")
            weights.frombytes(self._raw)
            split = self._split = (self._joined.split("\n") if self._joined else [], weights)
        return split

    def get(self, key: str, default: float = 0.0) -> float:
        keys, weights = self._unpack()
        i = bisect_left(keys, key)
        return weights[i] if i < len(keys) and keys[i] == key else default

    def to_dict(self) -> dict[str, float]:
        keys, weights = self._unpack()
        return dict(zip(keys, weights.tolist(), strict=True))


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


