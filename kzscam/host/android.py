"""Android phone evidence over `adb` (from PATH): read-only `pm`, `settings get` and `dumpsys`.

What remote control of a phone needs is visible without root: the app (and who installed it),
an enabled accessibility service (to tap and type for the user), device-administrator rights
(to resist removal), notification/SMS access (to read one-time codes) and an active screen
capture. The parsers are pure functions over command output, tested on recorded outputs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable

from kzscam.host.facts import ANDROID, Collected, Fact, Kind

TIMEOUT = 30.0
SETTINGS = (("enabled_accessibility_services", Kind.ACCESSIBILITY),
            ("enabled_notification_listeners", Kind.NOTIFICATIONS))


class AdbError(Exception):
    """adb is missing, no usable device, or a command failed (message is for the user)."""


def run_adb(adb: str, serial: str | None, args: list[str]) -> str:
    cmd = [adb, *(["-s", serial] if serial else []), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AdbError(f"`adb {' '.join(args)}` failed: {exc}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise AdbError(f"`adb {' '.join(args)}` failed: {detail[0] if detail else proc.returncode}")
    return proc.stdout


# `adb devices` states (adb's transport.cpp); "no permissions" carries its reason in brackets.
STATES = ("no permissions", "unauthorized", "offline", "device", "recovery", "sideload",
          "bootloader", "authorizing", "connecting", "rescue", "host", "unknown")


def parse_devices(text: str) -> dict[str, str]:
    """`adb devices` -> {serial: state} (device, unauthorized, offline, no permissions ...)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith(("List of devices", "*")) or not line.strip():
            continue
        serial, _, rest = line.strip().partition("\t") if "\t" in line else line.strip().partition(" ")
        rest = rest.strip()
        state = next((s for s in STATES if rest.startswith(s)), rest.split(" ", 1)[0])
        if serial and state:
            out[serial] = rest if state == "no permissions" else state
    return out


def pick_device(devices: dict[str, str], serial: str | None) -> str:
    """The one device to audit, or an AdbError saying what the user must do."""
    if serial:
        state = devices.get(serial)
        if state is None:
            raise AdbError(f"device {serial} is not connected (see `adb devices`)")
    else:
        if not devices:
            raise AdbError("no Android device connected: enable USB debugging on the phone, "
                           "connect it and accept the prompt")
        if len(devices) > 1:
            raise AdbError(f"several devices connected ({', '.join(sorted(devices))}); "
                           "name one: --adb SERIAL")
        serial, state = next(iter(devices.items()))
    if state == "unauthorized":
        raise AdbError(f"device {serial} has not authorised this computer: unlock the phone and "
                       "accept the USB debugging prompt")
    if state.startswith("no permissions"):
        raise AdbError(f"device {serial}: this computer may not open the phone's USB connection "
                       "(adb says no permissions): on Linux install the udev rules (Debian/Ubuntu: "
                       "sudo apt install android-sdk-platform-tools-common) and join the plugdev "
                       "group, then reconnect the cable, run `adb kill-server` and accept the USB "
                       "debugging prompt on the phone")
    if state == "offline":
        raise AdbError(f"device {serial} is offline: unlock the phone, reconnect the cable and "
                       "accept the USB debugging prompt")
    if state != "device":
        raise AdbError(f"device {serial} is in {state} mode, not running Android: restart it "
                       "normally and try again")
    return serial


