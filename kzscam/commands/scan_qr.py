"""`kzscam scan-qr`: decode every QR code in images and say what scanning each would do."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    make_ctx,
    warn,
)
from kzscam.config import Config
from kzscam.details import extend
from kzscam.model import Report, Verdict
from kzscam.output import OutputFormat

if TYPE_CHECKING:
    from kzscam.qr.loader import Limits, Source
    from kzscam.qr.pipeline import ScanOptions

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


@dataclass(frozen=True)
class Job:
    """Everything one worker needs for one image (picklable for --jobs)."""

    source: Source
    config: Config
    lang: str
    limits: Limits
    options: ScanOptions
    annotate: Path | None
    verbose: bool


def scan_source(job: Job) -> Report:
    """Top-level worker: one image -> one report (errors become error reports, never raise)."""
    try:
        return _scan_source(job)
    except Exception as exc:  # the last line of defence: one input must not end the batch
        return internal_error(job.source.name, exc)


def internal_error(name: str, exc: Exception) -> Report:
    """An error report for an input that broke kzscam itself (a bug, not a bad file)."""
    from kzscam.qr.loader import describe

    return Report(input=name, verdict=Verdict.CAUTION, score=0,
                  error=f"could not be checked: internal error ({describe(exc)})")


def _scan_source(job: Job) -> Report:
    from kzscam.api import scan_image

    started = time.perf_counter()
    scanned = scan_image(job.source, config=job.config, lang=job.lang, limits=job.limits,
                         options=job.options)
    report, image, result = scanned.report, scanned.image, scanned.result
    if image is None or result is None:
        return report
    name = job.source.name
    if job.verbose:
        ms = (time.perf_counter() - started) * 1000
        warn(None, f"{name}: {len(result.symbols)} code(s) after {', '.join(result.passes)} "
                   f"in {ms:.0f} ms")
    if job.annotate is not None:
        from kzscam.output.annotate import AnnotateError, write

        try:
            write(image.frames[0], report.parts, job.annotate, report.lang or job.lang)
        except AnnotateError as exc:
            warn(None, str(exc))
            return replace(report, details=extend(report.details, annotate_error=str(exc)))
        report = replace(report, details=extend(report.details, annotated=str(job.annotate)))
    return report


def _jobs(inputs: list[str], ctx: Ctx, limits: Limits, options: ScanOptions,
          annotate: tuple[Path, bool] | None) -> Iterator[Job]:
    from kzscam.output.annotate import output_path
    from kzscam.qr.loader import iter_sources

    taken: set[Path] = set()
    # The annotated copies must not be scanned again when their folder is inside an input.
    skip = annotate[0] if annotate is not None and annotate[1] else None
    for source in iter_sources(inputs, limits=limits, skip=skip):
        out = None
        if annotate is not None and source.error is None:
            out = output_path(annotate[0], source.name, annotate[1], taken)
        yield Job(source, ctx.config, ctx.lang, limits, options, out, ctx.verbose)


def _with_warnings(reports: Iterator[Report], ctx: Ctx) -> Iterator[Report]:
    for report in reports:
        if report.error is not None:
            warn(ctx, f"{report.input}: {report.error}")
        yield report


def _reports(inputs: list[str], payloads: list[str], ctx: Ctx, limits: Limits,
             options: ScanOptions, annotate: tuple[Path, bool] | None,
             jobs: int) -> Iterator[Report]:
    from kzscam.api import scan_payload

    for i, text in enumerate(payloads, 1):
        name = f"payload{i}" if len(payloads) > 1 else "payload"
        try:
            yield scan_payload(text, lang=ctx.lang, config=ctx.config, name=name)
        except Exception as exc:  # the last line of defence, as in scan_source
            report = internal_error(name, exc)
            warn(ctx, f"{name}: {report.error}")
            yield report
    work = _jobs(inputs, ctx, limits, options, annotate)
    if jobs > 1:
        from kzscam.batch import ordered_map

        yield from _with_warnings(ordered_map(scan_source, work, jobs, chunk=1), ctx)
    else:
        yield from _with_warnings((scan_source(job) for job in work), ctx)


def _check_finite(**values: float) -> None:
    """`nan` and `inf` pass typer's range checks; refuse them as usage errors."""
    for name, value in values.items():
        if not math.isfinite(value):
            raise fail_usage(f"--{name.replace('_', '-')} {value}: give a finite number")


def _annotate_target(annotate: str | None, inputs: list[str]) -> tuple[Path, bool] | None:
    """Validate --annotate before any image is read (a usage error, exit 2)."""
    if annotate is None:
        return None
    from kzscam.output.annotate import AnnotateError, resolve_target
    from kzscam.qr.loader import is_dir

    many = len(inputs) > 1 or any(is_dir(Path(i)) for i in inputs if i != "-")
    try:
        return resolve_target(annotate, many)
    except AnnotateError as exc:
        raise fail_usage(f"--annotate {exc}") from None


def _no_surrogates(text: str) -> str:
    """Invalid UTF-8 in argv arrives as lone surrogates; they become U+FFFD."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


@app.command("scan-qr")
def scan_qr(
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Image files or directories (searched recursively); '-' reads image bytes from stdin.",
        show_default=False)] = None,
    payload: Annotated[list[str] | None, typer.Option(
        "--payload", help="Check a decoded payload string instead of an image (repeatable).",
        show_default=False)] = None,
    annotate: Annotated[str | None, typer.Option(
        "--annotate", help="Write a copy of the image with each code outlined and numbered: "
        "OUT.png for one image, an existing directory (or DIR/ to create one) for several.",
        show_default=False)] = None,
    budget: Annotated[float, typer.Option(
        "--budget", min=0.0, max=600.0, help="Seconds per image for retries when the first pass "
        "finds nothing.")] = 4.0,
    no_zbar: Annotated[bool, typer.Option("--no-zbar",
                                          help="Do not use the zbar fallback.")] = False,
    max_megapixels: Annotated[float, typer.Option(
        "--max-megapixels", min=0.001, help="Refuse larger images (decompression bombs).")] = 64.0,
    max_file_mb: Annotated[float, typer.Option(
        "--max-file-mb", min=0.001, help="Refuse larger files.")] = 64.0,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64,
                                      help="Parallel worker processes.")] = 1,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.AUTO,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Decode QR codes in images and say what scanning each would do; exit 1 when one is flagged."""
    from kzscam.qr.loader import MB, Limits
    from kzscam.qr.pipeline import ScanOptions

    ctx = make_ctx(lang=lang, fmt=fmt, fail_on=fail_on, config_path=config, verbose=verbose)
    inputs, payloads = list(inputs or []), list(payload or [])
    if not inputs and not payloads:
        if sys.stdin is None or sys.stdin.isatty():
            raise fail_usage("no input: give image files or directories, '-' for stdin, "
                             "or --payload TEXT")
        inputs = ["-"]
    _check_finite(budget=budget, max_megapixels=max_megapixels, max_file_mb=max_file_mb)
    target = _annotate_target(annotate, inputs)
    if verbose and not no_zbar:
        from kzscam.qr.decoders import zbar_status

        warn(ctx, zbar_status()[1])
    limits = Limits(max_pixels=int(max_megapixels * 1e6), max_bytes=int(max_file_mb * MB))
    options = ScanOptions(budget_s=budget, use_zbar=not no_zbar)
    payloads = [_no_surrogates(p) for p in payloads]
    reports = _reports(inputs, payloads, ctx, limits, options, target, jobs)
    raise typer.Exit(emit(reports, ctx, command="scan-qr"))
