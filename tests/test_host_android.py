"""Android over adb: parsers on recorded outputs, and the CLI with a fake `adb` on PATH (compromised
phone, clean phone, unauthorised device, several devices, no adb at all)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from kzscam.host import android
from kzscam.host.android import AdbError

ADB = Path(__file__).parent / "fixtures" / "host" / "adb"
READ_ONLY = ("devices", "shell getprop", "shell pm list packages", "shell settings get",
             "shell dumpsys device_policy", "shell dumpsys media_projection",
             "shell cmd role get-role-holders")


@pytest.fixture
def fake_adb(tmp_path: Path) -> Path:
    """A bin dir holding the fake adb (copied so its execute bit is certain)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "adb"
    script.write_text(f"#!{sys.executable}\n" + (ADB / "adb").read_text(encoding="utf-8"),
                      encoding="utf-8")
    script.chmod(0o755)
    return bin_dir


def _env(bin_dir: Path, scenario: str, log: Path) -> dict[str, str]:
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "FAKE_ADB_SCENARIO": str(ADB / scenario), "FAKE_ADB_LOG": str(log)}


def test_parsers_on_recorded_outputs() -> None:
    rec = ADB / "compromised"
    pkgs = android.parse_packages((rec / "shell_pm_list_packages_-3_-i.txt").read_text())
    assert pkgs["kz.halyk.secure.update"] == "com.google.android.packageinstaller"
    assert pkgs["com.anydesk.anydeskandroid"] == "com.android.vending"
    assert android.parse_packages("package:org.x.y installer=null\n") == {"org.x.y": ""}
    comps = android.parse_components(
        (rec / "shell_settings_get_secure_enabled_accessibility_services.txt").read_text())
    assert [p for p, _ in comps] == ["com.anydesk.anydeskandroid", "kz.halyk.secure.update"]
    assert android.parse_components("null\n") == []
    admins = android.parse_admins((rec / "shell_dumpsys_device_policy.txt").read_text())
    assert admins == ["com.google.android.gms", "kz.halyk.secure.update"]
    assert android.parse_admins("Device Owner:\n  admin=ComponentInfo{com.mdm.x/com.mdm.x.R}\n") == [
        "com.mdm.x"]
    assert android.parse_projection((rec / "shell_dumpsys_media_projection.txt").read_text()) == [
        "com.anydesk.anydeskandroid"]
    assert android.parse_projection("Media Projection: \nnull\n") == []


def test_device_choice_says_what_to_do() -> None:
    with pytest.raises(AdbError, match="USB debugging"):
        android.pick_device({}, None)
    with pytest.raises(AdbError, match="accept the USB debugging prompt"):
        android.pick_device({"X1": "unauthorized"}, None)
    with pytest.raises(AdbError, match="name one"):
        android.pick_device({"A": "device", "B": "device"}, None)
    assert android.pick_device({"A": "device", "B": "device"}, "B") == "B"


def test_compromised_phone(fake_adb: Path, tmp_path: Path) -> None:
    log = tmp_path / "adb.log"
    proc = run_cli("audit-host", "--adb", "--format", "json", env=_env(fake_adb, "compromised", log))
    assert proc.returncode == 1, proc.stderr
    host = json.loads(proc.stdout)["results"][0]
    assert host["input"] == "android:R58M12ABCDE (SM-A515F)" and host["platform"] == "android"
    assert host["verdict"] == "dangerous"
    rules = {f["rule_id"] for f in host["findings"]}
    assert {"HOST-AND-003", "HOST-AND-007", "HOST-HOW-004"} <= rules  # accessibility + admin
    anydesk = next(t for t in host["tools"] if t["id"] == "anydesk")
    assert anydesk["state"] == "accessibility" and anydesk["severity"] == "critical"
    assert {"accessibility", "running", "installed"} <= set(anydesk["states"])
    viewer = next(t for t in host["tools"] if t["id"] == "teamviewer")
    assert viewer["verdict"] == "safe" and viewer["findings"][0]["rule_id"] == "HOST-AND-005"
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls and all(c.removeprefix("-s R58M12ABCDE ").startswith(READ_ONLY) for c in calls)


def test_clean_phone_with_serial(fake_adb: Path, tmp_path: Path) -> None:
    proc = run_cli("audit-host", "--adb", "RF8N30XYZ", "--format", "json",
                   env=_env(fake_adb, "clean", tmp_path / "log"))
    assert proc.returncode == 0, proc.stderr
    host = json.loads(proc.stdout)["results"][0]
    assert host["verdict"] == "safe" and host.get("tools", []) == []
    assert any("accessibility is switched off" in s for s in host["skipped"])


@pytest.mark.parametrize(("scenario", "args", "message"), [
    ("unauthorized", [], "accept the USB debugging prompt"),
    ("two", [], "several devices connected"),
    ("clean", ["NOPE123"], "NOPE123 is not connected"),
])
def test_unreachable_phone_is_an_input_error(fake_adb: Path, tmp_path: Path, scenario: str,
                                             args: list[str], message: str) -> None:
    proc = run_cli("audit-host", "--adb", *args, "--format", "json",
                   env=_env(fake_adb, scenario, tmp_path / "log"))
    assert proc.returncode == 3
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["results"][0]["error"]


