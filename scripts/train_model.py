"""Train the learned text detector (`make model`): kzscam/data/text_model.json, deterministically.

Data: the training part of ../shared/corpus/train/train.jsonl (the frozen 20% test split of
scripts/splits.py is never used here) plus training/written.jsonl and training/public.jsonl (real
messages from other public repositories, see training/README.md). Each (language, label) group
gets the same total weight, so the model cannot learn "Kazakh means legit" or "formal English
means scam" from group sizes. The thresholds at which a finding is raised are chosen on 5-fold
cross-validation over the real messages only (written ones are always training data), as the
score a legitimate message of any language reaches at most 1% (likely) and 0.25% (very likely)
of the time. Needs the `train` extra (scikit-learn); checking never imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from splits import corpus, read_jsonl  # noqa: E402

from kzscam.text.extract import extract_all  # noqa: E402
from kzscam.text.learned import MODEL_FILE, features, sigmoid  # noqa: E402
from kzscam.text.normalize import normalize  # noqa: E402

LIKELY_FP, VERY_LIKELY_FP = 0.01, 0.0025
# The 0.25% floor rests on the third or fourth highest score of about 1,200 legitimate messages of
# one language, and it moved between 0.75 and 0.83 from one retraining to the next. Out of fold, a
# floor of 0.80 kept the same recall as 0.75 (ru real 0.876 both, en real 0.917 against 0.919) with
# fewer false alarms on the written hard negatives (kk 18 against 24 of 528, en 9 against 13 of 345),
# so "very likely" was never set below it. With 353 written formal English messages added
# (training/README.md, "English service notices") the quantile fell to 0.80. A sweep with folds
# counted inside each group, on the nine tuning sets and out of fold: 0.80 / 0.83 / 0.86 / 0.89
# flagged 104 / 94 / 90 / 80 of their 2,137 genuine messages, caught 1,542 / 1,537 / 1,534 / 1,524
# of their scams and 947 / 942 / 932 / 925 of the 1,016 real English and Russian scams. 0.83 takes
# most of the false alarms for the fewest scams, so it is the floor's minimum now.
MIN_VERY_LIKELY = 0.83
# The same for "likely": its 1% quantile moved from 0.598 to 0.565 when 433 written messages were
# added, and at 0.565 Telegram's own sticker-set share text ("Check out «…» sticker set") reached it.
# Out of fold, 0.60 against 0.565 kept every real scam, lost one written Kazakh scam of 578 and
# removed one written Russian false alarm.
MIN_LIKELY = 0.60
# Label noise: the SMS spam collection's "spam" mixes fraud (premium-rate prize lures) with plain
# adverts, chat lines and subscriptions, which the development set labels legitimate. Trained on,
# its spam taught "any UK-style SMS advert is a scam" (6 of 34 English legitimate development
# messages flagged); its prize lures are left to the rules, which catch them. Its legitimate
# messages stay. Everything stays in the frozen split's measurement.
NOT_TRAINED_SOURCE = "sms-spam-collection"
NOT_TRAINED = {("en", "scam", "adult_spam")}
# With 433 more written messages (2,433 in all), equal per-message weight let written text outvote
# real text in Russian and English: out-of-fold recall of the whole check-text fell (ru real 0.876 ->
# 0.855). Real messages counting 1.5x / 2x / 3x: ru real 0.865 / 0.881 / 0.886, en real 0.921 /
# 0.922 / 0.922, written kk legitimate flagged 2.0% / 2.1% / 3.4%. 2x is the knee.
REAL_WEIGHT = 2.0
C = 0.5
MIN_DF = 2
# Weights smaller than this are dropped (also inside cross-validation, so the floors fit the
# shipped model): a quarter of the features carry almost all of the score, and the model loads
# with every one-message run.
MIN_WEIGHT = 0.03
FOLDS = 5
SCORING = ROOT / "kzscam" / "rules" / "scoring.toml"


def left_out(row: dict[str, Any]) -> bool:
    """A real message kept out of training (see NOT_TRAINED_SOURCE); still measured."""
    return ((row["lang"], row["label"], row.get("scenario", "")) in NOT_TRAINED
            or (row["label"] == "scam" and NOT_TRAINED_SOURCE in row.get("source", "")))


PUBLIC = ROOT / "training" / "public.jsonl"


def origin_of(row: dict[str, Any], real: bool) -> str:
    """real (the shared corpus), written or public (training/README.md)."""
    return "real" if real else str(row.get("origin", "written"))


def training_rows(shared: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(real messages trained on, other training messages): the shared corpus's training part
    (see `trained_part`), then training/written.jsonl and training/public.jsonl. The floors come
    from the first list only, as before the public messages were added."""
    real, _frozen, written = corpus(shared)
    del _frozen  # never used for training
    real, _kept = trained_part(real, shared)
    public = read_jsonl(PUBLIC) if PUBLIC.exists() else []
    return real, written + public


