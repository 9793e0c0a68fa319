"""Extract install facts of remote-access tools from real artefacts into scripts/data/artefacts.json.

    python scripts/build_artefacts.py debian DEB... [--decoy DEB...]
    python scripts/build_artefacts.py winget YAML...          (winget-pkgs installer manifests)
    python scripts/build_artefacts.py scoop JSON...           (Scoop bucket manifests)
    python scripts/build_artefacts.py cask RB...              (Homebrew Cask definitions)

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
from urllib.parse import unquote

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


def _yaml_values(text: str, key: str) -> list[str]:
    """Every value of `key` in a winget manifest (flat scalars; quotes removed)."""
    out = []
    for m in re.finditer(rf"^\s*-?\s*{key}:\s*(.+?)\s*$", text, re.M):
        out.append(m.group(1).strip().strip("'\""))
    return out


def _versionless(name: str, version: str) -> str:
    """An installer name with its version as `*`: the next release has another number."""
    for v in sorted({version, *(version.rsplit(".", k)[0] for k in (1, 2))}, key=len, reverse=True):
        if v and v.count(".") >= 1 and v in name:
            return name.replace(v, "*")
    if len(version) > 3 and version.replace(".", "") in name:  # UltraVNC_1824.zip for 1.8.2.4
        return name.replace(version.replace(".", ""), "*")
    return re.sub(r"\d+(?:\.\d+)+", "*", name)


def choco(path: Path) -> dict[str, Any]:
    """A Chocolatey package script: the files it downloads and unpacks, the uninstall name."""
    text = path.read_text(encoding="utf-8")
    package = re.search(r"packageName\s*=\s*'([^']+)'", text)
    files = [f.replace("\\", "/").rsplit("/", 1)[-1] for f in re.findall(r'File\s*=\s*"([^"]+)"', text)]
    files += [u.rsplit("/", 1)[1] for u in re.findall(r"'(https?://[^']+)'", text)]
    return {"source": f"Chocolatey package {package.group(1) if package else path.stem} ({path.name})",
            "id": package.group(1) if package else path.stem,
            "downloads": sorted({re.sub(r"\d+(?:\.\d+)+", "*", f) for f in files}),
            "display_names": sorted(set(re.findall(r"-SoftwareName '([^']+)'", text))),
            "install_dirs": []}


def winget(path: Path) -> dict[str, Any]:
    """Installer file names, product codes, uninstall names and install folders of a package."""
    text = path.read_text(encoding="utf-8")
    pid, version = _yaml_values(text, "PackageIdentifier")[0], _yaml_values(text, "PackageVersion")[0]
    names = [unquote(u.rsplit("/", 1)[1]) for u in _yaml_values(text, "InstallerUrl")]
    names += [f.rsplit("\\", 1)[-1] for f in _yaml_values(text, "RelativeFilePath")]
    folders = _yaml_values(text, "DefaultInstallLocation")
    folders += [m for c in _yaml_values(text, "Custom") for m in re.findall(r'--install "([^"]+)"', c)]
    return {"source": f"winget-pkgs {pid} {version} ({path.name})", "id": pid,
            "downloads": sorted({_versionless(n, version) for n in names}),
            "products": sorted(set(_yaml_values(text, "ProductCode"))),
            "display_names": sorted(set(_yaml_values(text, "DisplayName"))),
            "install_dirs": sorted(set(folders))}


def scoop(path: Path) -> dict[str, Any]:
    """Download name, programs and the per-user folder of a Scoop manifest."""
    data = json.loads(path.read_text(encoding="utf-8"))
    arch = data.get("architecture", {})
    urls = [data.get("url")] + [a.get("url") for a in arch.values() if isinstance(a, dict)]
    urls = [u for x in urls for u in (x if isinstance(x, list) else [x]) if isinstance(u, str)]
    names = {_versionless(unquote(u.split("#", 1)[0].rsplit("/", 1)[1]), data["version"]) for u in urls}
    bins = data.get("bin") or []
    bins = [b if isinstance(b, str) else b[0] for b in (bins if isinstance(bins, list) else [bins])]
    exes = {b.rsplit("\\", 1)[-1] for b in bins} | {s[0] for s in data.get("shortcuts", [])}
    app = path.stem
    return {"source": f"Scoop Extras bucket/{path.name} {data['version']}", "id": app,
            "downloads": sorted(names), "exe": sorted(e for e in exes if e.lower().endswith(".exe")),
            "install_dirs": [f"%USERPROFILE%\\scoop\\apps\\{app}"]}


CASK_KEYS = ("launchctl", "quit", "pkgutil", "delete", "trash", "signal", "login_item", "rmdir",
             "script", "kext", "early_script")


def cask(path: Path) -> dict[str, Any]:
    """What a Homebrew Cask says an install puts on a Mac: apps (and their target names),
    installer packages, launchd labels, pkgutil receipts, bundle ids (`quit`, `signal`) and
    the paths `uninstall delete` and `zap trash` remove."""
    text = path.read_text(encoding="utf-8")
    token = re.search(r'^cask "([^"]+)"', text, re.M)
    version = re.search(r'^\s*version "([^"]+)"', text, re.M)
    out: dict[str, list[str]] = {k: [] for k in ("apps", "pkgs", "launchd", "receipts", "bundles",
                                                "paths", "names", "downloads")}
    for m in re.finditer(r'^\s*app "([^"]+)"(?:,\s*target:\s*"([^"]+)")?', text, re.M):
        out["apps"] += [a.rsplit("/", 1)[-1] for a in m.groups() if a]  # the bundle and its target
    out["pkgs"] = [re.sub(r"#\{[^}]+\}", "*", p) for p in re.findall(r'^\s*pkg "([^"]+)"', text, re.M)]
    out["names"] = re.findall(r'^\s*name "([^"]+)"', text, re.M)
    url = re.search(r'^\s*url "([^"]+)"', text, re.M)
    if url and re.search(r"\.(dmg|pkg|zip)$", url.group(1)):
        out["downloads"].append(re.sub(r"#\{[^}]+\}", "*", url.group(1).rsplit("/", 1)[1]))
    key = ""
    for line in text.splitlines():
        m = re.match(r"\s*(?:uninstall |zap )?(\w+):", line)
        if m and m.group(1) in CASK_KEYS:
            key = m.group(1)
        elif re.match(r"\s*(end|\w+ \"|\w+ do)\b", line) and not line.strip().startswith('"'):
            key = ""
        for value in re.findall(r'"([^"#]+)"', line.split(":", 1)[1] if m and m.group(1) in CASK_KEYS
                                else line):
            value = value.removesuffix(" ()").strip()
            if key == "launchctl":
                out["launchd"].append(value)
            elif key == "pkgutil":
                out["receipts"].append(value)
            elif key in ("quit", "signal") and "." in value:
                out["bundles"].append(value)
            elif key == "login_item":
                out["names"].append(value)
            elif key in ("delete", "trash") and value.startswith(("/", "~")):
                out["paths"].append(value.rstrip("/"))
    for p in out["paths"]:
        if re.match(r"/Library/Launch(Daemons|Agents)/[^/*]+\.plist$", p):
            out["launchd"].append(p.rsplit("/", 1)[1].removesuffix(".plist"))
        if re.match(r"/Applications/[^/]+\.app$", p):
            out["apps"].append(p.rsplit("/", 1)[1])
    return {"source": f"homebrew-cask Casks/{path.stem[0]}/{path.name} "
                      f"{version.group(1) if version else ''}".strip(),
            "id": token.group(1) if token else path.stem,
            **{k: sorted(set(v)) for k, v in out.items()}}


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
    win = sub.add_parser("winget", help="winget-pkgs *.installer.yaml manifests")
    win.add_argument("manifests", nargs="+", type=Path)
    sc = sub.add_parser("scoop", help="Scoop bucket manifests (*.json)")
    sc.add_argument("manifests", nargs="+", type=Path)
    sc.add_argument("--decoy", nargs="*", type=Path, default=[],
                    help="ordinary programs that must not be flagged")
    ck = sub.add_parser("cask", help="Homebrew Cask definitions (*.rb)")
    ck.add_argument("manifests", nargs="+", type=Path)
    ck.add_argument("--decoy", nargs="*", type=Path, default=[],
                    help="ordinary apps that must not be flagged")
    ch = sub.add_parser("choco", help="Chocolatey package scripts (*.ps1)")
    ch.add_argument("manifests", nargs="+", type=Path)
    args = ap.parse_args(argv)
    data = _load()
    if args.cmd in ("winget", "scoop", "choco", "cask"):
        parse = {"winget": winget, "scoop": scoop, "choco": choco, "cask": cask}[args.cmd]
        records = [{**parse(p), "role": "tool"} for p in args.manifests]
        records += [{**parse(p), "role": "decoy"} for p in getattr(args, "decoy", [])]
        data[args.cmd] = sorted(records, key=lambda r: (r["role"], str(r["id"])))
    if args.cmd == "debian":
        records = [debian(p, "tool") for p in sorted(args.debs)]
        records += [debian(p, "decoy") for p in sorted(args.decoy)]
        data["debian"] = sorted(records, key=lambda r: (r["role"], r["package"]))
    _save(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
