"""A brand's name anywhere in a host, as phishing kits write it.

Real feed links put the name inside longer labels, between digits and words, on hosts nobody
checks: ``id7718-whatsapp.verify-now.icu``, ``chat-telegram123.some-host.top``,
``olx.kz-delivery.site``, ``telegramxq.com``. The labels left of the public suffix are split on
dots, hyphens, underscores and digits; a token (or two neighbouring tokens run together, as in
``mail-ru``) that names a brand counts when

- the name is distinctive (five letters or more and not an everyday word), or
- the host also carries a scam, delivery or payment word (``pay``, ``dostavka``, ``secure``), or
- digits are glued to a name of five letters or more (``apple46``, ``641923-apple``), or
- the host sits under an ending phishing kits favour (``.top``, ``.sbs``, ``.icu``: words.toml)
  or under a suffix where anyone gets a subdomain (page builders, dynamic DNS).

Short names (olx, vk, qiwi) are matched only as whole tokens, so ``volxx.com`` and
``vkusno.kz`` are not OLX or VK. A distinctive name glued to one or two stray letters
(``binancex7``, ``telegramxq``, ``mfacebook``) counts too, and so do long names at the end of or
inside a longer word (``groupewhatsapp``, ``gbwhatsapppro``) and everyday names after a scam word
(``idapple``, ``lostapple``); ``pineapple`` and ``letelegramme`` are not imitations.
"""

from __future__ import annotations

import functools
import re

from kzscam.url.brands import BrandIndex, Keyword, Words
from kzscam.url.match import BrandMatch
from kzscam.url.skeleton import variants

_SPLIT = re.compile(r"[^a-z]+")
_WORDS = re.compile(r"[-_.]+")
_NUMBER = re.compile(r"[0-9]{3,}")
MAX_TOKENS = 24  # bounds the work on hostile input (a real host has at most 253 characters)
MAX_LABELS = 12


@functools.lru_cache(maxsize=8192)
def _named(idx: BrandIndex, token: str) -> list[Keyword]:
    if len(token) < 2:
        return []
    found = idx.lookup(variants(token))
    if not found and len(token) >= 6 and token.endswith("s"):  # "apples-care-service"
        found = [kw for kw in idx.lookup(variants(token[:-1])) if len(kw.key) >= 5]
    return found


@functools.lru_cache(maxsize=8192)
def _glued(idx: BrandIndex, token: str, vocab: Words, cheap: bool) -> tuple[Keyword | None,
                                                                          Keyword | None]:
    """A name run together with other letters, as (counts, counts with context). At the start
    of the token: a distinctive name with one or two stray letters ("telegramxq"), any name
    with a scam word or country ("olxpl", "qiwiwallet"), on cheap hosts any name of five
    letters or more ("appleclonadu.netlify.app"). At its end, where a reader's eye lands last,
    only long names (seven letters or more: "mfacebook", "groupewhatsapp"; "hicloud" is
    Huawei's) or names of five letters or more after a scam word ("idapple", "loginfacebook").
    The second answer counts when the host has a scam word or country elsewhere: an everyday
    name with a stray letter in front ("iapple-recover", "fy-iapple-alert"; not "grapple") or
    two after it."""
    if len(token) < 5:
        return None, None
    maybe: Keyword | None = None
    for kw, rest, leading in idx.affixes(variants(token)[0]):
        size = len(kw.key)
        distinctive = not kw.generic and size >= (6 if leading else 7)
        if len(rest) <= 2 and distinctive and len(token) >= 7:
            return kw, None
        if vocab.is_lure(rest) and (leading or size >= 5):
            return kw, None
        if leading and cheap and size >= 5:
            return kw, None
        if distinctive and len(rest) >= 3:  # "facebooksupportmeta", "videowhatsapp"
            return kw, None
        if maybe is None and size >= 5 and rest.isalpha() and len(rest) <= (2 if leading else 1):
            maybe = kw
    return None, maybe


@functools.cache
def _distinctive_re(idx: BrandIndex) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(kw.key) for kw in idx.distinctive))


