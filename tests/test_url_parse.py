"""URL splitting and host decoding: what a browser would really connect to."""

from __future__ import annotations

import pytest

from kzscam.url.host import decode_host
from kzscam.url.parse import parse_url, url_problem


def test_schemeless_link_from_a_message() -> None:
    p = parse_url("kaspi-bonus.kz/login?x=1#top")
    assert (p.scheme, p.host, p.path, p.query, p.fragment) == ("", "kaspi-bonus.kz", "/login", "x=1",
                                                               "top")
    assert p.raw[p.host_span[0]:p.host_span[1]] == "kaspi-bonus.kz"


def test_userinfo_uses_the_last_at_sign() -> None:
    p = parse_url("https://kaspi.kz@login@evil.example:8080/x")
    assert p.userinfo == "kaspi.kz@login"
    assert p.host == "evil.example" and p.port == "8080"
    assert p.raw[p.userinfo_span[0]:p.userinfo_span[1]] == "kaspi.kz@login"  # type: ignore[index]


@pytest.mark.parametrize("url", ["https:\\\\evil.example\\kaspi.kz", "https:evil.example/kaspi.kz",
                                 "https:///evil.example/kaspi.kz"])
def test_browsers_accept_odd_slashes_for_web_schemes(url: str) -> None:
    assert parse_url(url).host == "evil.example"


def test_backslash_ends_the_host_like_in_a_browser() -> None:
    assert parse_url("https://evil.example\\@kaspi.kz/").host == "evil.example"


def test_host_port_is_not_mistaken_for_a_scheme() -> None:
    p = parse_url("kaspi.kz:8443/pay")
    assert (p.scheme, p.host, p.port) == ("", "kaspi.kz", "8443")
    assert parse_url("localhost:8080").host == "localhost"


@pytest.mark.parametrize(("url", "scheme"), [("javascript:alert(1)", "javascript"),
                                             ("tel:87001234567", "tel"),
                                             ("bitcoin:bc1qxyz?amount=1", "bitcoin")])
def test_schemes_without_a_host(url: str, scheme: str) -> None:
    p = parse_url(url)
    assert p.scheme == scheme and not p.hierarchical


def test_ipv6_literal_keeps_its_colons() -> None:
    p = parse_url("http://[2001:db8::1]:8080/x")
    assert p.host == "[2001:db8::1]" and p.port == "8080"


@pytest.mark.parametrize(("url", "problem"), [
    ("", "empty"), ("   ", "empty"), ("hello", "no dot"), ("https://", "no host"),
    ("javascript:", "nothing after"),
])
def test_inputs_that_are_not_links(url: str, problem: str) -> None:
    found = url_problem(url)
    assert found is not None and problem in found


@pytest.mark.parametrize("url", ["kaspi.kz", "https://exa mple.com", "http://x.kz:99999",
                                 "tg://login?token=abc", "http://3232235777"])
def test_broken_links_are_still_checked_not_rejected(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(("raw", "ip", "notation"), [
    ("192.168.1.1", "192.168.1.1", "dotted"),
    ("3232235777", "192.168.1.1", "integer"),
    ("0xC0A80101", "192.168.1.1", "hex"),
    ("0300.0250.01.01", "192.168.1.1", "octal"),
    ("0x7f.1", "127.0.0.1", "hex"),
    ("127.1", "127.0.0.1", "shortened"),
    ("[::ffff:192.168.1.1]", "192.168.1.1", "ipv6"),
    ("[2001:db8::1]", "2001:db8::1", "ipv6"),
])
def test_ip_hosts_in_every_notation(raw: str, ip: str, notation: str) -> None:
    host = decode_host(raw)
    assert (host.ip, host.ip_notation) == (ip, notation)


def test_numeric_host_that_is_no_address_is_marked_bad() -> None:
    host = decode_host("1.2.3.999")
    assert host.ip is None and host.bad_ip


def test_percent_encoded_host_is_decoded() -> None:
    host = decode_host("%6B%61%73%70%69.kz")
    assert host.name == "kaspi.kz" and host.percent


def test_punycode_is_shown_decoded() -> None:
    host = decode_host("xn--80ak6aa92e.com")
    assert host.name == "аррӏе.com" and host.punycode and not host.bad_punycode


def test_invalid_punycode_is_flagged_not_raised() -> None:
    host = decode_host("xn--zz-bad.kz")
    assert host.bad_punycode


def test_full_width_letters_and_dots_are_mapped_like_a_browser() -> None:
    assert decode_host("ｋａｓｐｉ。ｋｚ").name == "kaspi.kz"


def test_trailing_dot_and_case_are_normalised() -> None:
    assert decode_host("WWW.Kaspi.KZ.").name == "www.kaspi.kz"
