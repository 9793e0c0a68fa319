"""Broken and unusual inputs to check-chat: corrupt zips, wrong JSON types, pipes, FIFOs, stdin,
devices and size limits end in one error line (exit 3) while the rest of the batch is checked;
property tests feed the readers arbitrary bytes, text, Telegram-shaped JSON and mutated zips."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzscam import api
from kzscam.chat.analyse import check_chat
from kzscam.chat.model import UNPLACED, ChatError, Limits
from kzscam.chat.whatsapp import read_whatsapp
from kzscam.exitcodes import ExitCode
from kzscam.model import Verdict

SCAM = "Назовите код из SMS, который сейчас придёт"
WA_LINE = "12.11.2026, 09:14 - Bob: {}\n"
LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def telegram(*messages: dict[str, Any], name: object = "x") -> bytes:
    return json.dumps({"name": name, "messages": list(messages)}).encode()


def message(**fields: object) -> dict[str, Any]:
    return {"id": 1, "type": "message", "date": "2026-11-20T10:00:00", "from": "A",
            "text": "", **fields}


OK_CHAT = telegram(message(text=SCAM))


def whatsapp_chat(lines: int = 200) -> bytes:
    return "".join(WA_LINE.format(f"line {i} of the chat, {SCAM}") for i in range(lines)).encode()


def zip_bytes(data: bytes, method: int = zipfile.ZIP_DEFLATED, name: str = "_chat.txt") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def data_start(archive: bytes) -> int:
    """Offset of the first member's data (after its local header)."""
    name_len, extra_len = struct.unpack("<HH", archive[26:30])
    return 30 + name_len + extra_len


# --- corrupt zips --------------------------------------------------------------------------

def corrupt_deflate() -> bytes:
    data = bytearray(zip_bytes(whatsapp_chat()))
    start = data_start(bytes(data))
    data[start + 4 : start + 24] = b"\xff" * 20
    return bytes(data)


def method_9() -> bytes:
    data = bytearray(zip_bytes(whatsapp_chat()))
    for signature, offset in ((LOCAL, 8), (CENTRAL, 10)):  # the compression method field
        pos = data.find(signature)
        data[pos + offset : pos + offset + 2] = struct.pack("<H", 9)
    return bytes(data)


def corrupt_lzma() -> bytes:
    data = bytearray(zip_bytes(whatsapp_chat(), zipfile.ZIP_LZMA))
    start = data_start(bytes(data))
    data[start + 12 : start + 40] = b"\xee" * 28
    return bytes(data)


def corrupt_bzip2() -> bytes:
    data = bytearray(zip_bytes(whatsapp_chat(), zipfile.ZIP_BZIP2))
    start = data_start(bytes(data))
    data[start + 10 : start + 30] = b"\x00" * 20
    return bytes(data)


def zip64_locator() -> bytes:
    """A zip64 locator pointing at offset 2**64-1, and an end record asking for zip64."""
    data = bytearray(zip_bytes(whatsapp_chat(), zipfile.ZIP_STORED))
    eocd = data.rfind(b"PK\x05\x06")
    data[eocd + 8 : eocd + 12] = b"\xff\xff\xff\xff"  # member counts: "see the zip64 record"
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 2**64 - 1, 1)
    return bytes(data[:eocd] + locator + data[eocd:])


CORRUPT = {
    "deflate": (corrupt_deflate, "corrupt compressed data"),
    "method9": (method_9, "compression method"),
    "lzma": (corrupt_lzma, "corrupt compressed data"),
    "bzip2": (corrupt_bzip2, "corrupt compressed data"),
    "zip64": (zip64_locator, "zip archive"),
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_corrupt_zip_is_one_error_and_the_batch_goes_on(tmp_path: Path, kind: str) -> None:
    build, problem = CORRUPT[kind]
    bad = tmp_path / f"{kind}.zip"
    bad.write_bytes(build())
    ok = tmp_path / "ok.json"
    ok.write_bytes(OK_CHAT)
    with pytest.raises(ChatError, match=problem):
        check_chat(bad)
    report = api.check_chat(bad)  # the API turns the one documented error into a Report
    assert report.error is not None and problem in report.error
    proc = run_cli("check-chat", str(bad), str(ok), "--format", "json")
    assert proc.returncode == ExitCode.INPUT_ERROR and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"kzscam: {bad}: ") and problem in line
    first, second = json.loads(proc.stdout)["results"]  # the document is complete
    assert first["error"] and first["verdict"] == "caution"
    assert second["error"] is None and second["verdict"] in ("suspicious", "dangerous")


