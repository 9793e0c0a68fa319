"""Links that make a phone open a web page through an app: ``intent://``, ``googlechrome://``, ...

Scammers wrap a look-alike site in such a scheme so it opens in the browser straight from a
message or QR code. The page it opens is what matters, so the inspector checks that address too.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

# Schemes that open the rest of the link (after "://") as a web page.
_HOST_SCHEMES = frozenset({
    "googlechrome", "googlechromes", "opera-http", "opera-https", "x-safari-http",
    "x-safari-https", "firefox-focus", "ucbrowser", "brave", "opera", "firefox", "edge",
})
# Schemes whose target is a full URL: `microsoft-edge:https://...`, `yandexbrowser-open-url://...`.
_URL_SCHEMES = frozenset({"microsoft-edge", "microsoft-edge-http", "microsoft-edge-https",
                          "yandexbrowser-open-url", "googlechrome-x-callback"})
_OPEN_URL = ("open-url", "open", "x-callback-url/open")  # firefox://open-url?url=..., ...


@dataclass(frozen=True, slots=True)
class Target:
    """The web address a wrapper opens; `exact` when it is `raw[start:end]` character for character."""

    url: str
    start: int
    end: int
    exact: bool


def _param_url(raw: str, query_at: int) -> Target | None:
    """The ``url=`` parameter of an ``open-url`` style link, decoded."""
    query = raw[query_at + 1:].split("#", 1)[0]
    for key, value in parse_qsl(query[:8000]):
        if key.lower() in ("url", "link", "u") and value.strip():
            at = raw.find("=", query_at) + 1
            return Target(value, at, len(raw), False)
    return None


def target(raw: str) -> Target | None:
    """What web page `raw` opens when it is an intent or browser link, else None."""
    colon = raw.find(":", 0, 40)
    if colon <= 0:
        return None
    scheme = raw[:colon].strip().lower()
    start = colon + 1
    if raw.startswith("//", start):
        start += 2
    body = raw[start:]
    if scheme == "intent":
        end = raw.find("#", start)
        end = len(raw) if end == -1 else end
        return Target(raw[start:end], start, end, True) if "." in raw[start:end] else None
    if scheme in _URL_SCHEMES:
        inner = unquote(body) if "%3a" in body[:12].lower() else body
        return Target(inner, start, len(raw), inner == body) if "." in inner else None
    if scheme not in _HOST_SCHEMES:
        return None
    lowered = body.lower()
    for opener in _OPEN_URL:
        if lowered.startswith(opener) and lowered[len(opener):len(opener) + 1] in ("?", "/"):
            query_at = raw.find("?", start)
            return _param_url(raw, query_at) if query_at != -1 else None
    if lowered.startswith(("http://", "https://")) or lowered.startswith(("http:", "https:")):
        return Target(body, start, len(raw), True)
    return Target(body, start, len(raw), True) if "." in body.split("/", 1)[0] else None
