"""Standard streams that went away: /dev/null takes their descriptor, so nothing fails later."""

from __future__ import annotations

import os
import sys


def quiet_stdout() -> None:
    """The reader of our stdout went away (`| head`): silence the interpreter's final flush."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # no stdout object, or it was closed
        fd = 1
    devnull_on(fd)


def devnull_on(fd: int) -> None:
    """Put /dev/null on descriptor `fd`, so that neither our writes nor a file opened later use it."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    try:
        if devnull != fd:
            os.dup2(devnull, fd)
            os.close(devnull)
    except OSError:
        pass
