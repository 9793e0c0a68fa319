"""audit-host --root on Windows disks laid out from winget, Scoop and Chocolatey manifests (install
folders, real download names, uninstall entries) and from registry hives (services, Run keys)."""

from __future__ import annotations

from pathlib import Path

import pytest
from artefact_trees import real_name, windows_dir, windows_records
from regf import write_hive

from kzscam.api import audit_host
from kzscam.host.catalogue import load_catalogue

RECORDS = windows_records()
CONFIG = "Windows/System32/config"
UNINSTALL = ("Microsoft", "Windows", "CurrentVersion", "Uninstall")


def _owner(record: dict) -> str:  # type: ignore[type-arg]
    """The catalogue tool that lists this record as a source."""
    return next(t.id for t in load_catalogue().tools if record["source"] in _sources(t.id))


def _sources(tool_id: str) -> list[str]:
    import json
    from importlib import resources
    data = json.loads(resources.files("kzscam").joinpath("data/remote_access.json").read_text("utf-8"))
    return next(t.get("sources", []) for t in data["tools"] if t["id"] == tool_id)


def _disk(root: Path) -> Path:
    for d in ("Windows/System32", "Program Files", "Users/anna/Downloads"):
        (root / d).mkdir(parents=True, exist_ok=True)
    return root


def _tools(root: Path) -> dict[str, tuple[str, str]]:
    report = audit_host(root=root, platform="windows")
    return {p.details["id"]: (p.verdict.label, p.details["state"]) for p in report.parts}


def _nested(path: tuple[str, ...], leaf: dict) -> dict:  # type: ignore[type-arg]
    for part in reversed(path):
        leaf = {part: leaf}
    return leaf


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_every_real_download_name_is_flagged(tmp_path: Path, record: dict) -> None:  # type: ignore[type-arg]
    tool = _owner(record)
    for name in record["downloads"]:
        if name.lower() == "update.msi":  # TeamViewer's MSI inside its zip: not a download
            continue
        root = _disk(tmp_path / name.replace("*", "x"))
        (root / "Users/anna/Downloads" / real_name(name)).write_bytes(b"MZ")
        assert _tools(root).get(tool) == ("suspicious", "downloaded"), name


@pytest.mark.parametrize("record", [r for r in RECORDS if r["install_dirs"]],
                         ids=[r["id"] for r in RECORDS if r["install_dirs"]])
def test_default_install_folder_is_found(tmp_path: Path, record: dict) -> None:  # type: ignore[type-arg]
    tool = _owner(record)
    for folder in record["install_dirs"]:
        root = _disk(tmp_path / str(abs(hash(folder))))
        target = windows_dir(root, folder)
        target.mkdir(parents=True)
        for exe in record.get("exe", []):
            (target / "current" / exe).parent.mkdir(exist_ok=True)
            (target / "current" / exe).write_bytes(b"MZ")
        assert _tools(root).get(tool) == ("suspicious", "installed"), folder


@pytest.mark.parametrize("record", [r for r in RECORDS if r.get("products")],
                         ids=[r["id"] for r in RECORDS if r.get("products")])
def test_uninstall_entry_in_the_software_hive(tmp_path: Path, record: dict) -> None:  # type: ignore[type-arg]
    """An installer's Programs-and-Features entry: its product code names the tool even when
    its display name (not in the manifest) is unknown."""
    tool = _owner(record)
    root = _disk(tmp_path)
    entries = {code: {"DisplayName": f"Program {i}", "Publisher": "x"}
               for i, code in enumerate(record["products"])}
    write_hive(root / CONFIG / "SOFTWARE", _nested(UNINSTALL, entries), "SOFTWARE")
    assert _tools(root).get(tool) == ("suspicious", "installed")


SERVICES = {  # the services these tools install (name, program), as in their catalogue entries
    "anydesk": ("AnyDesk", r'"C:\Program Files (x86)\AnyDesk\AnyDesk.exe" --service'),
    "teamviewer": ("TeamViewer", r'"C:\Program Files\TeamViewer\TeamViewer_Service.exe"'),
    "rustdesk": ("RustDesk", r'"C:\Program Files\RustDesk\rustdesk.exe" --service'),
    "tightvnc": ("tvnserver", r'"C:\Program Files\TightVNC\tvnserver.exe" -service'),
    "realvnc": ("vncserver", r'"C:\Program Files\RealVNC\VNC Server\vncserver.exe" -service'),
    "chrome_remote_desktop": ("chromoting", r'"C:\Program Files (x86)\Google\Chrome Remote Desktop'
                                            r'\154.0.8037.40\remoting_host.exe" --type=daemon'),
    "ultravnc": ("uvnc_service", r'"C:\Program Files\uvnc bvba\UltraVNC\winvnc.exe" -service'),
}


