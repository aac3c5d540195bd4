"""Fitting the contradiction combiner (``nli fit-combiner``).

The combiner (:mod:`nli.scoring.combiner`) is fitted on *natural* training-side pairs
that the model never trained on: LingNLI's validation split (role "select": held
aside for choices) and the held-out slice of the model's first-stage recipe, less
its templated sources. The slice's 200 rule-made news pairs (``fnc1-newsgen``)
stay in, a small share beside 6,000-odd natural ones: they are the only rows with
respelled names and reworded numbers, and fitting on rule-made pairs alone would
teach the combiner that any changed slot contradicts. Its quality is
measured by five-fold cross-validated predictions on the same rows, against the
model's own contradiction probability: accuracy of the contradiction call,
precision, recall, and expected calibration error (ECE, ten equal-width bins).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from nli.model.backends import NLIBackend, SentenceEncoder, predict_in_blocks
from nli.outputs import write_text_atomic
from nli.scoring.combiner import COMBINER_FILE, Combiner, pair_features
from nli.scoring.slots import compare_pairs
from nli.scoring.verdicts import CONTRADICTION, Thresholds, combine, contradiction_strength

FIT_SELECT_SET = "lingnli-val"
HELD_OUT_RECIPE = "minilm-news-v1.toml"
# Sources written from templates (logic puzzles such as "X has only visited Tonga" ->
# "X didn't visit Tunisia") teach the combiner what a template means, not news.
TEMPLATED_PREFIXES = ("curriculum-",)
FOLDS = 5


def expected_calibration_error(probability: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width probability bins, weighted by their share of rows."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(gold[inside].mean() - probability[inside].mean())
    return float(error)


def _call_quality(predicted: np.ndarray, gold: np.ndarray) -> dict:
    tp = float((predicted & gold).sum())
    from nli.training.thresholds import f1_score

    return {
        "accuracy": round(float((predicted == gold).mean()), 4),
        "precision": round(tp / max(float(predicted.sum()), 1.0), 4),
        "recall": round(tp / max(float(gold.sum()), 1.0), 4),
        "f1": round(f1_score(predicted, gold), 4),
    }


def natural_rows(data_dir: Path | None, limit: int | None, seed: int) -> list[dict]:
    """The fitting rows: the select set (sampled to ``limit``) and the recipe's natural held-out slice."""
    from nli.evaluation.harness import read_named
    from nli.paths import RECIPES_DIR
    from nli.training.trainer import Recipe, build_mix

    select = read_named(FIT_SELECT_SET, data_dir).sample(limit, seed)
    rows = [
        {"premise": p, "hypothesis": h, "label": label, "source": FIT_SELECT_SET}
        for p, h, label in zip(select.premises, select.hypotheses, select.labels, strict=True)
    ]
    _, held_out, _ = build_mix(Recipe.load(RECIPES_DIR / HELD_OUT_RECIPE), data_dir, log=lambda message: None)
    return rows + [r for r in held_out if not r["source"].startswith(TEMPLATED_PREFIXES)]


def feature_table(
    rows: list[dict], nli: NLIBackend, encoder: SentenceEncoder
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The combiner's features of every row, and the model's probabilities in both directions."""
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    probs = predict_in_blocks(nli, pairs + [(h, p) for p, h in pairs], 256)
    forward, backward = probs[: len(pairs)], probs[len(pairs) :]
    premises = encoder.encode([p for p, _ in pairs])
    hypotheses = encoder.encode([h for _, h in pairs])
    similarity = (premises * hypotheses).sum(axis=1)
    comparisons = compare_pairs(pairs)
    features = np.stack(
        [
            pair_features(f, b, float(s), c)
            for f, b, s, c in zip(forward, backward, similarity, comparisons, strict=True)
        ]
    )
    return features, forward, backward


def best_f1_threshold(probability: np.ndarray, gold: np.ndarray) -> float:
    """The threshold on the grid of :mod:`nli.training.thresholds` with the best contradiction F1."""
    from nli.training.thresholds import GRID, f1_score

    return max((float(t) for t in GRID), key=lambda t: (f1_score(probability >= t, gold), -abs(t - 0.5)))


def fit(features: np.ndarray, gold: np.ndarray, seed: int) -> tuple[Combiner, np.ndarray]:
    """The combiner fitted on all rows, and the cross-validated probability of each row.

    Its threshold is the one with the best contradiction F1 on the cross-validated
    probabilities, as ``nli tune-thresholds`` chooses the model's own.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model = LogisticRegression(C=1.0, max_iter=2000)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    held_out = cross_val_predict(model, features, gold, cv=folds, method="predict_proba")[:, 1]
    model.fit(features, gold)
    threshold = best_f1_threshold(held_out, gold)
    return Combiner(model.coef_[0].astype(np.float64), float(model.intercept_[0]), threshold), held_out


def fit_combiner(
    nli: NLIBackend,
    encoder: SentenceEncoder,
    model_dir: Path,
    data_dir: Path | None = None,
    limit: int | None = 3000,
    seed: int = 0,
) -> dict:
    """Fit the combiner, write ``combiner.json`` beside the model, and return what was measured."""
    started = time.perf_counter()
    rows = natural_rows(data_dir, limit, seed)
    random.Random(seed).shuffle(rows)
    print(f"fit-combiner: {len(rows)} natural pairs; labelling both directions and comparing slots", file=sys.stderr)
    features, forward, backward = feature_table(rows, nli, encoder)
    gold = np.array([r["label"] == "contradiction" for r in rows])
    combiner, held_out = fit(features, gold, seed)

    thresholds = Thresholds.for_model(model_dir)
    raw = np.array([contradiction_strength(f, b, thresholds.rule) for f, b in zip(forward, backward, strict=True)])
    raw_call = np.array([combine(f, b, thresholds)[0] == CONTRADICTION for f, b in zip(forward, backward, strict=True)])
    sources: dict[str, int] = {}
    for r in rows:
        sources[r["source"]] = sources.get(r["source"], 0) + 1
    record = {
        **combiner.to_dict(),
        "fit": {
            "rows": len(rows),
            "contradictions": int(gold.sum()),
            "sources": dict(sorted(sources.items())),
            "seed": seed,
            "folds": FOLDS,
            "model_alone": {
                "ece": round(expected_calibration_error(raw, gold), 4),
                **_call_quality(raw_call, gold),
                "rule": f"the model's thresholds: {thresholds.to_dict()}",
            },
            "combined_cross_validated": {
                "ece": round(expected_calibration_error(held_out, gold), 4),
                **_call_quality(held_out >= combiner.threshold, gold),
                "rule": f"p >= {combiner.threshold}",
            },
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
    write_text_atomic(Path(model_dir) / COMBINER_FILE, json.dumps(record, indent=2) + "\n")
    return record


def fit_combiner_command(args) -> int:
    from nli.model.backends import load_encoder, load_nli

    nli = load_nli(args.model, args.backend)
    record = fit_combiner(nli, load_encoder(args.backend), Path(nli.model_dir), args.data_dir, args.limit, args.seed)
    fitted = record["fit"]
    for name in ("model_alone", "combined_cross_validated"):
        quality = fitted[name]
        print(
            f"{name:26s} ECE {quality['ece']:.4f}  accuracy {quality['accuracy']:.4f}  "
            f"precision {quality['precision']:.4f}  recall {quality['recall']:.4f}  F1 {quality['f1']:.4f}",
            file=sys.stderr,
        )
    print(
        f"wrote {Path(nli.model_dir) / COMBINER_FILE} ({fitted['rows']} pairs, {fitted['seconds']} s)", file=sys.stderr
    )
    return 0
