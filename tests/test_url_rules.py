"""Every URL rule's texts are filled from its detector's parameters, in every language."""

from __future__ import annotations

import pytest

from kzscam.config import Config
from kzscam.engine import get_engine
from kzscam.i18n import LANGS
from kzscam.rules.loader import load_catalog
from kzscam.url.inspect import inspect_url

URL_RULES = [r for r in load_catalog().rules if r.subject == "url"]


@pytest.mark.parametrize("rule", URL_RULES, ids=[r.id for r in URL_RULES])
def test_placeholders_are_filled_in_every_language(rule: object) -> None:
    engine = get_engine(Config())
    for example in rule.hits:  # type: ignore[attr-defined]
        for lang in LANGS:
            for finding in engine.stamp(inspect_url(example), lang):
                if finding.rule_id == rule.id:  # type: ignore[attr-defined]
                    assert "{" not in finding.title + finding.advice, (example, lang, finding.title)
                    assert finding.title.strip() and finding.advice.strip()


def test_every_inspector_check_has_a_rule() -> None:
    checks = {r.check for r in URL_RULES}
    samples = ["https://kаspi.kz", "kapsi.kz", "kaspi-bonus.kz", "kaspi.kz.x.top", "kaspi.com",
               "http://1.2.3.4/kaspi", "https://tеst-shop.kz", "xn--80awicg8e.kz", "http://u@x.kz:81/",
               "http://a\u200b.kz/", "https://a.b.c.d.e.f.x.kz/", "javascript:x", "http://x.kz/login",
               "http://%41.kz/", "http://1.2.3.999/", "bit.ly/x", "https://google.com/url?q=https://x.kz",
               "https://x.tilda.ws", "forms.gle/x", "https://x.kz/a.apk", "https://x.kz/a.zip",
               "anydesk.com", "tg://login?token=x", "https://wa.me/1?text=x", "https://pay.kaspi.kz/pay/x",
               "bitcoin:bc1q", "https://x.tilda.ws/kaspi", "http://x.top/login", "https://x.top/sber/",
               "https://x.kz/wp-content/uploads/a/verify.php"]
    fired = {h.check for url in samples for h in inspect_url(url)}
    assert fired - checks == set(), "detector checks without a rule"
    assert checks - fired == set(), "rules whose check no sample produced"
