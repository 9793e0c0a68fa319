"""Windows: file evidence from a fixture C:\\ tree (case-insensitive, %VARS% per user, tasks,
Startup, Prefetch), and registry evidence through a fake winreg with the real API's shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_cli

from kzscam.host import windows
from kzscam.host.catalogue import load_catalogue
from kzscam.host.facts import HostFacts, Kind
from kzscam.host.fs import Target, Tree
from kzscam.host.judge import judge
from kzscam.host.winreg_collector import collect_registry

FIXTURE = Path(__file__).parent / "fixtures" / "host" / "windows"


class FakeRegistry:
    """winreg's OpenKey/EnumKey/EnumValue over a dict of 'HIVE\\path' -> values."""

    HKEY_LOCAL_MACHINE = "HKLM"
    HKEY_USERS = "HKU"

    def __init__(self, keys: dict[str, dict[str, Any]], denied: set[str]) -> None:
        self.keys = {k.lower(): (k, v) for k, v in keys.items()}
        self.denied = {d.lower() for d in denied}

    def OpenKey(self, hive: str, path: str) -> str:
        full = f"{hive}\\{path}".rstrip("\\").lower()
        if full in self.denied:
            raise PermissionError(5, "Access is denied")
        if not any(k == full or k.startswith(full + "\\") for k in self.keys):
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return full

    def EnumKey(self, key: str, index: int) -> str:
        names = sorted({real.split("\\")[len(key.split("\\"))] for low, (real, _) in self.keys.items()
                        if low.startswith(key + "\\")} | {d.split("\\")[len(key.split("\\"))]
                                                          for d in self.denied if d.startswith(key + "\\")})
        if index >= len(names):
            raise OSError(259, "No more data is available")
        return names[index]

    def EnumValue(self, key: str, index: int) -> tuple[str, Any, int]:
        values = list(self.keys[key][1].items()) if key in self.keys else []
        if index >= len(values):
            raise OSError(259, "No more data is available")
        return (*values[index], 1)


UNINSTALL = r"Software\Microsoft\Windows\CurrentVersion\Uninstall"
REGISTRY = {
    rf"HKLM\{UNINSTALL}\AnyDesk": {"DisplayName": "AnyDesk",
                                   "DisplayIcon": r'"C:\Program Files (x86)\AnyDesk\AnyDesk.exe",0'},
    rf"HKLM\{UNINSTALL}\{{23170F69-40C1-2702-2301-000001000000}}": {"DisplayName": "7-Zip 23.01 (x64)"},
    r"HKLM\SYSTEM\CurrentControlSet\Services\AnyDesk": {
        "ImagePath": r'"C:\Program Files (x86)\AnyDesk\AnyDesk.exe" --service', "Start": 2, "Type": 16},
    r"HKLM\SYSTEM\CurrentControlSet\Services\TeamViewer": {
        "ImagePath": r"C:\Program Files\TeamViewer\TeamViewer_Service.exe", "Start": 4, "Type": 16},
    r"HKLM\SYSTEM\CurrentControlSet\Services\Tcpip": {
        "ImagePath": r"System32\drivers\tcpip.sys", "Start": 0, "Type": 1},
    r"HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run": {
        "RustDesk": r"C:\Users\anna\AppData\Local\rustdesk\rustdesk.exe --tray",
        "OneDrive": r'"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background'},
    r"HKU\S-1-5-21-1_Classes\x": {},
}


def test_registry_collector_and_judgement() -> None:
    reg = FakeRegistry(REGISTRY, denied={rf"HKU\S-1-5-21-2\{UNINSTALL}", r"HKU\S-1-5-21-2"})
    out = collect_registry(reg)
    services = {f.value: f for f in out.facts if f.kind is Kind.SERVICE}
    assert set(services) == {"AnyDesk", "TeamViewer"}  # the driver is left out
    assert services["AnyDesk"].active and not services["TeamViewer"].active
    assert any("could not be opened" in s for s in out.skipped)
    result = judge(HostFacts("windows", "pc", True, tuple(out.facts)), load_catalogue())
    states = {r.tool.id: r.state for r in result.tools}
    assert states == {"anydesk": "autostart", "teamviewer": "installed", "rustdesk": "autostart"}
    anydesk = next(r for r in result.tools if r.tool.id == "anydesk")
    assert {f.kind for f in anydesk.evidence} == {Kind.SERVICE, Kind.APP}


def test_paths_expand_per_user_and_match_any_case() -> None:
    tree = Tree(str(FIXTURE), windows=True)
    homes = tree.homes("windows")
    assert homes == ["Users/anna"]  # Public is not a person
    assert windows.expand(r"%APPDATA%\AnyDesk", homes) == ["Users/anna/AppData/Roaming/AnyDesk"]
    assert tree.glob("PROGRAM FILES (X86)/AnyDesk/anydesk.EXE") == [
        "program files (x86)/anydesk/AnyDesk.exe"]
    assert tree.show("program files (x86)/AnyDesk") == "C:\\program files (x86)\\anydesk"


def test_file_collector_sources() -> None:
    out = windows.collect(Target("windows", str(FIXTURE), False, load_catalogue().probes("windows")))
    auto = {f.value: f for f in out.facts if f.kind is Kind.AUTOSTART}
    assert auto["SystemHelper"].keys == (("exe", "rutserv.exe"),)
    assert auto["ScheduledDefrag"].keys == (("exe", "defrag.exe"),)
    assert auto["AnyDesk.lnk"].active
    ran = {f.value for f in out.facts if f.kind is Kind.RAN}
    assert ran == {"TEAMVIEWER.EXE", "NOTEPAD.EXE"}
    assert any("registry" in s for s in out.skipped)


def test_cli_on_the_fixture_tree() -> None:
    proc = run_cli("audit-host", "--root", str(FIXTURE), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    host = json.loads(proc.stdout)["results"][0]
    assert host["platform"] == "windows"
    states = {t["id"]: t["state"] for t in host["tools"]}
    assert states == {"anydesk": "autostart", "rms": "autostart", "teamviewer": "installed",
                      "rustdesk": "downloaded", "rustdesk-fork-myhelp": "leftovers"}
    anydesk = next(t for t in host["tools"] if t["id"] == "anydesk")
    assert any(e["where"].endswith("StartUp\\AnyDesk.lnk") for e in anydesk["evidence"])
    assert {f["rule_id"] for f in host["findings"]} == {"HOST-HOW-003"}
