"""JSON and JSONL: the stable contract for pipelines (docs/output.md). Never goes through rich."""

from __future__ import annotations

import json
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
    for key, value in r.details.items():
        out.setdefault(key, value)
    if r.parts:
        out[r.parts_key] = [result_dict(p) for p in r.parts]
    return out


def dumps(obj: Any) -> str:
    """Compact UTF-8 JSON; falls back to \\u escapes if a lone surrogate slipped into a string."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), default=str)
    return text


def render_jsonl(reports: Iterable[Report], out: TextIO) -> None:
    for r in reports:
        out.write(dumps(result_dict(r)) + "\n")


def render_json(reports: Iterable[Report], command: str, out: TextIO) -> None:
    """Streams one document `{"command": ..., "results": [...]}` without holding all results."""
    out.write('{"command":' + dumps(command) + ',"results":[')
    for i, r in enumerate(reports):
        out.write(("," if i else "") + "\n" + dumps(result_dict(r)))
    out.write("\n]}\n")

