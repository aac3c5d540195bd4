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

With ``news`` (the default since issue 33), real news pairs join them: SummEdits dev
(a summary against people-judged edits), ClaimDiff train (two outlets' claims; a
contradiction where one weakens the other), Check-COVID train (news claims against
evidence) and the project's news_pairs. Slot conflicts are rare among the natural
pairs, so a free fit learnt to ignore them; here the weight of every conflict feature
is kept at zero or above (a conflict never argues against a contradiction), folds are
split by article or topic, and the threshold is the one with the best balanced
accuracy on the news rows' cross-validated probabilities whose false alarms between
real outlets (ClaimDiff) stay at or under :data:`MAX_OUTLET_FALSE_ALARMS`.
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
from nli.scoring.combiner import COMBINER_FILE, FEATURES, Combiner, pair_features
from nli.scoring.slots import compare_pairs, read_texts
from nli.scoring.verdicts import CONTRADICTION, Thresholds, combine, contradiction_strength

FIT_SELECT_SET = "lingnli-val"
HELD_OUT_RECIPE = "minilm-news-v1.toml"
# Sources written from templates (logic puzzles such as "X has only visited Tonga" ->
# "X didn't visit Tunisia") teach the combiner what a template means, not news.
TEMPLATED_PREFIXES = ("curriculum-",)
FOLDS = 5
# The news rows weigh as much in the fit, all together, as the natural ones.
NEWS_SHARE = 0.5
MAX_OUTLET_FALSE_ALARMS = 0.05
# What each kind of evidence may only ever argue (bounds on the standardized weights):
# a slot conflict or the model's contradiction never argues against a contradiction,
# the model's entailment or a compatible slot never for one. A free fit on SummEdits
# learnt that high similarity and one direction's contradiction alone contradict, and
# flagged respelled wire copies; the consistent strength (one direction's entailment
# discounting the other's contradiction) is the model's own reading of such pairs.
AT_LEAST_ZERO, AT_MOST_ZERO = (0.0, None), (None, 0.0)
SIGNS = {
    **{name: AT_LEAST_ZERO for name in FEATURES if name.startswith(("conflict_", "contradiction_"))},
    **{name: AT_MOST_ZERO for name in FEATURES if name.startswith("entailment_")},
    "compatible_slots": AT_MOST_ZERO,
}
NEWS_SETS = ("summedits-dev", "claimdiff-train", "check-covid-train", "news-pairs")
# News sentence pairs like those nli score compares; Check-COVID's evidence is scientific prose.
THRESHOLD_SETS = ("summedits-dev", "news-pairs")


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
    from nli.training.mix import Recipe, build_mix

    select = read_named(FIT_SELECT_SET, data_dir).sample(limit, seed)
    rows = [
        {"premise": p, "hypothesis": h, "label": label, "source": FIT_SELECT_SET}
        for p, h, label in zip(select.premises, select.hypotheses, select.labels, strict=True)
    ]
    _, held_out, _ = build_mix(Recipe.load(RECIPES_DIR / HELD_OUT_RECIPE), data_dir, log=lambda message: None)
    return rows + [r for r in held_out if not r["source"].startswith(TEMPLATED_PREFIXES)]


def news_rows(data_dir: Path | None) -> list[dict]:
    """Real news pairs for fitting the decision, each with its set and its article or topic."""
    from nli.data.corpora import default_data_dir
    from nli.evaluation.real_news import read_check_covid, read_real_news

    root = data_dir or default_data_dir()
    rows = []
    for name in NEWS_SETS:
        pairs = list(read_check_covid(root, "train")) if name == "check-covid-train" else read_real_news(name, root)
        rows += [
            {
                "premise": pair.premise,
                "hypothesis": pair.hypothesis,
                "label": "contradiction" if pair.contradiction else "other",
                "source": name,
                "group": f"{name}:{pair.group}",
            }
            for pair in pairs
        ]
    return rows


