"""`python -m kzscam` runs the CLI."""

from __future__ import annotations

from kzscam.cli import run

if __name__ == "__main__":
    run()
