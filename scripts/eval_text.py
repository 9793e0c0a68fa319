"""Accuracy of `kzscam check-text` on the labelled dev corpus (`make eval`).

Runs ../shared/corpus/texts_dev.jsonl through the real CLI (`check-text --jsonl-field text --format
jsonl`, one process for the whole file) or, with --api, through the engine in this process, and prints
precision, recall and false-positive rate overall, per language and per scenario, then every
misclassified message. A message counts as flagged at verdict `suspicious` or worse.

The corpus is read at run time and never copied into the project (see corpus/README.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kzscam.pipeline.text import check_text

FLAGGED = {"suspicious", "dangerous"}
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Item:
    """One labelled message and what kzscam said about it."""

    id: str
    lang: str
    scenario: str
    scam: bool
    text: str
    verdict: str
    score: int
    rules: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED


def run_cli(corpus: Path) -> list[dict[str, object]]:
    """One CLI process over the whole file; every input line comes back as one JSON line."""
    cmd = [sys.executable, "-m", "kzscam", "check-text", "--jsonl-field", "text", "--format",
           "jsonl", "--fail-on", "dangerous", "--lang", "en", "--file", str(corpus)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode not in (0, 1):
        sys.exit(f"eval_text: kzscam exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def run_api(corpus: Path) -> list[dict[str, object]]:
    """The same through the engine API, in this process (faster while editing rules)."""
    sys.path.insert(0, str(ROOT))
    from kzscam.engine import get_engine

    engine = get_engine()
    out: list[dict[str, object]] = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        rep = check_text(engine, row["text"], name=str(row["id"]), lang="en")
        out.append({**{k: v for k, v in row.items() if k != "text"}, "verdict": rep.verdict.label,
                    "score": rep.score, "findings": [{"rule_id": f.rule_id} for f in rep.findings]})
    return out


def load(corpus: Path, results: list[dict[str, object]]) -> list[Item]:
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    if len(rows) != len(results):
        sys.exit(f"eval_text: {len(rows)} messages in, {len(results)} results out")
    items = []
    for row, res in zip(rows, results, strict=True):
        findings = res.get("findings") or []
        assert isinstance(findings, list)
        items.append(Item(
            id=str(row["id"]), lang=str(row["lang"]), scenario=str(row["scenario"]),
            scam=row["label"] == "scam", text=str(row["text"]), verdict=str(res.get("verdict")),
            score=int(str(res.get("score", 0))),
            rules=tuple(sorted({str(f["rule_id"]) for f in findings})),
        ))
    return items


def stats(items: Iterable[Item]) -> tuple[int, int, int, int]:
    """(true positives, false negatives, false positives, true negatives)."""
    tp = fn = fp = tn = 0
    for it in items:
        if it.scam:
            tp, fn = (tp + 1, fn) if it.flagged else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if it.flagged else (fp, tn + 1)
    return tp, fn, fp, tn


def row(name: str, items: list[Item]) -> str:
    tp, fn, fp, tn = stats(items)

    def pct(a: int, b: int) -> str:
        return f"{a / b:.3f}" if b else "  -  "

    return (f"| {name:<28} | {len(items):>4} | {tp + fn:>4} | {fp + tn:>5} | {pct(tp, tp + fp):>9} "
            f"| {pct(tp, tp + fn):>6} | {pct(fp, fp + tn):>6} |")


def report(items: list[Item]) -> str:
    head = ("| group                        |    n | scam | legit | precision | recall |    FPR |\n"
            "|------------------------------|------|------|-------|-----------|--------|--------|")
    lines = ["## Overall", head, row("all", items), "", "## Per language", head]
    by_lang: dict[str, list[Item]] = defaultdict(list)
    by_scen: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        by_lang[it.lang].append(it)
        by_scen[("scam:" if it.scam else "legit:") + it.scenario].append(it)
    lines += [row(k, v) for k, v in sorted(by_lang.items())]
    lines += ["", "## Per scenario", head]
    lines += [row(k, v) for k, v in sorted(by_scen.items())]
    wrong = [it for it in items if it.flagged != it.scam]
    lines += ["", f"## Misclassified ({len(wrong)})"]
    for it in wrong:
        kind = "MISSED SCAM" if it.scam else "FALSE ALARM"
        text = " ".join(it.text.split())[:160]
        lines.append(f"- {kind} [{it.id} {it.lang} {it.scenario}] {it.verdict} {it.score} "
                     f"{','.join(it.rules) or '-'}: {text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared material directory (default ../shared)")
    ap.add_argument("--api", action="store_true", help="use the engine API instead of the CLI")
    args = ap.parse_args(argv)
    corpus = args.shared / "corpus" / "texts_dev.jsonl"
    if not corpus.is_file():
        print(f"eval_text: {corpus}: not found (skipping text evaluation)", file=sys.stderr)
        return 0
    results = run_api(corpus) if args.api else run_cli(corpus)
    print(report(load(corpus, results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
