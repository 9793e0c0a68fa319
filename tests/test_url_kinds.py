"""Link kinds and structure tricks: shorteners, hosting, downloads, remote tools, messenger and
payment links, IP hosts, userinfo, ports, invisible characters, schemes."""

from __future__ import annotations

import pytest

from kzscam.url.inspect import analyse, inspect_url


def checks(url: str) -> set[str]:
    return {h.check for h in inspect_url(url)}


def params(url: str, check: str) -> dict[str, str]:
    (hit,) = [h for h in inspect_url(url) if h.check == check]
    return dict(hit.params)


@pytest.mark.parametrize(("url", "check"), [
    ("https://bit.ly/3xYz12", "url.shortener"),
    ("clck.ru/3AbCd", "url.shortener"),
    ("https://vk.cc/abc", "url.shortener"),
    ("https://promo-2026.tilda.ws/", "url.free_hosting"),
    ("https://my-gift.netlify.app/", "url.free_hosting"),
    ("https://forms.gle/AbCdEf", "url.web_form"),
    ("https://docs.google.com/forms/d/e/x/viewform", "url.web_form"),
    ("https://example.top/kaspi-update.apk", "url.app_download"),
    ("https://example.top/Setup.EXE?x=1", "url.app_download"),
    ("https://example.com/scan.zip", "url.archive_download"),
    ("itms-services://?action=download-manifest&url=https://x.example/app.plist", "url.app_download"),
    ("https://anydesk.com/ru/downloads", "url.remote_tool"),
    ("rudesktop.ru", "url.remote_tool"),
    ("https://play.google.com/store/apps/details?id=com.anydesk.anydeskandroid", "url.remote_tool"),
    ("market://details?id=com.teamviewer.quicksupport.market", "url.remote_tool"),
    ("tg://login?token=AQKzdWUAAAAAZz1xQ3N0", "url.tg_login"),
    ("https://t.me/login/AbCdEf", "url.tg_login"),
    ("https://wa.me/77011234567?text=hello", "url.wa_prefilled"),
    ("whatsapp://send?phone=77011234567&text=code", "url.wa_prefilled"),
    ("https://pay.kaspi.kz/pay/abc", "url.payment"),
    ("bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.05", "url.crypto_payment"),
    ("ton://transfer/EQD4FPq?amount=1000", "url.crypto_payment"),
])
def test_link_kinds(url: str, check: str) -> None:
    assert check in checks(url)


@pytest.mark.parametrize(("url", "check"), [
    ("https://kaspi.kz/shop", "url.payment"),
    ("https://t.me/kaspi_kz", "url.tg_login"),
    ("tg://resolve?domain=durov", "url.tg_login"),
    ("https://wa.me/77011234567", "url.wa_prefilled"),
    ("https://example.com/apk-guide", "url.app_download"),
    ("https://example.com/anydesk-review", "url.remote_tool"),
    ("https://play.google.com/store/apps/details?id=kz.kaspi.mobile", "url.remote_tool"),
    ("https://docs.google.com/document/d/1abc", "url.web_form"),
    ("https://github.com/org/repo", "url.free_hosting"),
])
def test_ordinary_links_are_not_those_kinds(url: str, check: str) -> None:
    assert check not in checks(url)


def test_remote_tool_and_whatsapp_details() -> None:
    assert params("https://get.teamviewer.com/x", "url.remote_tool")["tool"] == "TeamViewer"
    assert params("https://wa.me/77011234567?text=hi", "url.wa_prefilled")["phone"] == "77011234567"


def test_real_telegram_login_link_is_reported_even_on_telegrams_domain() -> None:
    a = analyse("https://t.me/login/AbCdEf")
    assert a.kind == "messenger" and a.owner == "Telegram"


def test_redirect_reports_the_final_destination() -> None:
    found = checks("https://www.google.com/url?q=https://kaspi-bonus.top/x")
    assert {"url.redirect", "url.combosquat"} <= found
    assert params("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2F",
                  "url.redirect")["target"] == "https://example.com/"


