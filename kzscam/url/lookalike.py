"""Reverse look-alike search: which protected brand does a host name imitate, and how?

Kinds of imitation, strongest first (each with the reason a careful engineer would give):

- ``homoglyph``: letters from another alphabet or digits that look the same (``kаspi.kz``,
  ``ka5pi``-style ASCII tricks like ``0``/``o``, ``rn``/``m``);
- ``subdomain``: the brand is only the start of someone else's name (``kaspi.kz.secure-pay.top``);
- ``typo``: one or two keystrokes away (insertion, omission, swap, repetition, bit flips, keyboard
  neighbours), or the name cut by a dot or hyphen (``ka.spi.kz``, ``kas-pi.kz``);
- ``combo``: the brand plus words (``kaspi-bonus.kz``, ``mykaspi.com``);
- ``tld``: the brand's exact name under another ending (``kaspi.com``);
- ``layout``: the name typed with the Russian/Kazakh keyboard layout on (``лфызш.kz``).

Short or everyday brand names are held to stricter rules so that ``box.com`` is not ``xbox.com``
and ``kolesa-darom.ru`` (a tyre shop) is not Kolesa.kz: see `_typo_limit` and `_combo_ok`.
"""

from __future__ import annotations

import functools

from kzscam.url.brands import BrandIndex, Keyword, Words, index, osa_distance, words
from kzscam.url.match import BrandMatch
from kzscam.url.skeleton import imitates_ascii, scripts, variants
from kzscam.url.tokens import scan

__all__ = ["BrandMatch", "match_brand"]


def _ending(suffix: str) -> str:
    return suffix.rsplit(".", 1)[-1]


def _where(kw: Keyword, suffix: str, vocab: Words) -> str:
    """``home`` (an ending of the brand's own domains), ``foreign`` (another country's ending)
    or ``open`` (generic endings and country endings sold to anyone, such as .com, .top, .cc)."""
    ending = _ending(suffix)
    if ending in kw.brand.endings:
        return "home"
    return "foreign" if len(ending) == 2 and ending not in vocab.generic_cc else "open"


def _typo_limit(kw: Keyword, suffix: str, cand: str, form: str, vocab: Words) -> int:
    """How many edits from keyword form `form` still count as imitation for `cand` under `suffix`.

    Short names collide with real ones: dropping a letter of "xbox" gives "box", changing the
    first letter of "icloud" gives "pcloud". So omissions from names of four letters or fewer
    and edits of a short name's first letter do not count (except for names of five or six
    letters under the brand's own country ending: the .kz namespace is small). Another country's
    namespace has its own words (telegraf.rs, nubank.com.br): only long names count there.
    """
    size = len(form)
    where = _where(kw, suffix, vocab)
    country_home = where == "home" and len(_ending(suffix)) == 2
    if size <= 4 and len(cand) < size:
        return 0
    first_lost = cand[:1] != form[:1] and form not in cand
    if first_lost and (size <= 4 or (size <= 6 and not country_home)):
        return 0
    if where == "home":
        return 2 if size >= 9 else 1 if (country_home or size >= 4) else 0
    if kw.generic:
        return 0
    if where == "foreign":
        return 1 if size >= 9 else 0
    return 2 if size >= 9 else 1 if size >= 5 else 0


# Sponsored endings whose registry checks who may hold a name (travel firms, museums, airlines,
# co-operatives, schools, governments, postal services): nobody registers a fake bank page there.
_RESTRICTED_ENDINGS = frozenset({"travel", "museum", "aero", "coop", "edu", "gov", "mil", "int", "post"})


def _tld_swap_counts(kw: Keyword, suffix: str, vocab: Words) -> bool:
    """A brand's exact name under another ending: an imitation unless it is plausibly a namesake.

    International brands run sites under many country endings, and everyday words (egov, kolesa)
    name other countries' sites (egov.uz is Uzbekistan's e-government) and, under a sponsored
    ending whose registry checks the holder (.travel, .museum, .edu), a business of that trade.
    Country endings sold to anyone (.cc, .io, .me) and generic ones (.com, .top) always count.
    """
    if kw.generic and _ending(suffix) in _RESTRICTED_ENDINGS:
        return False
    return not (_where(kw, suffix, vocab) == "foreign" and (kw.brand.international or kw.generic))


