"""`kzscam check-chat`: judge Telegram and WhatsApp chat exports, message by message and as a whole."""

# Annotations are evaluated here (no `from __future__ import annotations`): typer reads the
# command's signature at every start, and string annotations would be compiled and evaluated twice.
import sys
from collections.abc import Iterator
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
    input_error_report,
    localised,
    make_ctx,
    warn,
)
from kzscam.i18n import detect_lang
from kzscam.model import Report
from kzscam.output import OutputFormat

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


def _reports(paths: list[Path], ctx: Ctx, jobs: int, all_messages: bool,
             max_mb: int) -> Iterator[Report]:
    """One report per export; an unreadable export is an error report and the rest go on.

    `-` is standard input, read once (a second `-` would find it empty).
    """
    from kzscam.api import check_chat as judge
    from kzscam.chat.source import STDIN

    stdin_read = False
    for path in paths:
        stdin = None
        if str(path) == STDIN:
            if stdin_read or sys.stdin is None:
                yield input_error_report(STDIN, "standard input was already read (give - once)"
                                         if stdin_read else "no standard input", ctx)
                continue
            stdin, stdin_read = sys.stdin.buffer, True
        report = judge(path, config=ctx.config, lang=ctx.lang, jobs=jobs,
                       all_messages=all_messages, max_bytes=max_mb << 20, stdin=stdin)
        if report.error is not None and "message_count" not in report.details:
            warn(ctx, f"{path}: {report.error}")
        elif report.error is not None:
            warn(ctx, f"{path}: {report.error} (judged the {report.details.get('message_count')}"
                      f" messages read before it)")
        elif ctx.verbose:
            warn(ctx, f"{path}: {report.details.get('format')} export, "
                      f"{report.details.get('message_count')} messages")
        if ctx.auto_lang and (found := chat_lang(report)):
            report = localised(report, found, ctx)
        yield report


def chat_lang(report: Report) -> str | None:
    """A chat's language: the most common language of the messages its report shows (flagged
    ones; all with --all-messages), ties to the earliest. None when it shows none."""
    votes: dict[str, int] = {}
    for part in report.parts:
        text = part.text or part.details.get("text")
        if isinstance(text, str) and (lang := detect_lang(text)):
            votes[lang] = votes.get(lang, 0) + 1
    return max(votes, key=lambda k: votes[k]) if votes else None


@app.command("check-chat")
def check_chat(
    paths: Annotated[list[Path], typer.Argument(
        help="Chat exports: Telegram Desktop result.json (or its folder), WhatsApp .txt or "
             ".zip; '-' reads stdin, pipes work too. The format is read from the content.",
        show_default=False,
        exists=False, readable=False)],  # an unreadable export is a one-line error, not usage
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64,
                                      help="Parallel worker processes for long chats.")] = 1,
    all_messages: Annotated[bool, typer.Option(
        "--all-messages", help="Report every message, not only flagged ones (memory then "
        "grows with the chat).")] = False,
    max_size: Annotated[int, typer.Option(
        "--max-size", min=1, max=1 << 20,
        help="Largest chat text to read, in MB (also the most a zip from a pipe may hold in "
             "memory).")] = 256,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.AUTO,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Check Telegram/WhatsApp chat exports; exit 1 when a chat contains a scam."""
    ctx = make_ctx(lang=lang, fmt=fmt, fail_on=fail_on, config_path=config, verbose=verbose)
    raise typer.Exit(emit(_reports(paths, ctx, jobs, all_messages, max_size), ctx,
                          command="check-chat"))
