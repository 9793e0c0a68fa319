"""Linux file evidence: package databases, program files, .desktop entries, units, autostart.

Everything is read straight from files (no `dpkg`/`systemctl` calls): it is fast, works on a
mounted disk with `--root`, and needs no privileges beyond reading. Processes and sockets come
from `procs` on a live host.
"""

from __future__ import annotations

import posixpath
import re
import sqlite3
from urllib.parse import quote

from kzscam.host.facts import EXE, NAME, PATH, PKG, RDAPP, UNIT, Collected, Fact, Kind, exe_key
from kzscam.host.fs import Target, Tree, program_names

BIN_DIRS = ("usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin", "snap/bin")
HOME_BIN_DIRS = ("~/.local/bin", "~/bin", "~/Applications")
DOWNLOAD_DIRS = ("~/Downloads", "~/Desktop")
INSTALLERS = (".appimage", ".deb", ".rpm", ".run", ".sh", ".tar.gz", ".tgz", ".zip", ".snap",
              ".flatpakref")
APP_DIRS = ("usr/share/applications", "usr/local/share/applications",
            "var/lib/flatpak/exports/share/applications", "var/lib/snapd/desktop/applications",
            "~/.local/share/applications", "~/.local/share/flatpak/exports/share/applications")
UNIT_DIRS = ("etc/systemd/system", "run/systemd/system", "usr/local/lib/systemd/system",
             "usr/lib/systemd/system", "lib/systemd/system", "etc/systemd/user",
             "usr/lib/systemd/user", "~/.config/systemd/user")
WANTS_DIRS = ("etc/systemd/system", "etc/systemd/user", "~/.config/systemd/user")
UNIT_SUFFIXES = (".service", ".socket")
AUTOSTART_DIRS = ("etc/xdg/autostart", "~/.config/autostart")
RPM_DBS = ("var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite")
# Where pip and npm put their commands: a name there is checked for a language wrapper.
LOCAL_BIN = ("usr/local/bin", "usr/local/sbin")
# The launcher pip writes for a console script (`from meshagent.cli.cli import app` ...).
PIP_WRAPPER = re.compile(rb"\A#![^\n]*python[^\n]*\n(?:#[^\n]*\n)?import re\nimport sys\n"
                         rb"from ([\w.]+) import \w+\n")


def collect(target: Target) -> Collected:
    """All Linux file evidence under `target.root`."""
    tree = Tree(target.root, confine=not target.live)
    homes = tree.homes("linux")
    out = Collected()
    out.add("dpkg status", lambda: _dpkg(tree))
    out.add("rpm database", lambda: _rpm(tree))
    out.add("flatpak and snap", lambda: _flatpak_snap(tree, homes))
    out.add("programs", lambda: _binaries(tree, homes))
    out.add(".desktop entries", lambda: _desktop(tree, homes))
    out.add("services", lambda: _units(tree, homes))
    out.add("autostart", lambda: _autostart(tree, homes))
    out.add("RustDesk-style configs", lambda: _layouts(tree, homes))
    out.add("catalogue paths", lambda: probe(tree, target.probes, homes))
    out.skipped[:0] = tree.skipped
    return out


def _dpkg(tree: Tree) -> list[Fact]:
    text = tree.text("var/lib/dpkg/status", limit=64 << 20)
    if not text:
        return []
    facts: list[Fact] = []
    where = tree.show("var/lib/dpkg/status")
    for stanza in text.split("\n\n"):
        name = status = ""
        for line in stanza.split("\n"):
            if line.startswith("Package: "):
                name = line[9:].strip()
            elif line.startswith("Status: "):
                status = line[8:].strip()
        if not name:
            continue
        if status.endswith(" installed"):
            facts.append(Fact(Kind.PACKAGE, name, where, ((PKG, name),)))
        elif status.endswith(" config-files"):  # removed; configuration left behind
            facts.append(Fact(Kind.REMOVED, name, where, ((PKG, name),)))
    return facts


def _rpm(tree: Tree) -> list[Fact]:
    """rpm >= 4.16 keeps an SQLite database whose `Name` index lists installed packages."""
    for rel in RPM_DBS:
        path = tree.regular(rel)  # never a FIFO, never outside the root
        if path is None:
            continue
        uri = f"file:{quote(path)}?mode=ro&immutable=1"
        try:
            con = sqlite3.connect(uri, uri=True)
            try:
                names = sorted({str(r[0]) for r in con.execute("SELECT key FROM Name")})
            finally:
                con.close()
        except sqlite3.Error as exc:
            tree.note(rel, f"cannot read rpm database ({exc})")
            return []
        return [Fact(Kind.PACKAGE, n, tree.show(rel), ((PKG, n),)) for n in names]
    if tree.exists("var/lib/rpm/Packages") or tree.exists("var/lib/rpm/Packages.db"):
        tree.note("var/lib/rpm", "old rpm database format not read (files and processes are "
                  "still checked)")
    return []


