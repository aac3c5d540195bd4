"""Labelling sentence pairs in both directions and combining them into one verdict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nli.labels import LABELS

CONTRADICTION = "contradiction"
PARAPHRASE = "paraphrase"
ENTAILMENT = "entailment"
NEUTRAL = "neutral"
IDENTICAL = "identical"
AGREEING = {PARAPHRASE, ENTAILMENT, IDENTICAL}


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the model's probabilities.

    contradiction: a pair is a contradiction when either direction's
        p(contradiction) reaches it. entailment: a direction entails when its
        p(entailment) reaches it; both directions entailing is a paraphrase.
    """

    contradiction: float = 0.5
    entailment: float = 0.5


def probs_dict(row: np.ndarray) -> dict[str, float]:
    return {label: round(float(p), 4) for label, p in zip(LABELS, row, strict=True)}


def combine(forward: np.ndarray, backward: np.ndarray, thresholds: Thresholds = Thresholds()) -> tuple[str, float]:
    """One verdict and a strength in [0, 1] from the probabilities of both directions.

    The strength of a contradiction is the larger contradiction probability; of an
    agreement, the entailment probability that decided it.
    """
    c = max(float(forward[2]), float(backward[2]))
    e_forward, e_backward = float(forward[0]), float(backward[0])
    if c >= thresholds.contradiction and c >= max(e_forward, e_backward):
        return CONTRADICTION, c
    if min(e_forward, e_backward) >= thresholds.entailment:
        return PARAPHRASE, min(e_forward, e_backward)
    if max(e_forward, e_backward) >= thresholds.entailment:
        return ENTAILMENT, max(e_forward, e_backward)
    return NEUTRAL, max(float(forward[1]), float(backward[1]))
