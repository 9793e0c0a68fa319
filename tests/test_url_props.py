"""Property tests for the URL parser and inspector on hostile strings: brackets, IPv6 literals,
IDNA-invalid labels, huge ports, percent-escapes and lone surrogates.

`analyse` is called rather than `inspect_url`: the latter turns an internal error into a
`url.malformed` hit, which would hide exactly the bugs these tests look for.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kzscam.url.inspect import analyse, inspect_url
from kzscam.url.parse import parse_url, url_problem

SETTINGS = settings(max_examples=200, deadline=None)

# Pieces that exercise the host, port, path and decoding code: IPv6 literals (valid, broken,
# with zones), IDNA-invalid labels (bad punycode, hyphens in places IDNA forbids, an empty or
# over-long label), ports out of range, percent-escapes (valid, truncated, encoded dots and
# surrogate halves), lone surrogates and other odd code points.
PIECES = st.sampled_from([
    "[", "]", "[::1]", "[2001:db8::1]", "[fe80::1%25eth0]", "[::ffff:1.2.3.4]", "[:::]", "[1:2",
    "xn--", "xn--80a", "xn--zz", "xn--a-ecp.ru", "-a.kz", "a-.kz", "ab--c.kz", "a..b", "." * 3,
    "a" * 64, ".kz", ":", ":99999999999999999999", ":-1", ":0x50", ":65536", ":443", "@", "user:pw@",
    "%", "%2", "%2e", "%2E%2e", "%ed%a0%80", "%ff", "%00", "%41", "\ud800", "\udfff", "\ud83d",
    "\u200b", "\u202e", "\x00", "\x7f", "\\", "/", "//", "?", "#", "&", "=", "kaspi", "kz", "а",
    "ﬀ", "ß", "İ", "ǅ", "\u0301", "1", "255", "0x7f", "0177", "4294967296", " ", "\t", "\n",
])
URLISH = st.lists(PIECES | st.text(max_size=4), max_size=24).map("".join)
PREFIXES = st.sampled_from(["", "http://", "https://", "hxxp://", "//", "tg://", "intent://",
                            "javascript:", "https://user@", "https://[", "ftp://"])


@SETTINGS
@given(PREFIXES, URLISH)
def test_hostile_links_are_analysed_without_error(prefix: str, body: str) -> None:
    url = prefix + body
    a = analyse(url)
    for hit in a.hits:
        for ev in hit.evidence:
            assert 0 <= ev.start <= ev.end <= len(url)
            assert url[ev.start:ev.end] == ev.text  # evidence quotes the link itself
    assert inspect_url(url) == a.hits  # the same hits: no internal error was swallowed


@SETTINGS
@given(PREFIXES, URLISH)
def test_parsed_spans_index_the_link(prefix: str, body: str) -> None:
    url = prefix + body
    p = parse_url(url)
    assert p.raw == url
    s, e = p.host_span
    assert 0 <= s <= e <= len(url) and url[s:e] == p.host
    if p.port_span is not None:
        assert url[p.port_span[0]:p.port_span[1]] == p.port
    if p.userinfo_span is not None:
        assert url[p.userinfo_span[0]:p.userinfo_span[1]] == p.userinfo
    s, e = p.tail_span
    assert 0 <= s <= e <= len(url)
    problem = url_problem(url)
    assert problem is None or (problem.strip() and "\n" not in problem)  # one line when any


@SETTINGS
@given(st.text(max_size=60))
def test_any_text_including_surrogates(text: str) -> None:
    # st.text() leaves out surrogates; put them back at both ends and in the middle.
    for url in (text, "\ud800" + text, "https://" + text + "\udc80", text[:5] + "\udfff" + text[5:]):
        for hit in analyse(url).hits:  # every quoted piece is a piece of the link
            for ev in hit.evidence:
                assert 0 <= ev.start <= ev.end <= len(url)
        parse_url(url)


@SETTINGS
@given(st.integers(min_value=0, max_value=10**40), st.sampled_from(["kaspi.kz", "[::1]", "1.2.3.4"]))
def test_any_port_number(port: int, host: str) -> None:
    url = f"https://{host}:{port}/login"
    a = analyse(url)
    assert a.parsed.port == str(port)