@pytest.mark.parametrize(("method", "problem"), [
    (zipfile.ZIP_LZMA, "zip member '_chat.txt' has corrupt compressed data (Corrupt input data)"),
    (zipfile.ZIP_DEFLATED, "corrupt zip archive (Bad CRC-32 for file '_chat.txt')"),
])
def test_corruption_after_the_first_messages_keeps_them(tmp_path: Path, method: int,
                                                        problem: str) -> None:
    import random
    import string

    rng = random.Random(7)  # letters compress little: the damage lies past what the sniffer read
    text = "".join(WA_LINE.format("".join(rng.choice(string.ascii_letters + " ")
                                          for _ in range(80))) for _ in range(3000)).encode()
    data = bytearray(zip_bytes(text, method))
    start = data_start(bytes(data))
    cut = start + (len(data) - start) * 3 // 4
    data[cut : cut + 64] = b"\xff" * 64
    path = tmp_path / "late.zip"
    path.write_bytes(bytes(data))
    report = check_chat(path)
    assert report.error == problem and report.verdict >= Verdict.CAUTION
    assert 1000 < report.details["message_count"] < 3000


# --- wrong JSON types ----------------------------------------------------------------------

DEEP = json.loads("[" * 900 + "]" * 900)  # decodes, but str() of it overflows the stack

ODD_MESSAGES = [
    message(poll={"question": SCAM, "answers": 1}),
    message(poll={"question": SCAM, "answers": [1, None, "x", {"text": ["a"]}]}),
    message(poll=[1, 2], text=SCAM),
    message(text=[1, None, [SCAM], {"type": "text_link", "text": {"a": 1}, "href": ["x"]}, SCAM]),
    message(text={"type": "bold", "text": SCAM}),
    message(text=None, text_entities=[{"text": SCAM}, 5]),
    message(**{"from": ["list"], "date": {"a": 1}, "forwarded_from": 12, "text": SCAM}),
    message(**{"from": True, "date": DEEP, "forwarded_from": DEEP, "text": SCAM}),
    message(contact_information={"first_name": [1], "phone_number": 77011234567}, text=SCAM),
    message(contact_information="Bob", text=SCAM),
    {"id": 2, "type": "service", "actor": DEEP, "action": {"x": 1}, "title": [1],
     "duration_seconds": [5], "discard_reason": None},
    {"id": 3, "type": ["message"], "text": SCAM},
]


@pytest.mark.parametrize("odd", ODD_MESSAGES, ids=range(len(ODD_MESSAGES)))
def test_wrong_types_in_a_telegram_message(tmp_path: Path, odd: dict[str, Any]) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(telegram(message(text="привет"), odd, name=DEEP))
    report = check_chat(path, all_messages=True)
    assert report.error is None
    if odd["type"] == "message" and SCAM in json.dumps(odd, ensure_ascii=False):
        assert report.verdict >= Verdict.SUSPICIOUS  # the scam text was still found and checked


def test_poll_with_int_answers_in_a_batch(tmp_path: Path) -> None:
    poll = tmp_path / "poll.json"
    poll.write_bytes(telegram(message(text="", poll={"question": SCAM, "answers": 1})))
    ok = tmp_path / "ok.json"
    ok.write_bytes(OK_CHAT)
    proc = run_cli("check-chat", str(poll), str(ok), "--format", "json")
    assert proc.returncode == ExitCode.FLAGGED and proc.stderr == ""
    assert [r["verdict"] in ("suspicious", "dangerous") for r in
            json.loads(proc.stdout)["results"]] == [True, True]


def test_hostile_json_through_a_pipe_is_still_one_line() -> None:
    deep = b'{"name": "x", "messages": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    proc = run_cli("check-chat", "-", input=deep)
    assert proc.returncode == ExitCode.INPUT_ERROR
    [line] = proc.stderr.splitlines()
    assert line.startswith("kzscam: -: ") and "nested too deeply" in line
    surrogate = b'{"name": "\\ud800", "messages": [{"type": "message", "from": "\\udc00A", ' \
                b'"id": ' + b"9" * 5000 + b', "text": "' + SCAM.encode() + b'"}]}'
    proc = run_cli("check-chat", "-", "--format", "json", input=surrogate)
    assert proc.returncode == ExitCode.FLAGGED and "\ufffd" in proc.stdout


