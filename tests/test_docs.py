"""Generated documentation must match the rule files."""

from __future__ import annotations

from conftest import ROOT

from kzscam.rules.docgen import generate


def test_rules_md_is_fresh() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == generate(), "docs/rules.md is stale: run `make docs`"
