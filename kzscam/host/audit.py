"""Run the collectors for a platform and judge what they saw: the one entry point of audit-host.

`COLLECTORS` is the explicit registry (a test checks every platform is wired). A collector that
fails is reported in `skipped` and the others still run: a partial audit beats none.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable

from kzscam.host import linux, macos, procs, windows
from kzscam.host.catalogue import Catalogue
from kzscam.host.facts import Collected, HostFacts, dedupe
from kzscam.host.fs import Target, Tree

Collector = Callable[[Target], Collected]


def winreg_live(target: Target) -> Collected:
    """Registry evidence, only on a live Windows host (offline trees have hives, not a registry)."""
    if not target.live or sys.platform != "win32":
        return Collected()
    import winreg

    from kzscam.host.winreg_collector import collect_registry

    return collect_registry(winreg)


COLLECTORS: dict[str, tuple[Collector, ...]] = {
    "linux": (linux.collect, procs.collect),
    "macos": (macos.collect, procs.collect),
    "windows": (windows.collect, winreg_live, procs.collect),
}


def live_platform() -> str:
    """The platform of this computer, in catalogue terms."""
    if sys.platform == "win32":
        return "windows"
    return "macos" if sys.platform == "darwin" else "linux"


def guess_platform(root: str) -> str:
    """Which OS a mounted disk or extracted tree holds, from its top-level layout."""
    tree = Tree(root, windows=True)
    if tree.glob("Windows/System32") or tree.glob("Program Files"):
        return "windows"
    if tree.glob("Applications") and tree.glob("Library"):
        return "macos"
    return "linux"


def run(collectors: tuple[Collector, ...], target: Target) -> Collected:
    """Every collector, each isolated from the others' failures."""
    out = Collected()
    for collect in collectors:
        try:
            out.extend(collect(target))
        except Exception as exc:
            out.skipped.append(f"{collect.__module__.rsplit('.', 1)[-1]}: failed ({exc!r})")
    return out


def gather(catalogue: Catalogue, root: str | None = None, platform: str | None = None) -> HostFacts:
    """Facts of this computer (root None) or of a file tree (offline: no processes)."""
    live = root is None
    platform = platform or (live_platform() if live else guess_platform(str(root)))
    if live:
        root = (os.environ.get("SYSTEMDRIVE", "C:") + "\\") if platform == "windows" else "/"
    target = Target(platform, str(root), live, catalogue.probes(platform))
    got = run(COLLECTORS[platform], target)
    name = socket.gethostname() if live else str(root)
    return HostFacts(platform, name, live, dedupe(got.facts), tuple(dict.fromkeys(got.skipped)))


def gather_android(serial: str | None) -> HostFacts:
    """Facts of the phone reached over adb; AdbError when it cannot be reached."""
    from kzscam.host import android

    name, got = android.collect(serial)
    return HostFacts("android", name, True, dedupe(got.facts), tuple(dict.fromkeys(got.skipped)))
