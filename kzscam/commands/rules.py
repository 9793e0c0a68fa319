"""`kzscam rules list|show`: what kzscam checks for, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kzscam.commands.common import ConfigOpt, FormatOpt, LangOpt, fail_usage, make_ctx
from kzscam.config import Config
from kzscam.exitcodes import ExitCode
from kzscam.output import OutputFormat
from kzscam.output.jsonout import dumps
from kzscam.output.safe import clean
from kzscam.rules.schema import SUBJECTS

if TYPE_CHECKING:
    from kzscam.rules.loader import Catalog
    from kzscam.rules.schema import Rule

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="List and show the detection rules.", no_args_is_help=True)

def _catalog(config: Config) -> Catalog:
    """The full catalogue from the rule files (examples included; the engine cache drops them)."""
    from kzscam.rules.loader import load_catalog
    from kzscam.rules.schema import RuleError

    try:
        return load_catalog(config.rules_dir, config.disabled_rules)
    except RuleError as exc:
        raise fail_usage(str(exc)) from None


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.command("list")
def list_rules(
    subject: Annotated[str | None, typer.Option("--subject", help="text, url, qr, host or chat.",
                                                show_default=False)] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.PLAIN,
    config: ConfigOpt = None,
) -> None:
    """One line per rule: id, severity, subject, title."""
    ctx = make_ctx(lang=lang, fmt=OutputFormat.PLAIN, fail_on=None, config_path=config,
                   load_rules=False)
    if subject is not None and subject not in SUBJECTS:
        raise fail_usage(f"--subject: unknown subject {subject!r} (use {', '.join(SUBJECTS)})")
    rules = [r for r in _catalog(ctx.config).rules if subject in (None, r.subject)]
    if as_json or fmt in (OutputFormat.JSON, OutputFormat.JSONL):
        print(dumps([{"id": r.id, "name": r.name, "subject": r.subject,
                      "severity": r.severity.label, "title": r.texts.title[ctx.lang]}
                     for r in rules]))
        return
    for r in sorted(rules, key=lambda r: r.id):
        print(f"{r.id:<18} {r.severity.label:<9} {r.subject:<5} {r.texts.title[ctx.lang]}")


@app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. TXT-CODE-001.")],
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.PLAIN,
    config: ConfigOpt = None,
) -> None:
    """Everything about one rule: texts, references, match and examples."""
    ctx = make_ctx(lang=lang, fmt=OutputFormat.PLAIN, fail_on=None, config_path=config,
                   load_rules=False)
    rule = _catalog(ctx.config).by_id.get(rule_id.upper())
    if rule is None:
        raise fail_usage(f"no rule with id {rule_id!r} (see `kzscam rules list`)")
    data = rule_data(rule, ctx.lang)
    if as_json or fmt in (OutputFormat.JSON, OutputFormat.JSONL):
        print(dumps(data))
        raise typer.Exit(ExitCode.OK)
    print("\n".join(show_lines(data)))


def rule_data(rule: Rule, lang: str) -> dict[str, Any]:
    """Everything `rules show` says about one rule (the JSON form; the text form renders it)."""
    return {
        "id": rule.id, "name": rule.name, "subject": rule.subject, "severity": rule.severity.label,
        "category": rule.category, "tags": list(rule.tags), "languages": list(rule.languages),
        "references": list(rule.references), "title": rule.texts.title[lang],
        "advice": rule.texts.advice[lang], "match": dict(rule.match),
        "examples": {"hit": list(rule.hits), "miss": list(rule.misses)}, "source": rule.source,
    }


def show_lines(data: dict[str, Any]) -> list[str]:
    """People read lists as lists: one item a line, nested matchers indented under their name,
    a group of alternatives on one line as `a | b | c`; never a Python repr (JSON keeps the
    structure)."""
    lines: list[str] = []
    for key, value in data.items():
        head = f"{key + ':':<12}"
        if isinstance(value, dict):
            lines.append(head.rstrip())
            for sub, item in value.items():
                lines.extend(_nested(str(sub), item, 1))
        elif isinstance(value, (list, tuple)):
            lines.append(f"{head} {', '.join(_scalar(v) for v in value)}")
        else:
            lines.append(f"{head} {_scalar(value)}")
    return lines


def _scalar(value: Any) -> str:
    return clean(str(value), one_line=True)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _nested(key: str, value: Any, depth: int) -> list[str]:
    """One matcher field at `depth`: a scalar on its line, a table or a list below its name."""
    pad = "  " * depth
    if _is_scalar(value):
        return [f"{pad}{key}: {_scalar(value)}"]
    lines = [f"{pad}{key}:"]
    if isinstance(value, dict):
        for sub, item in value.items():
            lines.extend(_nested(str(sub), item, depth + 1))
        return lines
    for item in value:
        if _is_scalar(item):
            lines.append(f"{pad}  - {_scalar(item)}")
        elif isinstance(item, (list, tuple)) and all(_is_scalar(x) for x in item):
            lines.append(f"{pad}  - " + " | ".join(_scalar(x) for x in item))
        elif isinstance(item, dict):
            lines.append(f"{pad}  -")
            for sub, x in item.items():
                lines.extend(_nested(str(sub), x, depth + 2))
        else:
            lines.append(f"{pad}  -")
            lines.extend(_nested("", item, depth + 2)[1:])
    return lines
