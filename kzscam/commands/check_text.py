"""`kzscam check-text`: scan message text from arguments, files or stdin."""

# Annotations are evaluated here (no `from __future__ import annotations`): typer reads the
# command's signature at every start, and string annotations would be compiled and evaluated twice
# over (inspect.signature, then get_type_hints), about 1.7 ms of a one-message run (measured).
import functools
import itertools
import os
import re
import stat
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
    localised,
    make_ctx,
    warn,
)
from kzscam.config import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_LINE_BYTES, Config, parse_size
from kzscam.i18n import by_pattern, detect_lang, ui
from kzscam.lazyre import lazy_re
from kzscam.model import Report, Verdict
from kzscam.output import OutputFormat
from kzscam.text.inputs import (
    Message,
    from_jsonl,
    iter_lines,
    line_too_long,
    over_limit,
    read_whole,
    too_big,
)

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


# The notes the readers write about how a message was decoded (English in the code, stable for
# scripts that read them) as a person reads them under --lang kk or ru.
_NOTES: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (lazy_re(r"decoded as UTF-16"),
     {"ru": "прочитано как UTF-16", "kk": "UTF-16 ретінде оқылды"}),
    (lazy_re(r"invalid UTF-8: (?P<n>\d+) undecodable byte sequence\(s\) replaced"),
     {"ru": "неверный UTF-8: заменено нечитаемых последовательностей байтов: {n}",
      "kk": "UTF-8 қате: оқылмайтын {n} байт тізбегі ауыстырылды"}),
    (lazy_re(r"not UTF-8; decoded as cp1251"),
     {"ru": "не UTF-8; прочитано как cp1251", "kk": "UTF-8 емес; cp1251 ретінде оқылды"}),
    (lazy_re(r"invalid UTF-8; undecodable bytes replaced"),
     {"ru": "неверный UTF-8; нечитаемые байты заменены",
      "kk": "UTF-8 қате; оқылмайтын байттар ауыстырылды"}),
)


def note_in(note: str, lang: str) -> str:
    """A reader's note about a message in `lang` (as written when it is not a known one)."""
    return by_pattern(_NOTES, note, lang)


def _say_blank(name: str, count: int, lang: str = "en") -> None:
    """--lines skips blank lines (they are no messages) and says so, once per input, in one line
    in the report's language."""
    key = "skipped_blank_line" if count == 1 else "skipped_blank_lines"
    warn(None, f"{name}: {ui(key, lang).format(count=count)}")


def gather(texts: list[str], files: list[Path], lines: bool, jsonl_field: str | None,
           stdin_is_tty: bool, max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
           max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, lang: str = "en") -> Iterator[Message]:
    """Arguments first, then files, then stdin (when piped, or asked for with `-`).

    Every message is held to the size limits (`max_bytes` whole, `max_line_bytes` per line), so
    no input can make kzscam read without bound.
    """
    read_stdin = False
    for i, text in enumerate(texts, 1):
        if text == "-":
            read_stdin = True
        elif lines:
            blank = 0
            for n, line in enumerate(text.splitlines(), 1):
                if over_limit(line, max_line_bytes):
                    yield Message(f"arg{i}:{n}", error=line_too_long(max_line_bytes))
                elif line.strip():
                    yield Message(f"arg{i}:{n}", line)
                else:
                    blank += 1
            if blank:
                _say_blank(f"arg{i}", blank, lang)
        elif not text.strip():
            yield Message(f"arg{i}", error="empty input")
        elif over_limit(text, max_bytes):
            yield Message(f"arg{i}" if len(texts) > 1 else "message", error=too_big(max_bytes))
        else:
            yield Message(f"arg{i}" if len(texts) > 1 else "message", text)
    sources: list[tuple[Path, str]] = [(p, str(p)) for p in files]
    if read_stdin or (not texts and not files and not stdin_is_tty):
        sources.append((Path("-"), "<stdin>"))
    for path, name in sources:
        if lines or jsonl_field:
            on_blank = functools.partial(_say_blank, name, lang=lang)
            stream = iter_lines(path, name, max_line_bytes, on_blank=on_blank)
            yield from (from_jsonl(stream, jsonl_field) if jsonl_field else stream)
        else:
            yield read_whole(path, name, max_bytes)


LANG_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (ValueError, OSError):
        return False

# Below this many messages a batch is done in-process: starting workers would cost more than it saves.
AUTO_PARALLEL_AFTER = 2000


def check_message(args: tuple[Message, str, Config]) -> Report:
    """Top-level (picklable) worker: one message -> one report."""
    from kzscam.api import check_text

    msg, lang, config = args
    if msg.error is not None:
        return Report(input=msg.name, verdict=Verdict.CAUTION, score=0, error=msg.error, lang=lang)
    report = check_text(msg.text, name=msg.name, lang=lang, config=config)
    return replace(report, details=msg.extra or report.details, lang=lang)


NOT_CHECKED = "not checked: its worker process ended unexpectedly twice"


def not_checked(task: tuple[Message, str, Config]) -> Report:
    """The result for a message whose worker died on both tries (kzscam.batch): an input error."""
    msg = task[0]
    return Report(input=msg.name, verdict=Verdict.CAUTION, score=0,
                  error=msg.error if msg.error is not None else NOT_CHECKED)


def task_name(task: tuple[Message, str, Config]) -> str:
    """How the batch names a message in its one-line notices."""
    return task[0].name


def _all_regular(files: list[Path], *, reads_stdin: bool) -> bool:
    """Are all inputs regular files? Only then may the automatic worker pool read ahead."""
    try:
        if reads_stdin and (sys.stdin is None or not stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode)):
            return False
    except (OSError, ValueError, AttributeError):
        return False
    return all(path.is_file() for path in files)


