"""`python -m kzscam` and the `kzscam` executable.

Start-up (typer, the command's modules, the rules) allocates tens of thousands of objects that live
as long as the process and makes next to no garbage, yet the cyclic garbage collector would scan
them about thirty times over: some 5 ms of a one-message run (measured). So it is paused from the
first import until the command is known; `kzscam.cli` then resumes it, with everything start-up
made frozen out of later collections (a batch of messages is collected as usual).
"""

from __future__ import annotations

import gc
from typing import NoReturn


def run() -> NoReturn:
    """The `kzscam` executable (`kzscam.cli.run` with the collector paused during start-up)."""
    gc.disable()
    from kzscam import cli

    cli.run(gc_paused=True)


if __name__ == "__main__":
    run()
