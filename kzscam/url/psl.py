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
