"""The inspector never raises, stays linear on huge inputs, never touches the network, and is
cheap to import (heavy data loads on first use)."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzscam.url import inspect as url_inspect
from kzscam.url.display import visible

URL_ALPHABET = st.sampled_from([*"abkz.:/?#@%[]\\-_0x1 ", "а", "\u200b", "\x00", "xn--", "é"])


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_any_text_is_analysed_without_error(text: str) -> None:
    url_inspect.analyse(text)  # the raw function: a bug must fail here, not be swallowed
    assert isinstance(visible(text), str)


@settings(max_examples=400, deadline=None)
@given(st.lists(URL_ALPHABET, max_size=60).map("".join))
def test_url_shaped_noise_is_analysed_without_error(text: str) -> None:
    for prefix in ("", "https://", "http://user@", "tg://", "//"):
        hits = url_inspect.analyse(prefix + text).hits
        for hit in hits:
            assert all((prefix + text)[e.start:e.end] == e.text for e in hit.evidence)


@pytest.mark.parametrize("url", [
    "https://" + "a." * 50_000 + "kz",
    "https://" + "@" * 100_000,
    "https://" + "%41" * 33_000 + ".kz",
    "https://" + "xn--" * 25_000,
    "https://kaspi.kz/" + "\x00" * 100_000,
    "https://" + "а" * 100_000 + ".kz",
    "http://" + "1." * 50_000,
    "k" * 100_000,
    "javascript:" + "a" * 100_000,
])
def test_100kb_links_are_handled(url: str) -> None:
    hits = url_inspect.inspect_url(url)
    assert all(h.check != "url.malformed" or h.params.get("why") for h in hits)


def test_no_socket_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the URL inspector tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from kzscam.url import brands, kinds, psl, skeleton

    for cached in (psl._psl, brands.index, brands.words, kinds.links, skeleton._table):
        cached.cache_clear()  # load the Public Suffix List and all data again, offline
    for url in ("https://kаspi.kz.secure.top/login", "http://0x7f.1", "bit.ly/x", "xn--80ak6aa92e.com"):
        assert url_inspect.analyse(url).hits


def test_import_is_cheap_and_lazy() -> None:
    code = ("import sys, kzscam.url.inspect; "
            "print(sorted(m for m in ('publicsuffixlist', 'confusable_homoglyphs', 'idna', 'rich', "
            "'kzscam.engine') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
