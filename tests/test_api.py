"""The Python API returns what the CLI renders, is thread-safe, lazy to import and config-explicit."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import run_cli

from kzscam import api
from kzscam.config import Config, load_config
from kzscam.engine import get_engine
from kzscam.model import Report, Verdict
from kzscam.output.jsonout import result_dict

FIX = Path(__file__).parent / "fixtures" / "chat"
OTP = "Здравствуйте, это служба поддержки WhatsApp. Продиктуйте код из SMS."
MESSAGES = [OTP, "Привет, мама! Буду дома в семь.", "Open http://kaspi-app.top/update.apk",
            "Сәлем! Бұл Ұлттық Банктен. Кодты айтыңыз", "Meeting moved to Thursday"]


def test_check_text_equals_the_cli_result() -> None:
    report = api.check_text(OTP, lang="ru")
    cli = json.loads(run_cli("check-text", "--lang", "ru", "-f", "json", OTP).stdout)
    assert result_dict(report) == cli["results"][0]
    assert report.verdict >= Verdict.SUSPICIOUS
    for f in report.findings:
        for ev in f.evidence:
            assert OTP[ev.start : ev.end] == ev.text


def test_check_chat_equals_the_cli_result() -> None:
    path = FIX / "whatsapp_android_en_us.txt"
    cli = json.loads(run_cli("check-chat", "-f", "json", str(path)).stdout)
    assert result_dict(api.check_chat(path)) == cli["results"][0]


def test_bad_arguments_raise_bad_inputs_report() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        api.check_text("hi", lang="fr")
    assert api.check_chat(FIX / "missing.json").error == "no such file"
    assert api.scan_qr(FIX / "README.md").error is not None
    assert api.audit_host(root=FIX / "missing").error is not None


def test_language_falls_back_to_config_then_english() -> None:
    kk = api.check_text(OTP, config=Config(lang="kk"))
    en = api.check_text(OTP)
    assert kk.findings[0].title != en.findings[0].title
    assert [f.rule_id for f in kk.findings] == [f.rule_id for f in en.findings]


def test_user_config_applies_only_when_passed(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    rule = api.check_text(OTP).findings[0].rule_id
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'disabled_rules = ["{rule}"]\n', encoding="utf-8")
    monkeypatch.setenv("KZSCAM_CONFIG", str(cfg))
    assert rule in {f.rule_id for f in api.check_text(OTP).findings}
    assert rule not in {f.rule_id for f in api.check_text(OTP, config=load_config()).findings}


def test_many_threads_get_the_same_answers_as_one() -> None:
    expected = [result_dict(api.check_text(m)) for m in MESSAGES]
    results: dict[int, list[dict[str, object]]] = {}
    engines: set[int] = set()

    def worker(n: int) -> None:
        engines.add(id(get_engine(Config())))
        results[n] = [result_dict(api.check_text(m)) for m in MESSAGES * 10]

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(engines) == 1  # the rules were compiled once, shared by every thread
    assert all(results[n] == expected * 10 for n in range(8))


@pytest.mark.parametrize("jobs", [1, 2])
def test_check_many_is_lazy_and_ordered(jobs: int) -> None:
    reports = list(api.check_many(iter(MESSAGES * 120), jobs=jobs))
    assert [r.verdict for r in reports] == [api.check_text(m).verdict for m in MESSAGES] * 120


def test_check_url_names_the_imitated_brand() -> None:
    report = api.check_url("http://kaspi-bonus.top/login")
    assert report.verdict >= Verdict.SUSPICIOUS
    assert report.urls == ("http://kaspi-bonus.top/login",)


def test_scan_qr_reads_a_generated_code(tmp_path: Path) -> None:
    segno = pytest.importorskip("segno")
    path = tmp_path / "poster.png"
    segno.make("http://kaspi-app.top/update.apk", error="m").save(path, scale=8, border=4)
    report = api.scan_qr(path)
    assert report.parts_key == "codes" and len(report.parts) == 1
    assert report.parts[0].urls == ("http://kaspi-app.top/update.apk",)
    assert report.worst >= Verdict.SUSPICIOUS


def test_audit_host_of_an_empty_tree(tmp_path: Path) -> None:
    report = api.audit_host(root=tmp_path, platform="linux")
    assert isinstance(report, Report) and report.error is None
    assert report.worst is Verdict.SAFE and report.parts == ()


def test_check_screenshot(tmp_path: Path) -> None:
    from kzscam.ocr import tesseract_status

    if tesseract_status() is not None:
        pytest.skip(f"OCR unavailable: {tesseract_status()}")
    from test_ocr import render

    if render.find_font() is None:
        pytest.skip("DejaVu fonts missing (Debian package fonts-dejavu-core)")
    shot = tmp_path / "shot.png"
    render.render_screenshot(OTP, "dark").save(shot)
    report = api.check_screenshot(shot, lang="ru")
    assert report.text is not None and "код из SMS" in report.text
    assert report.verdict >= Verdict.SUSPICIOUS
    for f in report.findings:
        for ev in f.evidence:
            assert report.text[ev.start : ev.end] == ev.text


def test_importing_the_api_stays_light() -> None:
    heavy = ("rich", "PIL", "zxingcpp", "psutil", "publicsuffixlist", "re2", "pytesseract")
    code = (f"import sys, kzscam.api; print([m for m in {heavy!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_check_screenshot_also_reads_qr_codes(tmp_path: Path) -> None:
    from kzscam.ocr import tesseract_status

    segno = pytest.importorskip("segno")
    if tesseract_status() is not None:
        pytest.skip(f"OCR unavailable: {tesseract_status()}")
    from test_ocr import render

    if render.find_font() is None:
        pytest.skip("DejaVu fonts missing (Debian package fonts-dejavu-core)")
    code = tmp_path / "code.png"
    segno.make("http://kaspi-app.top/update.apk", error="m").save(code, scale=10, border=4)
    from PIL import Image

    shot = render.render_screenshot("Отсканируйте код, чтобы получить бонус", "light")
    canvas = Image.new("RGB", (shot.width, shot.height + 500), "#EFEAE2")
    canvas.paste(shot, (0, 0))
    canvas.paste(Image.open(code).convert("RGB"), (60, shot.height + 20))
    path = tmp_path / "shot.png"
    canvas.save(path)
    report = api.check_screenshot(path, lang="ru")
    assert report.text is not None and "бонус" in report.text
    assert report.parts_key == "codes" and len(report.parts) == 1
    assert report.parts[0].urls == ("http://kaspi-app.top/update.apk",)
    assert report.worst >= Verdict.SUSPICIOUS
    assert api.check_screenshot(path, qr=False).parts == ()
