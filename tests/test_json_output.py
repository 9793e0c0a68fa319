"""JSON and JSONL escape C1 controls and bidi controls: raw bytes inert, decoded text unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

from kzscam.output.jsonout import dumps

HOSTILE = "Open http://kaspi.kz\u202egpj.exe and \u009b31mcode\u0085 \u2066x\u2069 \u2028 назовите код"
RAW = [ch.encode() for ch in "\u009b\u202e\u0085\u2066\u2069\u2028"]


def _run(*args: str, stdin: bytes = b"") -> bytes:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
    env.update({"KZSCAM_CONFIG": os.devnull, "PYTHONIOENCODING": "utf-8"})
    proc = subprocess.run([sys.executable, "-m", "kzscam", *args], input=stdin,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def test_jsonl_escapes_c1_and_bidi_and_decodes_to_the_original() -> None:
    line = json.dumps({"id": "m\u202e1", "text": HOSTILE, "note": HOSTILE}) + "\n"
    out = _run("check-text", "-f", "jsonl", "--jsonl-field", "text", stdin=line.encode())
    assert not any(raw in out for raw in RAW)  # the bytes are inert on a terminal
    assert b"\\u202e" in out and b"\\u009b" in out
    row = json.loads(out)  # what jq or any JSON reader sees: the original strings
    assert row["input"] == "m\u202e1" and row["passthrough"]["note"] == HOSTILE
    assert "http://kaspi.kz\u202egpj.exe" in row["urls"]


def test_json_document_escapes_too_and_stays_valid() -> None:
    out = _run("check-text", "-f", "json", HOSTILE, "\u202e second \u009b")
    assert not any(raw in out for raw in RAW)
    doc = json.loads(out)
    assert [r["input"] for r in doc["results"]] == ["arg1", "arg2"]
    assert "http://kaspi.kz\u202egpj.exe" in doc["results"][0]["urls"]


def test_dumps_round_trips_every_escaped_character() -> None:
    text = "".join(chr(c) for c in range(0x80, 0xA0)) + "\u061c\u200e\u200f\u2028\u2029" + "".join(
        chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))) + " Қазақ рус"
    encoded = dumps({"k\u202e": text})
    assert encoded.isascii() is False  # Kazakh and Russian stay readable
    assert all(ord(ch) < 0x80 or ord(ch) > 0x9F for ch in encoded)
    assert "\u202e" not in encoded and "\u2066" not in encoded
    assert json.loads(encoded) == {"k\u202e": text}