def test_two_devices_with_serial(fake_adb: Path, tmp_path: Path) -> None:
    proc = run_cli("audit-host", "--adb", "emulator-5554", "--format", "json",
                   env=_env(fake_adb, "two", tmp_path / "log"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["input"].startswith("android:emulator-5554")


def test_no_adb_on_path(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("audit-host", "--adb", env={"PATH": str(empty)})  # python is run by full path
    assert proc.returncode == 3
    assert "adb not found on PATH" in proc.stderr and "Traceback" not in proc.stderr


def _host(fake_adb: Path, tmp_path: Path, scenario: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    proc = run_cli("audit-host", "--adb", "--format", "json",
                   env=_env(fake_adb, scenario, tmp_path / "log"))
    return proc.returncode, json.loads(proc.stdout)["results"][0]


def test_sideloaded_accessibility_is_remote_control(fake_adb: Path, tmp_path: Path) -> None:
    code, host = _host(fake_adb, tmp_path, "stalkerware-a11y")
    assert (code, host["verdict"]) == (1, "suspicious")
    hit = next(f for f in host["findings"] if f["rule_id"] == "HOST-AND-006")
    assert "com.malware.accessibility" in hit["title"]
    assert hit["evidence"][0]["text"] == "accessibility (installer: none recorded (adb or an APK file))"


def test_stalkerware_with_admin_and_notifications_is_dangerous(fake_adb: Path, tmp_path: Path) -> None:
    code, host = _host(fake_adb, tmp_path, "stalkerware")
    assert (code, host["verdict"]) == (1, "dangerous")
    rules = [f["rule_id"] for f in host["findings"]]
    assert "HOST-AND-007" in rules and "HOST-AND-006" not in rules


@pytest.mark.parametrize(("scenario", "tool"), [("tv-addon", "teamviewer"), ("anydesk-plugin", "anydesk")])
def test_vendor_add_on_driving_the_screen(fake_adb: Path, tmp_path: Path, scenario: str, tool: str) -> None:
    code, host = _host(fake_adb, tmp_path, scenario)
    found = next(t for t in host["tools"] if t["id"] == tool)
    assert (code, host["verdict"], found["state"]) == (1, "dangerous", "accessibility")
    assert any(e["kind"] == "accessibility" and ("addon" in e["value"] or "adcontrol" in e["value"])
               for e in found["evidence"])


def test_no_permissions_is_explained(fake_adb: Path, tmp_path: Path) -> None:
    proc = run_cli("audit-host", "--adb", env=_env(fake_adb, "nopermissions", tmp_path / "log"))
    assert proc.returncode == 3 and len(proc.stderr.strip().splitlines()) == 1
    assert "3eefc48f" in proc.stderr and "udev" in proc.stderr and "is no" not in proc.stderr
    assert android.parse_devices((ADB / "nopermissions" / "devices.txt").read_text()) == {
        "3eefc48f": "no permissions (user in plugdev group; are your udev rules wrong?); see "
                    "[http://developer.android.com/tools/device.html]"}


def test_default_sms_app_is_the_role_holder() -> None:
    rec = ADB / "stalkerware" / "shell_cmd_role_get-role-holders_android.app.role.SMS.txt"
    assert android.parse_role_holders(rec.read_text()) == ["com.google.android.apps.messaging"]
    assert android.parse_role_holders("\n") == []


def test_sms_role_read_before_the_null_setting(fake_adb: Path, tmp_path: Path) -> None:
    log = tmp_path / "adb.log"
    run_cli("audit-host", "--adb", env=_env(fake_adb, "stalkerware", log))
    calls = log.read_text(encoding="utf-8").splitlines()
    assert any("cmd role get-role-holders android.app.role.SMS" in c for c in calls)
    assert not any("sms_default_application" in c for c in calls)  # the role answered


def test_android_4_device_admins_at_the_header_indent(fake_adb: Path, tmp_path: Path) -> None:
    text = (ADB / "android4" / "shell_dumpsys_device_policy.txt").read_text()
    assert android.parse_admins(text) == ["com.android.systemupdate.service"]
    code, host = _host(fake_adb, tmp_path, "android4")
    assert (code, host["verdict"]) == (1, "dangerous")
    assert "HOST-AND-007" in [f["rule_id"] for f in host["findings"]]


def test_real_app_list_with_f_droid_is_clean(fake_adb: Path, tmp_path: Path) -> None:
    code, host = _host(fake_adb, tmp_path, "mvt-emulator")
    assert (code, host["verdict"], host.get("tools", [])) == (0, "safe", [])
    from kzscam.host.hostlevel import installer_name
    assert installer_name("org.fdroid.fdroid") == "F-Droid (org.fdroid.fdroid)"
    assert installer_name("com.sec.android.easyMover") == "Samsung Smart Switch (com.sec.android.easyMover)"