def _flatpak_snap(tree: Tree, homes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for rel in ["var/lib/flatpak/app", *(f"{h}/.local/share/flatpak/app" for h in homes)]:
        facts += [Fact(Kind.PACKAGE, a, tree.show(f"{rel}/{a}"), ((PKG, a),)) for a in tree.listdir(rel)]
    for name in tree.listdir("snap"):
        if name not in ("bin", "README") and tree.is_dir(f"snap/{name}"):
            facts.append(Fact(Kind.PACKAGE, name, tree.show(f"snap/{name}"), ((PKG, name),)))
    return facts


def _program_file(tree: Tree, rel: str, name: str, keys: tuple[tuple[str, str], ...]) -> Fact:
    """A program in a shared bin dir, known by its name only (weak: see facts.NAME); pip's
    console-script launchers name the Python module they run instead, and match nothing."""
    head = tree.read(f"{rel}/{name}", 512) or b""
    if m := PIP_WRAPPER.match(head):
        return Fact(Kind.BINARY, name, tree.show(f"{rel}/{name}"),
                    note=f"Python console script of {m.group(1).decode('ascii', 'replace')}")
    return Fact(Kind.BINARY, name, tree.show(f"{rel}/{name}"), keys)


def _binaries(tree: Tree, homes: list[str]) -> list[Fact]:
    """Executables by name in bin dirs, in /opt/<app>/ and in the user's download places."""
    binary, download = Kind.BINARY, Kind.DOWNLOAD  # hot loops: thousands of names
    facts: list[Fact] = []
    for rel in BIN_DIRS:  # installed programs carry their plain names
        if rel in LOCAL_BIN:
            facts += [_program_file(tree, rel, n, ((NAME, n),)) for n in tree.listdir(rel)]
        else:
            facts += [Fact(binary, n, tree.show(f"{rel}/{n}"), ((NAME, n),)) for n in tree.listdir(rel)]
    for app in tree.listdir("opt"):  # /opt/<product>/: a folder of its own, more than a name
        for rel in (f"opt/{app}", f"opt/{app}/bin"):
            facts += [Fact(binary, n, tree.show(f"{rel}/{n}"), ((EXE, n),)) for n in tree.listdir(rel)]
    for rel in (d for pat in HOME_BIN_DIRS for d in tree.expand_home(pat, homes)):
        for name in tree.listdir(rel):  # AppImages and unpacked archives carry versions
            # A vendor's release file (rustdesk-1.2.3-x86_64.AppImage) is more than a bare name.
            key = EXE if name.lower().endswith(".appimage") else NAME
            keys = tuple((key, n) for n in sorted(program_names(name, windows=False)))
            facts.append(_program_file(tree, rel, name, keys))
    for rel in _download_dirs(tree, homes):
        for name in tree.listdir(rel):
            if name.lower().endswith(INSTALLERS) or "." not in name:
                keys = tuple((EXE, n) for n in sorted(program_names(name, windows=False)))
                facts.append(Fact(download, name, tree.show(f"{rel}/{name}"), keys))
    return facts


def _download_dirs(tree: Tree, homes: list[str]) -> list[str]:
    """~/Downloads and ~/Desktop, plus their localised names from ~/.config/user-dirs.dirs."""
    dirs = [d for pat in DOWNLOAD_DIRS for d in tree.expand_home(pat, homes)]
    for home in homes:
        for line in (tree.text(f"{home}/.config/user-dirs.dirs", 8192) or "").splitlines():
            key, _, value = line.partition("=")
            if key.strip() in ("XDG_DOWNLOAD_DIR", "XDG_DESKTOP_DIR") and "$HOME/" in value:
                sub = value.strip().strip(chr(34)).split("$HOME/", 1)[1]
                rel = posixpath.normpath(f"/{home}/{sub}").lstrip("/")  # '..' stops at the root
                if rel not in dirs and tree.is_dir(rel):
                    dirs.append(rel)
    return dirs


def desktop_fields(text: str) -> dict[str, str]:
    """First Name/Exec/Hidden/... values of the [Desktop Entry] group."""
    fields: dict[str, str] = {}
    in_entry = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            in_entry = line == "[Desktop Entry]"
        elif in_entry and "=" in line:
            key, _, value = line.partition("=")
            fields.setdefault(key.strip(), value.strip())
    return fields


def _exec_keys(command: str) -> list[tuple[str, str]]:
    """Program of an Exec= line; flatpak launchers also name the app id and command."""
    words = command.replace('"', " ").split()
    if not words:
        return []
    keys = [exe_key(words[0])]
    for w in words[1:]:
        if w.startswith("--command="):
            keys.append(exe_key(w[10:]))
        elif words[0].endswith("flatpak") and "." in w and not w.startswith("-"):
            keys.append((PKG, w))
    return keys


def _desktop(tree: Tree, homes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for rel in (d for pat in APP_DIRS for d in tree.expand_home(pat, homes)):
        for name in tree.listdir(rel):
            if not name.endswith(".desktop"):
                continue
            fields = desktop_fields(tree.text(f"{rel}/{name}", 16384) or "")
            stem = name[:-8]
            keys = [(EXE, stem), (PKG, stem), *_exec_keys(fields.get("Exec", ""))]
            facts.append(Fact(Kind.APP, fields.get("Name", stem), tree.show(f"{rel}/{name}"),
                              tuple(dict.fromkeys(keys))))
    return facts


def _unit_keys(name: str) -> list[tuple[str, str]]:
    keys = [(UNIT, name)]
    if "@" in name:  # instance "tigervncserver@:1.service" -> template "tigervncserver@.service"
        prefix, _, rest = name.partition("@")
        keys.append((UNIT, f"{prefix}@{rest[rest.rfind('.'):]}"))
    return keys


def _units(tree: Tree, homes: list[str]) -> list[Fact]:
    enabled: set[str] = set()
    for rel in (d for pat in WANTS_DIRS for d in tree.expand_home(pat, homes)):
        for sub in tree.listdir(rel):
            if sub.endswith((".wants", ".requires")):
                for unit in tree.listdir(f"{rel}/{sub}"):
                    enabled.update(k for _, k in _unit_keys(unit))
    facts: list[Fact] = []
    seen: set[str] = set()
    for rel in (d for pat in UNIT_DIRS for d in tree.expand_home(pat, homes)):
        for name in tree.listdir(rel):
            if not name.endswith(UNIT_SUFFIXES) or name in seen:
                continue
            seen.add(name)
            keys = _unit_keys(name)
            if tree.masked(f"{rel}/{name}"):  # it shadows the unit of the same name further down
                facts.append(Fact(Kind.SERVICE, name, tree.show(f"{rel}/{name}"), tuple(keys),
                                  masked=True))
                continue
            for line in (tree.text(f"{rel}/{name}", 16384) or "").splitlines():
                if line.startswith("ExecStart="):
                    keys.append(exe_key(line[10:].lstrip("-@+!:").split(" ", 1)[0]))
                    break
            active = any(k in enabled for _, k in keys[:2])
            facts.append(Fact(Kind.SERVICE, name, tree.show(f"{rel}/{name}"), tuple(keys), active))
    runlevels = {n[3:] for lvl in "2345" for n in tree.listdir(f"etc/rc{lvl}.d") if n.startswith("S")}
    for name in tree.listdir("etc/init.d"):
        init_keys = ((UNIT, name), (UNIT, f"{name}.service"), (EXE, name))
        facts.append(Fact(Kind.SERVICE, name, tree.show(f"etc/init.d/{name}"), init_keys,
                          name in runlevels))
    return facts


def _autostart(tree: Tree, homes: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    for rel in (d for pat in AUTOSTART_DIRS for d in tree.expand_home(pat, homes)):
        for name in tree.listdir(rel):
            if name.endswith(".desktop"):
                f = desktop_fields(tree.text(f"{rel}/{name}", 16384) or "")
                on = f.get("Hidden", "").lower() != "true" and \
                    f.get("X-GNOME-Autostart-enabled", "").lower() != "false"
                keys = ((EXE, name[:-8]), *_exec_keys(f.get("Exec", "")))
                facts.append(Fact(Kind.AUTOSTART, f.get("Name", name), tree.show(f"{rel}/{name}"),
                                  keys, on))
    return facts


def _layouts(tree: Tree, homes: list[str]) -> list[Fact]:
    """RustDesk-based builds keep ~/.config/<app>/<App>.toml and <App>2.toml (any brand name)."""
    facts: list[Fact] = []
    for home in homes:
        for app in tree.listdir(f"{home}/.config"):
            files = set(tree.entries(f"{home}/.config/{app}").values()) if tree.is_dir(
                f"{home}/.config/{app}") else set()
            for f in sorted(files):
                if f.endswith("2.toml") and f"{f[:-6]}.toml" in files:
                    rel = f"{home}/.config/{app}/{f}"
                    facts.append(Fact(Kind.LAYOUT, f[:-6], tree.show(rel), ((RDAPP, f[:-6]),)))
    return facts


def probe(tree: Tree, probes: tuple[str, ...], homes: list[str]) -> list[Fact]:
    """Catalogue paths that exist ('~' = every home directory)."""
    facts: list[Fact] = []
    for pattern in probes:
        for rel in tree.expand_home(pattern, homes):
            if rel.endswith(UNIT_SUFFIXES) and tree.masked(rel):
                continue  # a mask is no install: the unit collector reports it as masked
            facts.append(Fact(Kind.PATH, tree.show(rel), tree.show(rel), ((PATH, pattern),)))
    return facts
