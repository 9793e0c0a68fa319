"""Linear time on hostile messages, checked by counting work, not by timing; and the same entities
as before the change on the development corpus.

Every regex object the text pipeline uses (extraction, folding, the rule table's term regexes) is
wrapped in a meter that charges each call what it may read: the RE2 binding encodes a `str` whole
on every call (so `search(text, pos)` costs the whole text, however large `pos`), a search on
bytes or with the stdlib engine costs the stretch from `pos` to where it stopped. The message itself
is a `str` subclass that charges every slice taken from it. A loop that searches from `pos` once per
match on a `str`, or slices `text[:i]` per match, makes the charge grow with the square of the
length; one pass keeps it a fixed multiple of the length.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import re2
from conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from kzscam.lazyre import LazyPattern
from kzscam.pipeline.text import text_hits
from kzscam.rules.table import PatternTable
from kzscam.text import extract, normalize
from kzscam.text.extract import Entity, extract_all, iin_ok, luhn_ok


class Meter:
    """Characters the wrapped regexes and slices were charged for, in all and per regex."""

    def __init__(self) -> None:
        self.chars = 0
        self.per_regex: dict[int, int] = {}
        self.names: dict[int, str] = {}


class _Counted:
    """A regex object that charges `meter` for each call (see the module docstring)."""

    def __init__(self, inner: Any, meter: Meter) -> None:
        self._inner = inner
        self._meter = meter
        self._re2 = not isinstance(inner, re.Pattern)

    def _charge(self, text: Any, pos: int, stop: int | None) -> None:
        if self._re2 and isinstance(text, str):
            cost = len(text)  # the binding encodes the whole str on every call
        else:
            cost = (len(text) if stop is None else stop) - pos + 1
        key = id(self._inner)
        self._meter.chars += cost
        self._meter.per_regex[key] = self._meter.per_regex.get(key, 0) + cost
        self._meter.names[key] = str(getattr(self._inner, "pattern", self._inner))[:60]

    def search(self, text: Any, pos: int = 0, *rest: Any) -> Any:
        m = self._inner.search(text, pos, *rest)
        self._charge(text, pos, None if m is None else m.end())
        return m

    def match(self, text: Any, pos: int = 0, *rest: Any) -> Any:
        m = self._inner.match(text, pos, *rest)
        self._charge(text, pos, pos if m is None else m.end())
        return m

    def fullmatch(self, text: Any, pos: int = 0, *rest: Any) -> Any:
        self._charge(text, pos, None)
        return self._inner.fullmatch(text, pos, *rest)

    def finditer(self, text: Any, pos: int = 0, *rest: Any) -> Iterator[Any]:
        self._charge(text, pos, None)
        return iter(self._inner.finditer(text, pos, *rest))

    def findall(self, text: Any, pos: int = 0, *rest: Any) -> list[Any]:
        self._charge(text, pos, None)
        return list(self._inner.findall(text, pos, *rest))

    def sub(self, repl: Any, text: Any, *rest: Any) -> Any:
        self._charge(text, 0, None)
        return self._inner.sub(repl, text, *rest)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)  # `pattern`, `groups`, ...: not reading the text


class _CountedText(str):
    """The message: every slice of it is charged."""

    meter: Meter

    def __getitem__(self, key: Any) -> str:
        piece = str.__getitem__(self, key)
        if isinstance(key, slice):
            self.meter.chars += len(piece) + 1
            self.meter.per_regex[0] = self.meter.per_regex.get(0, 0) + len(piece) + 1
            self.meter.names[0] = "slices of the message"
        return piece


def _is_regex(obj: object) -> bool:
    return isinstance(obj, re.Pattern | re2._Regexp)


@pytest.fixture()
def meter(monkeypatch: pytest.MonkeyPatch) -> Meter:
    """Wrap every regex of extraction, folding and the rule table in one meter."""
    m = Meter()
    for module in (extract, normalize):
        for name, obj in list(vars(module).items()):
            if _is_regex(obj):
                monkeypatch.setattr(module, name, _Counted(obj, m))
            elif isinstance(obj, LazyPattern):  # compiled on first use: counted all the same
                monkeypatch.setattr(module, name, _Counted(obj.compiled(), m))
            elif isinstance(obj, extract._Dual):
                monkeypatch.setattr(obj, "_long", _Counted(obj._long, m))
                short = re.compile(obj.pattern, re.ASCII)  # the short-text form, compiled now
                monkeypatch.setattr(obj, "_short", _Counted(short, m))
    for method in ("compiled", "quick", "pattern_regex"):
        original: Callable[[PatternTable, int], Any] = getattr(PatternTable, method)

        def counted(self: PatternTable, key: int, _original: Any = original) -> _Counted:
            return _Counted(_original(self, key), m)

        monkeypatch.setattr(PatternTable, method, counted)
    return m


def _iin() -> str:
    body = "90010130012"
    return next(body + d for d in DIGITS if iin_ok(body + d))


def _card() -> str:
    body = "440043012345678"
    number = next(body + d for d in DIGITS if luhn_ok(body + d))
    return " ".join(number[i:i + 4] for i in range(0, 16, 4))


DIGITS = "0123456789"
# Each family repeats one unit; the unit count sets the size.
FAMILIES: dict[str, Callable[[int], str]] = {
    "phones": lambda k: "+7 701 123 45 67 " * k,
    "ones": lambda k: "1 " * k,
    "short numbers": lambda k: "1477 " * k,
    "cards": lambda k: (_card() + " ") * k,
    "iins": lambda k: (_iin() + " ") * k,
    "links": lambda k: "".join(f"https://kaspi-bonus{i}.kz/pay?id={i} " for i in range(k)),
    "defanged links": lambda k: "hxxps://kaspi[.]kz/login kaspi(.)kz " * k,
    "links with numbers": lambda k: "https://x.kz/?p=+77011234567 +7 701 123 45 67 " * k,
    "long link": lambda k: "https://kaspi.kz/" + "a" * (20 * k),
    "spaced letters": lambda k: "с к и д к а " * k,
    "one long word": lambda k: "а" * (20 * k),
    # with a Kazakh letter, the words' Kazakh forms are read from the original (extract.py)
    "one long Kazakh word": lambda k: "ң " + "а" * (20 * k),
    "family names as nouns": lambda k: "х мама " * k,
    "international": lambda k: "+1111111111111111111111 " * k,
}


def _charged(meter: Meter, text: str) -> int:
    """Run the whole text check on `text`; the total charge (per regex: in `meter.per_regex`)."""
    from kzscam.engine import get_engine

    counted = _CountedText(text)
    counted.meter = meter
    meter.chars, meter.per_regex = 0, {}
    text_hits(get_engine(), counted)
    assert meter.chars >= len(text)  # the meter saw the work
    return meter.chars


@pytest.mark.parametrize("family", list(FAMILIES))
def test_work_per_character_is_bounded(family: str, meter: Meter) -> None:
    make = FAMILIES[family]
    small, large = make(500), make(2000)  # 4x the units
    charged_small = _charged(meter, small)
    charged_large = _charged(meter, large)
    # No regex (and no slicing) reads the message more than a few times: at most twice per view
    # (a rule author's regex: does it match, then where), three views, the translit view may be
    # a little longer than the message.
    over = {meter.names[k]: round(v / len(large), 1) for k, v in meter.per_regex.items()
            if v > 8 * len(large) + 200}
    assert not over, (family, over)
    # And the work per character does not grow with the length (a quadratic loop quadruples it).
    assert charged_large / len(large) <= 1.25 * charged_small / len(small) + 1, (
        family, charged_small / len(small), charged_large / len(large))


def test_a_quadratic_loop_would_be_caught(meter: Meter) -> None:
    """The meter's point: searching a `str` from `pos` once per match is charged per match."""
    text = "+7 701 123 45 67 " * 2000
    pattern = _Counted(re2.compile(extract._PHONE_RE.pattern), meter)
    pos, found = 0, 0
    while (m := pattern.search(text, pos)) is not None:
        pos, found = m.end(1), found + 1
    assert found == 2000
    assert meter.chars > 500 * len(text)  # what the bound above would reject


