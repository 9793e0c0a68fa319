"""The fast matcher finds exactly what each term's reference regex finds.

`PatternTable.view_spans` confirms one-word terms from the Aho-Corasick hit itself and runs a
multi-word term's regex only when all its words occurred. Each term also has a reference form:
its RE2 regex over the whole view. Both forms must agree, term by term and span by span, on rule
examples, corpus messages (when ../shared is present) and awkward text.
"""

from __future__ import annotations

import json
import pickle
import random
import re
from pathlib import Path

import pytest
from conftest import shared_path

from kzscam.config import Config
from kzscam.engine import Engine
from kzscam.pipeline.text import check_text
from kzscam.rules.factors import factors
from kzscam.rules.loader import load_catalog
from kzscam.rules.table import MAX_SPANS, PatternTable, Scan
from kzscam.text.normalize import fold, normalize


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_catalog(), Config())  # a fresh build keeps the build form for reference


def _reference(table: PatternTable, text: str, cyrillic_only: bool) -> dict[int, list[tuple[int, int]]]:
    """Every term whose regex matches `text`, with the spans the regex gives.

    A one-word term's occurrences are all word-start matches: the search resumes where the quoted
    word ends, so the separator a match consumed can start the next one ("a.a" has two).
    """
    out: dict[int, list[tuple[int, int]]] = {}
    for tid, literal in enumerate(table.term_literal):
        if literal is not None and literal not in text:
            continue  # the literal is a necessary substring of every match
        if cyrillic_only and not table.term_cyrillic[tid]:
            continue
        one_word = literal is not None and len(
            [w for w in fold(table.term_keys[tid]).split() if w != ".."]) == 1
        pattern = re.compile(table.term_sources[tid]) if literal is not None else table.compiled(tid)
        spans: list[tuple[int, int]] = []
        pos = 0
        while len(spans) < MAX_SPANS:
            m = pattern.search(text, pos)
            if m is None:
                break
            start, end = m.span(1)
            # Drop the separator a match consumed, never the term itself (a sign such as "₸").
            keep = start + len(literal) if one_word and literal else start
            while end > keep and not text[end - 1].isalnum():
                end -= 1
            spans.append((start, end))
            pos = max(end, start + 1) if one_word else max(m.end(), m.start() + 1)
        if spans:
            out[tid] = spans
    return out


def _texts(engine: Engine) -> list[str]:
    texts = [t for rule in engine.catalog.rules for t in (*rule.hits, *rule.misses)]
    corpus = shared_path("corpus", "texts_dev.jsonl")
    if corpus.exists():
        texts += [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines()
                  if line.strip()]
    rng = random.Random(5)
    words = [w for t in texts for w in t.split()]
    # Word salad: terms at the start and end of text, glued to punctuation, repeated many times.
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(300)]
    texts += ["код", "код.", "(код)", "кодкод код", "код " * 40, "с о о б щ и т е  к о д",
              "Ulttyq Bank qyzmetkeri, kodty aityңyz", "ЗВОНИТ СЛУЖБА БЕЗОПАСНОСТИ", ""]
    return texts


def test_fast_matcher_agrees_with_reference_regexes(engine: Engine) -> None:
    table = engine.table
    checked = 0
    for text in _texts(engine):
        for view in normalize(text).views:
            fast = table.view_spans(view)
            ref = _reference(table, view.text, view.name == "translit")
            assert fast == ref, (text, view.name, {
                table.term_keys[t]: (fast.get(t), ref.get(t)) for t in fast.keys() ^ ref.keys()})
            checked += 1
    assert checked > 1000


def test_cached_engine_matches_like_a_fresh_build(engine: Engine) -> None:
    """The pickled run-time form (flat arrays, no build lists) gives the same results."""
    loaded = pickle.loads(pickle.dumps(engine))
    assert not hasattr(loaded.table, "term_sources")
    for text in _texts(engine)[:400]:
        fresh, cached = Scan(engine.table, normalize(text)), Scan(loaded.table, normalize(text))
        assert fresh.patterns_found == cached.patterns_found, text
        expected = check_text(engine, text, name="m", lang="en")
        assert check_text(loaded, text, name="m", lang="en").findings == expected.findings, text


@pytest.mark.parametrize(("pattern", "expected"), [
    ("(?:^|[^a-z])(?:cat|dog)s", {"cats", "dogs"}),
    ("a(b|c)de", {"abde", "acde"}),
    ("(?:hello)?world", {"world"}),
    ("сооб[щш]ите", {"сообщите", "сообшите"}),
    ("(?:pay|send)[a-z]*\\s+now", {"now"}),  # equally long: the smaller set wins
    ("x{2}yz", {"xxyz"}),
])
def test_literal_factors_of_author_regexes(pattern: str, expected: set[str]) -> None:
    assert factors(pattern) == expected


