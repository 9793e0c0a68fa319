"""Plain, colourless, fixed-layout text: for pipes and logs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from kzscam.details import COMMON_LABELS, VALUES, Details, say
from kzscam.i18n import ui
from kzscam.model import Report, Verdict
from kzscam.output.advice import closing, ordered
from kzscam.output.quotes import adds_nothing, quote
from kzscam.output.safe import clean, show_evidence, show_url

EVIDENCE_LIMIT = 120
# Detail fields that hold links or host names: disguised letters are spelled out for people.
LINK_FIELDS = frozenset({"url", "host", "registrable_domain", "given", "opens"})
TEXT_LIMIT = 200


_GENERATED_NAME = re.compile(r"(message|arg|payload)(\d*)(?::(\d+))?")


def input_name(r: Report, lang: str) -> str:
    """What a person calls the input: its file, link or path as given, or for the names kzscam
    makes up (`message`, `arg2`, `arg1:3`, `payload1`) the same in `lang` ("хабарлама 2, жол 3")."""
    name = str(r.details.get("display") or r.input)
    m = _GENERATED_NAME.fullmatch(name)
    if m is None:
        return name
    kind, number, line = m.groups()
    shown = ui("input_payload" if kind == "payload" else "input_message", lang)
    if number:
        shown += f" {number}"
    if line:
        shown += f", {ui('input_line', lang)} {line}"
    return shown


def quoted_text(r: Report) -> str | None:
    """The text a report's evidence offsets index: its message, or for a chat message (whose
    text is a detail line) that detail; quotes grow to whole words within it."""
    if r.text:
        return r.text
    text = r.details.get("text")
    return text if isinstance(text, str) else None


def label(key: str, lang: str) -> str:
    """A fixed label of the report layout (text, urls, phones, score) in `lang`."""
    return say(COMMON_LABELS, key, lang) or key


def _detail_lines(details: Mapping[str, Any], indent: str, lang: str = "en",
                  verbose: bool = False, text: str | None = None) -> list[str]:
    """Typed details say themselves in `lang`; plain ones (fields a JSONL input carried along)
    are shown as they are. A QR code's `payload` is left out when it is the report's text,
    which the text line already shows."""
    if isinstance(details, Details):
        return [f"{indent}{line.label}: " + clean(
            show_url(line.value) if line.key in LINK_FIELDS else line.value,
            one_line=True, limit=300) for line in details.describe(lang, verbose)
            if not (line.key == "payload" and text is not None and details["payload"] == text)]
    lines: list[str] = []
    for key, value in details.items():
        if value in (None, "", [], {}) or key == "display":
            continue
        if key in LINK_FIELDS and isinstance(value, str):
            value = show_url(value)
        elif isinstance(value, (list, tuple)):
            value = ", ".join(clean(str(v), one_line=True, limit=200) for v in value[:20])
        elif isinstance(value, dict):
            value = "; ".join(f"{k}={clean(str(v), one_line=True, limit=80)}"
                              for k, v in list(value.items())[:20])
        lines.append(f"{indent}{key}: {clean(str(value), one_line=True, limit=300)}")
    return lines


def report_lines(r: Report, lang: str, indent: str = "", verbose: bool = False) -> list[str]:
    """The plain layout of one report (also used for golden-file tests)."""
    lang = r.lang or lang  # a report written in its message's language is labelled in it too
    name = clean(input_name(r, lang), one_line=True)
    head = f"{indent}[{ui(r.verdict.label, lang)}] {name}"
    lines = [head + (f"  ({label('score', lang)} {r.score})" if r.score else "")]
    sub = indent + "  "
    # The short verdict and the one thing to do come first; the details follow.
    if not indent and r.error is None:
        if r.worst >= Verdict.SUSPICIOUS:
            lines.append(f"{sub}{ui('what_to_do', lang)}: {closing(r, lang)}")
        elif not r.findings and not r.parts:
            lines.append(f"{sub}{ui('no_findings', lang)}")
    if r.text:
        # A file's final newline is not part of what a person wrote: no ` ⏎ »` at the end.
        shown = clean(r.text.rstrip(), one_line=True, limit=TEXT_LIMIT)
        lines.append(f"{sub}{label('text', lang)}: «{shown}»")
    if r.error:
        lines.append(f"{sub}{ui('error', lang)}: {clean(r.error, one_line=True)}")
    lines.extend(_detail_lines(r.details, sub, lang, verbose, r.text))
    source = quoted_text(r)
    for f in ordered(r.findings):
        sev = say(VALUES, f.severity.label, lang) or f.severity.label
        lines.append(f"{sub}- {sev:<8} {f.rule_id}: {clean(f.title, one_line=True)}")
        for ev in f.evidence[:3]:
            q = quote(source, ev)  # whole words; offsets of what is quoted
            if adds_nothing(source, q, TEXT_LIMIT):
                continue  # the text line above shows it already
            quoted = clean(show_evidence(q), one_line=True, limit=EVIDENCE_LIMIT)
            lines.append(f"{sub}    «{quoted}» [{q.start}:{q.end}]")
        lines.append(f"{sub}    {ui('what_to_do', lang)}: {clean(f.advice, one_line=True)}")
    if r.urls:
        more = f" (+{len(r.urls) - 20} more)" if len(r.urls) > 20 else ""
        lines.append(f"{sub}{label('urls', lang)}: " + ", ".join(clean(show_url(u), one_line=True, limit=200)
                                               for u in r.urls[:20]) + more)
    if r.phones:
        lines.append(f"{sub}{label('phones', lang)}: " + ", ".join(clean(p, one_line=True) for p in r.phones))
    for part in r.parts:
        lines.extend(report_lines(part, lang, sub, verbose))
    return lines


def render_plain(reports: Iterable[Report], lang: str, out: TextIO, verbose: bool = False) -> None:
    """An unreadable input has no verdict: its one line on stderr (and exit code 3) is all a person
    sees of it; JSON and JSONL keep its RESULT with `error` for pipelines."""
    for r in reports:
        if r.error is not None:
            continue
        out.write("\n".join(report_lines(r, lang, verbose=verbose)) + "\n\n")
