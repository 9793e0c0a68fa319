"""macOS file evidence: app bundles (Info.plist via plistlib), launchd jobs, installer receipts.

Works on the live system (root "/") and on a copied or mounted macOS tree with `--root`.
TCC grants (Screen Recording, Accessibility) need Full Disk Access and are not read.
"""

from __future__ import annotations

import plistlib
from typing import Any

from kzscam.host.facts import APPNAME, BUNDLE, EXE, PKG, RDAPP, UNIT, Collected, Fact, Kind, exe_key
from kzscam.host.fs import Target, Tree, program_names
from kzscam.host.linux import probe

APP_DIRS = ("Applications", "Applications/*", "~/Applications")
LAUNCHD_DIRS = ("Library/LaunchDaemons", "Library/LaunchAgents", "~/Library/LaunchAgents")
DOWNLOAD_DIRS = ("~/Downloads", "~/Desktop")


def read_plist(tree: Tree, rel: str) -> dict[str, Any]:
    """A plist (XML or binary) as a dict; {} when missing or malformed (that file is skipped).

    plistlib raises many kinds of errors on hostile input (ExpatError, RecursionError on deep
    nesting, struct errors, ...): any of them costs this one file, never the other evidence.
    """
    data = tree.read(rel)
    if not data:
        return {}
    try:
        value = plistlib.loads(data)
    except Exception:  # untrusted bytes; see above
        tree.note(rel, "not a valid property list")
        return {}
    return value if isinstance(value, dict) else {}


def _apps(tree: Tree, homes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for rel in (d for pat in APP_DIRS for d in tree.expand_home(pat, homes)):
        for name in tree.listdir(rel):
            if not name.endswith(".app"):
                continue
            info = read_plist(tree, f"{rel}/{name}/Contents/Info.plist")
            stem = name[:-4]
            keys = [(EXE, stem), (APPNAME, stem)]
            for field, key in (("CFBundleIdentifier", BUNDLE), ("CFBundleExecutable", EXE),
                               ("CFBundleName", APPNAME)):
                if isinstance(info.get(field), str):
                    keys.append((key, info[field]))
            facts.append(Fact(Kind.APP, name, tree.show(f"{rel}/{name}"), tuple(dict.fromkeys(keys)),
                              note=str(info.get("CFBundleIdentifier", ""))))
    return facts


def _program(job: dict[str, Any]) -> str:
    args = job.get("ProgramArguments")
    if isinstance(job.get("Program"), str):
        return str(job["Program"])
    if isinstance(args, list) and args and isinstance(args[0], str):
        return args[0]
    return ""


def _app_keys(tree: Tree, program: str) -> list[tuple[str, str]]:
    """A job whose program lives in an app bundle belongs to that app: its name and bundle id
    (read from the bundle's Info.plist in the same tree) identify the tool, whatever the
    helper binary is called."""
    if ".app/" not in program:
        return []
    bundle = program[: program.index(".app/") + 4]
    stem = bundle.rsplit("/", 1)[-1][:-4]
    keys = [(APPNAME, stem), (EXE, stem)]
    info = read_plist(tree, f"{bundle.lstrip('/')}/Contents/Info.plist")
    if isinstance(info.get("CFBundleIdentifier"), str):
        keys.append((BUNDLE, info["CFBundleIdentifier"]))
    return keys


def _launchd(tree: Tree, homes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for rel in (d for pat in LAUNCHD_DIRS for d in tree.expand_home(pat, homes)):
        for name in tree.listdir(rel):
            if not name.endswith(".plist"):
                continue
            job = read_plist(tree, f"{rel}/{name}")
            label = job.get("Label") if isinstance(job.get("Label"), str) else name[:-6]
            keys = [(UNIT, str(label)), (UNIT, name[:-6])]
            if program := _program(job):
                keys.append(exe_key(program))
                keys += _app_keys(tree, program)
            starts = bool(job.get("RunAtLoad") or job.get("KeepAlive")) and not job.get("Disabled")
            facts.append(Fact(Kind.SERVICE, str(label), tree.show(f"{rel}/{name}"),
                              tuple(dict.fromkeys(keys)), starts))
    return facts


def _receipts(tree: Tree) -> list[Fact]:
    files: dict[str, str] = {}
    for name in tree.listdir("var/db/receipts"):
        if name.endswith((".plist", ".bom")):
            files.setdefault(name.rsplit(".", 1)[0], name)
    return [Fact(Kind.PACKAGE, i, tree.show(f"var/db/receipts/{n}"), ((PKG, i),))
            for i, n in sorted(files.items())]


def _downloads(tree: Tree, homes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for rel in (d for pat in DOWNLOAD_DIRS for d in tree.expand_home(pat, homes)):
        for name in tree.listdir(rel):
            if name.lower().endswith((".dmg", ".pkg", ".zip", ".app")):
                keys = tuple((EXE, n) for n in sorted(program_names(name, windows=False)))
                facts.append(Fact(Kind.DOWNLOAD, name, tree.show(f"{rel}/{name}"), keys))
    return facts


def _layouts(tree: Tree, homes: list[str]) -> list[Fact]:
    """RustDesk-based builds: ~/Library/Preferences/<org>.<App>/<App>.toml + <App>2.toml."""
    facts: list[Fact] = []
    for home in homes:
        prefs = f"{home}/Library/Preferences"
        for entry in tree.listdir(prefs):
            if entry.endswith(".plist") or not tree.is_dir(f"{prefs}/{entry}"):
                continue
            files = set(tree.listdir(f"{prefs}/{entry}"))
            for f in sorted(files):
                if f.endswith("2.toml") and f"{f[:-6]}.toml" in files:
                    facts.append(Fact(Kind.LAYOUT, f[:-6], tree.show(f"{prefs}/{entry}/{f}"),
                                      ((RDAPP, f[:-6]),)))
    return facts


def collect(target: Target) -> Collected:
    """All macOS file evidence under `target.root`."""
    tree = Tree(target.root, confine=not target.live)
    homes = tree.homes("macos")
    out = Collected()
    out.add("app bundles", lambda: _apps(tree, homes))
    out.add("launchd jobs", lambda: _launchd(tree, homes))
    out.add("installer receipts", lambda: _receipts(tree))
    out.add("downloads", lambda: _downloads(tree, homes))
    out.add("RustDesk-style configs", lambda: _layouts(tree, homes))
    out.add("catalogue paths", lambda: probe(tree, target.probes, homes))
    out.skipped[:0] = tree.skipped
    return out
