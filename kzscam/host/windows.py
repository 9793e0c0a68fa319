"""Windows file evidence (a live C:\\ or a mounted disk with `--root`), matched case-insensitively.

Program Files and per-user program folders, Downloads/Desktop/Temp, Startup folders, Start Menu
shortcuts, scheduled task files, Prefetch (programs that ran) and the catalogue's paths with
%VARIABLES% expanded for every user. Registry evidence (services, Run keys, uninstall entries)
comes from `winreg` on a live host and from the hive files of a mounted disk (`hives`).
"""

from __future__ import annotations

import re

from kzscam.host.facts import APPNAME, EXE, PATH, RDAPP, Collected, Fact, Kind, command_exe, exe_key
from kzscam.host.fs import Target, Tree, program_names
from kzscam.host.hives import OfflineRegistry
from kzscam.host.winreg_collector import collect_registry

PROGRAM_DIRS = ("Program Files", "Program Files (x86)")
START_MENU = "Microsoft/Windows/Start Menu/Programs"
RUNNABLE = (".exe", ".msi", ".bat", ".cmd", ".scr", ".com")
DOWNLOADED = (*RUNNABLE, ".zip")  # portable builds come zipped (TeamViewerPortable.zip)


def _vars(homes: list[str]) -> dict[str, list[str]]:
    """%VARIABLE% -> directories it stands for, one per user where it is per-user."""
    return {
        "%PROGRAMFILES%": list(PROGRAM_DIRS), "%PROGRAMFILES(X86)%": ["Program Files (x86)"],
        "%PROGRAMDATA%": ["ProgramData"], "%SYSTEMROOT%": ["Windows"], "%WINDIR%": ["Windows"],
        "%PUBLIC%": ["Users/Public"], "%USERPROFILE%": homes,
        "%APPDATA%": [f"{h}/AppData/Roaming" for h in homes],
        "%LOCALAPPDATA%": [f"{h}/AppData/Local" for h in homes],
        "%TEMP%": [f"{h}/AppData/Local/Temp" for h in homes] + ["Windows/Temp"],
    }


def expand(pattern: str, homes: list[str]) -> list[str]:
    """A catalogue path -> root-relative patterns ("C:\\", %VARS%, a leading "*\\" = usual places)."""
    p = pattern.replace("\\", "/")
    variables = _vars(homes)
    if m := re.match(r"%[^%]+%", p):
        return [f"{base}{p[m.end():]}" for base in variables.get(m.group(0).upper(), [])]
    if re.match(r"[A-Za-z]:/", p):
        return [p[3:]]
    if p.startswith("*/"):
        bases = [*PROGRAM_DIRS, "ProgramData", *variables["%LOCALAPPDATA%"], *variables["%APPDATA%"]]
        return [f"{b}/{p[2:]}" for b in bases]
    if p.startswith("*"):
        return [p[1:].lstrip("/")]
    return []


