"""Extract install facts of remote-access tools from real artefacts into scripts/data/artefacts.json.

    python scripts/build_artefacts.py debian DEB... [--decoy DEB...]
    python scripts/build_artefacts.py android FILE...         (captured adb outputs: kept as sources)
    python scripts/build_artefacts.py cask RB...               (Homebrew Cask definitions)
    python scripts/build_artefacts.py winget YAML... / scoop JSON...

Each subcommand replaces its own section of the output and leaves the others, so the file can be
rebuilt one platform at a time from whatever artefacts were fetched (`apt-get download`, a
homebrew-cask or winget-pkgs checkout). Every record carries `source`: the artefact it was read
from. scripts/build_catalogue.py merges the records into kzscam/data/remote_access.json (through
the ARTEFACT_TOOLS table in catalogue_curation.py); the test suite builds install trees from the
same records (file lists, the links an install or `systemctl enable` creates).

The raw artefacts are not kept in the repository: only what is read from them.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "scripts" / "data" / "artefacts.json"

# Parts of a package's file list that show how it is installed and started; the rest (icons,
# translations, keymaps, docs) says nothing the audit reads.
DEB_KEEP = re.compile(r"^/(usr/(s?bin|libexec|games)/[^/]+$|(usr/)?lib/systemd/(system|user)/[^/]+$"
                      r"|etc/(init\.d|xdg/autostart)/[^/]+$|usr/share/applications/[^/]+\.desktop$"
                      r"|etc/[^/]+/?$|opt/[^/]+/?$)")


def _deb_files(deb: Path) -> list[str]:
    out = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True)
    files = []
    for line in out.stdout.splitlines():
        path = line.split(None, 5)[5].split(" -> ")[0].removeprefix(".")
        if path not in ("/", "") and DEB_KEEP.match(path.rstrip("/") + ("/" if path.endswith("/") else "")):
            files.append(path)
    return files


def _deb_field(deb: Path, *fields: str) -> list[str]:
    out = subprocess.run(["dpkg-deb", "-f", str(deb), *fields], capture_output=True, text=True,
                         check=True)
    values = dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)
    return [values.get(f, "") for f in fields]


def _deb_member(deb: Path, member: str) -> str:
    """One file of the package's data (a unit's [Install] section) or control part (postinst)."""
    proc = subprocess.run(f"dpkg-deb --fsys-tarfile '{deb}' | tar -xOf - '.{member}'", shell=True,
                          capture_output=True, text=True, check=False)
    return proc.stdout


def _deb_script(deb: Path, name: str) -> str:
    proc = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True)
    tar = subprocess.run(["tar", "-xOf", "-", f"./{name}"], input=proc.stdout, capture_output=True,
                         check=False)
    return tar.stdout.decode("utf-8", "replace")


def _wanted_by(unit_text: str) -> list[str]:
    return [t for line in unit_text.splitlines() if line.startswith("WantedBy=")
            for t in line[9:].split()]


def debian(deb: Path, role: str) -> dict[str, Any]:
    """What one Debian package installs, how it is enabled, and what its maintainer script does."""
    name, version, arch = _deb_field(deb, "Package", "Version", "Architecture")
    files = _deb_files(deb)
    postinst = _deb_script(deb, "postinst")
    units: dict[str, dict[str, Any]] = {}
    for f in files:
        m = re.match(r"/(?:usr/)?lib/systemd/(system|user)/([^/]+\.(?:service|socket))$", f)
        if m:
            units[m.group(2)] = {"scope": m.group(1), "wanted_by": _wanted_by(_deb_member(deb, f))}
    default_on = sorted(set(re.findall(r"deb-systemd-helper enable '([^']+)'", postinst)) & {
        u for u in units if re.search(rf"was-enabled '{re.escape(u)}'; then\s*\n\s*# Enables the "
                                      rf"unit on first installation", postinst)})
    rc_default = [m.group(1) for m in re.finditer(r"update-rc\.d (\S+) defaults(?!-disabled)\b",
                                                  postinst)]
    autostart = []
    for f in files:
        if f.startswith("/usr/share/applications/"):
            text = _deb_member(deb, f)
            exec_line = next((ln[5:] for ln in text.splitlines() if ln.startswith("Exec=")), "")
            autostart.append({"desktop": f.rsplit("/", 1)[1], "exec": exec_line})
    return {"source": f"Debian 12 package {name} {version} {arch} (apt-get download {name})",
            "package": name, "role": role, "files": files, "units": units,
            "enabled_on_install": {"units": default_on, "init": rc_default},
            "desktop_entries": autostart}


def _load() -> dict[str, Any]:
    return json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}


def _save(data: dict[str, Any]) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    head = {"about": "Install facts read from real artefacts by scripts/build_artefacts.py; do not "
                     "edit by hand. Each record names its source."}
    body = {k: v for k, v in sorted(data.items()) if k != "about"}
    text = json.dumps({**head, **body}, ensure_ascii=False, indent=1, sort_keys=False)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(text)} bytes)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    deb = sub.add_parser("debian", help="Debian .deb files of remote-desktop servers")
    deb.add_argument("debs", nargs="+", type=Path)
    deb.add_argument("--decoy", nargs="*", type=Path, default=[],
                     help="packages that must not be flagged (clients, libraries, ssh)")
    args = ap.parse_args(argv)
    data = _load()
    if args.cmd == "debian":
        records = [debian(p, "tool") for p in sorted(args.debs)]
        records += [debian(p, "decoy") for p in sorted(args.decoy)]
        data["debian"] = sorted(records, key=lambda r: (r["role"], r["package"]))
    _save(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
