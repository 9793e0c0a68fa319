"""Generate docs/rules.md from the rule files (`make docs`); a test fails when the file is stale."""

from __future__ import annotations

from kzscam.rules.loader import load_catalog
from kzscam.rules.schema import Rule

SUBJECT_TITLES = {
    "text": "Message text (`check-text`)",
    "url": "Links (`check-url`, links in messages and QR codes)",
    "qr": "QR code payloads (`scan-qr`)",
    "host": "Remote-access tools on a computer or phone (`audit-host`)",
    "chat": "Conversations (`check-chat`)",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rule_section(rule: Rule) -> str:
    lines = [
        f"### {rule.id} — {rule.name}",
        "",
        f"- severity: **{rule.severity.label}**; category: `{rule.category or '-'}`; "
        f"tags: {', '.join(f'`{t}`' for t in rule.tags) or '-'}",
        f"- languages: {', '.join(rule.languages)}; source file: `{rule.source}`",
        f"- references: {', '.join(rule.references)}",
    ]
    if rule.check:
        lines.append(f"- detector check: `{rule.check}`")
    lines += ["", "| lang | title | advice |", "|---|---|---|"]
    for lang in ("en", "ru", "kk"):
        lines.append(f"| {lang} | {_cell(rule.texts.title[lang])} | {_cell(rule.texts.advice[lang])} |")
    lines += ["", "Examples that must match: " + "; ".join(f"`{_cell(h)}`" for h in rule.hits),
              "", "Examples that must not match: " + "; ".join(f"`{_cell(m)}`" for m in rule.misses),
              ""]
    return "\n".join(lines)


def generate() -> str:
    catalog = load_catalog()
    out = [
        "# kzscam rules",
        "",
        "Generated from the rule files under `kzscam/rules/` by `make docs`; do not edit by hand.",
        f"{len(catalog.rules)} rules. See docs/writing-rules.md for the format.",
        "",
    ]
    for subject, title in SUBJECT_TITLES.items():
        rules = sorted((r for r in catalog.rules if r.subject == subject), key=lambda r: r.id)
        if not rules:
            continue
        out += [f"## {title}", "", "| id | severity | title (en) |", "|---|---|---|"]
        out += [f"| [{r.id}](#{r.id.lower()}--{r.name.lower()}) | {r.severity.label} | "
                f"{_cell(r.texts.title['en'])} |" for r in rules]
        out.append("")
        out += [rule_section(r) for r in rules]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(generate(), end="")