@functools.lru_cache(maxsize=4096)
def _inside(idx: BrandIndex, token: str, cheap: bool) -> Keyword | None:
    """A distinctive name buried in a run of letters: of six letters or more on cheap hosts
    ("httpsmailyandexcomuid"), of eight or more anywhere ("gbwhatsapppro",
    "metahorizonfacebooksupport"), and of seven or more between one or two stray letters
    ("mfacebooks")."""
    if len(token) < 8:
        return None
    key = variants(token)[0]
    if not _distinctive_re(idx).search(key):
        return None  # the common case: one regular-expression scan instead of a loop
    for kw in idx.distinctive:
        at = key.find(kw.key)
        if at < 0 or kw.key == key:
            continue
        if len(kw.key) >= 7 and len(key) - len(kw.key) <= 2:  # "mfacebooks": stray letters
            return kw
        # Elsewhere the name must be inside, among five letters or more ("letelegramme" is a
        # newspaper; the ends of a token are _glued's).
        if cheap or (len(kw.key) >= 8 and 0 < at < len(key) - len(kw.key)
                     and len(key) - len(kw.key) >= 5):
            return kw
    return None


def _around(token: str, kw: Keyword) -> str:
    """The letters run together with the name, as shown to the user ("verify-account")."""
    at = token.find(kw.word)
    if at < 0:
        return token
    return "-".join(p for p in (token[:at], token[at + len(kw.word):]) if p)


def _next_to_digits(label: str, token: str) -> bool:
    """Digits glued to the name ("apple46", "641923-apple"): kits number their hosts."""
    at = label.find(token)
    if at < 0:
        return False
    before = label[:at].rstrip("-")
    after = label[at + len(token):].lstrip("-")
    return before[-1:].isdigit() or after[:1].isdigit()


def _context(labels: tuple[str, ...], flat: list[str], vocab: Words) -> tuple[set[str], bool]:
    """(the host's words between dots and hyphens, whether it has a scam word or a country).
    Country codes count as words of their own only ("apple-br"), not as two letters between
    digits ("73ed366d31...": "ed", "ec", "bd")."""
    found = {w for label in labels for w in _WORDS.split(label[:63].lower()) if w}
    return found, any(vocab.is_lure(t) for t in flat) or bool(found & vocab.countries)


def _long_number(labels: tuple[str, ...]) -> bool:
    """Three digits or more: kits number their hosts ("198572-apple"); brands use "24", "365"."""
    return any(_NUMBER.search(label) for label in labels)


@functools.lru_cache(maxsize=16384)  # batches repeat hosts; the answer depends on these only
def scan(idx: BrandIndex, labels: tuple[str, ...], sld_at: int, vocab: Words, cheap: bool,
         site: str) -> BrandMatch | None:
    """The brand named by a token of `labels` (the host without its public suffix; the
    registrable label is ``labels[sld_at]``), when the context makes it an imitation."""
    first = max(0, len(labels) - MAX_LABELS)  # hostile hosts have thousands of labels
    per_label = [[t for t in _SPLIT.split(label[:63].lower()) if t][:MAX_TOKENS]
                 for label in labels[first:]]
    flat = [t for tokens in per_label for t in tokens][:MAX_TOKENS]
    if not flat:
        return None
    whole = "".join(labels[first:]).lower()  # "198572-apple" is not the name alone
    letters = "".join(flat)
    sld_at -= first
    words_: set[str] = set()  # worked out only when a name is found (most hosts name none)
    context: bool | None = None
    for i, tokens in enumerate(per_label):
        for j, token in enumerate(tokens):
            pair = token + tokens[j + 1] if j + 1 < len(tokens) else ""
            for cand in (pair, token):
                if not cand or cand == whole:
                    continue  # the name alone ("telegram.im"): the other-ending rules decided
                for kw in _named(idx, cand):
                    if context is None:
                        words_, context = _context(labels[first:], flat, vocab)
                    others = [t for t in flat if t not in (token, cand)]
                    distinctive = not kw.generic and len(kw.key) >= 5
                    numbered = len(kw.key) >= 5 and _next_to_digits(labels[first + i].lower(), cand)
                    if letters == cand and not cheap and not _long_number(labels[first:]):
                        continue  # "1telecom.ru", "kaspi24.kz": a name and a short number
                    if distinctive or cheap or numbered or (context and any(
                            vocab.is_lure(t) or t in kw.brand.endings
                            or (t in words_ and t in vocab.countries) for t in others)):
                        kind = "combo" if i == sld_at else "subdomain"
                        extra = "-".join(others[:4]) if kind == "combo" else site
                        return BrandMatch(kw, kind, labels[first + i], extra=extra)
            glued, maybe = _glued(idx, token, vocab, cheap)
            if glued is None and maybe is not None:
                if context is None:
                    words_, context = _context(labels[first:], flat, vocab)
                glued = maybe if context else None
            glued = glued or _inside(idx, token, cheap)
            if glued is not None:
                kind = "combo" if i == sld_at else "subdomain"
                extra = _around(token, glued) if kind == "combo" else site
                return BrandMatch(glued, kind, labels[first + i], extra=extra)
    return None
