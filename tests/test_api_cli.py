"""The API and the command line give the same report for the same input, for every command.

Each case runs `kzscam <command> -f jsonl` as a user would and compares every line with the API's
report through the same JSON encoder. A command that rebuilt its own pipeline would drift from
the API (an 80-frame animation without a code was once "safe" through the API only).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from PIL import Image

from kzscam import api
from kzscam.model import Report, Verdict
from kzscam.output.jsonout import result_dict

FIXTURES = ROOT / "tests" / "fixtures"
MESSAGES = (ROOT / "examples" / "messages.txt").read_text(encoding="utf-8").splitlines()


def _cli(*args: str) -> list[dict[str, object]]:
    proc = run_cli(*args, "--format", "jsonl")
    assert proc.returncode in (0, 1), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _same(cli: list[dict[str, object]], reports: list[Report]) -> None:
    assert cli == [json.loads(json.dumps(result_dict(r), ensure_ascii=False)) for r in reports]


def blank_animation(path: Path, frames: int = 80) -> Path:
    """A real GIF of `frames` distinct blank frames (the loader samples 32 of them)."""
    images = [Image.new("L", (64, 64), 255 - i) for i in range(frames)]
    images[0].save(path, save_all=True, append_images=images[1:], duration=40)
    return path


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_check_text(lang: str) -> None:
    texts = [t for t in MESSAGES if t.strip()][:6]
    cli = _cli("check-text", "--lang", lang, *texts)
    _same(cli, [api.check_text(t, lang=lang, name=f"arg{i}") for i, t in enumerate(texts, 1)])


def test_check_url() -> None:
    urls = ["https://homebank.kz/ru/help/limits-and-tariffs-for-cards",
            "http://kaspi-bank.kz.login-verify.top/", "hxxps://bit[.]ly/x"]
    cli = _cli("check-url", *urls)
    assert len(cli) == len(urls)
    # The command undefangs a pasted link first and records what was given.
    given = ["https://homebank.kz/ru/help/limits-and-tariffs-for-cards",
             "http://kaspi-bank.kz.login-verify.top/", "https://bit.ly/x"]
    reports = [api.check_url(u, name=u) for u in given]
    assert cli[2].pop("given") == urls[2]
    _same(cli, reports)


def test_scan_qr_sampled_animation_is_not_safe_either_way(tmp_path: Path) -> None:
    gif = blank_animation(tmp_path / "blank.gif")
    report = api.scan_qr(gif)
    assert report.verdict == Verdict.CAUTION
    assert {f.rule_id for f in report.findings} == {"QR-NONE-001", "QR-NONE-002"}
    _same(_cli("scan-qr", str(gif)), [report])


def test_scan_qr_image_and_payload(tmp_path: Path) -> None:
    import qrcode

    path = tmp_path / "code.png"
    qrcode.make("https://kaspi-bank.kz.login-verify.top/pay").save(path)
    _same(_cli("scan-qr", str(path)), [api.scan_qr(path)])
    payload = "WIFI:T:nopass;S:Halyk_Guest;;"
    _same(_cli("scan-qr", "--payload", payload), [api.scan_payload(payload)])


@pytest.mark.parametrize("platform", ["linux", "windows", "macos"])
def test_audit_host(platform: str) -> None:
    root = FIXTURES / "host" / platform
    cli = _cli("audit-host", "--root", str(root), "--platform", platform)
    _same(cli, [api.audit_host(root=root, platform=platform)])


def test_audit_host_bad_root(tmp_path: Path) -> None:
    missing = tmp_path / "nothing"
    proc = run_cli("audit-host", "--root", str(missing), "--format", "jsonl")
    assert proc.returncode == 3
    assert proc.stderr.strip() == f"kzscam: {missing}: no such directory"
    _same([json.loads(proc.stdout)], [api.audit_host(root=missing)])


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "chat").glob("*")
                                        if p.suffix in (".json", ".txt")))
def test_check_chat(name: str) -> None:
    path = FIXTURES / "chat" / name
    _same(_cli("check-chat", str(path)), [api.check_chat(path)])


def test_every_command_has_a_case() -> None:
    from kzscam.cli import COMMANDS

    tested = {"check-text", "check-url", "scan-qr", "audit-host", "check-chat"}
    checked = {name for name in COMMANDS if name != "rules"}
    assert checked == tested
