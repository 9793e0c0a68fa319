"""The evaluation targets, as tests: dnstwist look-alikes of every protected domain are caught
(>= 95% each), and real popular domains stay quiet (<= 0.5% look-alike flags per list)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import shared_path

from kzscam.url.brands import index
from kzscam.url.inspect import inspect_url

dnstwist = pytest.importorskip("dnstwist", reason="dnstwist is a test dependency (pip install -e '.[test]')")

# dnstwist's own phishing dictionary and abused endings (elceef/dnstwist dictionaries/, Apache-2.0),
# the same inputs as scripts/eval_url.py.
WORDS = ["auth", "access", "account", "agree", "cdn", "choose", "claim", "cl", "click", "confirm",
         "confirmation", "connect", "download", "enroll", "find", "http", "https", "https-www",
         "install", "login", "mail", "my", "online", "payment", "payments", "recovery", "register",
         "ssl", "safe", "secure", "security", "service", "services", "signin", "support", "summary",
         "update", "user", "verify", "verification", "view", "ww", "www"]
TLDS = ["com", "net", "eu", "cn", "ga", "gq", "tk", "ml", "cf", "cc", "info", "app", "ooo", "xyz",
        "online", "site", "wang", "work", "rest", "buzz", "top", "fit", "network"]
SAMPLE = 7  # homoglyph permutations are ~90% of all: test 1 in 7 and count each as 7


def brands_of(domain: str) -> set[str]:
    return {h.params["brand"] for h in inspect_url(domain) if "brand" in h.params}


def permutations(domain: str) -> Iterator[tuple[str, int]]:
    """(permutation, weight): every permutation once, homoglyphs sampled and weighted."""
    fuzz = dnstwist.Fuzzer(domain, dictionary=WORDS, tld_dictionary=list(TLDS))
    fuzz.generate()
    perms = sorted((p["fuzzer"], p["domain"]) for p in fuzz.domains if p["fuzzer"] != "*original")
    yield from ((d, 1) for f, d in perms if f != "homoglyph")
    yield from ((d, SAMPLE) for f, d in [p for p in perms if p[0] == "homoglyph"][::SAMPLE])


# Brands whose domain label is an everyday word that is not a keyword (mail.ru) are left out.
PROTECTED = [(d, b.name) for b in index().brands for d in b.domains
             if len(d.split(".")[0]) >= 3 and b.name_keyword]


@pytest.mark.parametrize(("domain", "brand"), PROTECTED, ids=[d for d, _ in PROTECTED])
def test_dnstwist_lookalikes_are_caught(domain: str, brand: str) -> None:
    idx = index()
    total = caught = 0
    misses: list[str] = []
    for perm, weight in permutations(domain):
        shown = perm.encode("ascii").decode("idna") if "xn--" in perm else perm
        if idx.owner(shown):
            continue  # some brand's real or sister domain: not an imitation
        total += weight
        if brand in brands_of(perm):
            caught += weight
        else:
            misses.append(shown)
    assert total > 50
    assert caught / total >= 0.95, f"{caught}/{total}; e.g. {misses[:10]}"


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["domains_top.txt", "domains_kz_ru.txt"])
def test_real_popular_domains_stay_quiet(name: str) -> None:
    path: Path = shared_path("corpus", name)
    domains = [d for d in path.read_text(encoding="utf-8").split() if d]
    flagged = [d for d in domains if brands_of(d)]
    assert len(flagged) / len(domains) <= 0.005, flagged
    for real in ("kaspi.kz", "kolesa.kz", "krisha.kz"):
        assert real not in flagged

