"""Install trees built from real artefacts (scripts/data/artefacts.json): the files a package,
cask or manifest puts on disk, its package-database record, and the links that enable it.

Only names and layout come from the artefacts; file contents are left empty except where the
collector reads them (.desktop Exec= lines) or where emptiness means something: an empty systemd
unit is a masked one (systemd.unit(5)), so units get their [Install] section.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = json.loads((ROOT / "scripts" / "data" / "artefacts.json").read_text(encoding="utf-8"))
HOME = "home/anna"


def _touch(root: Path, rel: str, text: str = "") -> None:
    path = root / rel.lstrip("/")
    if rel.endswith("/"):
        path.mkdir(parents=True, exist_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def debian_records(role: str = "tool") -> list[dict[str, Any]]:
    return [r for r in ARTEFACTS["debian"] if r["role"] == role]


def startable(rec: dict[str, Any]) -> bool:
    """A server that can be enabled on its own (not an add-on such as an X session script)."""
    return bool(rec["units"] or rec["desktop_entries"]
                or any("bin/" in f and not f.endswith("/") for f in rec["files"]))


def debian_tree(root: Path, records: list[dict[str, Any]], enabled: bool = False) -> Path:
    """A Debian root with these packages installed (dpkg status + their files); `enabled` adds
    what `systemctl enable`, `update-rc.d` or the desktop's autostart switch would create."""
    status = []
    _touch(root, f"{HOME}/")
    for rec in records:
        status.append(f"Package: {rec['package']}\nStatus: install ok installed\n")
        for f in rec["files"]:
            entry = next((e for e in rec["desktop_entries"] if f.endswith("/" + e["desktop"])), None)
            unit = rec["units"].get(f.rsplit("/", 1)[-1])
            text = f"[Desktop Entry]\nType=Application\nExec={entry['exec']}\n" if entry else (
                f"[Install]\nWantedBy={' '.join(unit['wanted_by'])}\n" if unit else "")
            _touch(root, f, text)
        if not enabled:
            continue
        linked = False
        for unit, info in rec["units"].items():
            for target in info["wanted_by"]:
                base = "etc/systemd/system" if info["scope"] == "system" else f"{HOME}/.config/systemd/user"
                name = unit.replace("@.", "@:1.")  # a template is enabled as an instance
                _touch(root, f"{base}/{target}.wants/{name}")
                linked = True
        for f in rec["files"]:
            if f.startswith("/etc/init.d/") and not f.endswith("/"):
                _touch(root, f"etc/rc2.d/S01{f.rsplit('/', 1)[1]}")
                linked = True
        programs = [f for f in rec["files"] if "bin/" in f and not f.endswith("/")]
        if not linked and (rec["desktop_entries"] or programs):  # started with the session
            entry = next(iter(rec["desktop_entries"]), None)
            program = entry["exec"] if entry else programs[0]
            _touch(root, f"{HOME}/.config/autostart/{rec['package']}.desktop",
                   f"[Desktop Entry]\nType=Application\nName={rec['package']}\nExec={program}\n")
    _touch(root, "var/lib/dpkg/status", "\n".join(status))
    return root


def windows_records(role: str = "tool") -> list[dict[str, Any]]:
    """winget, Scoop and Chocolatey records (remote-access tools, or ordinary decoy programs)."""
    return [r for kind in ("winget", "scoop", "choco") for r in ARTEFACTS.get(kind, [])
            if r.get("role", "tool") == role]


def real_name(pattern: str) -> str:
    """A download name as a browser saves it: the manifest's version glob filled in."""
    return pattern.replace("*", "1.2.3")


def windows_dir(root: Path, folder: str) -> Path:
    """Where a manifest's install folder lies in a mounted C: drive (user anna)."""
    rel = (folder.replace("\\", "/").replace("%ProgramFiles(x86)%", "Program Files (x86)")
           .replace("%ProgramFiles%", "Program Files").replace("%USERPROFILE%", "Users/anna")
           .replace("C:/", ""))
    return root / rel


def cask_records(role: str = "tool") -> list[dict[str, Any]]:
    return [r for r in ARTEFACTS["cask"] if r["role"] == role]


def _plist(path: Path, data: dict[str, Any]) -> None:
    import plistlib

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plistlib.dumps(data))


def mac_tree(root: Path, rec: dict[str, Any], variant: str = "installed") -> Path:
    """A Mac with one cask installed: its app bundles (bundle id from the cask's `quit`), the
    pkgutil receipts and, for `boot`, its launchd jobs in /Library (RunAtLoad) or, for `user`,
    a login agent in ~/Library/LaunchAgents running the app."""
    (root / "Library").mkdir(parents=True, exist_ok=True)
    (root / "Applications").mkdir(exist_ok=True)
    (root / "Users/anna/Library").mkdir(parents=True, exist_ok=True)
    apps = [a for a in rec["apps"] if not a.endswith("QS.app")] or rec["apps"]
    program = ""
    for app in apps:
        stem = app.removesuffix(".app")
        info: dict[str, Any] = {"CFBundleExecutable": stem, "CFBundleName": stem}
        if rec["bundles"]:
            info["CFBundleIdentifier"] = rec["bundles"][0]
        _plist(root / "Applications" / app / "Contents/Info.plist", info)
        program = program or f"/Applications/{app}/Contents/MacOS/{stem}"
    for receipt in rec["receipts"]:
        _plist(root / "var/db/receipts" / f"{receipt.replace('*', 'pkg')}.plist",
               {"PackageIdentifier": receipt.replace("*", "pkg")})
    if variant == "boot":
        for label in rec["launchd"]:
            label = label.replace("*", "1")
            job = program or f"/Library/Application Support/{rec['id']}/{label}"
            where = "LaunchAgents" if label.endswith(("agent", "user", "gui", "desktop")) else "LaunchDaemons"
            _plist(root / "Library" / where / f"{label}.plist",
                   {"Label": label, "ProgramArguments": [job], "RunAtLoad": True})
    if variant == "user" and program:
        label = f"local.{rec['id']}.login"
        _plist(root / "Users/anna/Library/LaunchAgents" / f"{label}.plist",
               {"Label": label, "ProgramArguments": [program, "--background"], "RunAtLoad": True})
    return root
