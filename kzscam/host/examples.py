"""The compact host syntax of rule examples, and the runner that fires rules on them.

An example describes what collectors would see on a host, without a real machine:

    [PLATFORM ":"] FACT (";" FACT)*        PLATFORM = linux (default) | macos | windows | android

    package NAME            package-manager record (dpkg/rpm/flatpak/snap; macOS receipt id)
    removed NAME            uninstalled package whose configuration files remain
    app NAME                installed app by display name (uninstall entry, bundle, shortcut)
    bundle ID               macOS app bundle identifier
    binary NAME             executable file in a program folder
    download NAME           installer/portable file in Downloads or on the Desktop
    path PATTERN            a catalogue path that exists (e.g. ~/.config/rustdesk/RustDesk2.toml)
    service NAME [enabled]  systemd unit / launchd label / Windows service ("enabled" = autostart)
    autostart NAME          autostart entry running program NAME
    process NAME            running process
    listen PORT [NAME]      listening TCP socket, owned by process NAME (owner unknown if absent)
    layout APP              RustDesk-style <App>.toml + <App>2.toml config pair
    apk PKG [INSTALLER]     Android app (installer omitted = sideloaded)
    accessibility|admin|notifications|sms|capture PKG     Android grants and screen capture
    allow TOOL              the user's allow_tools contains TOOL

Example: ``linux: package x11vnc; process x11vnc; listen 5900 x11vnc``.
"""

from __future__ import annotations

from kzscam.host.facts import (
    ANDROID,
    APPNAME,
    BUNDLE,
    PATH,
    PKG,
    RDAPP,
    UNIT,
    Fact,
    HostFacts,
    Kind,
    exe_key,
)
from kzscam.host.fs import program_names

PLATFORMS = ("linux", "macos", "windows", "android")
ANDROID_KINDS = {"accessibility": Kind.ACCESSIBILITY, "admin": Kind.DEVICE_ADMIN,
                 "notifications": Kind.NOTIFICATIONS, "sms": Kind.SMS,
                 "capture": Kind.SCREEN_CAPTURE}


def _fact(kind: str, args: list[str], platform: str, pid: int) -> Fact:
    """One FACT of the syntax above."""
    value = args[0]
    where = "example"
    if kind in ("package", "removed"):
        return Fact(Kind.PACKAGE if kind == "package" else Kind.REMOVED, value, where, ((PKG, value),))
    if kind == "app":
        name = " ".join(args)
        return Fact(Kind.APP, name, where, ((APPNAME, name), exe_key(name)))
    if kind == "bundle":
        return Fact(Kind.APP, value, where, ((BUNDLE, value),))
    if kind in ("binary", "download"):
        name = " ".join(args)
        keys = tuple(exe_key(n) for n in sorted(program_names(name, platform == "windows")))
        return Fact(Kind.BINARY if kind == "binary" else Kind.DOWNLOAD, name, where, keys)
    if kind == "path":
        return Fact(Kind.PATH, value, where, ((PATH, value),))
    if kind == "service":
        return Fact(Kind.SERVICE, value, where, ((UNIT, value), exe_key(value)),
                    active="enabled" in args[1:])
    if kind == "autostart":
        return Fact(Kind.AUTOSTART, value, where, (exe_key(value),), active=True)
    if kind == "process":
        return Fact(Kind.PROCESS, value, f"pid {pid}", (exe_key(value),), pid=pid)
    if kind == "listen":
        owner = args[1] if len(args) > 1 else ""
        return Fact(Kind.LISTEN, f"0.0.0.0:{value}", f"pid {pid} ({owner})" if owner else
                    "owner not visible", (exe_key(owner),) if owner else (),
                    pid=pid if owner else None, port=int(value))
    if kind == "layout":
        return Fact(Kind.LAYOUT, value, where, ((RDAPP, value),))
    if kind == "apk":
        note = f"installer: {args[1] if len(args) > 1 else ''}"
        return Fact(Kind.PACKAGE, value, where, ((ANDROID, value),), note=note)
    if kind in ANDROID_KINDS:
        return Fact(ANDROID_KINDS[kind], value, where, ((ANDROID, value),))
    raise ValueError(f"unknown fact kind {kind!r}")


def parse_example(example: str) -> tuple[HostFacts, frozenset[str]]:
    """(facts, allowed tool ids) described by one example string."""
    platform, sep, rest = example.partition(":")
    if not sep or platform.strip() not in PLATFORMS:
        platform, rest = "linux", example
    platform = platform.strip()
    facts: list[Fact] = []
    allow: set[str] = set()
    for i, item in enumerate(p.strip() for p in rest.split(";")):
        kind, _, tail = item.partition(" ")
        args = tail.split()
        if not args:
            raise ValueError(f"fact {item!r} needs a value")
        if kind == "allow":
            allow.add(args[0].lower())
            continue
        facts.append(_fact(kind, args, platform, 1000 + i))
    return HostFacts(platform, "example", True, tuple(facts)), frozenset(allow)


def fired_rules(example: str) -> set[str]:
    """Rule ids that fire on an example host (the runner in kzscam.rules.examples)."""
    from kzscam.engine import get_engine
    from kzscam.host.catalogue import load_catalogue
    from kzscam.host.judge import judge

    facts, allow = parse_example(example)
    result = judge(facts, load_catalogue(), allow)
    hits = [h for r in result.tools for h in r.hits] + list(result.hits)
    return {f.rule_id for f in get_engine().stamp(hits, "en")}
