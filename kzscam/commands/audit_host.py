"""`kzscam audit-host`: remote-access tools on this computer, on a mounted disk, or on a phone."""

# Annotations are evaluated here (no `from __future__ import annotations`): typer reads the
# command's signature at every start, and string annotations would be compiled and evaluated twice.
import time
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
    make_ctx,
    warn,
)
from kzscam.model import Report
from kzscam.output import OutputFormat

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
PLATFORMS = ("linux", "macos", "windows")


def _complete_platform(incomplete: str) -> list[str]:
    return [p for p in PLATFORMS if p.startswith(incomplete.lower())]


def audit(ctx: Ctx, root: Path | None, platform: str | None, adb: bool, serial: str | None,
          allow: frozenset[str]) -> Report:
    """The API's audit; an unreachable phone or a bad --root is an input error (exit 3)."""
    from kzscam.api import audit_host

    started = time.perf_counter()
    report = audit_host(root=root, platform=platform, lang=ctx.lang, config=ctx.config, adb=adb,
                        serial=serial, allow=allow)
    if report.error is not None:
        warn(ctx, f"{report.input}: {report.error}")
    elif ctx.verbose:
        warn(ctx, f"audited {report.input} ({report.details.get('platform')}) in "
                  f"{time.perf_counter() - started:.2f} s; "
                  f"{len(report.details.get('skipped', ()))} things not checked")
    return report


@app.command()
def audit_host(
    serial: Annotated[str | None, typer.Argument(
        metavar="[SERIAL]", help="With --adb: which phone (see `adb devices`).",
        show_default=False)] = None,
    adb: Annotated[bool, typer.Option(
        "--adb", help="Audit an Android phone over adb (USB debugging on) instead of this computer."
    )] = False,
    root: Annotated[Path | None, typer.Option(
        "--root", help="Audit a mounted disk or extracted file tree offline (no processes).",
        show_default=False, exists=False, readable=False)] = None,  # root_problem() says why not
    # Choices listed and completed like --lang's, but checked here: an unknown platform is one
    # stderr line (exit 2), not click's three-line usage block.
    platform: Annotated[str | None, typer.Option(
        "--platform", help="With --root: which system the tree holds (default: guessed from it).",
        metavar="<" + "|".join(PLATFORMS) + ">", autocompletion=_complete_platform,
        show_default=False)] = None,
    allow: Annotated[list[str] | None, typer.Option(
        "--allow", help="A tool id your IT department manages (repeatable; adds to allow_tools).",
        show_default=False)] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = OutputFormat.AUTO,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """List remote-access tools (AnyDesk, TeamViewer, RustDesk, ...) and how risky each is.

    Read-only and offline: nothing is stopped, removed or sent anywhere. Exit code 1 when a tool
    is installed (suspicious) or running, listening or starting by itself (dangerous).
    """
    ctx = make_ctx(lang=lang, fmt=fmt, fail_on=fail_on, config_path=config, verbose=verbose)
    if serial is not None and not adb:
        raise fail_usage(f"unexpected argument {serial!r} (a SERIAL is only accepted after --adb)")
    if adb and root is not None:
        raise fail_usage("--adb and --root cannot be combined")
    if platform is not None and root is None:
        raise fail_usage("--platform needs --root (a live audit knows its own platform)")
    if platform is not None and platform.lower() not in PLATFORMS:
        raise fail_usage(f"--platform: unknown platform {platform!r} (use linux, macos or windows)")
    allowed = frozenset(a.strip().lower() for a in allow or () if a.strip())
    report = audit(ctx, root, platform.lower() if platform else None, adb, serial, allowed)
    raise typer.Exit(emit([report], ctx, command="audit-host"))
