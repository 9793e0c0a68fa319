"""Links as people paste them: defanged, wrapped in brackets or quotes, or opened through an app
(intent://, googlechrome://, firefox://open-url); check-url JSON keeps the raw strings."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from kzscam.url.inspect import analyse, inspect_url
from kzscam.url.parse import unwrap
from kzscam.url.wrapped import target


def _results(*args: str) -> list[dict[str, object]]:
    proc = run_cli("check-url", "-f", "json", *args)
    results: list[dict[str, object]] = json.loads(proc.stdout)["results"]
    return results


def test_defanged_links_are_checked_as_what_they_really_are() -> None:
    rows = _results("hxxps://kaspi-bonus[.]kz/login", "HXXPS://kaspi-bonus[.]kz/x",
                    "hxxp://halyk-bonus(.)kz")
    assert [r["verdict"] for r in rows] == ["suspicious"] * 3
    assert [r["host"] for r in rows] == ["kaspi-bonus.kz", "kaspi-bonus.kz", "halyk-bonus.kz"]
    assert rows[1]["url"] == "https://kaspi-bonus.kz/x"
    assert rows[0]["given"] == "hxxps://kaspi-bonus[.]kz/login"


@pytest.mark.parametrize("pasted", [
    "<https://kaspi-bonus.kz/login>", "(https://kaspi-bonus.kz)", '"https://kaspi-bonus.kz/login"',
    "«kaspi-bonus.kz/login».", "https://kaspi-bonus.kz/login,", "'https://kaspi-bonus.kz'!",
])
def test_wrapped_links_are_unwrapped(pasted: str) -> None:
    (row,) = _results(pasted)
    assert row["error"] is None and row["verdict"] == "suspicious"
    assert row["host"] == "kaspi-bonus.kz"


def test_unwrap_keeps_brackets_the_link_itself_opened() -> None:
    assert unwrap("(https://en.wikipedia.org/wiki/A_(b))") == "https://en.wikipedia.org/wiki/A_(b)"
    assert unwrap("<>") == "" and unwrap("https://a.kz/?q=(x)") == "https://a.kz/?q=(x)"


def test_json_carries_raw_strings_and_offsets_index_them() -> None:
    (row,) = _results("https://kаspi.kz/login")
    assert row["input"] == row["url"] == "https://kаspi.kz/login"
    assert row["host"] == row["registrable_domain"] == "kаspi.kz"
    assert row["display"] == "https://k<U+0430>spi.kz/login"
    findings = row["findings"]
    assert isinstance(findings, list) and findings
    for ev in findings[0]["evidence"]:
        assert str(row["input"])[ev["start"]:ev["end"]] == ev["text"]


@pytest.mark.parametrize(("link", "host"), [
    ("intent://kaspi-bonus.kz/login#Intent;scheme=https;end", "kaspi-bonus.kz"),
    ("googlechrome://kaspi-bonus.kz/x", "kaspi-bonus.kz"),
    ("googlechromes://kaspi-bonus.kz/x", "kaspi-bonus.kz"),
    ("firefox://open-url?url=https%3A%2F%2Fkaspi-bonus.kz%2Fx", "kaspi-bonus.kz"),
    ("opera-https://kaspi-bonus.kz/x", "kaspi-bonus.kz"),
    ("microsoft-edge:https://kaspi-bonus.kz/x", "kaspi-bonus.kz"),
])
def test_app_and_browser_links_are_checked_by_the_page_they_open(link: str, host: str) -> None:
    a = analyse(link)
    assert a.host is not None and a.host.name == host
    hits = inspect_url(link)
    assert "url.lookalike_combo" in {h.check for h in hits} or a.brand is not None
    for hit in hits:
        for ev in hit.evidence:
            assert link[ev.start:ev.end] == ev.text


def test_wrapped_real_site_stays_safe_and_app_intents_are_not_web_pages() -> None:
    assert inspect_url("googlechrome://kaspi.kz/shop") == []
    assert target("intent://scan/#Intent;scheme=zxing;package=com.example;end") is None
    assert target("opera://settings") is None and target("https://kaspi.kz") is None


def test_check_text_sees_the_page_behind_an_intent_link() -> None:
    proc = run_cli("check-text", "-f", "json",
                   "Бонус: intent://kaspi-bonus.kz/login#Intent;scheme=https;end")
    (row,) = json.loads(proc.stdout)["results"]
    assert row["verdict"] != "safe"
    assert any(f["rule_id"].startswith("URL-BRAND") for f in row["findings"])


def test_long_host_names_an_owner_even_when_no_registrable_domain_exists() -> None:
    host = "k" * 300 + ".kz"  # a label over 63 letters: no registrable domain
    (hit,) = [h for h in inspect_url(f"http://{host}") if h.check == "url.long_host"]
    assert hit.params["site"] not in ("", "?")
    assert hit.params["site"].endswith("kkk.kz") and len(hit.params["site"]) <= 41
    proc = run_cli("check-text", "-f", "plain", f"http://{host}")
    assert "belongs to ?" not in proc.stdout and "kkk.kz" in proc.stdout