@pytest.mark.parametrize("pattern", [
    "\\d{3}[\\s-]?\\d{4}",  # digits and classes only
    "(?i)kaspi",  # case-insensitive: the folded text would need every case form
    "(?:ab|c)\\w+",  # one alternative without a long enough literal
    "\\Qliteral\\E",  # RE2-only syntax: the stdlib parser refuses it, so no prefilter
])
def test_factors_give_up_rather_than_guess(pattern: str) -> None:
    assert factors(pattern) is None


def test_a_repeat_that_may_be_absent_is_not_required() -> None:
    assert factors("(?:kaspi)*bank[a-z]") == {"bank"}


def test_negation_holds_in_long_text_full_of_negation_words(engine: Engine) -> None:
    """Spans stop at MAX_SPANS per term; a negation must still be seen after many earlier "не"."""
    filler = "Это не шутка, не спам и не реклама. " * 6
    advice = check_text(engine, filler + "Не скажите код из SMS.", name="m", lang="en")
    assert advice.findings == ()
    request = check_text(engine, filler + "Скажите код из SMS.", name="m", lang="en")
    assert "TXT-CODE-001" in {f.rule_id for f in request.findings}


def test_posix_classes_in_author_regexes_are_not_misread() -> None:
    """Python's parser reads [[:digit:]] as a set of letters; RE2 as digits: no prefilter then."""
    assert factors("(kaspi[[:digit:]])") is None
    assert factors("(ab{,0}cd)") is None  # a literal "{,0}" in RE2
    table = PatternTable()
    table.add_regex("kaspi [[:digit:]]{4}", "test")
    table.freeze()
    view = normalize("переведите на kaspi 5169").views[0]
    assert list(table.view_spans(view)) == [0]


