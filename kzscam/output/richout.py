"""Coloured advisories for people at a terminal.

Untrusted strings are only ever placed in `rich.text.Text` objects (never parsed as markup) after
`clean()` made control characters visible, so `[red]` or `\\x1b]8;;` in a message stays inert.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kzscam.details import VALUES, say
from kzscam.i18n import ui
from kzscam.model import Report, Severity, Verdict
from kzscam.output.advice import closing, ordered
from kzscam.output.plain import _detail_lines, input_name, label, quoted_text
from kzscam.output.quotes import adds_nothing, quote
from kzscam.output.safe import clean, show_evidence, show_url

VERDICT_STYLE = {
    Verdict.SAFE: "bold white on green",
    Verdict.CAUTION: "bold black on yellow",
    Verdict.SUSPICIOUS: "bold white on dark_orange3",
    Verdict.DANGEROUS: "bold white on red",
}
SEVERITY_STYLE = {
    Severity.INFO: "dim",
    Severity.LOW: "cyan",
    Severity.MEDIUM: "yellow",
    Severity.HIGH: "dark_orange3",
    Severity.CRITICAL: "bold red",
}
MESSAGE_LIMIT = 600


def _message(r: Report) -> Text | None:
    """The message itself with every evidence span highlighted."""
    if not r.text:
        return None
    text = r.text.rstrip()[:MESSAGE_LIMIT]  # a file's final newline is no part of the message
    shown = Text(clean(text))
    if len(shown.plain) != len(text):  # cleaning changed offsets: highlight by search instead
        for f in r.findings:
            for ev in f.evidence:
                shown.highlight_words([clean(ev.text)], style="bold reverse")
        return shown
    for f in r.findings:
        for ev in f.evidence:
            if ev.end <= len(text):
                shown.stylize("bold reverse " + SEVERITY_STYLE[f.severity], ev.start, ev.end)
    if len(r.text.rstrip()) > MESSAGE_LIMIT:
        shown.append(" …", style="dim")
    return shown


def _indented(text: Text, level: int = 4) -> Padding:
    """Wrapped lines keep the indent of the first (advice at 80 columns stays under its finding)."""
    return Padding(text, (0, 0, 0, level))


def _body(r: Report, lang: str, verbose: bool = False, nested: bool = False) -> Group:
    items: list[Text | Panel | Group | Padding | Table] = []
    if not nested and r.error is None:
        # The short verdict (the panel title) and the one thing to do come first; details follow.
        if r.worst >= Verdict.SUSPICIOUS:
            tip = Text()
            tip.append(f"{ui('what_to_do', lang)}: ", style="bold")
            tip.append(closing(r, lang))
            items.extend([tip, Text("")])
        elif not r.findings and not r.parts:
            items.append(Text(ui("no_findings", lang), style="green"))
    msg = _message(r)
    if msg is not None:
        items.append(msg)
    if r.error:
        items.append(Text(f"{ui('error', lang)}: {clean(r.error, one_line=True)}", style="bold red"))
    for line in _detail_lines(r.details, "", lang, verbose, r.text):
        items.append(Text(line, style="dim"))
    source = quoted_text(r)
    for f in ordered(r.findings):
        head = Text(clean(f.title, one_line=True), style="bold")
        sev = say(VALUES, f.severity.label, lang) or f.severity.label
        head.append(f"  {sev} · {f.rule_id}", style="dim")
        # A grid keeps a wrapped title under its first word, not under the bullet.
        bullet = Table.grid()
        bullet.add_column(width=2)
        bullet.add_column()
        bullet.add_row(Text("●", style=SEVERITY_STYLE[f.severity]), head)
        items.append(bullet)
        for ev in f.evidence[:3]:
            q = quote(source, ev)  # whole words, never a lone filler
            if adds_nothing(source, q, MESSAGE_LIMIT):
                continue  # the message above shows it already
            quoted = clean(show_evidence(q), one_line=True, limit=120)
            items.append(_indented(Text("«" + quoted + "»", style="italic")))
        advice = Text()
        advice.append(f"{ui('what_to_do', lang)}: ", style="bold")
        advice.append(clean(f.advice, one_line=True))
        items.append(_indented(advice))
    if r.urls:
        shown = ", ".join(clean(show_url(u), one_line=True, limit=200) for u in r.urls[:20])
        more = f" (+{len(r.urls) - 20} more)" if len(r.urls) > 20 else ""
        items.append(Text(f"{label('urls', lang)}: " + shown + more, style="dim"))
    if r.phones:
        items.append(Text(f"{label('phones', lang)}: " + ", ".join(clean(p, one_line=True) for p in r.phones),
                          style="dim"))
    for part in r.parts:
        items.append(_panel(part, lang, nested=True, verbose=verbose))
    return Group(*items)


def _panel(r: Report, lang: str, nested: bool = False, verbose: bool = False) -> Panel:
    lang = r.lang or lang  # a report written in its message's language is labelled in it too
    verdict = r.worst
    title = Text(f" {ui(verdict.label, lang)} ", style=VERDICT_STYLE[verdict])
    name = clean(input_name(r, lang), one_line=True, limit=80)
    title.append("  " + name, style="bold")
    body = _body(r, lang, verbose, nested)
    return Panel(body, title=title, title_align="left", border_style=VERDICT_STYLE[verdict].split()[-1])


def render_rich(reports: Iterable[Report], lang: str, out: TextIO, verbose: bool = False) -> None:
    console = Console(file=out, highlight=False, emoji=False, markup=False)
    for r in reports:
        if r.error is None:  # an unreadable input is its stderr line only (see render_plain)
            console.print(_panel(r, lang, verbose=verbose))