# --- pipes, FIFOs, standard input, devices ---------------------------------------------------

def _shell(command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KZSCAM_", "LC_"))}
    env.update({"NO_COLOR": "1", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
                "KZSCAM_CONFIG": os.devnull})
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


@pytest.mark.skipif(shutil.which("bash") is None or sys.platform == "win32", reason="needs bash")
@pytest.mark.parametrize("fmt", ["json", "txt", "zip"])
def test_process_substitution_is_read_once(tmp_path: Path, fmt: str) -> None:
    data = {"json": OK_CHAT, "txt": whatsapp_chat(3), "zip": zip_bytes(whatsapp_chat(3))}[fmt]
    path = tmp_path / f"chat.{fmt}"
    path.write_bytes(data)
    proc = _shell(f"{sys.executable} -m kzscam check-chat <(cat '{path}') --format json")
    assert proc.returncode == ExitCode.FLAGGED, proc.stderr
    [result] = json.loads(proc.stdout)["results"]
    assert result["error"] is None and result["message_count"] >= 1


@pytest.mark.parametrize("fmt", ["json", "txt", "zip"])
def test_standard_input_dash(fmt: str) -> None:
    data = {"json": OK_CHAT, "txt": whatsapp_chat(3), "zip": zip_bytes(whatsapp_chat(3))}[fmt]
    proc = run_cli("check-chat", "-", "-", "--format", "json", input=data)
    assert proc.returncode == ExitCode.INPUT_ERROR
    first, second = json.loads(proc.stdout)["results"]
    assert first["error"] is None and first["verdict"] in ("suspicious", "dangerous")
    assert second["error"] == "standard input was already read (give - once)"
    report = check_chat(Path("-"), stdin=io.BytesIO(data))
    assert report.error is None and report.verdict >= Verdict.SUSPICIOUS


@contextmanager
def writer(fifo: Path, data: bytes, delay: float = 0.0) -> Iterator[None]:
    """Write `data` into a named pipe from a thread (opening it blocks until a reader comes)."""
    def write() -> None:
        time.sleep(delay)
        with fifo.open("wb") as fh:
            fh.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    yield
    thread.join(timeout=30)


fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@fifo_only
def test_named_pipe_is_read_once(tmp_path: Path) -> None:
    fifo = tmp_path / "chat.fifo"
    os.mkfifo(fifo)
    for delay, data in ((0.0, OK_CHAT), (0.5, zip_bytes(whatsapp_chat(3)))):
        with writer(fifo, data, delay):  # the writer may also come after kzscam opened it
            report = check_chat(fifo, limits=Limits(fifo_wait_seconds=20))
        assert report.error is None and report.verdict >= Verdict.SUSPICIOUS
    ok = tmp_path / "ok.json"
    ok.write_bytes(OK_CHAT)
    with writer(fifo, whatsapp_chat(3)):
        proc = run_cli("check-chat", str(fifo), str(ok), "--format", "json")
    assert proc.returncode == ExitCode.FLAGGED, proc.stderr
    assert [r["error"] for r in json.loads(proc.stdout)["results"]] == [None, None]


@fifo_only
def test_named_pipe_without_a_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "nobody.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(ChatError, match=r"no program wrote to it within 0\.3 s"):
        check_chat(fifo, limits=Limits(fifo_wait_seconds=0.3))
    assert time.monotonic() - started < 10


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_devices_and_endless_input_end_in_one_line(tmp_path: Path) -> None:
    ok = tmp_path / "ok.json"
    ok.write_bytes(OK_CHAT)
    proc = run_cli("check-chat", "/dev/zero", str(ok), "--format", "json")
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert proc.stderr.splitlines() == ["kzscam: /dev/zero: a device, not a chat export file "
                                        "(give the export itself, or pipe it into "
                                        "`kzscam check-chat -`)"]
    with open("/dev/zero", "rb") as zero, pytest.raises(ChatError, match="binary data"):
        check_chat(Path("-"), stdin=zero)


# --- size limits ---------------------------------------------------------------------------

def test_stdin_text_over_max_size_stops_at_the_limit() -> None:
    chat = "".join(WA_LINE.format(f"{i} " + "hello " * 700) for i in range(500))
    proc = run_cli("check-chat", "-", "--max-size", "1", "--format", "json",
                   input=chat)  # about 2 MB
    assert proc.returncode == ExitCode.INPUT_ERROR
    [line] = proc.stderr.splitlines()
    assert "standard input is larger than 1 MB (raise --max-size to read it)" in line
    [result] = json.loads(proc.stdout)["results"]
    assert 100 < result["message_count"] < 500 and result["verdict"] != "safe"


def test_zip_from_a_pipe_is_buffered_only_up_to_max_size(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.zip"
    with sparse.open("wb") as fh:
        fh.write(LOCAL)
        fh.truncate(1 << 30)  # 1 GB of zeros after a zip signature, nothing on disk
    with sparse.open("rb") as fh, pytest.raises(ChatError, match="holds a zip larger than 2 MB"):
        check_chat(Path("-"), stdin=fh, limits=Limits(max_bytes=2 << 20))
    with pytest.raises(ChatError, match="end-of-directory"):  # as a file: only the tail is read
        check_chat(sparse)


# --- property tests ------------------------------------------------------------------------

@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (POSIX main thread only; elsewhere no guard)."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_sig: int, _frame: object) -> None:
        raise TimeoutError(f"reading took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


SMALL = Limits(max_bytes=1 << 20, max_message_chars=4096, max_json_value_chars=1 << 16,
               fifo_wait_seconds=1)


def read_any(data: bytes, suffix: str, folder: Path, via_stdin: bool = False) -> None:
    """The CLI's reading entry point on `data`; only ChatError may come out."""
    with time_limit(20):
        try:
            if via_stdin:
                check_chat(Path("-"), stdin=io.BytesIO(data), limits=SMALL, all_messages=True)
            else:
                path = folder / f"input{suffix}"
                path.write_bytes(data)
                check_chat(path, limits=SMALL, all_messages=True)
        except ChatError as exc:
            assert str(exc) and "\n" not in str(exc)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prop")


@FAST
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".txt", ".json", ".zip"]),
       via_stdin=st.booleans())
