"""Links printed for people: escapes neutralised, disguised letters spelled out."""

from __future__ import annotations

import pytest

from kzscam.url.display import visible


@pytest.mark.parametrize(("url", "shown"), [
    ("https://kаspi.kz/login", "https://k<U+0430>spi.kz/login"),
    ("каѕрі.kz", "<U+043A><U+0430><U+0455><U+0440><U+0456>.kz"),
    ("https://kåspi.kz", "https://k<U+00E5>spi.kz"),
    ("https://пример.рф/путь", "https://пример.рф/путь"),
    ("https://example.com/\x1b[31mred", "https://example.com/<U+001B>[31mred"),
    ("https://exa\u200bmple.com/\u202eexe", "https://exa<U+200B>mple.com/<U+202E>exe"),
    ("http://a\x00b.kz", "http://a<U+0000>b.kz"),
    ("https://example.com/a b", "https://example.com/a b"),
])
def test_visible(url: str, shown: str) -> None:
    assert visible(url) == shown


def test_visible_output_has_no_control_characters() -> None:
    nasty = "".join(chr(c) for c in range(0, 0x20)) + "\x7f\x9b\u2028\u2066"
    out = visible("https://example.com/" + nasty)
    assert all(c.isprintable() for c in out)


def test_plain_ascii_is_unchanged() -> None:
    url = "https://kaspi.kz/shop?q=1#x"
    assert visible(url) == url
