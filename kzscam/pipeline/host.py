"""The host pipeline: collectors gather facts, the judge turns them into hits, one part per tool."""

from __future__ import annotations

import os
from pathlib import Path

from kzscam.config import Config
from kzscam.engine import get_engine
from kzscam.host import audit
from kzscam.host.catalogue import load_catalogue
from kzscam.host.facts import HostFacts
from kzscam.host.judge import judge
from kzscam.host.report import host_report
from kzscam.model import Report, Verdict


class HostError(Exception):
    """The host cannot be audited at all (a bad root, an unreachable phone): an input error."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(problem)
        self.name = name


def root_problem(root: Path) -> str | None:
    """Why `root` cannot be audited (one line), or None when it can be listed."""
    try:
        if not root.is_dir():
            return ("no such directory" if not root.exists() else "not a directory (--root takes "
                    "a mounted disk or an extracted file tree)")
        with os.scandir(root) as entries:
            next(entries, None)
    except PermissionError:
        return "permission denied (run kzscam as a user who may read that disk or tree)"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return None


def gather(root: Path | None = None, platform: str | None = None, adb: bool = False,
           serial: str | None = None) -> HostFacts:
    """Facts of this computer, a file tree or a phone; HostError when there is nothing to read."""
    if adb:
        from kzscam.host.android import AdbError

        try:
            return audit.gather_android(serial)
        except AdbError as exc:
            raise HostError(f"android:{serial or 'adb'}", str(exc)) from None
    if root is not None and (problem := root_problem(root)):
        raise HostError(str(root), problem)
    return audit.gather(load_catalogue(), None if root is None else str(root), platform)


def judge_facts(facts: HostFacts, config: Config, lang: str,
                allow: frozenset[str] = frozenset()) -> Report:
    """Facts -> the host's report (the tools in `allow` and `config.allow_tools` are managed)."""
    judgement = judge(facts, load_catalogue(), config.allow_tools | allow)
    return host_report(facts, judgement, get_engine(config), lang)


def audit_host(config: Config, lang: str, *, root: Path | None = None,
               platform: str | None = None, adb: bool = False, serial: str | None = None,
               allow: frozenset[str] = frozenset()) -> Report:
    """Gather and judge; a host that cannot be read is an error report, never a raise."""
    try:
        facts = gather(root, platform, adb, serial)
    except HostError as exc:
        return Report(input=exc.name, verdict=Verdict.CAUTION, score=0, error=str(exc),
                      parts_key="tools")
    return judge_facts(facts, config, lang, allow)
