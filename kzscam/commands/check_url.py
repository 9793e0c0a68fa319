"""`kzscam check-url`: which brand a link imitates and what tricks it uses, offline."""

# Annotations are evaluated here (no `from __future__ import annotations`): typer reads the
# command's signature at every start, and string annotations would be compiled and evaluated twice.
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from kzscam.commands.common import (
    ConfigOpt,
    Ctx,
    FailOnOpt,
    FormatOpt,
    LangOpt,
    VerboseOpt,
    emit,
    fail_usage,
    input_error_report,
    make_ctx,
    warn,
)
from kzscam.details import extend
from kzscam.model import Report
from kzscam.output import OutputFormat
from kzscam.text.inputs import Message, iter_lines

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
NAME_LIMIT = 300  # a 100 KB link is checked in full but named by its start


def gather(urls: list[str], stdin_is_tty: bool) -> Iterator[Message]:
    """Arguments first; then one link per stdin line (when piped, or asked for with `-`)."""
    read_stdin = False
    for i, url in enumerate(urls, 1):
        if url == "-":
            read_stdin = True
        else:
            yield Message(f"arg{i}", url)
    if read_stdin or (not urls and not stdin_is_tty):
        yield from iter_lines(Path("-"), "<stdin>")


def _name(url: str) -> str:
    """The input's name in reports: the link itself (raw; renderers escape it), very long ones cut."""
    return url if len(url) <= NAME_LIMIT else url[:NAME_LIMIT] + "…"


def _link(text: str) -> str:
    """The link a pasted line really is: brackets, quotes and defanging (``hxxps``, ``[.]``) removed."""
    from kzscam.text.extract import undefang
    from kzscam.url.parse import unwrap

    link = undefang(unwrap(text))
    scheme, sep, rest = link.partition("://")
    return scheme.lower() + sep + rest if sep and scheme.isascii() and scheme.isalpha() else link


def _reports(messages: Iterator[Message], ctx: Ctx) -> Iterator[Report]:
    from kzscam.api import check_url
    from kzscam.url.parse import url_problem

    for msg in messages:
        if msg.error is not None:
            yield input_error_report(msg.name, msg.error, ctx)
            continue
        if msg.note:
            warn(ctx, f"{msg.name}: {msg.note}")
        given = msg.text.strip()
        url = _link(given)
        problem = url_problem(url)
        if problem is not None:
            yield input_error_report(_name(given) or msg.name, problem, ctx)
            continue
        report = check_url(url, name=_name(url), lang=ctx.lang, config=ctx.config)
        if url != given:
            report = replace(report, details=extend(report.details, given=_name(given)))
        yield report


@app.command("check-url")
def check_url(
    urls: Annotated[list[str] | None, typer.Argument(
        help="Links to check; '-' reads one link per line from stdin. Without arguments, piped "
        "stdin is read.", show_default=False)] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.AUTO,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Check links: which brand they imitate, hidden tricks, downloads; exit 1 when flagged."""
    ctx = make_ctx(lang=lang, fmt=fmt, fail_on=fail_on, config_path=config, verbose=verbose)
    urls = urls or []
    stdin_tty = sys.stdin is None or sys.stdin.isatty()
    if not urls and stdin_tty:
        raise fail_usage("no input: give one or more links, or pipe one link per line")
    raise typer.Exit(emit(_reports(gather(urls, stdin_tty), ctx), ctx, command="check-url"))
