"""check-url on real feed links: the frozen test split in tests/data/url_feeds (guarded public
feeds, see its README.md) meets the targets, and every new brand and host pattern has a hit and
a miss."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kzscam.config import Config
from kzscam.model import Verdict
from kzscam.pipeline.url import url_report
from kzscam.url.inspect import inspect_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from eval_url_feeds import DATA, evaluate  # noqa: E402


def verdict_and_brand(url: str) -> tuple[Verdict, str | None]:
    report = url_report(url, name=url, lang="en", config=Config())
    return report.verdict, report.details.get("imitates")


@pytest.fixture(scope="module")
def figures() -> dict[str, tuple[int, int]]:
    if not (DATA / "phish_named.txt").exists():
        pytest.skip(f"{DATA} not present")
    return evaluate(DATA, 0)


def rate(figures: dict[str, tuple[int, int]], key: str) -> float:
    ok, n = figures[key]
    assert n > 0, key
    return ok / n


def test_real_phishing_naming_a_brand_is_caught_with_the_right_brand(
        figures: dict[str, tuple[int, int]]) -> None:
    # Measured 97.5% (all) and 98.6% (international) on the frozen split; the target is 95%.
    # The few Kazakh and CIS links of the feeds are too few for a rate of their own
    # (docs/check-url.md).
    assert rate(figures, "all") >= 0.95
    assert rate(figures, "intl") >= 0.95


def test_olx_country_kits_are_caught(figures: dict[str, tuple[int, int]]) -> None:
    assert rate(figures, "olx") >= 0.90


def test_a_tenth_of_a_random_feed_sample_is_suspicious(figures: dict[str, tuple[int, int]]) -> None:
    assert rate(figures, "sample") >= 0.10


def test_real_benign_pages_stay_below_three_in_a_thousand(figures: dict[str, tuple[int, int]]) -> None:
    assert rate(figures, "benign") <= 0.003


# (link, brand it imitates): one per new brand and per new host pattern of the feeds.
HITS = [
    ("https://gosuslugi-oplata.ru/login", "Gosuslugi"),
    ("http://vk-login.top/", "VK"),
    ("id-vk.sbs", "VK"),
    ("https://sberbank-online.top/", "Sber"),
    ("mail-ru.secure-login.top", "Mail.ru"),
    ("https://yandex-go-pay.top/", "Yandex"),
    ("yandexmarket-dostavka.site", "Yandex"),
    ("https://avito-dostavka.site/pay/123", "Avito"),
    ("qiwi-wallet.top", "QIWI"),
    ("https://tinkoff-bonus.com/", "T-Bank (Tinkoff)"),
    ("alfabank-kz.top", "Alfa-Bank"),
    ("bereke-bonus.kz", "Bereke Bank"),
    ("olx-pl.pay-secure.sbs", "OLX"),
    ("olx.kz-delivery.site", "OLX"),
    ("olxkz-dostavka.site", "OLX"),
    ("telegramxq.com", "Telegram"),
    ("binancex7.net", "Binance"),
    ("appleidkz.top", "Apple / iCloud"),
    ("apple46-find.com", "Apple / iCloud"),
    ("kaspi-bonus-2025.example-shop.ru", "Kaspi"),
    ("id7718-whatsapp.verify-now.icu", "WhatsApp"),
    ("chat-telegram123.some-host.top", "Telegram"),
    ("facebooksupportmeta.some-site.com", "Facebook"),
    ("currentlymailru2024.weebly.com", "Mail.ru"),
    ("steamcomrnunnity.com", "Steam"),
    ("hallykbnk.com", "Halyk Bank"),
    ("egov.com.kz", "eGov (electronic government)"),
    ("kaspi.com.ru", "Kaspi"),
]


@pytest.mark.parametrize(("url", "brand"), HITS, ids=[u for u, _ in HITS])
def test_feed_shaped_lookalikes_name_the_right_brand(url: str, brand: str) -> None:
    verdict, said = verdict_and_brand(url)
    assert verdict >= Verdict.SUSPICIOUS and said == brand, (verdict, said)


# Real domains and ordinary words that must stay quiet.
MISSES = [
    "volxx.com", "vkusno.kz", "jysanbank.kz", "olx.pl", "olx.ua", "olx.ro", "olx.bg", "olx.pt",
    "olx.uz", "avto.ru", "absolutbank.ru", "mail.com", "gosuslugi.ru", "esia.gosuslugi.ru",
    "vk.com", "sberbank.ru", "mail.ru", "ya.ru", "go.yandex", "market.yandex.ru", "avito.ru",
    "qiwi.com", "tbank.ru", "tinkoff.ru", "alfabank.kz", "berekebank.kz", "telegram.im",
    "kolesa-darom.ru", "apple-tree.ru",
]


@pytest.mark.parametrize("url", MISSES)
def test_real_domains_and_ordinary_words_stay_quiet(url: str) -> None:
    assert not [h for h in inspect_url(url) if "brand" in h.params], url


def test_vk_shorteners_stay_shorteners_not_imitations() -> None:
    checks = {h.check for h in inspect_url("https://vk.cc/abc")}
    assert checks == {"url.shortener"}


@pytest.mark.parametrize(("url", "hosting"), [
    ("https://x.blogspot.lu/", True), ("http://a.duckdns.org/", True), ("https://b.my.id/", True),
    ("https://x.workers.dev/", True), ("https://b.hopto.org/", True),  # PSL private section
    ("https://blogspot.example.com/", False), ("https://my.idea.kz/", False),
])
def test_free_hosting_and_dynamic_dns_come_from_data(url: str, hosting: bool) -> None:
    assert ("url.free_hosting" in {h.check for h in inspect_url(url)}) is hosting


@pytest.mark.parametrize(("url", "check"), [
    ("https://random-host.sbs/lander/sber/", "url.brand_login_path"),
    ("https://shop-example.com/wp-content/gosuslugi/index.php", "url.brand_login_path"),
    ("https://photo-studio.kz/kaspi/login.html", "url.brand_login_path"),
    ("http://hp9duwyyjv.bond/login", "url.sign_in_kit"),
    ("https://login-mic-0iphc2.l-iukeng101.workers.dev/", "url.sign_in_kit"),
])
def test_login_pages_on_unrelated_or_throwaway_hosts_are_suspicious(url: str, check: str) -> None:
    assert check in {h.check for h in inspect_url(url)}
    assert verdict_and_brand(url)[0] >= Verdict.SUSPICIOUS


@pytest.mark.parametrize("url", [
    "https://news.example.com/finance/kaspi-bank-reports-record-profit",
    "https://shop-example.com/brands/sber/", "https://www.sberbank.ru/ru/person/login",
    "https://author.today/", "https://example.com/login", "https://docs.example.top/",
    "https://my-page.netlify.app/",
])
def test_ordinary_pages_with_brand_or_login_words_are_not_suspicious(url: str) -> None:
    assert verdict_and_brand(url)[0] < Verdict.SUSPICIOUS


# Mechanisms found on the tuning split's misses (2026-12-06), each with links that must stay
# quiet: the brand at the end of a run of letters, country codes and plurals as context for
# everyday names, numbered hosts, a long name buried in a longer word, lost-phone and crypto
# lure words, an everyday name leading a compound subdomain label.
MECHANISM_HITS = [
    ("joinwhatsapp.example-host.com", "WhatsApp"),  # long name at the end of a word
    ("mwhatsapp.vn", "WhatsApp"),  # one stray letter in front, even under a country ending
    ("supportapple.info", "Apple / iCloud"),  # everyday name after a scam word
    ("iapple-unlock.com", "Apple / iCloud"),  # a stray letter in front, with a scam word
    ("apple-mx.com", "Apple / iCloud"),  # a country code as a word of its own
    ("applehelpmx.com", "Apple / iCloud"),  # a country code closing a scam word
    ("accounts-apple.com", "Apple / iCloud"),  # a scam word in the plural
    ("apple-com.net", "Apple / iCloud"),  # the brand's own ending spelt as a word
    ("558201-apple.com", "Apple / iCloud"),  # a numbered host
    ("01vk.top", "VK"),  # a short number on a throwaway ending
    ("getgbwhatsappnow.com", "WhatsApp"),  # a long name buried in a longer word
    ("wfacebooks.co.th", "Facebook"),  # a long name between stray letters
    ("lostapple.info", "Apple / iCloud"),  # lost-phone kits
    ("bitcoin-apple.org", "Apple / iCloud"),  # crypto lures
    ("apple-clone.builder-site.com", "Apple / iCloud"),  # leading a compound subdomain label
]


@pytest.mark.parametrize(("url", "brand"), MECHANISM_HITS, ids=[u for u, _ in MECHANISM_HITS])
def test_feed_mechanisms_name_the_right_brand(url: str, brand: str) -> None:
    verdict, said = verdict_and_brand(url)
    assert verdict >= Verdict.SUSPICIOUS and said == brand, (verdict, said)


@pytest.mark.parametrize("url", [
    "pineapple.com", "applebees.com", "pineapple-express.top",  # the name inside a word
    "grapple-shop.com", "snapple-store.com", "grapple-help.com",  # two letters in front
    "applemx.com",  # a country code glued on alone is two letters
    "apple-is-red.com",  # English words that are country codes
    "apple-orchards.com",  # a plural of a word that is no scam word
    "5telecom.ru",  # an everyday name with a short number
    "letelegramme.fr",  # a newspaper: the long name with too few letters around it
    "gold-apple.kz",
])
def test_everyday_names_inside_ordinary_hosts_stay_quiet(url: str) -> None:
    verdict, said = verdict_and_brand(url)
    assert verdict < Verdict.SUSPICIOUS and said is None, (verdict, said)


def test_country_codes_count_only_as_words_of_their_own() -> None:
    # Two-letter pieces between digits are not countries ("ec", "bd" in a hexadecimal label).
    assert not [h for h in inspect_url("73ed366d3137ec936bd60b1184467776.com") if "brand" in h.params]