def _reports(messages: Iterator[Message], ctx: Ctx, jobs: int) -> Iterator[Report]:
    def tasks() -> Iterator[tuple[Message, str, Config]]:
        # Nobody chose a language and a person reads the report: each message's report is in
        # that message's language (docs/output.md). JSON and JSONL keep the run's language.
        told = not _stderr_is_terminal()
        for msg in messages:
            if msg.error is not None:
                warn(ctx, f"{msg.name}: {msg.error}")
            lang = ctx.lang
            if ctx.auto_lang and msg.text:
                lang = detect_lang(msg.text) or ctx.lang
                if not told and lang != ctx.lang:
                    told = True  # once per run, to a person at a terminal: how to choose
                    warn(ctx, f"report in {LANG_NAMES[lang]}, the language of the message; "
                              f"choose with --lang (or KZSCAM_LANG)")
            if msg.error is None and msg.note:  # in the language of the message's report
                warn(ctx, f"{msg.name}: {note_in(msg.note, lang)}")
            yield (msg, lang, ctx.config)

    stream = tasks()
    # --jobs 0 (the default, for regular files): one process until the batch proves large, then
    # one worker per core.
    # A single message never even imports the pool machinery (start-up time is measured).
    inline = None if jobs == 1 else AUTO_PARALLEL_AFTER if jobs == 0 else 0
    for task in itertools.islice(stream, inline):
        yield check_message(task)
    rest = next(stream, None)
    if rest is None:
        return
    from kzscam.batch import ordered_map

    yield from ordered_map(check_message, itertools.chain([rest], stream), jobs,
                           on_lost=not_checked, name_of=task_name)


@app.command("check-text")
def check_text(
    texts: Annotated[list[str] | None, typer.Argument(
        help="Message text(s); '-' reads stdin. Without arguments, piped stdin is read.",
        show_default=False)] = None,
    file: Annotated[list[Path] | None, typer.Option(
        "--file", help="Read a message from this file (repeatable).", show_default=False,
        readable=False)] = None,
    lines: Annotated[bool, typer.Option(
        "--lines", help="Each line of the input is one message (streamed).")] = False,
    jsonl_field: Annotated[str | None, typer.Option(
        "--jsonl-field", help="Input lines are JSON objects; check this field, pass the rest "
        "through.", show_default=False)] = None,
    image: Annotated[list[Path] | None, typer.Option(
        "--image", help="OCR this screenshot and check its text (repeatable).",
        show_default=False, readable=False)] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, max=64,
        help="Worker processes; 0: one per CPU core once a batch read from files passes "
        f"{AUTO_PARALLEL_AFTER:,} messages (pipes stay in one process); 1: never.")] = 0,
    max_bytes: Annotated[str | None, typer.Option(
        "--max-bytes", help="Size limit for one message (a file, stdin, an argument), e.g. 16MiB "
        "(default: KZSCAM_MAX_INPUT_BYTES, config max_input_bytes, 16MiB).",
        show_default=False)] = None,
    max_line_bytes: Annotated[str | None, typer.Option(
        "--max-line-bytes", help="Size limit for one line with --lines/--jsonl-field, e.g. 1MiB "
        "(default: KZSCAM_MAX_LINE_BYTES, config max_line_bytes, 1MiB).",
        show_default=False)] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.AUTO,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Check message text for scam indicators; exit 1 when any message is flagged."""
    overrides: dict[str, int] = {}
    for flag, key, value in (("--max-bytes", "max_input_bytes", max_bytes),
                             ("--max-line-bytes", "max_line_bytes", max_line_bytes)):
        if value is not None:
            try:
                overrides[key] = parse_size(value)
            except ValueError as exc:
                raise fail_usage(f"{flag}: {exc}") from None
    ctx = make_ctx(lang=lang, fmt=fmt, fail_on=fail_on, config_path=config, verbose=verbose,
                   overrides=overrides, jsonl_in=jsonl_field is not None)
    texts, files, images = texts or [], file or [], image or []
    stdin_tty = sys.stdin is None or sys.stdin.isatty()
    if not texts and not files and not images and stdin_tty:
        raise fail_usage("no input: give message text, --file PATH, --image PATH, or pipe stdin")
    messages = gather(texts, files, lines, jsonl_field, stdin_tty or bool(images),
                      ctx.config.max_input_bytes, ctx.config.max_line_bytes, ctx.lang)
    reads_stdin = "-" in texts or not (texts or files or stdin_tty or images)  # as gather decides
    if jobs == 0 and not _all_regular(files, reads_stdin=reads_stdin):
        jobs = 1  # a live stream (pipe, terminal) gets each result at once, with no read-ahead
    reports = _reports(messages, ctx, jobs)
    if images:
        reports = itertools.chain(reports, _screenshot_reports(images, ctx))
    raise typer.Exit(emit(reports, ctx, command="check-text"))


def _screenshot_reports(images: list[Path], ctx: Ctx) -> Iterator[Report]:
    """Screenshots: OCR (Tesseract, kaz+rus+eng), the text rules, and any QR code in the picture."""
    from kzscam.api import check_screenshot
    from kzscam.ocr import tesseract_status

    status = tesseract_status()
    for path in images:
        if status is not None:
            yield input_error_report(str(path), status, ctx)
            continue
        report = check_screenshot(path, lang=ctx.lang, config=ctx.config)
        if report.error is not None:
            warn(ctx, f"{path}: {report.error}")
        elif ctx.auto_lang and report.text and (found := detect_lang(report.text)):
            report = localised(report, found, ctx)  # the language of the text read off it
        yield report
