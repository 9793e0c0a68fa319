"""Property tests: the config file and user rule file parsers fail only with their documented errors.

Whatever a user puts in `config.toml` or in a file under `rules_dir`, loading it either works or
raises ConfigError / RuleError (one line naming the file, exit code 2): never a TypeError,
KeyError, RecursionError or any other traceback.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzscam.config import ConfigError, load_config
from kzscam.rules import loader
from kzscam.rules.schema import RuleError

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CONFIG_KEYS = ["lang", "fail_on", "disabled_rules", "allow_domains", "allow_phones", "allow_tools",
               "rules_dir", "max_input_bytes", "max_line_bytes"]
RULE_KEYS = ["id", "name", "subject", "severity", "category", "tags", "languages", "references",
             "match", "texts", "examples", "description", "any", "all", "near", "none",
             "negations", "negation_window", "signals", "has", "regex", "check", "within",
             "groups", "hit", "miss", "en", "ru", "kk", "title", "advice", "rules", "lexicon"]
WORDS = ["text", "url", "qr", "host", "chat", "high", "low", "critical", "info", "medium", "en",
         "ru", "kk", "TXT-USER-001", "TXT-CODE-001", "код", "слон*", "@money", "safe", "caution",
         "suspicious", "dangerous", "16MiB", "0", "-1", "~", "", "1e9", "phone", "url"]
TOKENS = ["[", "]", "[[rules]]", "[rules.texts.en]", "[lexicon]", "=", '"', "'", '"""', "'''", "{",
          "}", ",", ".", "\n", " ", "#", "\\", "\\u", "true", "1", "-", "+", "inf", "nan",
          "1979-05-27T07:32:00Z", *CONFIG_KEYS, *RULE_KEYS, *WORDS, "\x00", "\x7f", "\ufeff"]

# --- values a TOML document can hold, and a small writer for them ---------------------------

scalars = st.one_of(
    st.sampled_from(WORDS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
keys = st.one_of(st.sampled_from(RULE_KEYS + CONFIG_KEYS),
                 st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


def _string(s: str) -> str:
    # A TOML basic string: JSON escapes control characters; TOML also forbids a raw DEL.
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return repr(v) if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{_string(k)} = {_value(x)}" for k, x in v.items()) + "}"


def dump_toml(doc: dict[str, Any]) -> str:
    """Every value inline: `"key" = value` lines, one per top-level key."""
    return "".join(f"{_string(k)} = {_value(v)}\n" for k, v in doc.items())


config_docs = st.dictionaries(st.one_of(st.sampled_from(CONFIG_KEYS), keys), values, max_size=6)
rule_entries = st.dictionaries(st.sampled_from(RULE_KEYS), values, max_size=12)
rule_docs = st.one_of(
    st.fixed_dictionaries({"rules": st.lists(rule_entries, max_size=3)}),
    st.fixed_dictionaries({"lexicon": st.dictionaries(keys, values, max_size=4)}),
    st.dictionaries(keys, values, max_size=4),
)
tomlish = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
any_text = st.one_of(tomlish, st.text(max_size=200))


def test_the_writer_produces_toml_that_reads_back() -> None:
    import tomllib

    doc = {"a": [1, {"b": "x\x7f\n"}], "c": {"d": float("inf")}, "e": True}
    assert tomllib.loads(dump_toml(doc)) == doc


# --- the config loader ------------------------------------------------------------------------

def _load_config(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_bytes(raw)
        try:
            load_config(path, env={})
        except ConfigError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc).strip()


@SETTINGS
@given(any_text)
def test_config_loader_on_arbitrary_text(text: str) -> None:
    _load_config(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(config_docs)
def test_config_loader_on_random_valid_toml(doc: dict[str, Any]) -> None:
    _load_config(dump_toml(doc).encode("utf-8"))


# --- the user rule loader ---------------------------------------------------------------------

_PACKAGED: dict[str, dict[str, Any]] = {}
_READ_PACKAGED = loader.packaged_data


def _packaged() -> dict[str, dict[str, Any]]:
    # The packaged rules are the same every time: read them once so each example costs little.
    if not _PACKAGED:
        _PACKAGED.update(_READ_PACKAGED())
    return _PACKAGED


def _load_rules(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp, patch.object(loader, "packaged_data", _packaged):
        path = Path(tmp) / "user.toml"
        path.write_bytes(raw)
        try:
            loader.load_catalog(Path(tmp))
        except RuleError as exc:
            assert str(path) in str(exc)


@SETTINGS
@given(any_text)
def test_rule_loader_on_arbitrary_text(text: str) -> None:
    _load_rules(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(rule_docs)
def test_rule_loader_on_random_valid_toml(doc: dict[str, Any]) -> None:
    _load_rules(dump_toml(doc).encode("utf-8"))


def test_deep_nesting_is_a_rule_error_and_a_config_error() -> None:
    for deep in ("x = " + "[" * 1100 + "]" * 1100 + "\n",
                 "x = " + "{a = " * 1100 + "1" + "}" * 1100 + "\n"):
        with tempfile.TemporaryDirectory() as tmp, patch.object(loader, "packaged_data", _packaged):
            path = Path(tmp) / "deep.toml"
            path.write_text(deep, encoding="utf-8")
            try:
                loader.load_catalog(Path(tmp))
            except RuleError as exc:
                assert str(exc) == f"{path}: invalid TOML: nested too deeply"
            else:
                raise AssertionError("a 1,100-deep rule file loaded")
            try:
                load_config(path, env={})
            except ConfigError as exc:
                assert str(exc) == f"{path}: invalid TOML: nested too deeply"
            else:
                raise AssertionError("a 1,100-deep config file loaded")


def test_a_deep_user_rule_file_exits_2_with_one_line(tmp_path: Path) -> None:
    from conftest import run_cli

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "deep.toml").write_text("x = " + "[" * 1100 + "]" * 1100 + "\n", encoding="utf-8")
    proc = run_cli("check-text", "hello", env={"KZSCAM_RULES_DIR": str(rules),
                                               "KZSCAM_NO_CACHE": "1"})
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"kzscam: {rules / 'deep.toml'}: invalid TOML: nested too deeply"]