def test_arbitrary_bytes(folder: Path, data: bytes, suffix: str, via_stdin: bool) -> None:
    read_any(data, suffix, folder, via_stdin)


CHATTY = st.text(alphabet=st.sampled_from(list("0123456789./,:- []APMapm\u200e\u202f<>Name\n\r"
                                                 "{}\"")) | st.characters(), max_size=600)


@FAST
@given(text=CHATTY)
def test_whatsapp_parser_on_any_text(text: str) -> None:
    with time_limit(20):
        messages = list(read_whatsapp(io.StringIO(text), text, Limits(max_message_chars=50)))
    assert all(len(m.text) <= 50 for m in messages)
    placed = [m for m in messages if m.kind != UNPLACED]
    assert [m.index for m in placed] == list(range(1, len(placed) + 1))
    # Unplaced text comes only before the first message, with its line, and never empty.
    loose = [m for m in messages if m.kind == UNPLACED]
    assert messages[:len(loose)] == loose
    assert all(m.index == 0 and m.line >= 1 and m.text.strip() for m in loose)


@FAST
@given(text=CHATTY, bom=st.booleans())
def test_text_files_through_the_reader(folder: Path, text: str, bom: bool) -> None:
    data = (WA_LINE.format("привет") + text).encode("utf-8", "surrogatepass")  # invalid UTF-8 too
    read_any(b"\xef\xbb\xbf" + data if bom else data, ".txt", folder)


JSON_LEAF = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) |
             st.text(max_size=30) | st.just(SCAM) |
             st.sampled_from(["message", "service", "text_link", "https://x.kz", "\ud800"]))
ANY_JSON = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["text", "type", "href", "answers", "question", "first_name"]) | st.text(
        max_size=5), inner, max_size=4), max_leaves=12)