@pytest.mark.parametrize(("url", "ip", "notation"), [
    ("http://185.12.40.7/login", "185.12.40.7", "dotted"),
    ("http://3232235777/pay", "192.168.1.1", "integer"),
    ("http://0x7f.0x0.0x0.0x1/", "127.0.0.1", "hex"),
    ("http://0177.0.0.1/", "127.0.0.1", "octal"),
    ("http://[2001:db8::1]/kaspi", "2001:db8::1", "ipv6"),
])
def test_ip_hosts(url: str, ip: str, notation: str) -> None:
    assert params(url, "url.ip_host") == {"ip": ip, "notation": notation,
                                         "domain": params(url, "url.ip_host")["domain"]}


def test_brand_word_in_path_of_a_bare_ip_or_free_hosting() -> None:
    # a brand folder on a bare IP address is a login page's: the stronger check
    assert params("http://185.12.40.7/halykbank/login", "url.brand_login_path")["brand"] == "Halyk Bank"
    assert params("http://185.12.40.7/news/halykbank-opens-new-branch-today", "url.brand_path")[
        "brand"] == "Halyk Bank"
    assert params("https://sites.google.com/view/kaspi-bonus", "url.brand_path")["brand"] == "Kaspi"
    assert "url.brand_path" not in checks("https://sites.google.com/view/my-school")


def test_userinfo_trick_shows_the_decoy_and_the_real_host() -> None:
    p = params("https://kaspi.kz@evil.example/login", "url.userinfo")
    assert p["shown"] == "kaspi.kz" and p["domain"] == "evil.example"


@pytest.mark.parametrize(("url", "expected"), [
    ("http://example.kz:8080/pay", True), ("https://example.kz:443/", False),
    ("http://example.kz:80/", False), ("https://example.kz/", False),
])
def test_unusual_ports(url: str, expected: bool) -> None:
    assert ("url.port" in checks(url)) is expected


@pytest.mark.parametrize("url", ["https://bonus\u200b-kz.example.com/", "https://example.com/\u202egpj.exe",
                                 "http://a\x00b.kz", "http://exa\tmple.kz"])
def test_invisible_and_control_characters(url: str) -> None:
    hits = [h for h in inspect_url(url) if h.check == "url.invisible"]
    assert hits and all(url[e.start:e.end] == e.text for e in hits[0].evidence)


def test_surrounding_whitespace_is_not_an_invisible_trick() -> None:
    assert "url.invisible" not in checks("  https://example.com/x \n")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html;base64,PGgxPg==",
                                 "file:///C:/x.hta", "vbscript:msgbox(1)"])
def test_script_and_data_schemes(url: str) -> None:
    assert "url.bad_scheme" in checks(url)


def test_long_or_deep_hosts() -> None:
    assert "url.long_host" in checks("https://a.b.c.d.e.f.example.com/")
    assert "url.long_host" not in checks("https://www.shop.example.com/")


def test_plain_http_login_page() -> None:
    assert params("http://example.kz/login", "url.http_sensitive")["word"] == "login"
    assert "url.http_sensitive" not in checks("http://example.kz/news/display")
    assert "url.http_sensitive" not in checks("https://example.kz/login")


def test_encoded_and_punycode_hosts() -> None:
    assert "url.encoded_host" in checks("http://%6B%61%73%70%69-bonus.kz/")
    assert "url.punycode" in checks("https://xn--e1afmkfd.xn--p1ai")
    assert "url.encoded_host" not in checks("https://example.com/search?q=%D0%BA")


def test_mixed_alphabets_without_a_brand() -> None:
    p = params("https://tеst-shop.kz", "url.mixed_script")
    assert p["scripts"] == "cyrillic+latin" and "U+0435" in p["chars"]
    assert "url.mixed_script" not in checks("https://пример.рф")


@pytest.mark.parametrize(("url", "why"), [
    ("http://1.2.3.999/", "not a valid IP"), ("https://exa mple.com/", "characters"),
    ("http://example.com:99999/", "port"), ("http://xn--zz-bad.kz/", "punycode"),
    ("http://" + "a" * 70 + ".kz/", "63"),
])
def test_malformed_links_are_findings(url: str, why: str) -> None:
    assert why in params(url, "url.malformed")["why"]