def _combo_ok(kw: Keyword, others: list[str], suffix: str, vocab: Words) -> bool:
    """Does brand + `others` read as an imitation? Always for distinctive names; for everyday or
    short names only with a scam or filler word, a country code, the brand's own ending spelt as
    a word ("apple-com"), or under the brand's own country ending."""
    if not kw.generic:
        return True
    if _where(kw, suffix, vocab) == "home" and len(_ending(suffix)) == 2:
        return True
    return any(o and (vocab.is_context(o) or o in kw.brand.endings) for o in others)


def _exact(idx: BrandIndex, label: str, keys: tuple[str, ...], suffix: str,
           vocab: Words) -> BrandMatch | None:
    for kw in idx.lookup(keys):
        if any(imitates_ascii(c) for c in label):
            return BrandMatch(kw, "homoglyph", label)
        plain = label.replace("-", "").replace("_", "")
        if plain == kw.word.replace("-", ""):
            if plain != label:
                if any(idx.lookup(variants(t)) for t in _tokens(label)):
                    continue  # "egov-kz": a brand plus a word, judged as a combination
                return BrandMatch(kw, "typo", label, 1)  # "kas-pi": the name cut by a hyphen
            if _tld_swap_counts(kw, suffix, vocab):
                return BrandMatch(kw, "tld", label)
            continue
        weak_only = all(k not in kw.keys[:2] for k in keys[:2])
        home = _where(kw, suffix, vocab) == "home" and len(_ending(suffix)) == 2
        if (home or len(kw.key) >= 4) and (home or not weak_only):
            return BrandMatch(kw, "homoglyph", label)
    return None


def _typo(idx: BrandIndex, label: str, keys: tuple[str, ...], suffix: str,
          vocab: Words) -> BrandMatch | None:
    if label in vocab.namesakes:
        return None
    best: BrandMatch | None = None
    for kw, dist, form in idx.near(keys):
        cand = min(keys, key=lambda k: osa_distance(k, form, 2))
        # Equally near brands: the first by name, so the answer does not depend on the order
        # of a set (Python's hash seed) ("narbank": Nurbank, not sometimes the National Bank).
        if dist <= _typo_limit(kw, suffix, cand, form, vocab) and (
            best is None or (dist, kw.word) < (best.distance, best.keyword.word)
        ):
            best = BrandMatch(kw, "typo", label, dist)
    return best


def _tokens(label: str) -> list[str]:
    return [t for t in label.replace("_", "-").split("-") if t]


def _combo(idx: BrandIndex, label: str, keys: tuple[str, ...], suffix: str,
           vocab: Words) -> BrandMatch | None:
    tokens = _tokens(label)
    if len(tokens) > 1:
        for i, token in enumerate(tokens):
            others = tokens[:i] + tokens[i + 1:]
            tkeys = variants(token)
            for kw in idx.lookup(tkeys):
                if _combo_ok(kw, others, suffix, vocab):
                    return BrandMatch(kw, "combo", label, extra="-".join(others))
            if len(tkeys[0]) >= 6:
                for kw, dist, _ in idx.near(tkeys):
                    if dist == 1 and not kw.generic and len(kw.key) >= 5 and (
                        tkeys[0][:1] == kw.key[:1]
                    ):
                        return BrandMatch(kw, "combo", label, 1, "-".join(others))
    for kw, rest, leading in idx.affixes(keys[0]):
        # The start of a name is what people read: "kaspibonus" shows Kaspi, "turkcell" does not
        # show Kcell. A short brand at the end needs a recognisable word in front ("mykaspi");
        # long distinctive names stay recognisable anywhere ("summaryaltynbank").
        lure = vocab.is_lure(rest)
        enough = len(rest) >= 3 and (leading or len(kw.key) >= 7)
        if (not kw.generic and (lure or rest.isdigit() or enough)) or (
            kw.generic and (lure or _combo_ok(kw, [], suffix, vocab))
        ):
            return BrandMatch(kw, "combo", label, extra=rest)
    return None


