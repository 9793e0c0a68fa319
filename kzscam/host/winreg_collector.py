"""Live Windows registry evidence: uninstall entries, services and Run keys (read-only).

The registry API is passed in (the `winreg` module on Windows, a fake in tests), so this code is
tested on every platform. Every user's hive under HKEY_USERS is read where the rights allow;
keys we may not open are counted into `skipped`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kzscam.host.facts import APPNAME, PRODUCT, UNIT, Collected, Fact, Kind, command_exe, exe_key

UNINSTALL = r"Software\Microsoft\Windows\CurrentVersion\Uninstall"
UNINSTALL_WOW = r"Software\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall"
RUN = (r"Software\Microsoft\Windows\CurrentVersion\Run",
       r"Software\Microsoft\Windows\CurrentVersion\RunOnce",
       r"Software\WOW6432Node\Microsoft\Windows\CurrentVersion\Run")
SERVICES = r"SYSTEM\CurrentControlSet\Services"
AUTO_START = (0, 1, 2)  # boot, system, automatic


class _Reader:
    """Small safe wrapper: missing keys are empty, denied keys are counted."""

    def __init__(self, reg: Any) -> None:
        self.reg = reg
        self.denied = 0

    def _open(self, hive: Any, path: str) -> Any:
        try:
            return self.reg.OpenKey(hive, path)
        except FileNotFoundError:
            return None
        except OSError:
            self.denied += 1
            return None

    def subkeys(self, hive: Any, path: str) -> Iterator[str]:
        key = self._open(hive, path)
        if key is None:
            return
        i = 0
        while True:
            try:
                yield self.reg.EnumKey(key, i)
            except OSError:
                return
            i += 1

    def values(self, hive: Any, path: str) -> dict[str, Any]:
        key = self._open(hive, path)
        out: dict[str, Any] = {}
        i = 0
        while key is not None:
            try:
                name, value, _type = self.reg.EnumValue(key, i)
            except OSError:
                break
            out[name] = value
            i += 1
        return out


def _hives(r: _Reader) -> list[tuple[Any, str, str]]:
    """(hive, prefix, display name) for HKLM and every loaded user hive."""
    out = [(r.reg.HKEY_LOCAL_MACHINE, "", "HKLM")]
    out += [(r.reg.HKEY_USERS, f"{sid}\\", f"HKU\\{sid}") for sid in r.subkeys(r.reg.HKEY_USERS, "")
            if not sid.endswith("_Classes")]
    return out


def _uninstall(r: _Reader) -> list[Fact]:
    facts: list[Fact] = []
    for hive, prefix, shown in _hives(r):
        for base in (UNINSTALL, UNINSTALL_WOW):
            for sub in r.subkeys(hive, prefix + base):
                v = r.values(hive, f"{prefix}{base}\\{sub}")
                name = v.get("DisplayName")
                if not isinstance(name, str) or not name.strip():
                    continue
                keys = [(APPNAME, name), (PRODUCT, sub)]
                icon = v.get("DisplayIcon")
                if isinstance(icon, str) and icon:
                    keys.append(exe_key(command_exe(icon.split(",")[0])))
                facts.append(Fact(Kind.APP, name, f"{shown}\\{base}\\{sub}", tuple(keys)))
    return facts


def _services(r: _Reader) -> list[Fact]:
    facts: list[Fact] = []
    hklm = r.reg.HKEY_LOCAL_MACHINE
    for name in r.subkeys(hklm, SERVICES):
        v = r.values(hklm, f"{SERVICES}\\{name}")
        kind = v.get("Type")
        if isinstance(kind, int) and not kind & 0x30:  # drivers, not services
            continue
        keys = [(UNIT, name)]
        if isinstance(v.get("DisplayName"), str):
            keys.append((UNIT, v["DisplayName"]))
        if isinstance(v.get("ImagePath"), str):
            keys.append(exe_key(command_exe(v["ImagePath"])))
        facts.append(Fact(Kind.SERVICE, name, f"HKLM\\{SERVICES}\\{name}", tuple(keys),
                          v.get("Start") in AUTO_START))
    return facts


def _run_keys(r: _Reader) -> list[Fact]:
    facts: list[Fact] = []
    for hive, prefix, shown in _hives(r):
        for path in RUN:
            for value_name, command in r.values(hive, prefix + path).items():
                if isinstance(command, str):
                    keys = ((APPNAME, value_name), exe_key(command_exe(command)))
                    facts.append(Fact(Kind.AUTOSTART, value_name, f"{shown}\\{path}", keys, True))
    return facts


def collect_registry(reg: Any) -> Collected:
    """Uninstall entries, services and Run keys from a winreg-like API."""
    r = _Reader(reg)
    out = Collected(facts=_uninstall(r) + _services(r) + _run_keys(r))
    if r.denied:
        out.skipped.append(f"{r.denied} registry keys could not be opened; run kzscam as "
                           "administrator to see them")
    return out
