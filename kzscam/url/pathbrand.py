"""A brand named in the path of someone else's site, next to a login or payment page.

Phishing kits are often uploaded to hacked or throwaway sites under a folder named after the
brand: ``random-host.sbs/lander/sber/``, ``shop.example/wp-content/gosuslugi/index.php``,
``x.example/olx/pay/`` (OpenPhish and PhishTank feeds). A news article that mentions a bank in
its slug (``/news/kaspi-reports-profit``) is not such a page, so the brand must be a folder or
file name of its own (at most three words), and the link must also

- name a login or payment step (``login``, ``pay``, ``card``, ``verify``, ``oplata``...), or
- run a page script (``.php``) right in or below the brand's folder, or
- sit on a host anyone can publish on, a bare IP address or an ending phishing kits favour.
"""

from __future__ import annotations

import functools
import re

from kzscam.url.brands import Keyword, index, words
from kzscam.url.skeleton import variants

_SPLIT = re.compile(r"[^a-z0-9]+")
# Steps of a login or payment page, as folder and file names (prefixes: "login" covers "login.php").
STEPS = ("login", "signin", "logon", "auth", "password", "pay", "card", "bank", "verify",
         "confirm", "account", "oplata", "vhod", "kabinet", "checkout", "billing", "3ds", "otp",
         "cvv", "sms", "code", "secure", "wallet", "delivery", "dostavka", "order", "refund",
         "vozvrat", "unlock", "recovery", "session", "token", "tolem", "karta", "dannye")


@functools.lru_cache(maxsize=8192)
def _brand_of(segment: str) -> Keyword | None:
    tokens = [t for t in _SPLIT.split(segment.lower()) if t]
    if not tokens or len(tokens) > 3:
        return None
    idx = index()
    for token in tokens:
        if token in ("php", "html", "htm", "index", "www"):
            continue
        for kw in idx.lookup(variants(token)):
            if len(kw.key) >= 4 or token == segment.lower():
                return kw
    return None


def login_path_brand(path: str, query: str, cheap: bool) -> tuple[Keyword, int] | None:
    """(brand, offset of its folder in `path`) when a folder or file of the path names a brand
    and the link looks like a login or payment page (see the module docstring)."""
    segments = path[:400].split("/")[:12]
    offset = 0
    for i, segment in enumerate(segments):
        kw = _brand_of(segment) if segment else None
        if kw is not None:
            rest = "/".join(segments[i:]).lower() + "?" + query[:200].lower()
            tokens = [t for t in _SPLIT.split(rest) if t]
            step = any(t.startswith(STEPS) for t in tokens[1:]) or any(
                t.startswith(STEPS) for t in _SPLIT.split(path[:offset].lower()) if t)
            script = ".php" in rest.partition("?")[0]
            generic = kw.generic or len(kw.key) < 4
            lure = any(words().is_lure(t) for t in tokens[1:])
            if step or script or (cheap and (not generic or lure)):
                return kw, offset
        offset += len(segment) + 1
    return None


# Words of a sign-in or payment step in a host or path (prefixes), for pages on hosts anyone can
# publish on: "login_mic-0iphc2.l-iukeng101.workers.dev", "hp9duwyyjv.bond/login".
# Words of five letters or more also count as the start of a longer word ("loginpage",
# "verification"); shorter ones only alone ("auth" but not "author", "sso", "otp").
SIGN_IN = ("login", "signin", "logon", "authent", "authoriz", "verif", "secure", "account",
           "wallet", "webmail", "password", "passwd", "billing", "payment", "banking", "recover",
           "unlock", "unblock", "oplata", "kabinet", "checkout")
SIGN_IN_SHORT = frozenset({"auth", "sso", "mfa", "2fa", "otp", "3ds", "cvv", "vhod", "pay"})


def sign_in_word(labels: list[str], path: str, query: str) -> str | None:
    """The first sign-in or payment word among the host's own labels, the path and the query."""
    host = " ".join(label[:63] for label in labels[-12:])  # bounded for hostile hosts
    text = host.lower() + " " + path[:300].lower() + " " + query[:200].lower()
    for token in _SPLIT.split(text):
        if token in SIGN_IN_SHORT or token.startswith(SIGN_IN):
            return token[:40]
    return None


# Folders of a site engine where its own code and uploads live and no page of the site does:
# kits uploaded to a hacked WordPress site sit there ("/wp-includes/js/swfupload/login.php",
# "/wp-content/uploads/2024/secure/verify.html", "/.well-known/acme/signin/"), a folder or
# more below it (RFC 8615's "/.well-known/change-password" is a real redirect). The real
# WordPress sign-in page is /wp-login.php at the site's root; /wp-admin/ has real pages.
_CMS = re.compile(r"/(wp-includes|wp-content|\.well-known)/", re.IGNORECASE)
_PAGES = (".php", ".html", ".htm", ".asp", ".aspx", ".jsp")


def cms_sign_in(path: str, query: str) -> tuple[str, str, int] | None:
    """(engine folder, sign-in word, its offset in `path`) for a sign-in or payment page inside
    a site engine's system folder; style sheets, scripts and uploaded files are not pages."""
    found = _CMS.search(path[:400])
    if found is None:
        return None
    rest = path[found.end():400]
    if "/" not in rest.strip("/"):
        return None
    last = rest.rsplit("/", 1)[-1].lower()
    if last and "." in last and not last.endswith(_PAGES):
        return None
    word = sign_in_word([], rest, query)
    if word is None:
        return None
    return found.group(1), word, found.start() + 1