def parse_packages(text: str) -> dict[str, str]:
    """`pm list packages -3 -i` -> {package: installer} ("" = none recorded: sideloaded/adb)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"package:(\S+)(?:.*?\binstaller=(\S+))?", line.strip())
        if m:
            inst = m.group(2) or ""
            out[m.group(1)] = "" if inst == "null" else inst
    return out


def parse_components(text: str) -> list[tuple[str, str]]:
    """`pkg/.Svc:pkg2/cls` (settings value) -> [(package, component)]."""
    value = text.strip()
    if value in ("", "null"):
        return []
    return [(c.split("/", 1)[0], c) for c in value.split(":") if "/" in c]


def parse_admins(text: str) -> list[str]:
    """Packages of active device administrators in `dumpsys device_policy`.

    Android 5+ indents each admin ("pkg/.Receiver:") below its "Enabled Device Admins" header;
    Android 4.x prints them at the header's own indent, so a component line at that depth still
    belongs to the section."""
    admins: list[str] = []
    in_section, indent = False, 0
    component = re.compile(r"([A-Za-z][\w.]*)/[\w.$]+:?$")
    for line in text.splitlines():
        stripped = line.strip()
        depth = len(line) - len(line.lstrip())
        if stripped.startswith(("Enabled Device Admins", "Active admins")):
            in_section, indent = True, depth
            continue
        m = component.match(stripped)
        if in_section and stripped and depth <= indent and not (depth == indent and m):
            in_section = False
        if in_section and m:
            admins.append(m.group(1))
        for m2 in re.finditer(r"admin=ComponentInfo\{([\w.]+)/", line):
            admins.append(m2.group(1))
    return list(dict.fromkeys(admins))


def parse_role_holders(text: str) -> list[str]:
    """`cmd role get-role-holders ROLE` -> packages (one a line; empty when nobody holds it)."""
    return [p for p in re.split(r"[;\s]+", text.strip()) if re.fullmatch(r"[A-Za-z][\w]*(\.[\w]+)+", p)]


def parse_projection(text: str) -> list[str]:
    """Packages capturing the screen now, from `dumpsys media_projection`."""
    return re.findall(r"\(([\w.]+), uid=\d+\): TYPE_SCREEN_CAPTURE", text)


def _fact(kind: Kind, pkg: str, where: str, note: str = "") -> Fact:
    return Fact(kind, pkg, where, ((ANDROID, pkg),), note=note)


def _sms_apps(adb: str, serial: str, shell: Callable[..., str]) -> list[tuple[str, str]]:
    """The default SMS app: a role since Android 10 (the old setting then reads `null`)."""
    try:
        holders = parse_role_holders(run_adb(adb, serial, ["shell", "cmd", "role", "get-role-holders",
                                                           "android.app.role.SMS"]))
    except AdbError:  # Android 9 and older have no `cmd role`
        holders = []
    if holders:
        return [(p, "cmd role get-role-holders android.app.role.SMS") for p in holders]
    sms = shell("settings", "get", "secure", "sms_default_application").strip()
    return [(sms, "settings secure sms_default_application")] if sms and sms != "null" else []


def collect(serial: str | None, adb: str | None = None) -> tuple[str, Collected]:
    """(input name, evidence) of the phone; raises AdbError when it cannot be reached."""
    adb = adb or shutil.which("adb")
    if adb is None:
        raise AdbError("adb not found on PATH: install Android platform-tools")
    serial = pick_device(parse_devices(run_adb(adb, None, ["devices"])), serial)
    out = Collected()

    def shell(*args: str) -> str:
        try:
            return run_adb(adb, serial, ["shell", *args])
        except AdbError as exc:
            out.skipped.append(str(exc))
            return ""

    model = shell("getprop", "ro.product.model").strip()
    for pkg, inst in parse_packages(shell("pm", "list", "packages", "-3", "-i")).items():
        out.facts.append(_fact(Kind.PACKAGE, pkg, "pm list packages", f"installer: {inst}"))
    if shell("settings", "get", "secure", "accessibility_enabled").strip() == "0":
        out.skipped.append("accessibility is switched off: enabled services are not active")
        settings: tuple[tuple[str, Kind], ...] = SETTINGS[1:]
    else:
        settings = SETTINGS
    for name, kind in settings:
        for pkg, comp in parse_components(shell("settings", "get", "secure", name)):
            out.facts.append(_fact(kind, pkg, f"settings secure {name}", comp))
    for pkg, where in _sms_apps(adb, serial, shell):
        out.facts.append(_fact(Kind.SMS, pkg, where))
    for pkg in parse_admins(shell("dumpsys", "device_policy")):
        out.facts.append(_fact(Kind.DEVICE_ADMIN, pkg, "dumpsys device_policy"))
    for pkg in parse_projection(shell("dumpsys", "media_projection")):
        out.facts.append(_fact(Kind.SCREEN_CAPTURE, pkg, "dumpsys media_projection"))
    return f"android:{serial}" + (f" ({model})" if model else ""), out
