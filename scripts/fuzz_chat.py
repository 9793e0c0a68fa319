"""Coverage-guided fuzzing of the chat readers with atheris (libFuzzer for Python).

Feeds bytes to `kzscam.chat.analyse.check_chat`, the entry point `kzscam check-chat` uses,
as a file (.txt, .json, .zip), as standard input (``-``), and wrapped as the chat member of a
valid zip (so mutations reach the text readers behind every compression method). The only
exception bad input may raise is `ChatError`; anything else is a crash. Limits are small so
each run is fast. Usage (extra arguments go to libFuzzer)::

    .venv/bin/pip install atheris
    .venv/bin/python scripts/fuzz_chat.py -max_total_time=300

The corpus lives in a temporary folder (``--corpus DIR`` to choose one), seeded from
tests/fixtures/chat on first use.
"""

from __future__ import annotations

import io
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["kzscam.chat"]):
    from kzscam.chat.analyse import check_chat
    from kzscam.chat.model import ChatError, Limits

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "chat"
LIMITS = Limits(max_bytes=1 << 20, max_message_chars=4096, max_json_value_chars=1 << 16,
                fifo_wait_seconds=0.1)
MODES = (".txt", ".json", ".zip", "stdin", "zipped")
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
WORK = Path(tempfile.mkdtemp(prefix="kzscam-fuzz-chat-"))


def zipped(data: bytes, selector: int) -> bytes:
    """`data` as the chat member of a valid zip, next to a photo, with one of four methods."""
    buf = io.BytesIO()
    name = ("_chat.txt", "result.json", "WhatsApp Chat with A.txt")[selector % 3]
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("IMG-1.jpg", b"\xff\xd8\xff", compress_type=zipfile.ZIP_STORED)
        zf.writestr(name, data, compress_type=METHODS[selector % len(METHODS)])
    return buf.getvalue()


def one_input(raw: bytes) -> None:
    """First byte picks how the rest is given to the reader."""
    if not raw:
        return
    mode = MODES[raw[0] % len(MODES)]
    data = raw[1:]
    try:
        if mode == "stdin":
            check_chat(Path("-"), stdin=io.BytesIO(data), limits=LIMITS, all_messages=True)
            return
        if mode == "zipped":
            data, suffix = zipped(data, raw[0] // len(MODES)), ".zip"
        else:
            suffix = mode
        path = WORK / f"input{suffix}"
        path.write_bytes(data)
        check_chat(path, limits=LIMITS, all_messages=True)
    except ChatError as exc:
        if not str(exc) or "\n" in str(exc):
            raise AssertionError(f"error is not one line: {exc!r}") from None


def seed(corpus: Path) -> None:
    """One seed per fixture and mode, so mutation starts from real exports."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    for i, fixture in enumerate(sorted(FIXTURES.glob("*.*"))):
        if fixture.suffix not in (".txt", ".json"):
            continue
        for mode in range(len(MODES)):
            (corpus / f"{i}-{mode}").write_bytes(bytes([mode]) + fixture.read_bytes())


def main() -> None:
    args = sys.argv[1:]
    corpus = Path(tempfile.gettempdir()) / "kzscam-fuzz-chat-corpus"
    if "--corpus" in args:
        at = args.index("--corpus")
        corpus = Path(args[at + 1])
        del args[at : at + 2]
    seed(corpus)
    atheris.Setup([sys.argv[0], *args, str(corpus)], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