# -- same entities as before -----------------------------------------------------------------------

def _old_groups(pattern: str, text: str) -> Iterator[tuple[int, int]]:
    """The number search as it was: RE2 on the `str`, from `pos`, once per match."""
    compiled = re2.compile(pattern)
    pos = 0
    while pos <= len(text):
        m = compiled.search(text, pos)
        if m is None:
            return
        start, end = m.span(1)
        yield start, end
        pos = max(end, m.start() + 1)


def _old_extract_all(text: str) -> list[Entity]:
    """Entity extraction as it was before linear-time matching (the reference)."""
    out = extract.extract_urls(text) if extract._URL_HINT.search(text) else []
    digits = sum(c in DIGITS for c in text)
    if digits < 3:
        return out
    found: list[Entity] = []
    if digits >= 10:  # which candidates are phones is extract's rule; the search is the old one
        found += extract.phone_entities(text, lambda t: _old_groups(extract._PHONE_RE.pattern, t))
    if extract._SHORT_HINT.search(text):
        found += [Entity("phone", text[s:e], s, e) for s, e in _old_groups(extract._SHORT_RE.pattern, text)]
    if digits >= 13:
        for start, end in _old_groups(extract._CARD_RE.pattern, text):
            ds = "".join(c for c in text[start:end] if c.isdigit())
            if 13 <= len(ds) <= 19 and ds[0] in "2345689" and luhn_ok(ds):
                found.append(Entity("card", ds[:6] + "…" + ds[-4:], start, end))
    if digits >= 12:
        found += [Entity("iin", text[s:e][:6] + "…", s, e)
                  for s, e in _old_groups(extract._IIN_RE.pattern, text) if iin_ok(text[s:e])]
    spans = [(e.start, e.end) for e in out]
    out.extend(ent for ent in found if not any(s <= ent.start < e for s, e in spans))
    return out


