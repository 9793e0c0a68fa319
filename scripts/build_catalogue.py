"""Regenerate kzscam/data/remote_access.json from ../shared/data (LOLRMM export + our supplement).

    python scripts/build_catalogue.py [--shared ../shared] [--check]

The output is data only: one entry per tool with the identifiers collectors can see (packages,
executables, services, paths, bundle ids, Android packages), a tier and the weak identifiers. The
curation (tiers, merges, fixes of known errors) is in scripts/catalogue_curation.py, each table
with its reason. `--check` fails when the shipped file is stale.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "kzscam" / "data" / "remote_access.json"
ARTEFACTS = REPO / "scripts" / "data" / "artefacts.json"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalogue_curation import (  # noqa: E402  (a sibling script module)
    ANDROID_FAMILIES,
    ARTEFACT_GENERIC,
    ARTEFACT_TIERS,
    ARTEFACT_TOOLS,
    DROP_FROM,
    DROP_PATHS,
    EXCLUDED,
    GENERIC,
    NEW_TOOLS,
    NOTES,
    RUSTDESK_APPS,
    SUPPLEMENT_DROP,
    TIERS,
    TYPOS,
    VIEWER_LABEL,
)


def _ok_name(value: str) -> bool:
    """Reject placeholders, hashes, regex fragments and sentences LOLRMM has in name fields."""
    v = value.strip()
    if not v or v.lower() in GENERIC or re.search(r"[<>{}\[\]']", v):
        return False
    if re.fullmatch(r"[0-9a-fA-F]{40}", v) or (" " in v and "." not in v):
        return False
    return len(v.split()) <= 4


def _fix(value: str) -> str:
    for bad, good in TYPOS.items():
        value = value.replace(bad, good)
    return value


def _clean_win_path(p: str) -> str | None:
    p = re.sub(r"<[^>]+>", "*", re.sub(r"\\+", r"\\", _fix(p.strip())))
    parts = p.split("\\")
    if p in DROP_PATHS or any(c == "d" or c.startswith(".") or "[" in c for c in parts):
        return None
    var = re.match(r"%([^%]+)%", p)
    known = {"appdata", "localappdata", "programdata", "programfiles", "programfiles(x86)",
             "temp", "userprofile", "systemroot", "windir", "public"}
    if var and var.group(1).lower() not in known:
        return None
    return p


def _is_trace(path: str) -> bool:
    """Per-user, temp or log files show a tool ran once; they are leftovers, not an install."""
    low = path.lower()
    return (low.startswith(("~", "/tmp", "/var/log", "%appdata%", "%localappdata%", "%temp%",
                            "%userprofile%", "c:\\users\\", "/system/volumes/data/users"))
            or re.search(r"\.(log|trace|txt|db|evtx)$|\\logs?\\|/logs?/", low) is not None)


def _entry(tool_id: str, name: str) -> dict[str, Any]:
    return {"id": tool_id, "name": name, "tier": "other", "nbk": False, "lolrmm": [], "names": [],
            "linux": {}, "macos": {}, "windows": {}, "android": {}, "listen": [], "weak": []}


def _add(entry: dict[str, Any], platform: str, field: str, value: str) -> str:
    if platform == "windows":  # case-insensitive there: one spelling per value, %VARS% upper-case
        value = re.sub(r"%([^%]+)%", lambda m: f"%{m.group(1).upper()}%", value)
    values = entry[platform].setdefault(field, [])
    if value and value.lower() not in {v.lower() for v in values}:
        values.append(value)
    return value


def _add_path(entry: dict[str, Any], platform: str, path: str) -> str:
    if path.endswith(("\\*", "/*")):  # "dir\*" means the directory exists
        path = path[:-2]
    path = path.rstrip("\\/") or path
    if platform == "windows" and re.fullmatch(r"(\*\\)+[^\\*]+\.(exe|msi)", path, re.I):
        return _add(entry, "windows", "exe", path.rsplit("\\", 1)[1])  # "*\x.exe": an executable
    field = "traces" if _is_trace(path) else "paths"
    if field == "traces" and path.lower() in {p.lower() for p in entry[platform].get("paths", [])}:
        return path
    return _add(entry, platform, field, path)


def _merge_lolrmm(entry: dict[str, Any], t: dict[str, Any]) -> None:
    entry["lolrmm"].append(t["id"])
    entry.setdefault("website", t.get("website"))
    clean_name = re.sub(r"\s*\(.*\)$", "", t["name"]).strip().lower()
    if len(clean_name) >= 4 and clean_name not in GENERIC and clean_name not in entry["names"]:
        entry["names"].append(clean_name)
    drop = DROP_FROM.get(t["id"], set())
    for os_name, exes in t["executables"].items():
        for exe in map(_fix, exes):
            if exe in drop or not _ok_name(exe):
                continue
            if exe.lower().endswith((".exe", ".msi", ".com", ".mst")):
                _add(entry, "windows", "exe", exe)
            elif "." not in exe and os_name == "unknown":
                _add(entry, "linux", "exe", exe)
                _add(entry, "macos", "exe", exe)
    for os_name, paths in t["installation_paths"].items():
        for p in paths:
            if p in drop:
                continue
            if os_name == "windows" and ("\\" in p or "%" in p):
                if (cp := _clean_win_path(p)) is not None:
                    _add_path(entry, "windows", cp)
            elif os_name in ("linux", "macos") and p.startswith(("/", "~")) and p not in DROP_PATHS:
                _add_path(entry, os_name, p)
    for art in t["disk_artifacts"]:
        for os_name in art["os"]:
            p = art["path"]
            if os_name == "windows" and (cp := _clean_win_path(p)) is not None and "\\" in cp:
                _add_path(entry, "windows", cp)
            elif os_name in ("linux", "macos") and p.startswith(("/", "~")) and p not in DROP_PATHS:
                _add_path(entry, os_name, p)
    for svc in t["services"]:
        if not _ok_name(svc["name"]) or svc["name"].lower() in GENERIC:
            continue
        field = {"windows": "services", "linux": "units", "macos": "launchd"}[svc["os"]]
        _add(entry, svc["os"], field, svc["name"])


def _supplement_value(entry: dict[str, Any], platform: str, field: str, fact: dict[str, Any]) -> None:
    """Add one supplement fact where a collector will see it; weak facts are marked by value."""
    v = fact["v"]
    if not isinstance(v, str) or v in SUPPLEMENT_DROP or fact.get("kind") == "registry":
        return
    v = re.sub(r"\s+\((?!<)[^)]*\s[^)]*\)$", "", v)  # "/etc/xrdp/ (port=3389 ...)" -> path
    if platform == "linux" and field in ("paths", "services") and "/" not in v:
        final = _add(entry, "linux", "units", re.sub(r"@:?<[^>]+>", "@", v))
    elif field == "paths" or (platform == "macos" and field == "apps"):
        p = v if "/" in v or "\\" in v else f"/Applications/{v}"
        final = _add_path(entry, platform, re.sub(r"<[^>]+>", "*", p))
        if p.endswith(".app"):
            stem = p.rsplit("/", 1)[-1][:-4]
            _add(entry, "macos", "exe", stem)
            if stem.lower() not in entry["names"]:
                entry["names"].append(stem.lower())
    elif platform == "linux" and field == "processes":
        final = _add(entry, "linux", "exe", v)
    elif platform == "macos" and field == "launchd":
        final = _add(entry, "macos", "launchd", v.rsplit("/", 1)[-1].removesuffix(".plist"))
    else:
        target = {"packages": "packages", "bundle_ids": "bundles", "pkg_receipts": "receipts",
                  "exe": "exe", "services": "services"}[field]
        final = _add(entry, platform, target, re.sub(r"<[^>]+>", "*", v))
    if fact["st"] != "verified":
        entry["weak"].append(final)


def _from_supplement(s: dict[str, Any], lolrmm: dict[str, dict[str, Any]]) -> dict[str, Any]:
    entry = _entry(s["id"], re.sub(r"\s*\(.*\)$", "", s["name"]).strip())
    entry["nbk"] = bool(s.get("nbk_named"))
    entry["tier"] = next((k for k, ids in TIERS.items() if s["id"] in ids), "admin")
    entry["names"].append(entry["name"].lower())
    for platform in ("linux", "macos", "windows"):
        for field, facts in (s.get(platform) or {}).items():
            for fact in facts:
                _supplement_value(entry, platform, field, fact)
    for fact in s.get("android", []):
        if fact["v"] in SUPPLEMENT_DROP:
            continue
        role = "viewer" if VIEWER_LABEL.search(fact.get("label", "")) else "controlled"
        entry["android"].setdefault(role, []).append(fact["v"])
        if fact["st"] != "verified":
            entry["weak"].append(fact["v"])
    entry["listen"] = sorted({f["v"] for f in s.get("ports", []) if f.get("dir") == "listen"})
    entry["weak"] += [str(f["v"]) for f in s.get("ports", [])
                      if f.get("dir") == "listen" and f["st"] != "verified"]
    if s["id"] in RUSTDESK_APPS:
        entry["rustdesk"] = RUSTDESK_APPS[s["id"]]
    for lid in s["lolrmm_ids"]:
        _merge_lolrmm(entry, lolrmm[lid])
    return entry


def _own_identifiers(entries: list[dict[str, Any]], supplement_ids: set[str]) -> None:
    """An executable the research gives to one tool is removed from other tools' lists (as are
    globs matching it: LOLRMM's generic `vnc` entry lists UltraVNC's winvnc*.exe)."""
    owner: dict[str, str] = {}
    for e in entries:
        if e["id"] in supplement_ids:
            for exe in e["windows"].get("exe", []):
                owner.setdefault(exe.lower(), e["id"])
    for e in entries:
        win = e["windows"]
        if "exe" in win:  # exact names and globs that would match another tool's executable
            win["exe"] = [x for x in win["exe"] if all(
                tool == e["id"] for name, tool in owner.items() if fnmatch.fnmatch(name, x.lower()))]


def _tool_entry(entries: list[dict[str, Any]], tool_id: str) -> dict[str, Any]:
    """The entry of `tool_id`, created from NEW_TOOLS when no other source knows the tool."""
    for e in entries:
        if e["id"] == tool_id:
            return e
    name, tier, website = NEW_TOOLS[tool_id]
    entry = _entry(tool_id, name)
    entry.update(tier=tier, website=website, names=[name.split(" (")[0].lower()])
    entries.append(entry)
    return entry


def _debian_facts(entry: dict[str, Any], rec: dict[str, Any]) -> None:
    """Package name, its programs, units, init scripts and own /etc entries."""
    stem = rec["package"].split("-")[0].lower()
    _add(entry, "linux", "packages", rec["package"])
    for f in rec["files"]:
        parts = f.strip("/").split("/")
        if re.match(r"/usr/(s?bin|libexec)/[^/]+$", f):
            _add(entry, "linux", "exe", parts[-1])
        elif re.match(r"/((usr/)?lib/systemd/(system|user)|etc/init\.d)/[^/]+$", f):
            _add(entry, "linux", "units", parts[-1])
        elif parts[0] == "etc" and len(parts) == 2 and (stem in parts[1].lower()
                                                         or parts[1].lower() in stem):
            _add(entry, "linux", "paths", "/" + "/".join(parts))


def _windows_facts(entry: dict[str, Any], rec: dict[str, Any]) -> None:
    """Installer/download names, programs, uninstall product codes and names, install folders."""
    for name in rec["downloads"] + [e for e in rec.get("exe", []) if "viewer" not in e.lower()]:
        if name.lower() not in ARTEFACT_GENERIC and name.lower().endswith((".exe", ".msi", ".zip")):
            _add(entry, "windows", "exe", name)
    for code in rec.get("products", []):
        _add(entry, "windows", "products", code)
    for name in rec.get("display_names", []):
        if name.lower() not in entry["names"]:
            entry["names"].append(name.lower())
    for folder in rec["install_dirs"]:
        _add(entry, "windows", "paths", folder)


def _cask_facts(entry: dict[str, Any], rec: dict[str, Any]) -> None:
    """App bundles, bundle ids, launchd labels, receipts, installer names and paths of a cask."""
    for app in rec["apps"]:
        _add(entry, "macos", "paths", f"/Applications/{app}")
        _add(entry, "macos", "exe", app.removesuffix(".app"))
    for field, values in (("bundles", rec["bundles"]), ("launchd", rec["launchd"]),
                          ("receipts", rec["receipts"]), ("exe", rec["downloads"] + rec["pkgs"])):
        for value in values:
            _add(entry, "macos", field, value)
    for path in rec["paths"]:
        if not path.startswith("/Library/Launch"):  # the jobs are matched by label
            _add_path(entry, "macos", path)
    for name in [*rec["names"], *(a.removesuffix(".app") for a in rec["apps"])]:
        if name.isascii() and name.lower() not in entry["names"]:
            entry["names"].append(name.lower())


def _merge_artefacts(entries: list[dict[str, Any]], artefacts: dict[str, Any]) -> None:
    """Facts read from real packages, casks and manifests, each tool naming its sources."""
    for kind, owners in ARTEFACT_TOOLS.items():
        for rec in artefacts.get(kind, []):
            key = rec.get("package") or rec.get("id")
            if rec.get("role", "tool") != "tool" or key not in owners:
                continue
            entry = _tool_entry(entries, owners[key])
            if kind == "debian":
                _debian_facts(entry, rec)
            elif kind in ("winget", "scoop", "choco"):
                _windows_facts(entry, rec)
            elif kind == "cask":
                _cask_facts(entry, rec)
            entry.setdefault("sources", []).append(rec["source"])
    for tool_id, tier in ARTEFACT_TIERS.items():
        _tool_entry(entries, tool_id)["tier"] = tier
    for tool_id, (packages, source) in ANDROID_FAMILIES.items():
        entry = _tool_entry(entries, tool_id)
        entry["android"].setdefault("controlled", []).extend(packages)
        entry.setdefault("sources", []).append(source)


def build(shared: Path) -> dict[str, Any]:
    """The catalogue as a JSON-ready dict (deterministic for a given input)."""
    data = shared / "data"
    lol = json.loads((data / "lolrmm_tools.json").read_text(encoding="utf-8"))
    sup = json.loads((data / "remote_access_supplement.json").read_text(encoding="utf-8"))
    by_id = {t["id"]: t for t in lol["tools"]}
    entries = [_from_supplement(s, by_id) for s in sup["tools"]]
    taken = {lid for s in sup["tools"] for lid in s["lolrmm_ids"]} | EXCLUDED
    groups: dict[str, list[dict[str, Any]]] = {}
    for t in sorted(lol["tools"], key=lambda t: t["id"]):
        if t["id"] not in taken:
            groups.setdefault(t["name"].strip().lower(), []).append(t)
    for members in sorted(groups.values(), key=lambda m: m[0]["id"]):
        slug = re.sub(r"[^a-z0-9_.-]", "", members[0]["id"].lower())  # "i'm_intouch"
        entry = _entry(slug, members[0]["name"].strip())
        for t in members:
            _merge_lolrmm(entry, t)
        entries.append(entry)
    ard = next(e for e in entries if e["id"] == "apple_remote_desktop")
    ard.update(tier="builtin", macos={"exe": ["ARDAgent"]})  # ARDAgent.app ships with macOS
    _own_identifiers(entries, {s["id"] for s in sup["tools"]})
    if ARTEFACTS.exists():
        _merge_artefacts(entries, json.loads(ARTEFACTS.read_text(encoding="utf-8")))
    for e in entries:
        for key in ("linux", "macos", "windows", "android"):
            e[key] = {k: v for k, v in sorted(e[key].items()) if v}
        e["weak"] = sorted(set(e["weak"]))
        if "sources" in e:
            e["sources"] = sorted(set(e["sources"]))
    tools = [{k: v for k, v in e.items() if v not in ({}, [], None) or k in ("nbk",)} for e in entries]
    return {
        "schema_version": 1,
        "about": "Remote-access tools kzscam audit-host looks for. Generated by "
                 "scripts/build_catalogue.py; do not edit by hand.",
        "license": "Contains data derived from LOLRMM (Apache-2.0): see LOLRMM-LICENSE.txt and "
                   "LOLRMM-NOTICE.txt in this directory.",
        "sources": {"lolrmm": {k: lol["source"][k] for k in ("repository", "commit", "commit_date")},
                    "supplement": "kzscam research (remote_access_supplement.json), facts marked "
                                  "third_party/unverified are listed in each tool's `weak`"},
        "cleaning": NOTES,
        "tool_count": len(tools),
        "tools": tools,
    }


def render(catalogue: dict[str, Any]) -> str:
    """JSON with one tool per line: small diffs when the sources change."""
    head = {k: v for k, v in catalogue.items() if k != "tools"}
    lines = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    tools = ",\n".join("  " + json.dumps(t, ensure_ascii=False, sort_keys=False) for t in catalogue["tools"])
    return f'{lines},\n "tools": [\n{tools}\n ]\n}}\n'


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--check", action="store_true", help="fail if the shipped file is stale")
    args = ap.parse_args(argv)
    text = render(build(args.shared))
    if args.check:
        stale = not OUT.exists() or OUT.read_text(encoding="utf-8") != text
        print(f"{OUT}: {'stale, run scripts/build_catalogue.py' if stale else 'up to date'}")
        return 1 if stale else 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
