"""What collectors saw on a host: the only input of the pure judge.

A collector turns one source (dpkg status, a LaunchDaemons folder, `adb shell settings`, psutil)
into `Fact`s. Each fact carries the identifiers the judge matches against the catalogue as typed
`keys`, e.g. ``("exe", "x11vnc")`` or ``("unit", "anydesk.service")``, plus what a person needs to
check it themselves: the value seen and where it was seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath


class Kind(StrEnum):
    """The kind of evidence; it decides which state (installed, running, ...) a match shows."""

    PACKAGE = "package"  # package-manager record: dpkg, rpm, flatpak, snap, macOS receipt
    APP = "app"  # app bundle, .desktop entry, Windows uninstall entry or Start Menu shortcut
    BINARY = "binary"  # an executable file found by name (bin dirs, /opt, Program Files)
    DOWNLOAD = "download"  # an installer or portable program in Downloads, Desktop or Temp
    PATH = "path"  # a catalogue path that exists (install dir, config, log)
    REMOVED = "removed-package"  # uninstalled package whose configuration files remain
    SERVICE = "service"  # systemd unit, launchd job, Windows service; `active` = starts by itself
    AUTOSTART = "autostart"  # XDG autostart, Run key, Startup folder, scheduled task
    PROCESS = "process"  # a running process
    LISTEN = "listen"  # a listening TCP socket
    LAYOUT = "rustdesk-layout"  # <App>/<App>2.toml config pair of a RustDesk-based build
    RAN = "ran"  # evidence of past execution (Windows Prefetch)
    ACCESSIBILITY = "accessibility"  # Android: enabled accessibility service
    DEVICE_ADMIN = "device-admin"  # Android: active device administrator
    NOTIFICATIONS = "notification-access"  # Android: may read notifications (SMS codes)
    SMS = "sms-default"  # Android: default SMS app
    SCREEN_CAPTURE = "screen-capture"  # Android: capturing the screen right now


# Key types: how a fact's identifiers are matched against catalogue fields. NAME is a program
# file known only by its name (any package may ship a `meshagent` script): it matches the
# catalogue's executables as weak evidence, never enough for a confident finding on its own.
PKG, EXE, UNIT, BUNDLE, APPNAME, PATH, ANDROID, RDAPP, NAME = (
    "pkg", "exe", "unit", "bundle", "app", "path", "android", "rdapp", "name")
PRODUCT = "product"  # Windows uninstall key name (an MSI product code or the vendor's own name)


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing seen on the host; `keys` are (key type, identifier) pairs for matching."""

    kind: Kind
    value: str
    where: str
    keys: tuple[tuple[str, str], ...] = ()
    active: bool = False
    pid: int | None = None
    port: int | None = None
    note: str = ""
    masked: bool = False  # a systemd unit linked to /dev/null or empty: it cannot be started

    def as_json(self) -> dict[str, object]:
        """The evidence item shown to the user (and to their bank)."""
        out: dict[str, object] = {"kind": self.kind.value, "value": self.value, "where": self.where}
        if self.kind in (Kind.SERVICE, Kind.AUTOSTART):
            out["enabled"] = self.active
        if self.masked:
            out["masked"] = True
        if self.pid is not None:
            out["pid"] = self.pid
        if self.port is not None:
            out["port"] = self.port
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class Collected:
    """What one collector returns: facts, and what it could not look at (and why)."""

    facts: list[Fact] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def extend(self, other: Collected) -> None:
        self.facts.extend(other.facts)
        self.skipped.extend(other.skipped)

    def add(self, source: str, part: Callable[[], list[Fact]]) -> None:
        """One source's facts; a source that breaks is skipped alone, never the whole collector."""
        try:
            self.facts += part()
        except Exception as exc:  # hostile trees: recursion, malformed data, odd file systems
            self.skipped.append(f"{source}: not checked ({type(exc).__name__}: {exc})"[:300])


@dataclass(frozen=True)
class HostFacts:
    """Everything the collectors saw on one host (live) or file tree (`--root`)."""

    platform: str
    input: str
    live: bool
    facts: tuple[Fact, ...] = ()
    skipped: tuple[str, ...] = ()


def exe_key(path_or_name: str) -> tuple[str, str]:
    """("exe", basename) of a path or a command word, for matching process and file names."""
    name = path_or_name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip('"')
    return (EXE, name)


def command_exe(command: str) -> str:
    """The program of a command line (`"C:\\x\\AnyDesk.exe" --service` -> AnyDesk.exe).

    Unquoted Windows paths may contain spaces (C:\\Program Files\\...), so they end at `.exe`.
    """
    command = command.strip()
    if command.startswith('"'):
        program = command[1:].split('"', 1)[0]
    elif ".exe" in command.lower():
        program = command[: command.lower().index(".exe") + 4]
    else:
        program = command.split(" ", 1)[0]
    return PurePath(program.replace("\\", "/")).name


def dedupe(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """Drop exact repeats (a file seen through two probes), keeping the first order."""
    return tuple(dict.fromkeys(facts))
