"""Fitting the stance aggregator (``nli stance-train``) on FNC-1 *training* pairs.

The scoring path only loads and applies it (:class:`nli.scoring.stance.Aggregator`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nli.evaluation.fnc import featurize_pairs, fnc_score, outside_held_out_stories, read_fnc, stratified_sample
from nli.scoring.stance import STANCES, Aggregator


def fit_aggregator(
    features: np.ndarray, labels: Sequence[str], seed: int = 0, hidden: int = 0, balanced: bool = True
) -> Aggregator:
    """Fit on standardized features (scikit-learn).

    ``hidden=0`` is a multinomial logistic regression; ``hidden=H`` one ReLU layer of H units.
    ``balanced`` weights every stance as a whole equally (for macro-F1; the FNC-1 score
    favours the frequent stances).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.class_weight import compute_sample_weight

    scaler = StandardScaler().fit(features)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    x = (features - scaler.mean_) / scale
    y = np.array([STANCES.index(label) for label in labels])
    weights = compute_sample_weight("balanced" if balanced else None, y)
    if hidden:
        model = MLPClassifier((hidden,), alpha=1e-3, max_iter=400, random_state=seed).fit(x, y, sample_weight=weights)
        layers = [(w.T, b) for w, b in zip(model.coefs_, model.intercepts_, strict=True)]
    else:
        model = LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(x, y, sample_weight=weights)
        layers = [(model.coef_, model.intercept_)]
    kind = f"one hidden layer of {hidden} ReLU units" if hidden else "multinomial logistic regression"
    kind += ", stances weighted equally" if balanced else ", stances weighted by frequency"
    return Aggregator(scaler.mean_, scale, layers, {"n": int(len(y)), "model": kind})


AGGREGATOR_CANDIDATES = ((0, True), (0, False), (32, True), (32, False))  # (hidden units, balanced)


def cross_validate_aggregator(
    features: np.ndarray, labels: list[str], hidden: int, balanced: bool, folds: int = 5, seed: int = 0
) -> dict:
    """FNC-1 relative score and macro-F1 of one aggregator kind, by stratified k-fold on training pairs."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    y = np.array(labels)
    predicted = np.empty(len(y), dtype=object)
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(features, y):
        model = fit_aggregator(features[train_idx], list(y[train_idx]), seed, hidden, balanced)
        predicted[test_idx] = [STANCES[i] for i in model.predict_proba(features[test_idx]).argmax(1)]
    return {
        "hidden": hidden,
        "balanced": balanced,
        "fnc_score": round(fnc_score(list(y), list(predicted))[2], 2),
        "macro_f1": round(float(f1_score(y, predicted, labels=list(STANCES), average="macro")), 4),
    }


def train_aggregator(stances: Path, bodies: Path, nli, encoder, limit: int, seed: int = 0):
    """Featurize a stratified sample of training pairs, pick the aggregator kind by 5-fold CV, fit it on all.

    Pairs of held-out stories are left out: ``nli eval-sets`` measures on their article
    sets, and an aggregator that saw their labels flatters them: given the headline, it told
    their disagreeing articles from the agreeing ones with an AUC of 0.744, refit without
    them 0.620 (``make eval-sets-stance``, 2026-12-06).

    The kind with the best FNC-1 relative score / 100 + macro-F1 wins: the FNC-1 score
    alone rewards the frequent stances, macro-F1 alone the rare ones.
    """
    pairs = stratified_sample(outside_held_out_stories(read_fnc(stances, bodies)), limit, seed)
    feats = np.stack([f.features for f in featurize_pairs(pairs, nli, encoder).features])
    table = [cross_validate_aggregator(feats, pairs.stances, h, b, seed=seed) for h, b in AGGREGATOR_CANDIDATES]
    best = max(table, key=lambda row: row["fnc_score"] / 100 + row["macro_f1"])
    aggregator = fit_aggregator(feats, pairs.stances, seed, best["hidden"], best["balanced"])
    aggregator.info.update(
        {
            "trained_on": f"{stances.name} (FNC-1 training side) outside the held-out stories, "
            f"stratified sample of {len(pairs.stances)} pairs, seed {seed}",
            "labels": dict(Counter(pairs.stances)),
            "cross_validation": table,
        }
    )
    return aggregator
