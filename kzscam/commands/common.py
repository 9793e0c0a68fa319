"""Options and plumbing shared by every subcommand: context, rendering, exit codes, errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from kzscam.config import Config, ConfigError, load_config
from kzscam.exitcodes import ExitCode, OutputError, exit_code
from kzscam.i18n import choose_lang, lang_is_chosen
from kzscam.model import Report, Verdict
from kzscam.output import RENDERERS, OutputFormat
from kzscam.output.safe import clean


class Lang(StrEnum):
    """Advisory languages, as `--lang` lists them in --help and completes them."""

    KK = "kk"
    RU = "ru"
    EN = "en"


class FailOn(StrEnum):
    """Thresholds `--fail-on` accepts. `safe` is not one: every input is at least safe, so it
    would make every run exit 1 and say nothing."""

    CAUTION = "caution"
    SUSPICIOUS = "suspicious"
    DANGEROUS = "dangerous"


LangOpt = Annotated[
    Lang | None,
    typer.Option("--lang", "-l", help="Advisory language (default: KZSCAM_LANG, config, locale, en).",
                 show_default=False, case_sensitive=False),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="auto: rich on a terminal, else plain; with --jsonl-field "
                 "input, jsonl when stdout is not a terminal.", case_sensitive=False),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option("--fail-on", help="Exit 1 when any input is at or above this verdict "
                 "(default: suspicious).", show_default=False, case_sensitive=False),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (default ~/.config/kzscam/config.toml).",
                 show_default=False, readable=False),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Say more on stderr.")]


class Ctx:
    """Everything a command needs after option parsing (a plain class: a dataclass compiles its
    methods at every start, see kzscam.model.record)."""

    __slots__ = ("config", "err", "fail_on", "fmt", "lang", "lang_chosen", "out", "verbose")

    def __init__(self, config: Config, lang: str, fmt: OutputFormat, fail_on: Verdict,
                 verbose: bool = False, lang_chosen: bool = True, out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.config = config
        self.lang = lang
        self.fmt = fmt
        self.fail_on = fail_on
        self.verbose = verbose
        self.lang_chosen = lang_chosen  # False: nobody chose a language, English is the fallback
        self.out: TextIO = sys.stdout if out is None else out
        self.err: TextIO = sys.stderr if err is None else err

    @property
    def auto_lang(self) -> bool:
        """Write each human report in its message's language? Only when nobody chose one and a
        person reads it: JSON and JSONL stay in the run's language, whatever the input says."""
        return not self.lang_chosen and self.fmt in (OutputFormat.RICH, OutputFormat.PLAIN)


def localised(report: Report, lang: str, ctx: Ctx) -> Report:
    """`report` in `lang` when that is not the language it was judged in (nothing is re-judged)."""
    if lang == ctx.lang:
        return report
    from kzscam.engine import get_engine

    return get_engine(ctx.config).localise(report, lang)


def fail_usage(message: str) -> typer.Exit:
    """A usage/config problem: one line on stderr, exit code 2."""
    sys.stderr.write(f"kzscam: {clean(message, one_line=True)}\n")
    return typer.Exit(ExitCode.USAGE)


def _resolve_format(fmt: OutputFormat, out: TextIO, jsonl_in: bool = False) -> OutputFormat:
    if fmt is not OutputFormat.AUTO:
        return fmt
    if jsonl_in and not out.isatty():
        return OutputFormat.JSONL  # JSONL in, JSONL out: `--jsonl-field body < m.jsonl | jq`
    if os.environ.get("FORCE_COLOR"):
        return OutputFormat.RICH
    # NO_COLOR asks for no colour, not for another layout: at a terminal the report keeps its
    # word wrapping (rich honours NO_COLOR itself); pipes and files get plain text.
    return OutputFormat.RICH if out.isatty() else OutputFormat.PLAIN


