"""Patterns compiled on first use (kzscam.lazyre) match exactly as the compiled pattern does."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import re2

from kzscam.lazyre import LazyPattern, lazy_re, lazy_re2
from kzscam.rules import table
from kzscam.text import extract, normalize


def test_compiles_once_on_first_use_and_then_passes_through() -> None:
    calls: list[str] = []

    def compiler(pattern: str, flags: int = 0) -> re.Pattern[str]:
        calls.append(pattern)
        return re.compile(pattern, flags)

    lazy: Any = LazyPattern(compiler, r"(\d+)-(\d+)", re.ASCII)
    assert calls == []
    assert lazy.search("tel 12-34").groups() == ("12", "34")
    assert [m.span() for m in lazy.finditer("1-2 33-44")] == [(0, 3), (4, 9)]
    assert lazy.sub(r"\2-\1", "1-2") == "2-1"
    assert lazy.flags & re.ASCII
    assert calls == [r"(\d+)-(\d+)"]  # one compile for every method
    assert lazy.compiled() is lazy.compiled()


def test_stands_for_re_and_re2_patterns() -> None:
    text = "Переведите 5000 на kaspi.kz.top, код 1234"
    source = r"\d{4}"
    assert [m.span() for m in lazy_re(source).finditer(text)] == [
        m.span() for m in re.compile(source).finditer(text)]
    assert [m.span() for m in lazy_re2(source).finditer(text)] == [
        m.span() for m in re2.compile(source).finditer(text)]


def test_module_patterns_are_the_ones_written() -> None:
    """The module-level stand-ins compile to the same patterns as before they were lazy."""
    assert table._NEVER_BEFORE.pattern.startswith(r"(?<!\w)(?:никогда")
    assert extract.URL_RE.search("зайдите на kaspi-bonus.top/login").group() == "kaspi-bonus.top/login"
    assert normalize._DIGRAPH_RE.sub("", "shchuka") == "uka"


def test_a_plain_message_compiles_none_of_the_link_patterns() -> None:
    """A message without a link or number never compiles the link or number patterns."""
    code = ("import kzscam.api as a; a.check_text('Привет, во сколько встречаемся завтра?'); "
            "from kzscam.text import extract as e; "
            "print('_compiled' in e.URL_RE.__dict__, '_compiled' in e._CARD_RE._long.__dict__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"KZSCAM_NO_CACHE": "1", "PATH": ""})
    assert out.stdout.split() == ["False", "False"]