ENTITY = st.fixed_dictionaries({}, optional={"type": ANY_JSON, "text": ANY_JSON, "href": ANY_JSON})
MESSAGE_FIELDS = {
    "type": st.sampled_from(["message", "service", "unsupported"]) | ANY_JSON,
    "text": ANY_JSON | st.lists(st.text(max_size=20) | ENTITY | ANY_JSON, max_size=5),
    "text_entities": ANY_JSON | st.lists(ENTITY, max_size=3),
    "from": ANY_JSON, "date": ANY_JSON, "forwarded_from": ANY_JSON, "actor": ANY_JSON,
    "action": ANY_JSON, "title": ANY_JSON, "duration_seconds": ANY_JSON,
    "discard_reason": ANY_JSON, "photo": ANY_JSON, "id": ANY_JSON,
    "poll": ANY_JSON | st.fixed_dictionaries({}, optional={
        "question": ANY_JSON, "answers": ANY_JSON | st.lists(ENTITY | ANY_JSON, max_size=3)}),
    "contact_information": ANY_JSON | st.fixed_dictionaries({}, optional={
        "first_name": ANY_JSON, "last_name": ANY_JSON, "phone_number": ANY_JSON}),
}
MESSAGE = st.fixed_dictionaries({}, optional=MESSAGE_FIELDS)
MESSAGES = st.lists(MESSAGE, max_size=6)
EXPORT = (st.fixed_dictionaries({"messages": MESSAGES}, optional={"name": ANY_JSON,
                                                                  "type": ANY_JSON}) |
          st.fixed_dictionaries({"chats": st.fixed_dictionaries({"list": st.lists(
              st.fixed_dictionaries({"messages": MESSAGES}, optional={"name": ANY_JSON}),
              max_size=3)})}))


def _counted(doc: dict[str, Any]) -> int:
    chats = doc["chats"]["list"] if "chats" in doc else [doc]
    return sum(m.get("type") in ("message", "service") for c in chats for m in c["messages"])


@FAST
@given(doc=EXPORT, ascii_only=st.booleans(), via_stdin=st.booleans())
def test_telegram_shaped_json_with_random_types(folder: Path, doc: dict[str, Any],
                                                ascii_only: bool, via_stdin: bool) -> None:
    try:
        data = json.dumps(doc, ensure_ascii=ascii_only).encode()
    except UnicodeEncodeError:  # a lone surrogate can only be written as an escape
        data = json.dumps(doc).encode()
    path = folder / "result.json"
    path.write_bytes(data)
    with time_limit(20):
        report = check_chat(Path("-") if via_stdin else path, stdin=io.BytesIO(data),
                            limits=SMALL, all_messages=True)
    # Valid JSON with a messages list is always readable, whatever its fields hold.
    assert report.error is None
    assert report.details["message_count"] == _counted(doc)


MEMBER_NAMES = st.sampled_from(["_chat.txt", "result.json", "WhatsApp Chat with A.txt",
                                "a/result.json", "notes.txt", "photo.jpg", "../x.txt"])
MEMBER_DATA = st.sampled_from([whatsapp_chat(3), OK_CHAT, b"", b"\x00\xff"]) | st.binary(
    max_size=300)
METHODS = st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                           zipfile.ZIP_LZMA])


@st.composite
def archives(draw: st.DrawFn) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in draw(st.dictionaries(MEMBER_NAMES, MEMBER_DATA, max_size=3)).items():
            zf.writestr(name, data, compress_type=draw(METHODS))
    archive = bytearray(buf.getvalue())
    for pos, byte in draw(st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)),
                                   max_size=8)):
        if archive:
            archive[pos % len(archive)] = byte
    cut = draw(st.none() | st.integers(0, len(archive)))
    return bytes(archive if cut is None else archive[:cut])


@FAST
@given(archive=archives(), via_stdin=st.booleans())
def test_random_and_mutated_zips(folder: Path, archive: bytes, via_stdin: bool) -> None:
    read_any(archive, ".zip", folder, via_stdin)


def test_mutated_zips_really_break_things(folder: Path) -> None:
    """The zip strategy above reaches the decompressors: every byte of a valid zip flipped."""
    valid = zip_bytes(whatsapp_chat(30))
    errors: set[str] = set()
    for pos in range(0, len(valid), 3):
        broken = bytearray(valid)
        broken[pos] ^= 0xA5
        try:
            check_chat(Path("-"), stdin=io.BytesIO(bytes(broken)), limits=SMALL)
        except ChatError as exc:
            errors.add(str(exc).split(" (")[0])
    assert any("corrupt compressed data" in e for e in errors)
    assert any("corrupt zip archive" in e for e in errors)


def test_continuation_lines_never_push_a_message_over_the_limit() -> None:
    body = "x" * 30
    text = WA_LINE.format(body) + "yyyy\n" * 10
    limit = len(WA_LINE.format(body)) - 1 + 3  # room for the newline and two more characters
    [msg] = read_whatsapp(io.StringIO(text), text, Limits(max_message_chars=limit))
    assert len("Bob: " + msg.text) <= limit and msg.truncated