def make_ctx(*, lang: str | None, fmt: OutputFormat, fail_on: str | None,
             config_path: Path | None, verbose: bool = False, load_rules: bool = True,
             overrides: Mapping[str, Any] | None = None, jsonl_in: bool = False) -> Ctx:
    """Layer flags over env over config file over defaults; bad values exit with code 2.

    `overrides` are flags that set config keys (check-text's size limits): the last layer.
    """
    try:
        config = load_config(config_path, overrides=overrides)
    except ConfigError as exc:
        raise fail_usage(str(exc)) from None
    if lang is not None and lang.lower() not in ("kk", "ru", "en"):
        raise fail_usage(f"--lang: unknown language {lang!r} (use kk, ru or en)")
    try:
        threshold = Verdict.parse(fail_on) if fail_on else config.fail_on
    except ValueError as exc:
        raise fail_usage(f"--fail-on: {exc}") from None
    if threshold is Verdict.SAFE:
        where = "--fail-on" if fail_on else "fail_on (KZSCAM_FAIL_ON or the config file)"
        raise fail_usage(f"{where}: 'safe' would flag every input; use caution, suspicious or dangerous")
    chosen = choose_lang(lang, config.lang)
    if load_rules:
        # Build (or load) the engine now, so a broken rule file in the user's rules directory is a
        # usage error with its name, before any input is read.
        from kzscam.engine import get_engine
        from kzscam.rules.schema import RuleError

        try:
            get_engine(config)
        except RuleError as exc:
            raise fail_usage(str(exc)) from None
    return Ctx(config=config, lang=chosen, fmt=_resolve_format(fmt, sys.stdout, jsonl_in),
               fail_on=threshold, verbose=verbose, lang_chosen=lang_is_chosen(lang, config.lang))


def warn(ctx: Ctx | None, message: str) -> None:
    """One line on stderr (never stdout: stdout is the report)."""
    sys.stderr.write(f"kzscam: {clean(message, one_line=True)}\n")


def input_error_report(name: str, problem: str, ctx: Ctx | None = None) -> Report:
    """An unreadable input: one line on stderr, exit code 3; a RESULT with `error` in JSON/JSONL."""
    warn(ctx, f"{name}: {problem}")
    return Report(input=name, verdict=Verdict.CAUTION, score=0, error=problem)


class Tally:
    """Counts what passed through the renderer so the exit code needs no list of reports."""

    def __init__(self, fail_on: Verdict) -> None:
        self.fail_on = fail_on
        self.flagged = 0
        self.errors = 0
        self.total = 0

    def watch(self, reports: Iterable[Report]) -> Iterator[Report]:
        for r in reports:
            self.total += 1
            if r.error is not None:
                self.errors += 1
            elif r.worst >= self.fail_on:  # an unreadable input has no verdict to flag
                self.flagged += 1
            yield r

    @property
    def code(self) -> ExitCode:
        return exit_code(flagged=bool(self.flagged), unreadable=bool(self.errors))


def emit(reports: Iterable[Report], ctx: Ctx, command: str) -> ExitCode:
    """Render every report to stdout as it arrives; return the exit code for the batch."""
    tally = Tally(ctx.fail_on)
    try:
        RENDERERS[ctx.fmt](tally.watch(reports), command, ctx.lang, ctx.out, ctx.verbose)
        ctx.out.flush()
    except BrokenPipeError:
        # The consumer (`| head`) has what it wanted; stop quietly with the verdicts seen so far.
        from kzscam.output.streams import quiet_stdout

        quiet_stdout()
    except OSError as exc:
        if exc.filename is not None:
            raise  # a file the command itself opened, not the report stream
        raise OutputError(exc.errno, exc.strerror) from exc
    finally:
        # Stop the producer now (worker pools shut down) rather than whenever it is collected.
        close = getattr(reports, "close", None)
        if callable(close):
            close()
    if ctx.verbose:
        warn(ctx, f"{tally.total} input(s), {tally.flagged} at or above {ctx.fail_on.label}, "
                  f"{tally.errors} unreadable")
    return tally.code
