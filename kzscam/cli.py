"""Root command: registers subcommands lazily so `kzscam check-text` imports only what it needs."""

from __future__ import annotations

import errno
import gc
import importlib
import importlib.util
import os
import sys
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from kzscam.exitcodes import ExitCode, OutputError, Terminated, WorkerLost
from kzscam.output.safe import say
from kzscam.output.streams import devnull_on, quiet_stdout

# name -> (module, help). Each module defines `app`, a typer.Typer with one command (or a group).
COMMANDS: dict[str, tuple[str, str]] = {
    "check-text": ("kzscam.commands.check_text", "Check message text for scam indicators."),
    "check-url": ("kzscam.commands.check_url", "Check links: which brand they imitate, tricks."),
    "scan-qr": ("kzscam.commands.scan_qr", "Decode QR codes in images and say what they do."),
    "audit-host": ("kzscam.commands.audit_host", "List remote-access tools on this computer."),
    "check-chat": ("kzscam.commands.check_chat", "Check Telegram/WhatsApp chat exports."),
    "rules": ("kzscam.commands.rules", "List and show the detection rules."),
}


# Root help: what people type first, and what scripts rely on (kzscam.exitcodes, docs/cli.md).
# "\b" keeps click from re-wrapping a block.
EPILOG = """\b
Examples:
  kzscam check-text "Мам, скинь 50 000 на эту карту"
  kzscam check-text --lines --file messages.txt
  kzscam check-text --jsonl-field body < messages.jsonl | jq .verdict
  kzscam check-url https://kaspi-bank.kz.login-verify.top/
  kzscam scan-qr photo.jpg
  kzscam audit-host
  kzscam check-chat result.json
  kzscam --install-completion

\b
Exit codes:
  0    nothing at or above --fail-on (default: suspicious)
  1    at least one input at or above --fail-on
  2    bad options or configuration
  3    some input could not be read (the rest was still checked)
  120  the report could not be written
  130  interrupted (Ctrl-C); 129/143: hang-up/terminated
"""


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
        resume_gc()  # start-up is over: the command and its modules are loaded
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
    epilog=EPILOG,
    # --install-completion / --show-completion for bash, zsh, fish and PowerShell.
    add_completion=True,
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


def _standard_streams() -> bool:
    """Cope with standard streams closed by the caller (`>&-`, `2>&-`); False if stdout is closed.

    Python leaves a closed stream as None. A closed stderr only loses diagnostics: they go to
    /dev/null and the run goes on. A closed stdout means the report cannot be written at all.
    Either way /dev/null takes the descriptor, so no file opened later lands on 0, 1 or 2.
    """
    if sys.stderr is None:
        devnull_on(2)
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
    if sys.stdin is None:
        devnull_on(0)
    if sys.stdout is None:
        devnull_on(1)
        return False
    return True


_WRITE_ERRNOS = frozenset({errno.EFBIG, errno.ENOSPC, errno.EDQUOT, errno.EIO})


def main() -> None:
    """Console entry point: every way out maps to a documented exit code, never a traceback."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer.exceptions import Abort

    if not _standard_streams():
        say("cannot write the report: standard output is closed")
        sys.exit(int(ExitCode.OUTPUT_ERROR))
    # Invalid UTF-8 in arguments arrives as lone surrogates, which nothing can print: make it U+FFFD.
    sys.argv = [a.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for a in sys.argv]
    try:
        # One completion variable however kzscam was started (`kzscam`, `python -m kzscam`).
        code = app(standalone_mode=False, complete_var="_KZSCAM_COMPLETE")
    except NoArgsIsHelpError as exc:
        exc.show()
        code = ExitCode.USAGE
    except ClickException as exc:
        exc.show()
        code = ExitCode.USAGE
    except (KeyboardInterrupt, Abort):
        code = ExitCode.INTERRUPTED
    except Terminated as exc:
        import signal

        say(f"stopped by {signal.Signals(exc.signum).name}")
        code = int(exc.code) if isinstance(exc.code, int) else 128 + exc.signum
    except WorkerLost as exc:
        say(str(exc))
        code = ExitCode.INPUT_ERROR
    except BrokenPipeError:
        quiet_stdout()
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
        say("interrupted")
    sys.exit(int(code) if isinstance(code, int) else 0)


_gc_paused = False


def resume_gc() -> None:
    """End of start-up (see kzscam.__main__): the collector runs again, and the objects start-up
    made, which live as long as the process, are frozen out of its collections."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.freeze()
        gc.enable()


def run(gc_paused: bool = False) -> NoReturn:
    """`main`, then leave without interpreter teardown (`kzscam.__main__.run` is the executable).

    Tearing down frees every module and the loaded rule engine object by object, which took about
    20 ms of a 115 ms run (measured). By now the command has finished: output is flushed here,
    worker pools and files are closed, so nothing is lost by leaving at once. In-process callers use
    `main`, which ends with an ordinary SystemExit. `gc_paused`: the caller paused the garbage
    collector for start-up, to be resumed once the command is known.
    """
    global _gc_paused
    _gc_paused = gc_paused
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # reader gone, or the stream was closed
            if stream is sys.stdout:
                quiet_stdout()
        except OSError as exc:  # disk full, file size limit: the report is incomplete
            if stream is sys.stdout:
                _report_output_error(exc)
                code = ExitCode.OUTPUT_ERROR
    os._exit(code)


def _report_output_error(exc: OSError) -> None:
    quiet_stdout()  # nothing more can be written there
    say(f"cannot write the report: {exc.strerror or exc}")