def _subdomain(idx: BrandIndex, subs: list[str], site: str, vocab: Words) -> BrandMatch | None:
    """The brand's name (or domain) among the labels left of someone else's registrable domain."""
    for i, label in enumerate(subs[:12]):  # the brand is put where people look: the start
        following = ".".join([*subs[i:i + 4], site])
        tokens = _tokens(label)
        for token in tokens:
            for kw in idx.lookup(variants(token)):
                brand_domain = any(following.startswith(d + ".")
                                   for d in (*kw.brand.domains, *kw.brand.also))
                others = [t for t in tokens if t != token] + subs[i + 1:i + 2]
                # An everyday name leading a compound label of someone else's domain
                # ("apple-jp.eweibiao.com", "apple-clone.example.com") is put there to be read
                # as the brand; alone ("apple.stackexchange.com") it is a topic.
                leads = len(tokens) > 1 and token == tokens[0]
                if brand_domain or not kw.generic or leads or any(
                        vocab.is_context(o) or o in kw.brand.endings for o in others):
                    return BrandMatch(kw, "subdomain", label, extra=site)
    return None


def _split(idx: BrandIndex, subs: list[str], sld: str, suffix: str,
           vocab: Words) -> BrandMatch | None:
    """A brand name cut by dots: ``ka.spi.kz`` reads as kaspi.kz at a glance."""
    joined = sld
    for label in reversed(subs[-2:]):
        joined = label + "." + joined
        for kw in idx.lookup(variants(joined.replace(".", "").replace("-", ""))):
            if len(kw.key) >= 5 or _where(kw, suffix, vocab) == "home":
                return BrandMatch(kw, "split", joined, 1)
    return None


# The same keys on the Russian (ЙЦУКЕН) and Kazakh layouts and on QWERTY: "kaspi" typed with the
# Russian layout on is "лфызш". A domain written that way is a layout-switch squat.
_LAYOUT = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбюё" "әіңғүұқөһ",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.`" "234589" "0-=",
)


def _layout(idx: BrandIndex, label: str, suffix: str, vocab: Words) -> BrandMatch | None:
    """A brand name typed with the Russian or Kazakh keyboard layout switched on."""
    if label.isascii() or scripts(label) != {"CYRILLIC"}:
        return None
    typed = label.translate(_LAYOUT)
    if not typed.isascii() or not typed.replace("-", "").isalnum():
        return None
    keys = variants(typed)
    for kw in idx.lookup(keys):
        if len(kw.key) >= 4 or _where(kw, suffix, vocab) == "home":
            return BrandMatch(kw, "layout", label, extra=typed)
    typo = _typo(idx, typed, keys, suffix, vocab)
    return BrandMatch(typo.keyword, "layout", label, typo.distance, typed) if typo else None


@functools.lru_cache(maxsize=16384)  # batches repeat hosts; the answer depends on these only
def match_brand(labels: tuple[str, ...], suffix: str, anyone: bool = False) -> BrandMatch | None:
    """Which brand the host (decoded `labels`, public `suffix`) imitates, if any. `anyone`: the
    host is under a suffix where anyone gets a subdomain (free hosting, dynamic DNS).

    The caller has already ruled out the brands' own and sister domains.
    """
    n_suffix = suffix.count(".") + 1 if suffix else 0
    if len(labels) <= n_suffix or n_suffix == 0:
        return None
    idx, vocab = index(), words()
    sld = labels[-n_suffix - 1]
    subs = [s for s in labels[:-n_suffix - 1] if s not in ("www", "m")]
    site = ".".join(labels[-n_suffix - 1:])
    if len(sld) > 63 or not sld.strip("-_"):
        return None
    keys = tuple(k.replace("-", "").replace("_", "") for k in variants(sld))
    found = _exact(idx, sld, keys, suffix, vocab)
    if found and found.kind == "homoglyph":
        return found
    sub = _subdomain(idx, subs, site, vocab) if subs else None
    found = (sub or found or _typo(idx, sld, keys, suffix, vocab)
             or (_split(idx, subs, sld, suffix, vocab) if subs else None)
             or _combo(idx, sld, keys, suffix, vocab) or _layout(idx, sld, suffix, vocab))
    if found is None:
        cheap = anyone or _ending(suffix) in vocab.throwaway
        left = (*subs, sld)
        found = scan(idx, left, len(left) - 1, vocab, cheap, site)
    return found
