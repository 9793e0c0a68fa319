"""Per-subject example runners: every rule's `hit`/`miss` examples are run through these.

Each value is "module:function"; the function takes one example input and returns the ids of the
rules that fire on it. Explicit registry: a test checks every subject used by a rule is listed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

RUNNERS: dict[str, str] = {
    "host": "kzscam.host.examples:fired_rules",
    "text": "kzscam.pipeline.text:fired_rules",
    "chat": "kzscam.chat.analyse:fired_rules",
    "qr": "kzscam.qr.analyze:fired_rules",
    "url": "kzscam.pipeline.url:fired_rules",
}


def runner(subject: str) -> Callable[[str], set[str]]:
    """Import the runner for `subject` lazily (its package may be heavy)."""
    module_name, func = RUNNERS[subject].split(":")
    fn: Callable[[str], set[str]] = getattr(importlib.import_module(module_name), func)
    return fn