def _probe(tree: Tree, probes: tuple[str, ...], homes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for pattern in probes:
        for rel in (r for pat in expand(pattern, homes) for r in tree.glob(pat)):
            facts.append(Fact(Kind.PATH, tree.show(rel), tree.show(rel), ((PATH, pattern),)))
    return facts


def _exe_facts(tree: Tree, rel: str, kind: Kind, suffixes: tuple[str, ...] = RUNNABLE) -> list[Fact]:
    facts: list[Fact] = []
    for name in tree.listdir(rel):
        if name.lower().endswith(suffixes):
            keys = tuple((EXE, n) for n in sorted(program_names(name, windows=True)))
            facts.append(Fact(kind, name, tree.show(f"{rel}/{name}"), keys))
    return facts


def _programs(tree: Tree, homes: list[str]) -> list[Fact]:
    """Executables two levels deep in Program Files and per-user program folders."""
    facts: list[Fact] = []
    tops = [*PROGRAM_DIRS, *(f"{h}/AppData/Local/Programs" for h in homes),
            *(f"{h}/AppData/Local" for h in homes), *(f"{h}/AppData/Roaming" for h in homes)]
    for top in tops:
        for vendor in tree.listdir(top):
            base = f"{top}/{vendor}"
            facts += _exe_facts(tree, base, Kind.BINARY)
            if top in PROGRAM_DIRS:
                for product in tree.listdir(base):
                    facts += _exe_facts(tree, f"{base}/{product}", Kind.BINARY)
    for h in homes:
        for sub in ("Downloads", "Desktop", "AppData/Local/Temp"):
            facts += _exe_facts(tree, f"{h}/{sub}", Kind.DOWNLOAD, DOWNLOADED)
        temp = f"{h}/AppData/Local/Temp"  # self-extracting tools run from a folder there
        for name in tree.listdir(temp):  # (TeamViewer QuickSupport: %TEMP%\TeamViewer\)
            if tree.is_dir(f"{temp}/{name}"):
                facts += _exe_facts(tree, f"{temp}/{name}", Kind.DOWNLOAD)
    return facts


def _shortcut_keys(name: str) -> tuple[tuple[str, str], ...]:
    stem = name.rsplit(".", 1)[0]
    return ((APPNAME, stem), *((EXE, n) for n in sorted(program_names(f"{stem}.exe", True))))


def _shortcuts(tree: Tree, homes: list[str]) -> list[Fact]:
    """Startup folders (start at logon) and Start Menu shortcuts (installed programs)."""
    facts: list[Fact] = []
    menus = ["ProgramData/" + START_MENU, *(f"{h}/AppData/Roaming/{START_MENU}" for h in homes)]
    for menu in menus:
        for name in tree.listdir(f"{menu}/Startup"):
            facts.append(Fact(Kind.AUTOSTART, name, tree.show(f"{menu}/Startup/{name}"),
                              _shortcut_keys(name), True))
        for entry in tree.listdir(menu):
            if entry.lower() == "startup":
                continue
            inner = [entry] if entry.lower().endswith(".lnk") else [
                f"{entry}/{n}" for n in tree.listdir(f"{menu}/{entry}") if n.lower().endswith(".lnk")]
            for rel in inner:
                facts.append(Fact(Kind.APP, rel.rsplit("/", 1)[-1][:-4], tree.show(f"{menu}/{rel}"),
                                  _shortcut_keys(rel.rsplit("/", 1)[-1])))
    return facts


def _task_text(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


def _tasks(tree: Tree, rel: str = "Windows/System32/Tasks", depth: int = 0) -> list[Fact]:
    """Scheduled task XML files: the program each task runs, and whether it is enabled."""
    facts: list[Fact] = []
    for name in tree.listdir(rel):
        path = f"{rel}/{name}"
        if tree.is_dir(path):
            if depth < 3:
                facts += _tasks(tree, path, depth + 1)
            continue
        text = _task_text(tree.read(path, 65536) or b"")
        command = re.search(r"<Command>(.*?)</Command>", text, re.S)
        if command:
            enabled = re.search(r"<Enabled>\s*false\s*</Enabled>", text, re.I) is None
            program = command_exe(command.group(1).strip().strip('"'))
            facts.append(Fact(Kind.AUTOSTART, name, tree.show(path), (exe_key(program),), enabled))
    return facts


def _prefetch(tree: Tree) -> list[Fact]:
    """Prefetch files ("ANYDESK.EXE-1A2B3C4D.pf") show a program ran on this computer."""
    facts: list[Fact] = []
    for name in tree.listdir("Windows/Prefetch"):
        m = re.match(r"(.+\.EXE)-[0-9A-F]{8}\.pf$", name, re.I)
        if m:
            facts.append(Fact(Kind.RAN, m.group(1), tree.show(f"Windows/Prefetch/{name}"),
                              (exe_key(m.group(1)),)))
    return facts


def _layouts(tree: Tree, homes: list[str]) -> list[Fact]:
    """RustDesk-based builds: <profile>\\AppData\\Roaming\\<App>\\config\\<App>2.toml."""
    facts: list[Fact] = []
    roots = [*(f"{h}/AppData/Roaming" for h in homes),
             "Windows/ServiceProfiles/LocalService/AppData/Roaming"]
    for base in roots:
        for app in tree.listdir(base):
            files = {n.lower(): n for n in tree.listdir(f"{base}/{app}/config")}
            for low, real in sorted(files.items()):
                if low.endswith("2.toml") and f"{low[:-6]}.toml" in files:
                    facts.append(Fact(Kind.LAYOUT, real[:-6], tree.show(f"{base}/{app}/config/{real}"),
                                      ((RDAPP, real[:-6]),)))
    return facts


def collect(target: Target) -> Collected:
    """All Windows file evidence under `target.root`."""
    tree = Tree(target.root, windows=True, confine=not target.live)
    homes = tree.homes("windows")
    out = Collected()
    out.add("programs", lambda: _programs(tree, homes))
    out.add("shortcuts", lambda: _shortcuts(tree, homes))
    out.add("scheduled tasks", lambda: _tasks(tree))
    out.add("prefetch", lambda: _prefetch(tree))
    out.add("RustDesk-style configs", lambda: _layouts(tree, homes))
    out.add("catalogue paths", lambda: _probe(tree, target.probes, homes))
    if not target.live:  # a mounted disk: its hive files (live hosts use winreg instead)
        registry = OfflineRegistry(tree, homes)
        out.add("registry hives", lambda: collect_registry(registry).facts)
        out.skipped += registry.skipped
        if not registry.machine:
            out.skipped.append("Windows registry: no SYSTEM or SOFTWARE hive under "
                               "Windows/System32/config (services, Run keys, uninstall entries)")
    out.skipped[:0] = tree.skipped
    return out
