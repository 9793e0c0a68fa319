"""Renderers: rich advisories for people, plain text, JSON and JSONL for pipelines.

Every renderer takes Reports only. The registry below is explicit; a test checks every format is wired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TextIO

from kzscam.model import Report


class OutputFormat(StrEnum):
    """`auto` means rich on a terminal, plain otherwise (NO_COLOR only drops colour)."""

    AUTO = "auto"
    RICH = "rich"
    PLAIN = "plain"
    JSON = "json"
    JSONL = "jsonl"


# (reports, command, lang, out, verbose): `verbose` shows the internal detail fields too.
Renderer = Callable[[Iterable[Report], str, str, TextIO, bool], None]


def _json(reports: Iterable[Report], command: str, lang: str, out: TextIO,
          verbose: bool = False) -> None:
    from kzscam.output.jsonout import render_json

    render_json(reports, command, out)


def _jsonl(reports: Iterable[Report], command: str, lang: str, out: TextIO,
           verbose: bool = False) -> None:
    from kzscam.output.jsonout import render_jsonl

    render_jsonl(reports, out)


def _plain(reports: Iterable[Report], command: str, lang: str, out: TextIO,
           verbose: bool = False) -> None:
    from kzscam.output.plain import render_plain

    render_plain(reports, lang, out, verbose)


def _rich(reports: Iterable[Report], command: str, lang: str, out: TextIO,
          verbose: bool = False) -> None:
    from kzscam.output.richout import render_rich

    render_rich(reports, lang, out, verbose)


RENDERERS: dict[OutputFormat, Renderer] = {
    OutputFormat.JSON: _json,
    OutputFormat.JSONL: _jsonl,
    OutputFormat.PLAIN: _plain,
    OutputFormat.RICH: _rich,
}
