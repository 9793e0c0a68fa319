"""Registrable domain by the Public Suffix List, fully offline.

`publicsuffixlist` bundles a snapshot of the list and never downloads at run time (unlike
tldextract's default, which fetches publicsuffix.org on first use). The list is loaded on the
first call (~30-60 ms), so importing kzscam.url stays cheap.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _psl() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


@functools.lru_cache(maxsize=65536)
def split_domain(name: str) -> tuple[str, str]:
    """(registrable domain, public suffix) of a decoded host name.

    ``a.b.kgd.gov.kz`` -> (``kgd.gov.kz``, ``gov.kz``); ``x.github.io`` -> (``x.github.io``,
    ``github.io``). A bare suffix such as ``kz`` gives ("", ``kz``). Unknown endings count as
    one-label suffixes, as browsers treat them.
    """
    if not name or len(name) > 253:
        return "", ""
    psl = _psl()
    suffix = psl.publicsuffix(name) or name.rsplit(".", 1)[-1]
    registrable = psl.privatesuffix(name) or ""
    return registrable, suffix


def _list_text() -> str:
    """The bundled list's text ("" when the package ships none: a packaging fault)."""
    import os

    import publicsuffixlist

    path = os.path.join(os.path.dirname(publicsuffixlist.__file__), "public_suffix_list.dat")
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return ""


@functools.cache
def country_codes() -> frozenset[str]:
    """The two-letter top-level domains of the list's ICANN section: every country code
    (ISO 3166-1 alpha-2 plus .uk, .eu, .ac ...). Phishing hosts name the victim's country next
    to the brand (``apple-br``, ``idapple-es``, ``olx-pl``)."""
    section = _list_text().partition("===END ICANN DOMAINS===")[0]
    return frozenset(line for line in section.splitlines()
                     if len(line) == 2 and line.isascii() and line.isalpha() and line.islower())


@functools.cache
def _private() -> tuple[frozenset[str], frozenset[str]]:
    """(suffixes, wildcard parents) of the list's private section, read from the same snapshot.

    The private section lists names under which a company hands out subdomains to anyone: page
    builders, dynamic DNS, cloud apps (github.io, duckdns.org, workers.dev, ...). About 3,500
    rules; read once, a few milliseconds.
    """
    text = _list_text()  # empty on a packaging fault: the hosting check then uses links.toml alone
    section = text.partition("===BEGIN PRIVATE DOMAINS===")[2].partition("===END PRIVATE")[0]
    plain: set[str] = set()
    wild: set[str] = set()
    for line in section.splitlines():
        rule = line.strip().split(" ", 1)[0]
        if not rule or rule.startswith(("//", "!")):
            continue
        rule = rule.encode("ascii").decode("idna") if rule.isascii() and "xn--" in rule else rule
        if rule.startswith("*."):
            wild.add(rule[2:])
        else:
            plain.add(rule)
    return frozenset(plain), frozenset(wild)


def is_private(suffix: str) -> bool:
    """Is `suffix` (as `split_domain` returns it) a private-section suffix of the list?"""
    if not suffix or "." not in suffix:
        return False
    plain, wild = _private()
    return suffix in plain or suffix.partition(".")[2] in wild
