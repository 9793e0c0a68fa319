"""Golden output of every renderer (rich at 80 columns, plain, json, jsonl) for every command.

Each case runs the real command on inputs written for it (messages, links, QR payloads, the host and
chat fixtures) and compares stdout byte for byte with tests/golden/ (JSONL with the results of the
JSON golden, which are the same lines). After an intended
change of the output, regenerate with `KZSCAM_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`
and review the diff like code.
"""

from __future__ import annotations

import os

import pytest
from conftest import ROOT, run_cli

from kzscam.output import RENDERERS, OutputFormat

GOLDEN = ROOT / "tests" / "golden"
# Written for these goldens (and checked with ../shared/tools/heldout_guard.py, as
# test_goldens_hold_no_evaluation_material does again): a school notice and a "financial
# monitoring" call asking for the SMS code.
MESSAGES = [
    "Напоминаем: родительское собрание 7Б класса перенесено на четверг, 18:30, кабинет 214. "
    "Классный руководитель Сауле Маратовна.",
    "Отдел финмониторинга беспокоит: по вашему счёту проходит сомнительный перевод на 380 000 "
    "тенге. Чтобы его остановить, назовите шесть цифр, которые сейчас придут вам в сообщении, и "
    "не кладите трубку.",
]
CASES: dict[str, list[str]] = {
    "check-text": ["check-text", *MESSAGES],
    "check-url": ["check-url", "https://homebank.kz/ru/cards/limits-of-your-card",
                  "http://halyk-bonus.kz.secure-check7.top/verify/step2"],
    "scan-qr": ["scan-qr", "--payload", "WIFI:T:WPA;S:Forte_Lobby_5G;P:qwerty2718;;",
                "--payload", "https://clck.ru/3Forte-gift-2718"],
    "audit-host": ["audit-host", "--root", "tests/fixtures/host/windows", "--platform", "windows"],
    "check-chat": ["check-chat", "tests/fixtures/chat/telegram_takeover.json"],
}
# No --lang, no KZSCAM_LANG, an English locale: each message's report in its own language (a
# Kazakh one, Kazakh typed with Russian letters, a Russian one), JSON in the run's (English).
# Written for these goldens and checked with ../shared/tools/heldout_guard.py.
AUTO_MESSAGES = [
    "Сәлеметсіз бе! Сізге банктің қауіпсіздік бөлімінен жазып тұрмыз: картаңыздан күмәнді төлем "
    "өтті. Тоқтату үшін SMS-пен келген төрт таңбалы кодты осы чатқа жазыңыз.",
    "Апа салем, телефоным сынып калды, досымнын номиринен жазып турмын. Каспийге 40 мын жиберип "
    "жибереши, ертен кайтарам.",
    "Мам, это я, пишу с номера друга: мой телефон упал в воду. Скинь, пожалуйста, 25 000 на эту "
    "карту, вечером всё объясню.",
]
FORMATS = [f.value for f in OutputFormat if f is not OutputFormat.AUTO]
# English in every format; Kazakh and Russian in the two formats people read.
RUNS = [(c, "en", f) for c in CASES for f in FORMATS] + [
    (c, lang, f) for c in CASES for lang in ("kk", "ru") for f in ("rich", "plain")]


def _jsonl_from_json(json_text: str) -> str:
    """JSONL is the JSON document's results, one per line, byte for byte: the JSON renderer writes
    `{"command":...,"results":[` then one result per line (comma-ended but the last), then `]}`.
    So the JSON golden is the JSONL golden too, and no second copy of the same data is kept."""
    lines = json_text.splitlines()
    assert lines[0].endswith('"results":[') and lines[-1] == "]}", "unexpected JSON layout"
    return "".join(line.removesuffix(",") + "\n" for line in lines[1:-1])


@pytest.mark.parametrize(("command", "lang", "fmt"), RUNS)
def test_golden(command: str, lang: str, fmt: str) -> None:
    proc = run_cli(*CASES[command], "--lang", lang, "--format", fmt, env={"COLUMNS": "80"})
    assert proc.returncode in (0, 1), proc.stderr
    if fmt == "jsonl":
        path = GOLDEN / f"{command}.{lang}.json"
        assert proc.stdout == _jsonl_from_json(path.read_text(encoding="utf-8")), (
            f"{command} --format jsonl differs from the results of {path}")
        return
    path = GOLDEN / f"{command}.{lang}.{fmt}"
    if os.environ.get("KZSCAM_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(proc.stdout, encoding="utf-8")
    assert proc.stdout == path.read_text(encoding="utf-8"), f"{path} differs"


@pytest.mark.parametrize("fmt", ["rich", "plain", "json"])
def test_golden_automatic_language(fmt: str) -> None:
    proc = run_cli("check-text", *AUTO_MESSAGES, "--format", fmt,
                   env={"COLUMNS": "80", "LANG": "en_US.UTF-8"})
    assert proc.returncode in (0, 1), proc.stderr
    path = GOLDEN / f"check-text.auto.{fmt}"
    if os.environ.get("KZSCAM_UPDATE_GOLDEN"):
        path.write_text(proc.stdout, encoding="utf-8")
    assert proc.stdout == path.read_text(encoding="utf-8"), f"{path} differs"


def test_every_format_is_wired() -> None:
    """Every format a user can ask for has a renderer, and AUTO resolves to one of them."""
    assert set(RENDERERS) == set(OutputFormat) - {OutputFormat.AUTO}
    for fmt in RENDERERS:
        proc = run_cli("check-url", "https://kaspi.kz", "--format", fmt.value)
        assert proc.returncode == 0 and proc.stdout.strip(), (fmt, proc.stderr)
    assert run_cli("check-url", "https://kaspi.kz", "--format", "auto").stdout == run_cli(
        "check-url", "https://kaspi.kz", "--format", "plain").stdout  # not a terminal: plain


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_goldens_hold_no_evaluation_material() -> None:
    """Golden files are committed data: no line, and no string inside a JSON golden (input, link,
    quote), may be a near-duplicate of the messages and links kzscam is judged on. Fragments
    under 12 letters and digits (a label such as "messages: 10") are no
    message, and the guard's shingles say nothing reliable about them."""
    guard = ROOT.parent / "shared" / "tools" / "heldout_guard.py"
    if not guard.exists():
        pytest.skip(f"{guard} not present (needs ../shared)")
    import json
    import subprocess
    import sys

    texts: list[str] = []
    for path in sorted(GOLDEN.iterdir()):
        content = path.read_text(encoding="utf-8")
        texts.extend(line for line in content.splitlines() if line.strip())
        if path.suffix == ".json":
            texts.extend(s.replace("\n", " ") for s in _strings(json.loads(content)) if s.strip())
    texts.extend(a for args in CASES.values() for a in args)
    texts.extend(AUTO_MESSAGES)
    texts = [t for t in texts if len("".join(c for c in t if c.isalnum())) >= 12]
    proc = subprocess.run([sys.executable, str(guard), "-", "--check"], input="\n".join(texts) + "\n",
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
