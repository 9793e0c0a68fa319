"""The learned text detector: a detector like the others, with evidence, data-driven bands, no
training library on the checking path, and a model file that `make model` reproduces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

from kzscam.config import Config
from kzscam.engine import Engine, get_engine
from kzscam.model import Verdict
from kzscam.pipeline.text import check_text
from kzscam.rules.loader import load_catalog
from kzscam.text.learned import MODEL_FILE, Model, features
from kzscam.text.normalize import normalize

SCAMS = [
    "Заработок от 3000 в день, без опыта, пиши в лс",
    "Сәлем, бұл мен, жаңа нөмірім. Шұғыл 50 мың керек боп тұр, кешке қайтарам, каспиға салып жіберші",
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return get_engine()


def test_the_model_ships_and_loads() -> None:
    model = Model.load()
    assert model is not None and len(model.weights) > 1000
    assert Model.load(Path("/nonexistent/model.json")) is None


def test_features_fold_disguises_and_inflection() -> None:
    """Kazakh written on a Russian keyboard and Latin-script Kazakh meet the same features."""
    def feats(text: str) -> set[str]:
        return features(v.text for v in normalize(text).views)

    assert feats("ақшаны аударыңыз") == feats("акшаны аударыныз")
    assert "wкод" in feats("kod jiber") | feats("КОД жібер")
    assert "sаудар" in feats("аударып жіберші") and "sаудар" in feats("аударыңыз")
    assert "w000000" in feats("code 482915") and "w000000" in feats("code 113377")


def test_a_link_scheme_is_not_read_as_words() -> None:
    """"https" and "www." only say that a link is there, which the entity kind says once; the
    host and path words are still read, in every view, and evidence never quotes a piece of a link
    ("https", "com"): the URL inspector quotes the link."""
    def feats(text: str) -> set[str]:
        return features(v.text for v in normalize(text).views)

    with_scheme = feats("Смотри https://www.youtube.com/watch?v=1 и HTTP://t.me/addstickers/cats")
    assert with_scheme == feats("Смотри youtube.com/watch?v=1 и t.me/addstickers/cats")
    assert "wyoutube" in with_scheme and "waddstickers" in with_scheme
    assert not {"whttps", "whttp", "wwww", "wхттпс"} & with_scheme
    text = "Claim your prize now https://prize-claim.example/win, reply WIN to 80085"
    model = Model.load()
    assert model is not None
    cues = model.cues(normalize(text))
    link = text.index("https"), text.index(", reply")
    assert cues and all(c.end <= link[0] or c.start >= link[1] for c in cues)


@pytest.mark.parametrize("text", SCAMS)
def test_a_confident_scam_gets_a_finding_with_evidence(engine: Engine, text: str) -> None:
    report = check_text(engine, text, name="m", lang="kk")
    learned = [f for f in report.findings if f.category == "learned"]
    assert len(learned) == 1
    finding = learned[0]
    assert finding.params["probability"].endswith("%")
    assert finding.params["probability"] in finding.title
    assert 1 <= len(finding.evidence) <= 4
    for ev in finding.evidence:
        assert text[ev.start : ev.end] == ev.text and ev.text.strip()


def test_evidence_offsets_survive_disguised_text(engine: Engine) -> None:
    text = "Zaрaбoтoк от 3000 в дeнь, бeз опытa, пиши в лс 👉 t.me/rаbota_kz"  # Latin look-alikes
    for f in check_text(engine, text, name="m", lang="en").findings:
        for ev in f.evidence:
            assert text[ev.start : ev.end] == ev.text


@pytest.mark.parametrize("text", ["Ok, see you at 7 at the cafe, I'll bring the books",
                                  "Ваш код подтверждения: 4821. Никому не сообщайте этот код.",
                                  "Анам, мен үйге келдім, кешкі асқа не аламыз?"])
def test_ordinary_messages_get_no_learned_finding(engine: Engine, text: str) -> None:
    report = check_text(engine, text, name="m", lang="en")
    assert not [f for f in report.findings if f.category == "learned"]


def test_bands_are_policy_data() -> None:
    """Raising a band's floor in scoring.toml silences the detector: the policy is data."""
    catalog = load_catalog()
    engine = Engine(catalog, Config())
    assert [c for c, _f in catalog.scoring.learned] == ["learned.very_likely", "learned.likely"]
    assert check_text(engine, SCAMS[0], name="m", lang="en").verdict >= Verdict.SUSPICIOUS
    strict = catalog.scoring._replace(learned=tuple((c, 0.999999) for c, _ in catalog.scoring.learned))
    engine.catalog = catalog._replace(scoring=strict)
    assert not [f for f in check_text(engine, SCAMS[1], name="m", lang="en").findings
                if f.category == "learned"]


