"""Choosing the verdict thresholds on training-side data (``nli tune-thresholds``).

Contradiction is symmetric, so each pair of a held-aside set is labelled in both
directions and the contradiction rule and threshold that maximize contradiction F1
are kept; the entailment threshold maximizes entailment F1 in the pair's own
direction. The choice is written beside the model as ``thresholds.json`` and used
as the default by ``nli score``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nli.scoring.verdicts import RULES, contradiction_strength

GRID = np.round(np.arange(0.30, 0.951, 0.05), 2)
TUNING_SET = "lingnli-val"  # role "select" in nli/data/corpora.py: held aside for choices, never trained on


def f1_score(predicted: np.ndarray, gold: np.ndarray) -> float:
    tp = float((predicted & gold).sum())
    precision = tp / max(predicted.sum(), 1)
    recall = tp / max(gold.sum(), 1)
    return 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)


def choose(forward: np.ndarray, backward: np.ndarray, labels: list[str]) -> dict:
    gold_c = np.array([label == "contradiction" for label in labels])
    gold_e = np.array([label == "entailment" for label in labels])
    table = []
    for rule in RULES:
        strength = np.array([contradiction_strength(f, b, rule) for f, b in zip(forward, backward, strict=True)])
        for t in GRID:
            table.append({"rule": rule, "threshold": float(t), "f1": round(f1_score(strength >= t, gold_c), 4)})
    best_c = max(table, key=lambda row: (row["f1"], -abs(row["threshold"] - 0.5)))
    entail = [{"threshold": float(t), "f1": round(f1_score(forward[:, 0] >= t, gold_e), 4)} for t in GRID]
    best_e = max(entail, key=lambda row: (row["f1"], -abs(row["threshold"] - 0.5)))
    return {
        "contradiction": best_c["threshold"],
        "rule": best_c["rule"],
        "entailment": best_e["threshold"],
        "contradiction_f1": best_c["f1"],
        "entailment_f1": best_e["f1"],
        "contradiction_grid": table,
        "entailment_grid": entail,
    }


def tune(nli, data_dir: Path | None = None, limit: int | None = None) -> dict:
    from nli.evaluation.harness import read_named

    pairs = read_named(TUNING_SET, data_dir).sample(limit)
    forward_pairs = list(zip(pairs.premises, pairs.hypotheses, strict=True))
    forward = nli.predict_proba(forward_pairs)
    backward = nli.predict_proba([(h, p) for p, h in forward_pairs])
    chosen = choose(forward, backward, pairs.labels)
    chosen["chosen_on"] = (
        f"{TUNING_SET} ({len(pairs.labels)} pairs, both directions; a training-side split never trained on)"
    )
    return chosen