def test_engine_cache_key_covers_every_module_that_builds_the_engine() -> None:
    """A change to any of them must invalidate cached engines in users' caches."""
    import subprocess
    import sys

    from kzscam import engine_cache

    code = ("import sys; from kzscam.engine import Engine; from kzscam.rules.loader import "
            "load_catalog; from kzscam.config import Config; Engine(load_catalog(), Config()); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('kzscam.'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()
    root = Path(engine_cache.__file__).resolve().parent
    files = {m.removeprefix("kzscam.").replace(".", "/") + ".py" for m in loaded}
    files = {f if (root / f).exists() else f.removesuffix(".py") + "/__init__.py" for f in files}
    covered = {str(p.relative_to(root)) for p in engine_cache.code_files()}
    assert files and files - covered == set()


def test_unicode_classes_do_not_hide_a_regexs_literal_words() -> None:
    """\\p{...} used to make the analysis give up, so such regexes ran on every message."""
    assert factors(r"(?:^|[^\p{L}])(?:dohod|zarabot)\p{L}*[^\n]*\p{Cyrillic}") == {"dohod",
                                                                                 "zarabot"}
    assert factors(r"[\p{L}]kaspi") == {"kaspi"}  # inside a set: still one character
    assert factors(r"[^\p{L}\d]kaspi") == {"kaspi"}
    assert factors(r"\\p{L}kaspi") == {"\\p{L}kaspi"}  # an escaped backslash is a literal
    assert factors(r"\p{Cyrillic}\p{Greek}") is None


def test_no_author_regex_uses_a_large_counted_repeat(engine: Engine) -> None:
    """All author regexes share one RE2 set: a bound like {0,200} multiplied its automaton and cut
    batch throughput by three quarters; the largest today is 80."""
    big = re.compile(r"\{(\d*),(\d+)\}|\{(\d+)\}")
    for tid in engine.table._raw:
        for m in big.finditer(engine.table.source(tid)):
            bound = int(m.group(2) or m.group(3))
            assert bound <= 80, engine.table.source(tid)


def test_negation_after_if_is_a_condition_not_a_negation(engine: Engine) -> None:
    """"если не заработаете" states a condition (a refund promise, a threat), it does not deny what
    follows; a plain "не зарабатывайте" still does."""
    promise = check_text(engine, "Торгуем на бирже по нашим сигналам, деньги вернём, если не заработаете",
                         name="m", lang="en")
    assert "TXT-INV-001" in {f.rule_id for f in promise.findings}
    advice = check_text(engine, "Не зарабатывайте на бирже по чужим сигналам", name="m", lang="en")
    assert "TXT-INV-001" not in {f.rule_id for f in advice.findings}


def test_if_not_you_is_a_condition_in_three_languages(engine: Engine) -> None:
    """"If not you, call ..." / "если это не вы, позвоните" sends the reader to the caller's line:
    the "not" belongs to the condition. "Do not call" after it is still advice."""
    def fired(text: str) -> set[str]:
        return {f.rule_id for f in check_text(engine, text, name="m", lang="en").findings}

    assert "TXT-AUTH-011" in fired("A payment of 980 USD was made with your card online. "
                                   "If not you please call +44 330 380 0231.")
    assert "TXT-AUTH-011" in fired("С вашей карты списано 45 000 тг. "
                                   "Если это не вы, позвоните +7 701 555 12 34.")
    assert "TXT-AUTH-011" not in fired("If not you, do not call numbers from a message: open your bank app")


def test_latin_kazakh_reported_words_and_statements(engine: Engine) -> None:
    """Quotes followed by "degen", "does not" verbs ("bolmaıdy") and "emes" work in Latin-script
    Kazakh as in Cyrillic: a warning that names the safe account is not a request to use one."""
    def fired(text: str) -> set[str]:
        return {f.rule_id for f in check_text(engine, text, name="m", lang="en").findings}

    assert "TXT-NBK-001" not in fired("Ata-anańyzǵa túsindirińiz: banktiń «qaýipsiz shoty» degen bolmaıdy.")
    assert "TXT-NBK-001" in fired("Qaýipsiz shotqa aqshany aýdaryńyz, bul uaqytsha.")
    assert "TXT-CODE-002" not in fired("Kodty eshkimge jibermeńiz.")
    assert "TXT-CODE-002" in fired("Kodty jiberińiz.")


def test_retold_words_and_does_not_statements_in_kazakh(engine: Engine) -> None:
    """Words quoted after "жазып жатыр:" / "пишет:" are someone else's; "жүргізбейді" (does not
    conduct) states what an organisation does not do. The same words as a request still count."""
    def fired(text: str) -> set[str]:
        return {f.rule_id for f in check_text(engine, text, name="m", lang="en").findings}

    assert "TXT-CODE-001" not in fired("Мама пишет: «Скинь код из смс, это для бонуса». Это нормально?")
    assert "TXT-CODE-001" in fired("Скинь код из смс, это для бонуса.")
    statement = "Ұлттық банк халықпен қолма-қол ақша айырбастау операцияларын жүргізбейді."
    assert "TXT-NBK-010" not in fired(statement)
    assert "TXT-NBK-010" in fired("Ұлттық банк үйіңізге келіп, қолма-қол ақшаңызды айырбастайды.")


def test_quoted_words_count_as_reported_for_rules_without_negations(engine: Engine) -> None:
    """A relative's request quoted after "Қыз жазып жатыр:" is reported even by rules that take no
    negation list; "«...» десе — алдау" (if someone says ..., it is a fraud) reports too."""
    def fired(text: str) -> set[str]:
        return {f.rule_id for f in check_text(engine, text, name="m", lang="en").findings}

    quoted = "Інім жазып жатыр: «ага, жана номир. Маган 15 мын салшы, кейин айтам». Салмадым али"
    assert "TXT-REL-004" not in fired(quoted)
    assert "TXT-REL-004" in fired("Ага, жана номир. Маган 15 мын салшы, кейин айтам")
    warning = "Telefonmen «QR skanerlep aqsha alasyz» dese, ol — alaıaq, senbeńiz."
    assert "TXT-LINK-008" not in fired(warning)
    assert "TXT-LINK-008" in fired("QR skanerlep aqsha alasyz")



@pytest.mark.parametrize(("term", "text", "found"), [
    ("жеке куәлік*", "жеке куәлігіңізді алып келіңіз", True),   # к -> г before a vowel ending
    ("ұяшық*", "резервтелген ұяшығыңызда", True),              # қ -> ғ
    ("кітап*", "кітабын оқыдым", True),                         # п -> б
    ("жеке куәлік*", "жеке куәлігі", True),
    ("жеке куәлік*", "жеке куәлікті", True),                    # the plain form still matches
    ("банк*", "банги", False),                                  # not a Kazakh-written stem
    ("card*", "carg", False),
])
def test_a_kazakh_stem_matches_its_voiced_form(term: str, text: str, found: bool) -> None:
    """Kazakh voices a stem's final к/қ/п before a vowel ending (куәлік -> куәлігі): a stem term
    written in Kazakh matches both, in the fast matcher and in its reference regex alike."""
    table = PatternTable()
    table.add_terms([term], "test")
    table.freeze()
    view = normalize(text).views[0]
    assert (list(table.view_spans(view)) == [0]) is found
    assert (re.search(table.term_sources[0], view.text) is not None) is found
