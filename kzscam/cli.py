"""Root command: registers subcommands lazily so `kzscam check-text` imports only what it needs."""

from __future__ import annotations

import errno
import importlib
import importlib.util
import os
import sys
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from kzscam.exitcodes import ExitCode, OutputError

# name -> (module, help). Each module defines `app`, a typer.Typer with one command (or a group).
COMMANDS: dict[str, tuple[str, str]] = {
    "check-text": ("kzscam.commands.check_text", "Check message text for scam indicators."),
    "check-url": ("kzscam.commands.check_url", "Check links: which brand they imitate, tricks."),
    "scan-qr": ("kzscam.commands.scan_qr", "Decode QR codes in images and say what they do."),
    "audit-host": ("kzscam.commands.audit_host", "List remote-access tools on this computer."),
    "check-chat": ("kzscam.commands.check_chat", "Check Telegram/WhatsApp chat exports."),
    "rules": ("kzscam.commands.rules", "List and show the detection rules."),
}


class LazyGroup(TyperGroup):
    """Imports a subcommand's module only when that subcommand runs (start-up time matters)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [n for n, (mod, _) in COMMANDS.items() if importlib.util.find_spec(mod) is not None]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command = typer.main.get_command(module.app)
        command.name = cmd_name
        if not command.help:
            command.help = entry[1]
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # Help for the root lists commands from the table above, without importing them all.
        rows = [(n, COMMANDS[n][1]) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=LazyGroup,
    help="kzscam: offline scam checker for Kazakhstan (messages, links, QR codes, remote access).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from kzscam import __version__

        print(f"kzscam {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                 is_eager=True, callback=_print_version),
) -> None:
    """kzscam: offline scam checker for Kazakhstan (messages, links, QR codes, remote access)."""


def _quiet_stdout() -> None:
    """The reader of our stdout went away (`| head`): silence the interpreter's final flush."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


_WRITE_ERRNOS = frozenset({errno.EFBIG, errno.ENOSPC, errno.EDQUOT, errno.EIO})


def main() -> None:
    """Console entry point: every way out maps to a documented exit code, never a traceback."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer.exceptions import Abort

    # Invalid UTF-8 in arguments arrives as lone surrogates, which nothing can print: make it U+FFFD.
    sys.argv = [a.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for a in sys.argv]
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        exc.show()
        code = ExitCode.USAGE
    except ClickException as exc:
        exc.show()
        code = ExitCode.USAGE
    except (KeyboardInterrupt, Abort):
        sys.stderr.write("kzscam: interrupted\n")
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        code = ExitCode.OK
    except OSError as exc:
        # print() in a command (rules show, --version) when the disk is full or a size limit hit;
        # emit() turns the same failures of the report stream into OutputError.
        if not isinstance(exc, OutputError) and (exc.filename is not None
                                                 or exc.errno not in _WRITE_ERRNOS):
            raise
        _report_output_error(exc)
        code = ExitCode.OUTPUT_ERROR
    if code == ExitCode.INTERRUPTED:
        sys.stderr.write("kzscam: interrupted\n")
    sys.exit(int(code) if isinstance(code, int) else 0)


def run() -> NoReturn:
    """The `kzscam` executable: `main`, then leave without interpreter teardown.

    Tearing down frees every module and the loaded rule engine object by object, which took about
    20 ms of a 115 ms run (measured). By now the command has finished: output is flushed here,
    worker pools and files are closed, so nothing is lost by leaving at once. In-process callers use
    `main`, which ends with an ordinary SystemExit.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # reader gone, or the stream was closed
            if stream is sys.stdout:
                _quiet_stdout()
        except OSError as exc:  # disk full, file size limit: the report is incomplete
            if stream is sys.stdout:
                _report_output_error(exc)
                code = ExitCode.OUTPUT_ERROR
    os._exit(code)


def _report_output_error(exc: OSError) -> None:
    _quiet_stdout()  # nothing more can be written there
    try:
        sys.stderr.write(f"kzscam: cannot write the report: {exc.strerror or exc}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