def trained_part(real: list[dict[str, Any]],
                 shared: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(trained, kept out) of the real training part. Besides `left_out`, a message that is a near
    copy of a development message (5-gram Jaccard >= 0.5, `neardup`) is kept out: the public corpora
    share messages with the development set, and a model that has seen them would make the
    development figures a test of memory (147 such messages; with them the set showed 3 legitimate
    messages flagged out of 109, without them 7)."""
    from neardup import NearIndex

    dev_file = shared / "corpus" / "texts_dev.jsonl"
    dev = NearIndex(json.loads(line)["text"] for line in dev_file.open(encoding="utf-8")
                    if line.strip()) if dev_file.exists() else None
    trained: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for r in real:
        out = left_out(r) or (dev is not None and dev.has_near(r["text"]))
        (kept if out else trained).append(r)
    return trained, kept


def folds(rows: list[dict[str, Any]], is_real: list[bool]) -> dict[int, int]:
    """Fold of each row: its position, modulo FOLDS, inside its (language, label, real or not)
    group sorted by text. Counted inside the group, rows added to one group never move another
    group's folds; counted over the whole order (as before), adding written rows re-dealt the real
    ones, and a zero-weight control moved real English scams out of fold 777 -> 768
    (training/README.md, third search)."""
    groups: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[(lang_group(r), r["label"], is_real[i])].append(i)
    fold_of: dict[int, int] = {}
    for members in groups.values():
        for k, i in enumerate(sorted(members, key=lambda j: rows[j]["text"])):
            fold_of[i] = k % FOLDS
    return fold_of


def lang_group(row: dict[str, Any]) -> str:
    return "kk" if row["lang"] in ("kk", "mixed") else row["lang"]


def featurize(text: str) -> set[str]:
    norm = normalize(text)
    kinds = {e.kind for e in extract_all(text)}
    return features((v.text for v in norm.views), kinds)


def weights_for(rows: list[dict[str, Any]]) -> list[float]:
    """Equal total weight per (language, label) group; inside a group a real message counts
    REAL_WEIGHT times a written or public one, so written text fills gaps without outvoting the
    real messages that the checker is judged on."""
    def unit(r: dict[str, Any]) -> float:
        return REAL_WEIGHT if "origin" not in r else 1.0

    sizes: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        sizes[(lang_group(r), r["label"])] += unit(r)
    n_groups = len(sizes)
    return [len(rows) * unit(r) / (n_groups * sizes[(lang_group(r), r["label"])]) for r in rows]


def fit(feats: list[set[str]], labels: list[int],
        sample_weight: list[float]) -> tuple[float, dict[str, float]]:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    df: dict[str, int] = defaultdict(int)
    for fs in feats:
        for f in fs:
            df[f] += 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= MIN_DF))}
    rows, cols = [], []
    for i, fs in enumerate(feats):
        for f in fs:
            j = vocab.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
    x = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(feats), len(vocab)))
    model = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=0)
    model.fit(x, labels, sample_weight=sample_weight)
    coef = model.coef_[0]
    names = sorted(vocab, key=vocab.__getitem__)
    return float(model.intercept_[0]), {n: float(w) for n, w in zip(names, coef, strict=True)
                                          if abs(w) >= MIN_WEIGHT}


def predict(bias: float, weights: dict[str, float], fs: set[str]) -> float:
    return sigmoid(bias, weights, fs)


def threshold(legit_scores: list[float], fp: float) -> float:
    """The lowest score that at most `fp` of these legitimate messages reach."""
    ordered = sorted(legit_scores, reverse=True)
    k = int(fp * len(ordered))
    return min(0.995, max(0.5, ordered[k] + 1e-6 if k < len(ordered) else 0.5))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--scoring", type=Path, default=SCORING,
                    help="scoring.toml whose [[learned]] bands receive the chosen floors")
    args = ap.parse_args()
    real, extra = training_rows(args.shared)
    rows = real + extra
    feats = [featurize(r["text"]) for r in rows]
    labels = [1 if r["label"] == "scam" else 0 for r in rows]
    is_real = [i < len(real) for i in range(len(rows))]

    # Cross-validation: fold = position in a content-sorted order within each (language, label,
    # origin) group. Floors come from real legitimate messages only; written messages are scored
    # too, as a proxy where real ones are scarce (Kazakh scams), and reported apart.
    cv_scores = [0.0] * len(rows)
    fold_of = folds(rows, is_real)
    for fold in range(FOLDS):
        train_i = [i for i in range(len(rows)) if fold_of[i] != fold]
        sub = [rows[i] for i in train_i]
        bias, w = fit([feats[i] for i in train_i], [labels[i] for i in train_i], weights_for(sub))
        for i in range(len(rows)):
            if fold_of[i] == fold:
                cv_scores[i] = predict(bias, w, feats[i])
    legit_by_lang: dict[str, list[float]] = defaultdict(list)
    for i in range(len(real)):
        if labels[i] == 0:
            legit_by_lang[lang_group(rows[i])].append(cv_scores[i])
    likely = max(MIN_LIKELY, max(threshold(s, LIKELY_FP) for s in legit_by_lang.values()))
    very = max(likely, MIN_VERY_LIKELY,
               max(threshold(s, VERY_LIKELY_FP) for s in legit_by_lang.values()))

    report: dict[str, dict[str, float]] = {}
    for origin in ("real", "written", "public"):
        for lang in sorted({lang_group(r) for r in rows}):
            idx = [i for i in range(len(rows)) if lang_group(rows[i]) == lang
                   and origin_of(rows[i], is_real[i]) == origin]
            scam = [cv_scores[i] for i in idx if labels[i] == 1]
            legit = [cv_scores[i] for i in idx if labels[i] == 0]
            if not idx:
                continue
            report[f"{lang}/{origin}"] = {
                "scam": len(scam), "legit": len(legit),
                "recall_likely": round(sum(s >= likely for s in scam) / max(1, len(scam)), 3),
                "fp_likely": round(sum(s >= likely for s in legit) / max(1, len(legit)), 4),
                "recall_very_likely": round(sum(s >= very for s in scam) / max(1, len(scam)), 3),
                "fp_very_likely": round(sum(s >= very for s in legit) / max(1, len(legit)), 4),
            }
    # Calibration per language: in each probability bin, how many held-out messages fell there and
    # what share were scams (real and written together; classes weighted to a 50/50 prior).
    calibration: dict[str, list[list[float]]] = {}
    edges = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01)
    for lang in sorted({lang_group(r) for r in rows}):
        cells = []
        for lo, hi in pairwise(edges):
            inside = [i for i in range(len(rows))
                      if lang_group(rows[i]) == lang and lo <= cv_scores[i] < hi]
            share = sum(labels[i] for i in inside) / len(inside) if inside else 0.0
            cells.append([lo, min(hi, 1.0), len(inside), round(share, 3)])
        calibration[lang] = cells
    bias, w = fit(feats, labels, weights_for(rows))
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[f"{lang_group(r)}/{r['label']}/{r.get('origin', 'real')}"] += 1
    model = {
        "bias": round(bias, 5),
        "weights": {k: round(v, 5) for k, v in sorted(w.items())},
        "meta": {"likely": round(likely, 4), "very_likely": round(very, 4), "C": C,
                 "min_df": MIN_DF, "training_messages": dict(sorted(counts.items())),
                 "cross_validation": report, "calibration": calibration,
                 "features": len(w)},
    }
    args.out.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                        encoding="utf-8")
    write_bands(args.scoring, likely, very)
    print(json.dumps(model["meta"], ensure_ascii=False, indent=1))
    return 0


def write_bands(path: Path, likely: float, very: float) -> None:
    """Put the chosen floors into scoring.toml's [[learned]] bands (the policy stays data)."""
    import re

    text = path.read_text(encoding="utf-8")
    for check, value in (("learned.very_likely", very), ("learned.likely", likely)):
        pattern = re.compile(rf'(check = "{re.escape(check)}"\nmin_probability = )[0-9.]+')
        text, n = pattern.subn(lambda m, v=value: f"{m.group(1)}{v:.4f}", text)
        if n != 1:
            raise SystemExit(f"train_model: no [[learned]] band {check} in {path}")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
