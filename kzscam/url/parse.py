"""Split a URL the way a browser would (WHATWG URL Standard), keeping offsets into the input.

Links arrive from messages and QR codes, often without a scheme (``kaspi-bonus.kz/login``). This
parser never raises and runs in linear time: it uses only `str.find`-style scans, so a 100 KB
string or one full of NUL bytes costs one pass. Decoding the host is `kzscam.url.host`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

# Schemes whose URLs always have a host; browsers accept any mix of / and \ after the colon.
SPECIAL = frozenset({"http", "https", "ftp", "ws", "wss", "file"})
# Schemes written without "//" that must not be mistaken for "host:port".
OPAQUE = frozenset({
    "javascript", "data", "vbscript", "blob", "about", "mailto", "tel", "sms", "smsto", "mms",
    "tg", "whatsapp", "viber", "intent", "market", "itms-services", "itms-apps", "bitcoin",
    "ethereum", "ton", "litecoin", "usdt", "tron", "skype", "geo", "magnet", "sip", "facetime",
})
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")
_STRIP = "".join(chr(c) for c in range(0x21))  # C0 controls and space, as browsers strip them

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ParsedUrl:
    """The parts of one URL; every `*_span` indexes the original string."""

    raw: str
    scheme: str  # lower-case, "" when the link has none
    hierarchical: bool  # has an authority (host) part
    userinfo: str | None
    userinfo_span: Span | None
    host: str  # as written, not decoded
    host_span: Span
    port: str | None
    port_span: Span | None
    path: str
    query: str
    fragment: str
    tail_span: Span  # path + query + fragment (or the body of an opaque URL)

    @property
    def opaque(self) -> str:
        """Everything after ``scheme:`` for URLs without a host (``javascript:...``, ``tel:...``)."""
        return self.raw[self.tail_span[0]:self.tail_span[1]]


def _find_any(s: str, chars: str, start: int, end: int) -> int:
    """First index in s[start:end] of any of `chars`, or `end` (linear: one scan per char)."""
    best = end
    for ch in chars:
        i = s.find(ch, start, best)
        if i != -1:
            best = i
    return best


def _scheme_end(s: str, start: int, end: int) -> int:
    """Index of the ':' ending a syntactic scheme at `start`, or -1 (schemes are short)."""
    if start >= end or not s[start].isascii() or not s[start].isalpha():
        return -1
    limit = min(end, start + 40)
    i = start
    while i < limit and s[i] in _SCHEME_CHARS:
        i += 1
    return i if i < end and s[i] == ":" else -1


def parse_url(url: str) -> ParsedUrl:
    """Split `url`; never raises. A link without a scheme is read as ``http://`` + link."""
    start = len(url) - len(url.lstrip(_STRIP))
    end = len(url.rstrip(_STRIP)) if start < len(url) else start
    scheme = ""
    pos = start
    colon = _scheme_end(url, start, end)
    if colon != -1:
        candidate = url[start:colon].lower()
        after = url[colon + 1:colon + 3]
        if candidate in SPECIAL or after.startswith("//") or candidate in OPAQUE or (
            "." not in candidate and not after[:1].isdigit()
        ):
            scheme, pos = candidate, colon + 1
    special = scheme in SPECIAL or scheme == ""
    if scheme and not special and not url.startswith("//", pos):
        return ParsedUrl(url, scheme, False, None, None, "", (pos, pos), None, None,
                         "", "", "", (pos, end))
    # Skip the slashes before the authority ("https:\\\\host" works in browsers too).
    slashes = "/\\" if special else "/"
    while pos < end and url[pos] in slashes:
        pos += 1
    auth_end = _find_any(url, "/?#\\" if special else "/?#", pos, end)
    at = url.rfind("@", pos, auth_end)
    userinfo: str | None = None
    userinfo_span: Span | None = None
    host_start = pos
    if at != -1:
        userinfo, userinfo_span, host_start = url[pos:at], (pos, at), at + 1
    host_end, port, port_span = _split_port(url, host_start, auth_end)
    tail = _find_any(url, "?#", auth_end, end)
    hash_at = url.find("#", auth_end, end)
    path = url[auth_end:tail]
    query = url[tail + 1:hash_at if hash_at != -1 else end] if tail < end and url[tail] == "?" else ""
    fragment = url[hash_at + 1:end] if hash_at != -1 else ""
    return ParsedUrl(url, scheme, True, userinfo, userinfo_span, url[host_start:host_end],
                     (host_start, host_end), port, port_span, path, query, fragment,
                     (auth_end, end))


def _split_port(url: str, start: int, end: int) -> tuple[int, str | None, Span | None]:
    """(host end, port text, port span); IPv6 literals keep their colons."""
    if start < end and url[start] == "[":
        close = url.find("]", start, end)
        if close != -1:
            if close + 1 < end and url[close + 1] == ":":
                return close + 1, url[close + 2:end], (close + 2, end)
            return close + 1, None, None
    colon = url.rfind(":", start, end)
    if colon == -1:
        return end, None, None
    return colon, url[colon + 1:end], (colon + 1, end)


def url_problem(url: str) -> str | None:
    """Why `url` cannot be checked as a link at all (for a one-line input error), or None.

    Only inputs that are not links are errors; a broken link (bad port, spaces in the host) is
    still checked and reported as a finding.
    """
    if not url.strip():
        return "empty input, expected a link"
    parsed = parse_url(url)
    if not parsed.hierarchical:
        return None if parsed.opaque.strip() else "nothing after the scheme"
    host = parsed.host
    if not host.strip():
        return "no host name in the link"
    if parsed.scheme == "" and "." not in host and not host.startswith("[") and not (
        host.isascii() and host.isdigit()
    ):
        return "not a link: no scheme and no dot in the host name"
    return None


_PAIRS = {"<": ">", "(": ")", "[": "]", "{": "}", '"': '"', "'": "'", "«": "»", "“": "”",
          "„": "“", "‘": "’", "`": "`"}
_TRAILING = ".,;:!?…"
_CLOSERS = ")]}>»”’\"'`"


def unwrap(text: str) -> str:
    """A link as pasted from a message: ``<https://a.kz>``, ``(https://a.kz).``, ``"https://a.kz",``.

    Strips surrounding brackets and quotes and trailing punctuation, like the text extractor.
    A closing bracket that the link itself opened (``/wiki/A_(b)``) stays.
    """
    s = text.strip()
    while True:
        before = s
        s = s.rstrip(_TRAILING).strip()
        if len(s) >= 2 and _PAIRS.get(s[0]) == s[-1]:
            s = s[1:-1].strip()
        elif s[:1] in _PAIRS and _PAIRS[s[:1]] not in s[1:]:
            s = s[1:].strip()
        elif s and s[-1] in _CLOSERS:
            opener = next((o for o, c in _PAIRS.items() if c == s[-1] and o != c), "")
            if not opener or s.count(opener) < s.count(s[-1]):
                s = s[:-1].strip()
        if s == before:
            return s