def _system(root: Path, services: dict) -> None:  # type: ignore[type-arg]
    write_hive(root / CONFIG / "SYSTEM", {"Select": {"Current": 2, "Default": 2},
                                          "ControlSet002": {"Services": services}})


@pytest.mark.parametrize("tool", sorted(SERVICES))
def test_service_enabled_in_the_offline_system_hive_is_dangerous(tmp_path: Path, tool: str) -> None:
    name, image = SERVICES[tool]
    on, off = _disk(tmp_path / "on"), _disk(tmp_path / "off")
    _system(on, {name: {"Start": 2, "Type": 16, "ImagePath": image}})
    _system(off, {name: {"Start": 3, "Type": 16, "ImagePath": image}})
    assert _tools(on)[tool] == ("dangerous", "autostart")
    assert _tools(off)[tool] == ("suspicious", "installed")


def test_run_key_in_a_users_ntuser_dat(tmp_path: Path) -> None:
    root = _disk(tmp_path)
    run = ("Software", "Microsoft", "Windows", "CurrentVersion", "Run")
    write_hive(root / "Users/anna/NTUSER.DAT",
               _nested(run, {"RustDesk": r'"C:\Users\anna\Downloads\rustdesk-1.4.6-x86_64.exe" --tray'}),
               "NTUSER.DAT")
    assert _tools(root)["rustdesk"] == ("dangerous", "autostart")


def test_ordinary_services_and_a_damaged_hive(tmp_path: Path) -> None:
    root = _disk(tmp_path)
    _system(root, {"Spooler": {"Start": 2, "Type": 272, "ImagePath": r"%SystemRoot%\System32\spoolsv.exe"},
                   "TermService": {"Start": 3, "Type": 32,
                                   "ImagePath": r"%SystemRoot%\System32\svchost.exe -k NetworkService"}})
    (root / CONFIG / "SOFTWARE").write_bytes(b"regf" + b"\xff" * 600)
    report = audit_host(root=root, platform="windows")
    assert report.parts == () and report.verdict.label == "safe"
    assert any("SOFTWARE: not a readable registry hive" in s for s in report.details["skipped"])


def test_quicksupport_running_from_temp(tmp_path: Path) -> None:
    root = _disk(tmp_path)
    qs = root / "Users/anna/AppData/Local/Temp/TeamViewer"
    qs.mkdir(parents=True)
    (qs / "TeamViewer.exe").write_bytes(b"MZ")
    assert _tools(root)["teamviewer"] == ("suspicious", "downloaded")




def test_ordinary_programs_from_their_manifests_are_not_flagged(tmp_path: Path) -> None:
    """VLC, Notepad++, Firefox, VS Code, PuTTY, WinSCP, Telegram, KeePassXC, OBS, FileZilla and
    the mRemoteNG client: downloads, Scoop folders and programs, all at once."""
    decoys = windows_records("decoy")
    assert {"vlc", "notepadplusplus", "firefox", "mremoteng"} <= {r["id"] for r in decoys}
    root = _disk(tmp_path)
    for record in decoys:
        for name in record["downloads"]:
            (root / "Users/anna/Downloads" / real_name(name)).write_bytes(b"MZ")
        for folder in record["install_dirs"]:
            target = windows_dir(root, folder) / "current"
            target.mkdir(parents=True)
            for exe in record["exe"]:
                (target / exe).write_bytes(b"MZ")
    assert _tools(root) == {}


TASK = """<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger></Triggers>
  <Settings><Enabled>true</Enabled></Settings>
  <Actions Context="Author"><Exec><Command>"{command}"</Command></Exec></Actions>
</Task>
"""


EXE_RECORDS = [r for r in RECORDS if any(n.lower().endswith(".exe") for n in r["downloads"])]


@pytest.mark.parametrize("record", EXE_RECORDS, ids=[r["id"] for r in EXE_RECORDS])
def test_download_started_at_logon_is_dangerous(tmp_path: Path, record: dict) -> None:  # type: ignore[type-arg]
    """The autostart variants: a scheduled task, or a Startup-folder shortcut, running the file
    (MSI-only tools start through their service: see the SYSTEM hive tests)."""
    tool = _owner(record)
    name = next(real_name(n) for n in record["downloads"] if n.lower().endswith(".exe"))
    task, startup = _disk(tmp_path / "task"), _disk(tmp_path / "startup")
    command = rf"C:\Users\anna\Downloads\{name}"
    (task / "Windows/System32/Tasks").mkdir(parents=True)
    (task / "Windows/System32/Tasks" / "Updater").write_bytes(
        TASK.format(command=command).encode("utf-16"))
    menu = startup / "Users/anna/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup"
    menu.mkdir(parents=True)
    (menu / f"{name.rsplit('.', 1)[0]}.lnk").write_bytes(b"L\0\0\0")
    assert _tools(task).get(tool) == ("dangerous", "autostart")
    assert _tools(startup).get(tool) == ("dangerous", "autostart")
