"""Five-fold figures of the whole of check-text (rules and learned model) on the training data.

`make eval` prints them beside the frozen split. Each message is checked by the full engine whose
learned model was trained without the message's fold (the same folds and training code as
`scripts/train_model.py`), so the model's share of the figures is out of sample; the rules were
written with these messages in view, so their share is not. Needs the `train` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_model as tm  # noqa: E402
from splits import corpus  # noqa: E402

from kzscam.engine import get_engine  # noqa: E402
from kzscam.model import Verdict  # noqa: E402
from kzscam.pipeline.text import check_text  # noqa: E402
from kzscam.text.learned import Model  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    if not (args.shared / "corpus" / "train" / "train.jsonl").exists():
        print(f"eval_kfold: {args.shared}/corpus/train not present; skipped")
        return 0
    real, _frozen, _written = corpus(args.shared)
    del _frozen, _written  # the frozen split is never used here
    _trained, kept_out = tm.trained_part(real, args.shared)
    real, extra = tm.training_rows(args.shared)
    rows = real + extra
    is_real = [i < len(real) for i in range(len(rows))]
    feats = [tm.featurize(r["text"]) for r in rows]
    labels = [1 if r["label"] == "scam" else 0 for r in rows]
    fold_of = tm.folds(rows, is_real)
    models = []
    for fold in range(tm.FOLDS):
        train_i = [i for i in range(len(rows)) if fold_of[i] != fold]
        bias, weights = tm.fit([feats[i] for i in train_i], [labels[i] for i in train_i],
                               tm.weights_for([rows[i] for i in train_i]))
        models.append(Model(bias, weights, {}))
    engine = get_engine()
    cells: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for i, row in enumerate(rows):
        engine.learned = models[fold_of[i]]
        flagged = check_text(engine, row["text"], name="m", lang="en").verdict >= Verdict.SUSPICIOUS
        cell = cells[(tm.lang_group(row), tm.origin_of(row, is_real[i]), row["label"])]
        cell[0] += 1
        cell[1] += flagged
    # Messages never trained on (premium-rate SMS spam, see train_model.py): any fold's model is
    # out of sample for them.
    engine.learned = models[0]
    for row in kept_out:
        flagged = check_text(engine, row["text"], name="m", lang="en").verdict >= Verdict.SUSPICIOUS
        cell = cells[(tm.lang_group(row), "not trained", row["label"])]
        cell[0] += 1
        cell[1] += flagged
    print("== five-fold, rules + learned (flagged = suspicious or worse)")
    for origin in ("real", "written", "public", "not trained"):
        for lang in ("kk", "ru", "en"):
            scam, legit = cells[(lang, origin, "scam")], cells[(lang, origin, "legit")]
            if not scam[0] and not legit[0]:
                continue
            recall = f"{scam[1] / scam[0]:.3f} ({scam[1]}/{scam[0]})" if scam[0] else "-"
            fp = f"{legit[1] / legit[0]:.3f} ({legit[1]}/{legit[0]})" if legit[0] else "-"
            print(f"  {lang}, {origin:>11}: recall {recall}, legit flagged {fp}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
