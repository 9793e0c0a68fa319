"""Host-level signals that belong to no known tool: remote-access ports open with an unknown
owner, and Android apps from outside a store holding the powers remote-control malware needs.
Pure functions over facts, used by the judge.
"""

from __future__ import annotations

from collections.abc import Iterable

from kzscam.checks import HostCheck
from kzscam.host.catalogue import Catalogue
from kzscam.host.facts import Fact, Kind
from kzscam.model import Evidence, Hit

# Installers that are app stores; anything else (a browser, a file manager, adb, none) means the
# app was sideloaded, which is how fake "bank" and "support" apps get onto phones.
STORES = frozenset({
    "com.android.vending", "com.huawei.appmarket", "com.sec.android.app.samsungapps",
    "ru.vk.store", "com.xiaomi.market", "com.xiaomi.mipicks", "com.heytap.market",
    "com.oppo.market", "com.bbk.appstore", "com.amazon.venezia", "com.google.android.feedback",
})
ACCESS = {Kind.ACCESSIBILITY: "accessibility", Kind.DEVICE_ADMIN: "device administrator",
          Kind.NOTIFICATIONS: "notification access", Kind.SMS: "default SMS app"}
# Installers that are not a reviewed store but are not an unknown APK either: named in the
# evidence so the user recognises them (the app still counts as installed outside a store).
INSTALLER_NAMES = {
    "org.fdroid.fdroid": "F-Droid", "org.fdroid.basic": "F-Droid Basic",
    "com.aurora.store": "Aurora Store", "com.sec.android.easyMover": "Samsung Smart Switch",
    "com.hihonor.phoneclone": "Honor Device Clone", "com.hicloud.android.clone": "Huawei Phone Clone",
    "com.google.android.packageinstaller": "an APK file (package installer)",
    "com.android.packageinstaller": "an APK file (package installer)",
    "com.android.shell": "adb", "": "none recorded (adb or an APK file)",
}


def installer_name(installer: str) -> str:
    """How the evidence names who installed an app."""
    name = INSTALLER_NAMES.get(installer)
    return f"{name} ({installer})" if name and installer else name or installer


def _sideloaded_check(powers: list[str]) -> str:
    """Accessibility lets an app tap and type for the user (remote control); with device-admin
    (resists removal) or notification access (reads one-time codes) it is a takeover kit."""
    if "accessibility" in powers and {"device administrator", "notification access"} & set(powers):
        return HostCheck.ANDROID_SIDELOADED_TAKEOVER
    if "accessibility" in powers:
        return HostCheck.ANDROID_SIDELOADED_CONTROL
    return HostCheck.ANDROID_SIDELOADED_ACCESS


def listen_ports(catalogue: Catalogue) -> dict[int, list[str]]:
    """Port -> names of tools that listen on it for incoming remote-control connections."""
    ports: dict[int, list[str]] = {}
    for tool in catalogue.tools:
        for port in tool.listen:
            ports.setdefault(port, []).append(tool.name)
    return ports


def installers(facts: Iterable[Fact]) -> dict[str, str]:
    """Android package -> installer ("" when none was recorded: sideloaded or adb)."""
    out: dict[str, str] = {}
    for f in facts:
        if f.kind is Kind.PACKAGE and f.note.startswith("installer: "):
            out[f.value] = f.note.removeprefix("installer: ")
    return out


def host_hits(unmatched: Iterable[Fact], catalogue: Catalogue, facts: Iterable[Fact]) -> tuple[Hit, ...]:
    """Hits for facts that matched no tool but still matter."""
    facts = list(facts)
    ports = listen_ports(catalogue)
    inst = installers(facts)
    hits: list[Hit] = []
    access: dict[str, list[str]] = {}
    for f in facts:  # a live screen capture matters whoever does it
        if f.kind is Kind.SCREEN_CAPTURE:
            hits.append(Hit(HostCheck.ANDROID_SCREEN_CAPTURE, params={"app": f.value}))
    for f in unmatched:
        if f.kind is Kind.LISTEN and f.port in ports:
            seen = f"{f.value}, {f.where}"
            hits.append(Hit(HostCheck.PORT_OPEN, (Evidence(seen, 0, len(seen)),), {
                "port": str(f.port), "tools": ", ".join(sorted(set(ports[f.port]))[:4]),
                "address": f.value}))
        elif f.kind in ACCESS and f.value in inst and inst[f.value] not in STORES:
            access.setdefault(f.value, []).append(ACCESS[f.kind])
    for app, powers in sorted(access.items()):
        what = ", ".join(dict.fromkeys(powers)) + f" (installer: {installer_name(inst[app])})"
        hits.append(Hit(_sideloaded_check(powers), (Evidence(what, 0, len(what)),), {"app": app}))
    return tuple(hits)