@pytest.mark.parametrize(("scam", "about_it"), [
    ("Первые 3 задания бесплатно, заработал 2400. Дальше сказали нужно выкупить пакет заданий за "
     "20 000, чтобы выйти на 60к. Куратор торопит",
     "Первые 3 задания бесплатно, заработал 2400. Дальше сказали нужно выкупить пакет заданий за "
     "20 000, чтобы выйти на 60к. Куратор торопит. Это норм или развод?"),
])
def test_a_message_about_a_scam_gets_the_learned_band_below(engine: Engine, scam: str,
                                                            about_it: str) -> None:
    """Who speaks to whom: the same wording asked about is one band lower ([learned_demote])."""
    direct = {f.rule_id for f in check_text(engine, scam, name="t", lang="en").findings}
    asked = {f.rule_id for f in check_text(engine, about_it, name="t", lang="en").findings}
    assert "TXT-ML-002" in direct and "TXT-CTX-001" not in direct
    assert "TXT-CTX-001" in asked and "TXT-ML-001" in asked and "TXT-ML-002" not in asked
    # a call back on a toll-free or short number (TXT-CTX-004) lowers the band the same way
    assert load_catalog().scoring.learned_demote == frozenset({"reported", "official_callback"})


def test_checking_never_imports_training_libraries() -> None:
    code = ("import sys; from kzscam.api import check_text; check_text('" + SCAMS[0] + "'); "
            "print(sorted(m for m in ('sklearn', 'scipy', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={"KZSCAM_NO_CACHE": "1", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_make_model_reproduces_the_shipped_model(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="the train extra (scikit-learn) is not installed")
    if not (SHARED / "corpus" / "train" / "train.jsonl").exists():
        pytest.skip(f"{SHARED}/corpus/train not present (corpora live in ../shared beside the clone)")
    out, scoring = tmp_path / "model.json", tmp_path / "scoring.toml"
    shipped = ROOT / "kzscam" / "rules" / "scoring.toml"
    scoring.write_bytes(shipped.read_bytes())
    subprocess.run([sys.executable, str(ROOT / "scripts" / "train_model.py"), "--shared",
                    str(SHARED), "--out", str(out), "--scoring", str(scoring)],
                   check=True, capture_output=True, cwd=ROOT)
    assert json.loads(out.read_bytes()) == json.loads(MODEL_FILE.read_bytes())
    assert scoring.read_bytes() == shipped.read_bytes()  # the bands match the shipped model


@pytest.mark.parametrize("text", [*SCAMS, "Kod: 4821. Никому не говорите!", "ok", "",
                                  "Сәлем! kaspi.kz/pay 12 000 ₸ 8 701 123 45 67"])
def test_fast_scoring_equals_the_feature_definition(text: str) -> None:
    """Checking uses split weight tables; training uses named features: one model either way."""
    from kzscam.text.extract import extract_all
    from kzscam.text.learned import sigmoid

    model = Model.load()
    assert model is not None
    norm = normalize(text)
    kinds = {e.kind for e in extract_all(text)}
    named = features((v.text for v in norm.views), kinds)
    assert model.probability(norm, kinds) == pytest.approx(
        sigmoid(model.bias, model.weights, named), abs=1e-12)
