"""Reference data for QR checks: brands, remote-access apps, schemes (loaded once, read-only).

Brand domains and keywords are shared with the URL inspector (`kzscam/data/url/brands.toml`);
Android package names of remote-access tools come from the audit-host catalogue
(`kzscam/data/remote_access.json`). `known.toml` next to this file holds the QR-only lists.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_DATA = _HERE.parent / "data"
# Brand categories whose names on a payment page, Wi-Fi network or contact card matter here.
_PROTECTED = ("bank", "payments", "state")


@dataclass(frozen=True)
class Brand:
    """A bank or authority: display name, its real domains, words that name it."""

    id: str
    name: str
    category: str
    domains: tuple[str, ...]
    words: tuple[str, ...]

    def owns(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass(frozen=True)
class Known:
    """Everything the QR checks look up."""

    brands: tuple[Brand, ...]
    remote_apps: dict[str, str]
    raw: dict[str, Any]

    def list(self, section: str, key: str) -> tuple[str, ...]:
        return tuple(self.raw.get(section, {}).get(key, ()))

    def bank_of_host(self, host: str) -> Brand | None:
        return next((b for b in self.brands if b.owns(host)), None)

    def brand_named_in(self, text: str) -> Brand | None:
        """The protected brand a free-text name (SSID, contact) mentions, if any."""
        folded = " ".join(text.casefold().replace("_", " ").replace("-", " ").split())
        squashed = folded.replace(" ", "")
        for brand in self.brands:
            for word in brand.words:
                if (" " in word and word in folded) or (" " not in word and word in squashed):
                    return brand
        return None


def _load_brands(names: dict[str, list[str]]) -> list[Brand]:
    from kzscam.url.brands import brand_entries

    out: list[Brand] = []
    seen: set[str] = set()
    for entry in brand_entries():
        if entry.get("category") not in _PROTECTED:
            continue
        bid = str(entry["id"])
        domains = tuple(str(d).lower() for d in (*entry.get("domains", ()), *entry.get("also", ())))
        words = {str(k).casefold() for k in entry.get("keywords", ())}
        if not entry.get("generic"):
            labels = (d.split(".")[0] for d in entry.get("domains", ()))
            words.update(label for label in labels if len(label) > 3)
        words.update(w.casefold() for w in names.get(bid, ()))
        out.append(Brand(bid, str(entry["name"]), str(entry["category"]), domains,
                         tuple(sorted(words, key=len, reverse=True))))
        seen.add(bid)
    # Names without a brand entry (the bank "security service" phrase) still count as authority.
    for bid, words_ in names.items():
        if bid not in seen:
            out.append(Brand(bid, _TITLES.get(bid, bid), "state", (),
                             tuple(w.casefold() for w in words_)))
    return out


_TITLES = {"security": "a bank security service", "nbk": "National Bank of Kazakhstan",
           "kaspi": "Kaspi", "halyk": "Halyk Bank", "egov": "eGov", "police": "Police"}


def _load_remote_apps() -> dict[str, str]:
    path = _DATA / "remote_access.json"
    if not path.exists():
        return {}
    tools = json.loads(path.read_text(encoding="utf-8")).get("tools", [])
    apps: dict[str, str] = {}
    for tool in tools:
        android = tool.get("android") or {}
        groups = android.values() if isinstance(android, dict) else [android]
        for group in groups:
            for package in group if isinstance(group, list) else ():
                name = package.get("v") if isinstance(package, dict) else package
                if isinstance(name, str) and name:
                    apps[name.lower()] = str(tool.get("name", tool.get("id", "")))
    return apps


@cache
def known() -> Known:
    """Load once per process."""
    raw = tomllib.loads((_HERE / "known.toml").read_text(encoding="utf-8"))
    apps = {str(k).lower(): str(v) for k, v in raw.get("remote_apps", {}).items()}
    apps.update(_load_remote_apps())
    return Known(tuple(_load_brands(raw.get("names", {}))), apps, raw)
