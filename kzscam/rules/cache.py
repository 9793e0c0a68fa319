"""A per-user cache of the built engine, so a one-message run skips parsing and indexing rules.

Building the engine (rule texts, ~3,000 term patterns, the Aho-Corasick automaton) costs tens of
milliseconds, a large part of a single `check-text` run. The built object is pickled to
`$XDG_CACHE_HOME/kzscam/` (~/.cache) under a key made of the rule files' checksums, the code that
defines the engine, and the Python version; any change makes a new key, any problem falls back to
building from the rule files. Nothing leaves the machine. `KZSCAM_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import os
import pickle
import sys
import zlib
from pathlib import Path
from typing import Any

_CODE = ("engine.py", "model.py", "config.py", "rules/table.py", "rules/matchers.py",
         "rules/schema.py", "rules/loader.py", "rules/terms.py", "rules/factors.py",
         "text/normalize.py")
_VERSION = "1"


def _cache_dir() -> Path | None:
    if os.environ.get("KZSCAM_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kzscam"


def cache_key(rules_digest: str) -> str:
    """Checksum of everything a pickled engine depends on."""
    root = Path(__file__).resolve().parents[1]
    parts = [_VERSION, sys.version, rules_digest]
    for name in _CODE:
        try:
            st = (root / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:missing")
    return f"{zlib.crc32('|'.join(parts).encode()):08x}"


def load(key: str) -> Any:
    """The cached engine for `key`, or None."""
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"engine-{key}.pickle").open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, truncated or from another version: build afresh
        return None


def save(key: str, engine: Any) -> None:
    """Write atomically; a read-only or full disk just means no cache."""
    folder = _cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("engine-*.pickle"):
            if old.name != f"engine-{key}.pickle":
                old.unlink(missing_ok=True)
        tmp = folder / f".engine-{key}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(engine, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"engine-{key}.pickle")
    except Exception:
        return
