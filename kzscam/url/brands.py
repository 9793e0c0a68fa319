"""Protected brands and the index that answers "which brand does this name look like?".

Data: ``kzscam/data/url/brands.toml`` (brands, their real and sister domains) and ``words.toml``
(scam words, filler, country endings sold as generic ones). Keywords are indexed under their
`loose` skeleton together with its one-letter deletions (two for long names): a symmetric-delete
search, so finding the keywords within a typo or two of a label costs a few dictionary look-ups
instead of a comparison with every brand.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kzscam.url.host import parents
from kzscam.url.skeleton import loose, variants


@dataclass(frozen=True)
class Brand:
    """One protected brand (see brands.toml for the meaning of each field)."""

    id: str
    name: str
    category: str
    domains: tuple[str, ...]
    also: tuple[str, ...]
    related: tuple[str, ...]
    international: bool
    endings: frozenset[str]  # last labels of its main domains: kz, com, ru ...
    name_keyword: bool = True  # the first label of its domains is a keyword (not for mail.ru)

    @property
    def real(self) -> str:
        """The domain shown to users as the real one."""
        return self.domains[0]


@dataclass(frozen=True)
class Keyword:
    """A word that names a brand, with the real domain to show when someone imitates it."""

    word: str
    keys: tuple[str, ...]  # skeleton forms (see skeleton.variants), without hyphens
    brand: Brand
    real: str
    generic: bool  # an everyday word: combinations need a scam word or a home ending

    @property
    def key(self) -> str:
        """The main comparison form."""
        return self.keys[0]


@dataclass(frozen=True)
class Words:
    """Vocabulary from words.toml, as loose skeletons."""

    scam: frozenset[str]
    filler: frozenset[str]
    generic_cc: frozenset[str]
    throwaway: frozenset[str] = frozenset()  # endings phishing kits favour (cheap, rarely checked)
    namesakes: frozenset[str] = frozenset()  # real words one letter from a brand: never typos
    countries: frozenset[str] = frozenset()  # country codes (psl.country_codes), whole tokens only

    def is_lure(self, token: str) -> bool:
        """A scam or filler word, its plural ("accounts", "settings"), or up to three run
        together ("httpswww", "mybonus")."""
        key = loose(token)
        return (key in self.scam or key in self.filler or self._joined(key, 3)
                or (len(key) >= 5 and key[-1] == "s" and key[:-1] in self.scam))

    def is_context(self, token: str) -> bool:
        """A word that makes an everyday brand name next to it read as the brand: a lure, or a
        country code as a word of its own ("apple-br", "idapple-es"). Country codes are not
        looked for inside longer words, where they are just two letters ("appleby")."""
        return token in self.countries or self.is_lure(token)

    def _joined(self, key: str, parts: int) -> bool:
        # Pieces of three letters or more, or two-letter filler such as "my"/"kz": "gold" must
        # not read as "go" + "id".
        if parts == 0 or len(key) > 40:
            return False
        for i in range(2, len(key) - 1):
            head, tail = key[:i], key[i:]
            ok = head in self.filler or (len(head) >= 3 and head in self.scam)
            # A country code may close a run after a scam word ("caresupportmx"), never stand
            # for all of it or follow two letters ("pl" + "ne" is "pine" with i read as l).
            if ok and (tail in self.filler or (len(tail) >= 3 and tail in self.scam)
                       or (len(head) >= 3 and tail in self.countries)
                       or self._joined(tail, parts - 1)):
                return True
        return False


def _data(name: str) -> dict[str, Any]:
    text = resources.files("kzscam.data.url").joinpath(name).read_text("utf-8")
    return tomllib.loads(text)


def _strs(entry: dict[str, Any], key: str) -> tuple[str, ...]:
    """A list of strings from a data entry; a wrong type is a packaging bug, said clearly."""
    value = entry.get(key, ())
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"kzscam/data/url: {entry.get('id', '?')}: {key} must be a list of strings")
    return tuple(value)


# Country codes that are also English words: "is-telecom.ru" names no country.
_WORD_CODES = frozenset({"as", "at", "be", "by", "do", "in", "is", "it", "no", "so", "us", "ad"})


@functools.cache
def words() -> Words:
    """The scam/filler vocabulary (cached)."""
    from kzscam.url.psl import country_codes

    raw = _data("words.toml")
    generic_cc = frozenset(_strs(raw, "generic_cc"))
    return Words(frozenset(loose(w) for w in _strs(raw, "scam")),
                 frozenset(loose(w) for w in _strs(raw, "filler")), generic_cc,
                 frozenset(_strs(raw, "throwaway")), frozenset(_strs(raw, "namesakes")),
                 country_codes() - generic_cc - _WORD_CODES)


def _deletions(key: str, depth: int) -> set[str]:
    out = {key}
    frontier = {key}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


class BrandIndex:
    """All brands, their owned domains and the keyword index."""

    def __init__(self, brands: list[Brand], keywords: list[Keyword]) -> None:
        self.brands = brands
        self.keywords = keywords
        self.owned: dict[str, Brand] = {}
        self.related: dict[str, Brand] = {}
        for brand in brands:
            for domain in (*brand.domains, *brand.also):
                self.owned[domain] = brand
            for domain in brand.related:
                self.related[domain] = brand
        self.exact: dict[str, list[Keyword]] = {}
        self.near_index: dict[str, list[Keyword]] = {}
        for kw in keywords:
            for key in dict.fromkeys(kw.keys):
                self.exact.setdefault(key, []).append(kw)
            if len(kw.key) < 3:
                continue  # two-letter names ("vk") count only as whole tokens, never as typos
            # The weak form (c/e, b/d merged) is for exact matches only.
            for key in dict.fromkeys(kw.keys[:2]):
                for variant in _deletions(key, 2 if len(key) >= 9 else 1):
                    self.near_index.setdefault(variant, []).append(kw)
        self.max_key = max((len(k.key) for k in keywords), default=0)
        self.lengths = sorted({len(k.key) for k in keywords if len(k.key) >= 3}, reverse=True)
        # Names that stay recognisable inside any run of letters (see tokens._inside).
        self.distinctive = [kw for kw in keywords if not kw.generic and len(kw.key) >= 6
                            and kw.key.isalpha()]
        self.by_key0: dict[str, list[Keyword]] = {}
        for kw in keywords:
            if len(kw.key) >= 3:
                self.by_key0.setdefault(kw.key, []).append(kw)

    def affixes(self, key: str) -> Iterator[tuple[Keyword, str, bool]]:
        """(keyword, rest, leading) for keywords that start or end `key` (longest first)."""
        for size in self.lengths:
            if size >= len(key):
                continue
            for kw in self.by_key0.get(key[:size], ()):
                yield kw, key[size:], True
            for kw in self.by_key0.get(key[-size:], ()):
                yield kw, key[:-size], False

    def owner(self, name: str) -> tuple[Brand, bool] | None:
        """(brand, own) when `name` is a brand's domain or subdomain; own=False for sister sites."""
        for candidate in parents(name):
            brand = self.owned.get(candidate)
            if brand is not None:
                return brand, True
            brand = self.related.get(candidate)
            if brand is not None:
                return brand, False
        return None

    def lookup(self, keys: tuple[str, ...]) -> list[Keyword]:
        """Keywords whose skeleton equals one of `keys`."""
        found: list[Keyword] = []
        for key in keys:
            found.extend(kw for kw in self.exact.get(key, ()) if kw not in found)
        return found

    def near(self, keys: tuple[str, ...]) -> Iterator[tuple[Keyword, int, str]]:
        """(keyword, distance, matched form) for keywords near any form in `keys`: every keyword
        within one edit, and long keywords (9+ letters) within two. Both sides are expanded by
        deletions (two for keywords of 9+ letters, two for candidates of 10+)."""
        seen: set[int] = set()
        keys = tuple(dict.fromkeys(keys[:2]))
        for key in keys:
            if not key or len(key) > self.max_key + 2:
                continue
            for variant in _deletions(key, 2 if len(key) >= 10 else 1):
                for kw in self.near_index.get(variant, ()):
                    if id(kw) in seen:
                        continue
                    seen.add(id(kw))
                    dist, form = min((osa_distance(k, f, 2), f) for k in keys for f in kw.keys[:2])
                    if 0 < dist <= 2:
                        yield kw, dist, form


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps), capped."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _brand(entry: dict[str, Any]) -> tuple[Brand, list[Keyword]]:
    domains, also = _strs(entry, "domains"), _strs(entry, "also")
    brand = Brand(
        id=str(entry["id"]), name=str(entry["name"]), category=str(entry["category"]),
        domains=domains, also=also, related=_strs(entry, "related"),
        international=bool(entry.get("international", False)),
        endings=frozenset(d.rsplit(".", 1)[-1] for d in domains),
        name_keyword=bool(entry.get("name_keyword", True)),
    )
    generic = entry.get("generic", False)
    words_for: list[tuple[str, str]] = []
    if brand.name_keyword:
        words_for += [(d.split(".", 1)[0], d) for d in domains]
    explicit = _strs(entry, "keywords")
    words_for += [(w, brand.real) for w in explicit]
    keywords: list[Keyword] = []
    seen: set[str] = set()
    for word, real in words_for:
        keys = tuple(k.replace("-", "") for k in variants(word))
        short = len(keys[0]) < 3 and not (len(keys[0]) == 2 and word in explicit)
        if short or keys[0] in seen:
            continue
        seen.add(keys[0])
        is_generic = generic is True or (isinstance(generic, list) and word in generic)
        keywords.append(Keyword(word, keys, brand, real, is_generic or len(keys[0]) <= 3))
    return brand, keywords


@functools.cache
def brand_entries() -> tuple[dict[str, Any], ...]:
    """The [[brand]] tables of brands.toml, parsed once per process (the QR checks read them too)."""
    return tuple(_data("brands.toml")["brand"])


@functools.cache
def index() -> BrandIndex:
    """The brand index, built once from brands.toml."""
    brands: list[Brand] = []
    keywords: list[Keyword] = []
    for entry in brand_entries():
        brand, kws = _brand(entry)
        brands.append(brand)
        keywords.extend(kws)
    return BrandIndex(brands, keywords)
