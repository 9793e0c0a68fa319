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
    INTERRUPTED = 130  # Ctrl-C


class OutputError(OSError):
    """Writing the report failed for a reason other than a closed pipe."""


def exit_code(*, flagged: bool, unreadable: bool) -> ExitCode:
    """Input errors win over verdicts: a pipeline must learn that part of its batch was unread."""
    if unreadable:
        return ExitCode.INPUT_ERROR
    return ExitCode.FLAGGED if flagged else ExitCode.OK
