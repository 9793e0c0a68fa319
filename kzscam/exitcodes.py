"""Process exit codes: one enum, documented in docs/output.md and the README, the same for every command."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Stable exit codes that shell pipelines rely on."""

    OK = 0  # nothing at or above --fail-on
    FLAGGED = 1  # at least one input at or above --fail-on
    USAGE = 2  # bad options or configuration
    INPUT_ERROR = 3  # some input could not be read; the rest was still processed
    OUTPUT_ERROR = 120  # the report could not be written (disk full, file size limit): as Python does
    HANGUP = 129  # SIGHUP (128 + 1): the terminal went away during a parallel batch
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    TERMINATED = 143  # SIGTERM (128 + 15) during a parallel batch; workers were stopped first


class OutputError(OSError):
    """Writing the report failed for a reason other than a closed pipe."""


class Terminated(SystemExit):
    """SIGTERM or SIGHUP ended a parallel batch: exit 128 + signum, as a shell reports it.

    A SystemExit, so that code catching Exception cannot swallow it and an uncaught one still
    leaves with the right code.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


class WorkerLost(RuntimeError):
    """Items could not be checked: their worker process died on every try (see kzscam.batch)."""


def exit_code(*, flagged: bool, unreadable: bool) -> ExitCode:
    """Input errors win over verdicts: a pipeline must learn that part of its batch was unread."""
    if unreadable:
        return ExitCode.INPUT_ERROR
    return ExitCode.FLAGGED if flagged else ExitCode.OK
