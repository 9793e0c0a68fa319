"""The answer of the look-alike search: which brand a host imitates, and how."""

from __future__ import annotations

from dataclasses import dataclass

from kzscam.url.brands import Keyword


@dataclass(frozen=True, slots=True)
class BrandMatch:
    """A host imitating `keyword.brand`; `label` is the imitating part as shown (decoded)."""

    keyword: Keyword
    kind: str  # homoglyph | subdomain | typo | combo | tld
    label: str
    distance: int = 0
    extra: str = ""  # the added word (combo) or the real ending (subdomain)
