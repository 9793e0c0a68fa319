"""Layered configuration: defaults < config file < KZSCAM_* environment < command-line flags.

Unknown keys are errors (a typo must not silently disable a protection).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kzscam.i18n import LANGS
from kzscam.model import Verdict


class ConfigError(Exception):
    """A configuration problem; the CLI reports it on one line and exits with code 2."""


@dataclass(frozen=True)
class Config:
    """Settings that change what kzscam reports; every field has a safe default."""

    lang: str | None = None
    fail_on: Verdict = Verdict.SUSPICIOUS
    disabled_rules: frozenset[str] = frozenset()
    allow_domains: frozenset[str] = frozenset()
    allow_phones: frozenset[str] = frozenset()
    allow_tools: frozenset[str] = frozenset()
    rules_dir: Path | None = None
    source: str = "defaults"


_KEYS = {
    "lang", "fail_on", "disabled_rules", "allow_domains", "allow_phones", "allow_tools", "rules_dir",
}
_ENV = {
    "KZSCAM_LANG": "lang",
    "KZSCAM_FAIL_ON": "fail_on",
    "KZSCAM_DISABLE": "disabled_rules",
    "KZSCAM_ALLOW_DOMAINS": "allow_domains",
    "KZSCAM_ALLOW_PHONES": "allow_phones",
    "KZSCAM_ALLOW_TOOLS": "allow_tools",
    "KZSCAM_RULES_DIR": "rules_dir",
}


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
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
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
        else:
            changes[key] = _as_set(value, key, where)
    return replace(cfg, **changes, source=where)


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Build the effective config; an explicit `path` must exist, the default one may not."""
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
        import tomllib

        try:
            data = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{cfg_path}: config file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: cannot read config: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{cfg_path}: invalid TOML: {exc}") from None
        cfg = _apply(cfg, data, str(cfg_path))
    env_values = {key: env[var] for var, key in _ENV.items() if env.get(var)}
    if env_values:
        cfg = _apply(cfg, env_values, "environment")
    return cfg
