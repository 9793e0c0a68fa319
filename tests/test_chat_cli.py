"""`kzscam check-chat` end to end: exit codes, formats, bad exports, inert names, workers."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from conftest import run_cli

from kzscam.exitcodes import ExitCode

FIX = Path(__file__).parent / "fixtures" / "chat"
SCAM = str(FIX / "telegram_takeover.json")
FAMILY = str(FIX / "telegram_family.json")


def test_scam_chat_exits_1_family_chat_exits_0() -> None:
    scam = run_cli("check-chat", SCAM)
    assert scam.returncode == ExitCode.FLAGGED
    assert "CHAT-TAKEOVER-001" in scam.stdout and "1477" in scam.stdout
    family = run_cli("check-chat", FAMILY)
    assert family.returncode == ExitCode.OK
    assert "[SAFE]" in family.stdout and family.stderr == ""


def test_json_document_with_senders_and_messages() -> None:
    proc = run_cli("check-chat", "--format", "json", SCAM, FAMILY)
    doc = json.loads(proc.stdout)
    assert doc["command"] == "check-chat"
    scam, family = doc["results"]
    assert scam["verdict"] == "dangerous" and family["verdict"] == "safe"
    assert scam["senders"][0]["name"] == "Telegram Support"
    # flagged messages, and #9: the forwarded bank code that answers #7 (CHAT-CODE-001)
    assert [m["index"] for m in scam["messages"]] == [1, 3, 4, 7, 9]
    assert scam["messages"][0]["sender"] == "Telegram Support"
    assert family["messages"] == [] if "messages" in family else True
    assert proc.returncode == ExitCode.FLAGGED


def test_jsonl_and_russian_advice() -> None:
    proc = run_cli("check-chat", "-f", "jsonl", "--lang", "ru", str(FIX / "whatsapp_android_ru.txt"))
    (row,) = [json.loads(line) for line in proc.stdout.splitlines()]
    title = next(f["title"] for f in row["findings"] if f["rule_id"] == "CHAT-RELATIVE-001")
    assert title == "Тётя Гуля просит денег, но избегает звонка (#6, #8)"


def test_unreadable_export_exits_3_and_the_rest_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "result.json"
    text = (FIX / "telegram_takeover.json").read_text("utf-8")
    broken.write_text(text[: text.index('"id": 4110')], encoding="utf-8")
    missing = tmp_path / "nope.txt"
    proc = run_cli("check-chat", "-f", "jsonl", str(broken), str(missing), FAMILY)
    assert proc.returncode == ExitCode.INPUT_ERROR
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["verdict"] for r in rows] == ["dangerous", "caution", "safe"]
    assert rows[0]["error"].startswith("truncated JSON")
    assert rows[1]["error"] == "no such file"
    errors = proc.stderr.splitlines()
    assert len(errors) == 2 and all(line.startswith("kzscam: ") for line in errors)


def test_zip_traversal_and_size_limit_exit_3(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("_chat.txt", (FIX / "whatsapp_ios_chat.txt").read_bytes())
        zf.writestr("../../../tmp/owned.sh", b"echo owned")
    proc = run_cli("check-chat", str(evil))
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert "path traversal" in proc.stderr and "Traceback" not in proc.stderr
    big = tmp_path / "big.txt"
    big.write_bytes((FIX / "whatsapp_android_ru.txt").read_bytes() * 1500)  # ~1.8 MB
    proc = run_cli("check-chat", "--max-size", "1", str(big))
    assert proc.returncode == ExitCode.INPUT_ERROR and "over the 1 MB limit" in proc.stderr


def test_names_and_texts_from_the_export_stay_inert(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("12.11.2026, 09:14 - [bold red]Evil\x1b]8;;http://x.example\x07: "
                    "Здравствуйте, это служба поддержки WhatsApp\n"
                    "12.11.2026, 09:15 - [bold red]Evil\x1b]8;;http://x.example\x07: "
                    "Ваш аккаунт будет удалён, продиктуйте код из SMS [link=http://x]тут[/link]\n",
                    encoding="utf-8")
    for fmt in ("plain", "rich"):
        proc = run_cli("check-chat", "-f", fmt, str(chat))
        assert "\x1b]8" not in proc.stdout and "\x07" not in proc.stdout
        assert "[bold red]Evil" in proc.stdout
        assert proc.returncode == ExitCode.FLAGGED


def test_parallel_workers_same_output(tmp_path: Path) -> None:
    chat = tmp_path / "long.txt"
    lines = ["21.11.2026, 10:00 - Support: Здравствуйте, это служба поддержки WhatsApp.",
             "21.11.2026, 10:01 - Support: Аккаунт будет удалён через час.",
             "21.11.2026, 10:02 - Support: Чтобы отменить, продиктуйте код из SMS."]
    lines += [f"21.11.2026, 11:{i % 60:02d} - Мама: Купи хлеба {i}" for i in range(400)]
    chat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = run_cli("check-chat", "-f", "json", str(chat))
    two = run_cli("check-chat", "-f", "json", "--jobs", "2", str(chat))
    assert one.stdout == two.stdout and one.returncode == two.returncode == ExitCode.FLAGGED
    assert two.stderr == ""  # no progress bar in a pipeline


def test_all_messages_flag(tmp_path: Path) -> None:
    proc = run_cli("check-chat", "-f", "json", "--all-messages", FAMILY)
    (result,) = json.loads(proc.stdout)["results"]
    assert len(result["messages"]) == result["message_count"] == 15


def test_help_and_usage_errors() -> None:
    assert run_cli("check-chat", "--help").returncode == 0
    assert run_cli("check-chat").returncode == ExitCode.USAGE
    assert run_cli("check-chat", "--lang", "fr", FAMILY).returncode == ExitCode.USAGE