def feature_table(
    rows: list[dict], nli: NLIBackend, encoder: SentenceEncoder
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The combiner's features of every row, and the model's probabilities in both directions.

    The model reads each pair as ``nli score`` does: what a source said, where both sides quote the same one.
    """
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    comparisons = compare_pairs(pairs)
    read = [read_texts(p, h, c) for (p, h), c in zip(pairs, comparisons, strict=True)]
    probs = predict_in_blocks(nli, read + [(h, p) for p, h in read], 256)
    forward, backward = probs[: len(pairs)], probs[len(pairs) :]
    premises = encoder.encode([p for p, _ in pairs])
    hypotheses = encoder.encode([h for _, h in pairs])
    similarity = (premises * hypotheses).sum(axis=1)
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


def _constrained_logistic(features: np.ndarray, gold: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression whose weights keep the signs of :data:`SIGNS`."""
    from scipy.optimize import minimize

    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-9
    x = (features - mean) / scale
    y = gold.astype(np.float64)
    sample = weights / weights.mean()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta[:-1] + theta[-1]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        value = float(np.sum(sample * (np.logaddexp(0.0, z) - y * z))) + 0.5 * float(theta[:-1] @ theta[:-1])
        residual = sample * (p - y)
        return value, np.append(x.T @ residual + theta[:-1], residual.sum())

    bounds = [SIGNS.get(name, (None, None)) for name in FEATURES] + [(None, None)]
    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    # Back to the raw features: w·(f - mean)/scale + b = (w/scale)·f + (b - w·mean/scale).
    coef = theta[:-1] / scale
    return coef, float(theta[-1] - coef @ mean)


def fit(
    features: np.ndarray,
    gold: np.ndarray,
    seed: int,
    groups: list[str] | None = None,
    weights: np.ndarray | None = None,
) -> tuple[Combiner, np.ndarray]:
    """The combiner fitted on all rows, and the cross-validated probability of each row.

    Folds keep each group (an article, a topic) together. The threshold is the one with
    the best contradiction F1 on the cross-validated probabilities, as ``nli
    tune-thresholds`` chooses the model's own; :func:`news_threshold` replaces it when
    news rows are in the fit.
    """
    from sklearn.model_selection import GroupKFold

    weights = np.ones(len(gold)) if weights is None else weights
    groups = groups or [str(k % (FOLDS * 10)) for k in range(len(gold))]
    held_out = np.zeros(len(gold))
    for train_rows, test_rows in GroupKFold(FOLDS).split(features, gold, groups):
        coef, bias = _constrained_logistic(features[train_rows], gold[train_rows], weights[train_rows])
        held_out[test_rows] = 1.0 / (1.0 + np.exp(-(features[test_rows] @ coef + bias)))
    coef, bias = _constrained_logistic(features, gold, weights)
    return Combiner(coef, bias, best_f1_threshold(held_out, gold)), held_out


def balanced_accuracy(flagged: np.ndarray, gold: np.ndarray) -> float:
    """Mean of contradiction recall and 1 - false alarms (0.5 when a side is empty)."""
    recall = flagged[gold].mean() if gold.any() else 0.5
    specificity = 1.0 - flagged[~gold].mean() if (~gold).any() else 0.5
    return float((recall + specificity) / 2)


def news_threshold(probability: np.ndarray, gold: np.ndarray, sources: list[str]) -> float:
    """The threshold with the best mean balanced accuracy over :data:`THRESHOLD_SETS`, outlet false alarms capped.

    The grid is finer than the model thresholds' one: news pairs are few and their probabilities spread wide.
    """
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    names = sorted({s for s in sources if s in THRESHOLD_SETS})
    rows = {name: np.array([s == name for s in sources]) for name in names}
    outlets = np.array([s == "claimdiff-train" for s in sources])

    def quality(t: float) -> tuple[bool, float]:
        flagged = probability >= t
        capped = not (outlets & ~gold).any() or flagged[outlets & ~gold].mean() <= MAX_OUTLET_FALSE_ALARMS
        return capped, float(np.mean([balanced_accuracy(flagged[r], gold[r]) for r in rows.values()]))

    return max((float(t) for t in grid), key=lambda t: (*quality(t), -abs(t - 0.5)))


def fit_combiner(
    nli: NLIBackend,
    encoder: SentenceEncoder,
    model_dir: Path,
    data_dir: Path | None = None,
    limit: int | None = 3000,
    seed: int = 0,
    news: bool = True,
) -> dict:
    """Fit the combiner, write ``combiner.json`` beside the model, and return what was measured."""
    started = time.perf_counter()
    rows = natural_rows(data_dir, limit, seed)
    random.Random(seed).shuffle(rows)
    rows += news_rows(data_dir) if news else []
    print(f"fit-combiner: {len(rows)} pairs; labelling both directions and comparing slots", file=sys.stderr)
    features, forward, backward = feature_table(rows, nli, encoder)
    gold = np.array([r["label"] == "contradiction" for r in rows])
    is_news = np.array([r["source"] in NEWS_SETS for r in rows])
    weights = np.ones(len(rows))
    if is_news.any():
        weights[is_news] = NEWS_SHARE / (1 - NEWS_SHARE) * (~is_news).sum() / is_news.sum()
    groups = [r.get("group") or f"natural:{k % (FOLDS * 10)}" for k, r in enumerate(rows)]
    combiner, held_out = fit(features, gold, seed, groups, weights)
    if is_news.any():
        sources = [r["source"] for r in rows]
        combiner = Combiner(combiner.weights, combiner.bias, news_threshold(held_out, gold, sources))

    thresholds = Thresholds.for_model(model_dir)
    raw = np.array([contradiction_strength(f, b, thresholds.rule) for f, b in zip(forward, backward, strict=True)])
    raw_call = np.array([combine(f, b, thresholds)[0] == CONTRADICTION for f, b in zip(forward, backward, strict=True)])
    sources_count: dict[str, int] = {}
    for r in rows:
        sources_count[r["source"]] = sources_count.get(r["source"], 0) + 1
    per_news_set = {
        name: {
            "model_alone": round(100 * balanced_accuracy(raw_call[chosen], gold[chosen]), 1),
            "combined_cross_validated": round(
                100 * balanced_accuracy(held_out[chosen] >= combiner.threshold, gold[chosen]), 1
            ),
        }
        for name in NEWS_SETS
        if (chosen := np.array([r["source"] == name for r in rows])).any()
    }
    record = {
        **combiner.to_dict(),
        "fit": {
            "rows": len(rows),
            "contradictions": int(gold.sum()),
            "sources": dict(sorted(sources_count.items())),
            "seed": seed,
            "folds": f"{FOLDS}, by article or topic",
            "news_share_of_weight": NEWS_SHARE if is_news.any() else 0.0,
            "sign_constraints": {name: ">= 0" if bound == AT_LEAST_ZERO else "<= 0" for name, bound in SIGNS.items()},
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
            "news_balanced_accuracy": per_news_set,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
    write_text_atomic(Path(model_dir) / COMBINER_FILE, json.dumps(record, indent=2) + "\n")
    return record