def _corpus() -> list[str]:
    texts: list[str] = []
    for path in (shared_path("corpus", "texts_dev.jsonl"), shared_path("corpus", "train", "train.jsonl")):
        with Path(path).open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


_DUALS = (extract._PHONE_RE, extract._SHORT_RE, extract._CARD_RE, extract._IIN_RE)


def _force(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every number search to one engine, whatever the text's length."""
    if engine == "re2":  # RE2 on the ASCII byte copy, short texts too
        monkeypatch.setattr(extract._Dual, "SHORT_TEXT", -1)
        for dual in _DUALS:
            monkeypatch.setattr(dual, "any_length", False)
    elif engine == "stdlib":  # the stdlib form from the first text on, long texts too
        monkeypatch.setattr(extract._Dual, "WARM_UP", 0)
        for dual in _DUALS:
            monkeypatch.setattr(dual, "any_length", True)


@pytest.mark.parametrize("engine", ["default", "re2", "stdlib"])
def test_same_entities_as_before_on_the_corpus(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _corpus()
    _force(engine, monkeypatch)
    # Single messages, then runs of 40 joined (past 1,024 characters: the long-text path).
    joined = ["\n".join(texts[i:i + 40]) for i in range(0, len(texts), 40)]
    differing = [t for t in texts + joined if extract_all(t) != _old_extract_all(t)]
    assert not differing, differing[:3]
    assert sum(len(extract_all(t)) for t in texts) > 100  # the corpus does hold entities


NUMBERISH = st.lists(st.sampled_from([*"0123456789 +-.()\t\n,:%", "\u0436", "1477", "+7", "8 7",
                                      "4400 4301 2345 6786", "\u0661"]), max_size=80).map("".join)


@settings(max_examples=200, deadline=None)
@given(NUMBERISH)
def test_both_engines_find_the_same_numbers(text: str) -> None:
    """RE2 on the ASCII byte copy, the stdlib on the str, and the old RE2-on-str loop agree."""
    for dual in _DUALS:
        old = list(_old_groups(dual.pattern, text))
        found = {}
        for engine in ("re2", "stdlib"):
            with pytest.MonkeyPatch.context() as patch:
                _force(engine, patch)
                found[engine] = list(dual.spans(text))
        assert old == found["re2"] == found["stdlib"], dual.pattern


def test_huge_rule_dense_text_keeps_stderr_clean(tmp_path: Path) -> None:
    """RE2 logged "DFA out of memory" to stderr on such texts; stderr is for kzscam's own lines."""
    from conftest import run_cli

    from kzscam.rules.loader import load_catalog

    text = " ".join(t for r in load_catalog().rules if r.subject == "text" for t in r.hits)
    while len(text) < 600_000:
        text += " " + text
    path = tmp_path / "dense.txt"
    path.write_text(text[:600_000], encoding="utf-8")
    proc = run_cli("check-text", "--format", "json", "--file", str(path))
    assert proc.returncode == 1 and proc.stderr == ""


@pytest.mark.parametrize("unit", ["х мама ", "ң " + "а" * 40, "сіз аласың ақшасын ", "кодты айт дейді. ",
                                  "ақша ", ". дейді"])
def test_who_is_addressed_reads_the_message_a_bounded_number_of_times(unit: str, meter: Meter) -> None:
    """`addresses_reader` looks back at the text before a family name (a greeting?): only near the
    start, or a message of many names would copy ever longer prefixes (charged as slices here)."""
    def charged(k: int) -> float:
        text = unit * k
        folded = _CountedText(normalize.normalize(text).views[0].text)
        folded.meter = meter
        meter.chars = 0
        extract.addresses_reader(folded, original=text)
        extract.addresses_reader(folded, outside_quotes=True, original=text)
        return meter.chars / len(text)

    small, large = charged(500), charged(2000)
    assert large <= 1.25 * small + 1, (unit, small, large)
