"""`kzscam scan-qr` end to end: exit codes, JSON contract, --annotate, languages, inert payloads."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from PIL import Image

from kzscam.exitcodes import ExitCode
from kzscam.model import Verdict
from kzscam.output.annotate import COLOURS
from qrsynth import make_code

LOGIN = "tg://login?token=AQKzdWUAAAAAZz1xQ3N0b2tlbl9kZW1v"


def code_file(tmp_path: Path, payload: str | bytes, name: str) -> Path:
    path = tmp_path / name
    make_code(payload).save(path)
    return path


def test_exit_codes_follow_the_worst_code(tmp_path: Path) -> None:
    safe = code_file(tmp_path, "https://example.kz/menu", "safe.png")
    bad = code_file(tmp_path, LOGIN, "login.png")
    assert run_cli("scan-qr", str(safe)).returncode == ExitCode.OK
    assert run_cli("scan-qr", str(safe), str(bad)).returncode == ExitCode.FLAGGED
    wifi = code_file(tmp_path, "WIFI:T:nopass;S:Guest;;", "wifi.png")
    assert run_cli("scan-qr", "--fail-on", "caution", str(wifi)).returncode == ExitCode.FLAGGED
    assert run_cli("scan-qr", "--fail-on", "dangerous", str(wifi)).returncode == ExitCode.OK


def test_json_result_per_image(tmp_path: Path) -> None:
    canvas = Image.new("L", (700, 320), 255)
    canvas.paste(make_code(LOGIN, scale=4), (10, 10))
    canvas.paste(make_code("tel:+77011234567", scale=4), (400, 10))
    path = tmp_path / "two.png"
    canvas.save(path)
    proc = run_cli("scan-qr", "-f", "json", str(path))
    (result,) = json.loads(proc.stdout)["results"]
    assert result["input"] == str(path) and result["error"] is None
    assert result["verdict"] == "dangerous"
    codes = sorted(result["codes"], key=lambda c: c["position"][0][0])
    assert [c["kind"] for c in codes] == ["messenger_login", "tel"]
    for c in codes:
        assert {"payload", "kind", "position", "decoder", "verdict", "findings", "details",
                "index"} <= set(c)
        assert len(c["position"]) == 4 and c["decoder"] == "zxing-cpp"
        for f in c["findings"]:
            for ev in f["evidence"]:
                assert c["payload"][ev["start"]:ev["end"]] == ev["text"]
    assert codes[0]["findings"][0]["rule_id"] == "QR-LOGIN-001"
    assert codes[1]["details"] == {"number": "+77011234567"}


def test_image_without_a_code_says_so(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(path)
    proc = run_cli("scan-qr", "--lang", "ru", str(path))
    assert proc.returncode == ExitCode.OK
    assert "QR-код на изображении не найден" in proc.stdout


def test_languages(tmp_path: Path) -> None:
    path = code_file(tmp_path, LOGIN, "login.png")
    assert "аккаунтыңызға" in run_cli("scan-qr", "--lang", "kk", str(path)).stdout
    assert "в ваш аккаунт Telegram" in run_cli("scan-qr", "--lang", "ru", str(path)).stdout


def test_annotate_single_file(tmp_path: Path) -> None:
    path = code_file(tmp_path, LOGIN, "login.png")
    out = tmp_path / "out.png"
    proc = run_cli("scan-qr", "-f", "json", "--annotate", str(out), str(path))
    code = json.loads(proc.stdout)["results"][0]["codes"][0]
    img = Image.open(out).convert("RGB")
    original = Image.open(path).size
    assert img.width == original[0] and img.height > original[1]  # the picture, then its legend
    (x0, y0), (x1, _), _, _ = code["position"]
    assert img.getpixel(((x0 + x1) // 2, y0)) == COLOURS[Verdict.DANGEROUS]
    # The legend: a swatch in the verdict's colour below the picture.
    legend = img.crop((0, original[1], img.width, img.height))
    assert COLOURS[Verdict.DANGEROUS] in {c for _, c in legend.getcolors(1 << 16) or []}


def test_annotate_directory_for_many_inputs(tmp_path: Path) -> None:
    a = code_file(tmp_path, "https://example.kz", "a.png")
    sub = tmp_path / "sub"
    sub.mkdir()
    b = code_file(sub, "https://example.kz/b", "a.png")  # same file name, other folder
    out = tmp_path / "annotated"
    proc = run_cli("scan-qr", "--annotate", f"{out}/", str(a), str(sub))  # '/': a new directory
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.2.annotated.png", "a.annotated.png"]
    assert b.exists()
    usage = run_cli("scan-qr", "--annotate", str(tmp_path / "x.png"), str(a), str(b))
    assert usage.returncode == ExitCode.USAGE and "give a directory" in usage.stderr


def test_hostile_payloads_stay_inert(tmp_path: Path) -> None:
    payload = "\x1b]0;pwned\x07\x1b[31m[bold red]FAKE[/bold red] \u202egnp.exe\u202c"
    path = code_file(tmp_path, payload.encode("utf-8"), "evil.png")
    for fmt in ("plain", "rich"):
        proc = run_cli("scan-qr", "-f", fmt, str(path), env={"FORCE_COLOR": "1", "COLUMNS": "200"})
        assert "\x1b]0;pwned" not in proc.stdout and "\u202e" not in proc.stdout
        assert "[bold red]FAKE[/bold red]" in proc.stdout  # shown literally, not as markup
    doc = json.loads(run_cli("scan-qr", "-f", "json", str(path)).stdout)
    assert doc["results"][0]["codes"][0]["payload"] == payload  # exact in JSON


def test_payload_option_and_verbose(tmp_path: Path) -> None:
    proc = run_cli("scan-qr", "--verbose", "-f", "jsonl", "--payload", "tel:*21*87011234567#")
    row = json.loads(proc.stdout)
    assert row["input"] == "payload" and row["kind"] == "tel"
    assert row["findings"][0]["rule_id"] == "QR-USSD-001"
    assert "zbar fallback" in proc.stderr and proc.returncode == ExitCode.FLAGGED


def test_parallel_jobs_keep_input_order(tmp_path: Path) -> None:
    paths = [code_file(tmp_path, f"https://example.kz/{i}", f"{i}.png") for i in range(4)]
    proc = run_cli("scan-qr", "-j", "2", "-f", "jsonl", *map(str, paths))
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["codes"][0]["payload"] for r in rows] == [f"https://example.kz/{i}" for i in range(4)]


def test_no_input_is_a_usage_error_on_a_terminal() -> None:
    # run_cli pipes stdin, so scan-qr reads it as an (empty) image: exit 3, not a traceback.
    proc = run_cli("scan-qr")
    assert proc.returncode == ExitCode.INPUT_ERROR and proc.stderr.startswith("kzscam: -:")
