"""Layered configuration: defaults < config file < KZSCAM_* environment < command-line flags.

Unknown keys are errors (a typo must not silently disable a protection).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from kzscam.i18n import LANGS
from kzscam.model import Verdict, record

# Input size limits (docs/output.md, "Limits"): one message (a file, stdin, an argument) and one line
# of a --lines / --jsonl-field stream. Big enough for any real message or chat line, small enough
# that /dev/zero or a 2 GB file cannot exhaust memory before kzscam says what is wrong.
DEFAULT_MAX_INPUT_BYTES = 16 << 20
DEFAULT_MAX_LINE_BYTES = 1 << 20
# The config file itself is read with a bound too (`--config /dev/zero` must not hang).
MAX_CONFIG_BYTES = 1 << 20

_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


class ConfigError(Exception):
    """A configuration problem; the CLI reports it on one line and exits with code 2."""


@record
class Config:
    """Settings that change what kzscam reports; every field has a safe default."""

    lang: str | None = None
    fail_on: Verdict = Verdict.SUSPICIOUS
    disabled_rules: frozenset[str] = frozenset()
    allow_domains: frozenset[str] = frozenset()
    allow_phones: frozenset[str] = frozenset()
    allow_tools: frozenset[str] = frozenset()
    rules_dir: Path | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    source: str = "defaults"

    def __init__(self, lang: str | None = None, fail_on: Verdict = Verdict.SUSPICIOUS,
                 disabled_rules: frozenset[str] = frozenset(),
                 allow_domains: frozenset[str] = frozenset(),
                 allow_phones: frozenset[str] = frozenset(),
                 allow_tools: frozenset[str] = frozenset(), rules_dir: Path | None = None,
                 max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
                 max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, source: str = "defaults") -> None:
        _set = object.__setattr__
        _set(self, "lang", lang)
        _set(self, "fail_on", fail_on)
        _set(self, "disabled_rules", disabled_rules)
        _set(self, "allow_domains", allow_domains)
        _set(self, "allow_phones", allow_phones)
        _set(self, "allow_tools", allow_tools)
        _set(self, "rules_dir", rules_dir)
        _set(self, "max_input_bytes", max_input_bytes)
        _set(self, "max_line_bytes", max_line_bytes)
        _set(self, "source", source)


_KEYS = {
    "lang", "fail_on", "disabled_rules", "allow_domains", "allow_phones", "allow_tools", "rules_dir",
    "max_input_bytes", "max_line_bytes",
}
_ENV = {
    "KZSCAM_LANG": "lang",
    "KZSCAM_FAIL_ON": "fail_on",
    "KZSCAM_DISABLE": "disabled_rules",
    "KZSCAM_ALLOW_DOMAINS": "allow_domains",
    "KZSCAM_ALLOW_PHONES": "allow_phones",
    "KZSCAM_ALLOW_TOOLS": "allow_tools",
    "KZSCAM_RULES_DIR": "rules_dir",
    "KZSCAM_MAX_INPUT_BYTES": "max_input_bytes",
    "KZSCAM_MAX_LINE_BYTES": "max_line_bytes",
}


def parse_size(value: object) -> int:
    """A byte count: an integer, or a string such as "16MiB", "512k", "1 G" (binary units).

    Raises ValueError with a short reason; the callers add where the value came from.
    """
    import re

    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        found = re.fullmatch(r"\s*(\d{1,15})\s*([kmg]?)(?:i?b)?\s*", value, re.IGNORECASE)
        if found is None:
            raise ValueError(f"{value!r} is not a size (use bytes or a unit: 512k, 16MiB, 1G)")
        number = int(found.group(1)) * _UNITS[found.group(2).lower()]
    else:
        raise ValueError("must be a size in bytes (an integer, or a string such as \"16MiB\")")
    if number < 1:
        raise ValueError("must be at least 1 byte")
    return number


def format_size(n: int) -> str:
    """Short human form of a byte count for messages: 16 MiB, 512 KiB, 1000 bytes."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def default_config_path() -> Path:
    """`$XDG_CONFIG_HOME/kzscam/config.toml` (~/.config) on Linux; platformdirs decides elsewhere."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        return Path(base) / "kzscam" / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("kzscam")) / "config.toml"


def _as_set(value: Any, key: str, where: str) -> frozenset[str]:
    if isinstance(value, str):
        items = [v for v in (p.strip() for p in value.split(",")) if v]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value if v.strip()]
    else:
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return frozenset(i.lower() if key != "disabled_rules" else i.upper() for i in items)


def _apply(cfg: Config, values: Mapping[str, Any], where: str) -> Config:
    unknown = sorted(set(values) - _KEYS)
    if unknown:
        shown = ", ".join(k if k.isidentifier() else repr(k) for k in unknown)
        raise ConfigError(f"{where}: unknown key(s) {shown}; known: {', '.join(sorted(_KEYS))}")
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key == "lang":
            if not isinstance(value, str) or value.lower() not in LANGS:
                raise ConfigError(f"{where}: lang must be one of {', '.join(LANGS)}")
            changes["lang"] = value.lower()
        elif key == "fail_on":
            try:
                changes["fail_on"] = Verdict.parse(str(value))
            except ValueError as exc:
                raise ConfigError(f"{where}: fail_on: {exc}") from None
        elif key == "rules_dir":
            if not isinstance(value, str):
                raise ConfigError(f"{where}: rules_dir must be a path string")
            changes["rules_dir"] = Path(value).expanduser()
        elif key in ("max_input_bytes", "max_line_bytes"):
            try:
                changes[key] = parse_size(value)
            except ValueError as exc:
                raise ConfigError(f"{where}: {key} {exc}") from None
        else:
            changes[key] = _as_set(value, key, where)
    return replace(cfg, **changes, source=where)


def _read_config_text(path: Path) -> str:
    """The config file's text, read with a bound: a device or a huge file is an error, not a hang."""
    with path.open("rb") as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: config file larger than {format_size(MAX_CONFIG_BYTES)}")
    return data.decode("utf-8")


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """Parse config TOML; every failure (including nesting too deep to parse) is a ConfigError."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{where}: invalid TOML: nested too deeply") from None


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None,
                overrides: Mapping[str, Any] | None = None) -> Config:
    """Build the effective config; an explicit `path` must exist, the default one may not.

    `overrides` are command-line flags (config keys to values), the last layer.
    """
    env = os.environ if env is None else env
    cfg = Config()
    explicit = path is not None or "KZSCAM_CONFIG" in env
    cfg_path = path or (Path(env["KZSCAM_CONFIG"]) if "KZSCAM_CONFIG" in env else default_config_path())
    try:
        present = cfg_path.exists()
    except OSError as exc:  # e.g. a config folder the user may not enter
        if explicit:
            raise ConfigError(f"{cfg_path}: cannot read config: {exc.strerror or exc}") from None
        present = False  # an unreachable default location is the same as none
    if present or explicit:
        try:
            text = _read_config_text(cfg_path)
        except FileNotFoundError:
            raise ConfigError(f"{cfg_path}: config file not found") from None
        except IsADirectoryError:
            raise ConfigError(f"{cfg_path}: cannot read config: is a directory") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: cannot read config: {exc}") from None
        cfg = _apply(cfg, parse_toml(text, str(cfg_path)), str(cfg_path))
    env_values = {key: env[var] for var, key in _ENV.items() if env.get(var)}
    if env_values:
        cfg = _apply(cfg, env_values, "environment")
    if overrides:
        cfg = _apply(cfg, overrides, "command line")
    return cfg
