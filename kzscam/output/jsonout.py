"""JSON and JSONL: the stable contract for pipelines (docs/output.md). Never goes through rich.

Kazakh and Russian stay readable (UTF-8, not \\u escapes), but characters that can act on a
terminal or reorder what a person sees are escaped even though JSON would allow them raw: C1
controls (U+0080-U+009F; U+009B is CSI, an escape sequence on its own on some terminals), bidi
embeddings, overrides and isolates, the line and paragraph separators. `cat` or `less` of the
output then shows `\\u202e` instead of a reversed link, and any JSON reader decodes the same
string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from kzscam.model import Finding, Report


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "severity": f.severity.label,
        "title": f.title,
        "advice": f.advice,
        "evidence": [{"text": e.text, "start": e.start, "end": e.end} for e in f.evidence],
        "category": f.category,
        "tags": list(f.tags),
    }


def result_dict(r: Report) -> dict[str, Any]:
    """One RESULT object; command-specific details and parts are merged in."""
    out: dict[str, Any] = {
        "input": r.input,
        "verdict": r.verdict.label,
        "score": r.score,
        "findings": [finding_dict(f) for f in r.findings],
        "urls": list(r.urls),
        "phones": list(r.phones),
        "error": r.error,
    }
    details = r.details
    if not isinstance(details, dict):  # a plain dict (a text report's) needs no import here
        from kzscam.details import Details

        if isinstance(details, Details):
            details = details.to_json()
    for key, value in details.items():
        out.setdefault(key, value)
    # A command that has parts always lists them, even none (`audit-host`: "tools": []).
    if r.parts or r.parts_key != "parts":
        out[r.parts_key] = [result_dict(p) for p in r.parts]
    return out


# Raw only inside JSON strings (json.dumps escapes nothing else), so replacing each with its
# \\uXXXX escape keeps the document valid and decoding to the same text.
_UNSAFE = re.compile("[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(obj: Any) -> str:
    """Compact UTF-8 JSON with terminal-active characters escaped (see the module docstring).

    Falls back to \\u escapes throughout if a lone surrogate slipped into a string.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":"), default=str)
    return _UNSAFE.sub(_escape, text)


def render_jsonl(reports: Iterable[Report], out: TextIO) -> None:
    for r in reports:
        out.write(dumps(result_dict(r)) + "\n")


def render_json(reports: Iterable[Report], command: str, out: TextIO) -> None:
    """Streams one document `{"command": ..., "results": [...]}` without holding all results."""
    out.write('{"command":' + dumps(command) + ',"results":[')
    for i, r in enumerate(reports):
        out.write(("," if i else "") + "\n" + dumps(result_dict(r)))
    out.write("\n]}\n")

