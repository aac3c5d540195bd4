"""Labelling sentence pairs in both directions and combining them into one verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nli.errors import ModelError
from nli.model.labels import LABELS

CONTRADICTION = "contradiction"
PARAPHRASE = "paraphrase"
ENTAILMENT = "entailment"
NEUTRAL = "neutral"
IDENTICAL = "identical"
# A figure that a later report revises (a toll of dead, injured, arrested): not a contradiction.
UPDATE = "update"
AGREEING = {PARAPHRASE, ENTAILMENT, IDENTICAL}


THRESHOLDS_FILE = "thresholds.json"
RULES = ("max", "mean", "min", "consistent")


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the model's probabilities.

    contradiction: a pair is a contradiction when its contradiction strength
        (:func:`contradiction_strength`, by ``rule``) reaches it.
    entailment: a direction entails when its p(entailment) reaches it; both
        directions entailing is a paraphrase.
    A model directory may carry its own, chosen on training-side data
    (``thresholds.json``, written by ``nli tune-thresholds``).
    """

    contradiction: float = 0.5
    entailment: float = 0.5
    rule: str = "max"

    def to_dict(self) -> dict:
        return {"contradiction": self.contradiction, "entailment": self.entailment, "rule": self.rule}

    def overridden(
        self, contradiction: float | None = None, entailment: float | None = None, rule: str | None = None
    ) -> Thresholds:
        """These thresholds with the values a user gave (None keeps the model's own)."""
        return Thresholds(
            self.contradiction if contradiction is None else contradiction,
            self.entailment if entailment is None else entailment,
            self.rule if rule is None else rule,
        )

    @classmethod
    def for_model(cls, model_dir: Path | None) -> Thresholds:
        path = Path(model_dir) / THRESHOLDS_FILE if model_dir else None
        if not (path and path.exists()):
            return cls()
        try:
            chosen = json.loads(path.read_text(encoding="utf-8"))
            thresholds = cls(float(chosen["contradiction"]), float(chosen["entailment"]), chosen.get("rule", "max"))
        except (ValueError, KeyError, TypeError) as err:
            raise ModelError(
                f"{path}: not a thresholds file ({type(err).__name__}: {err}); expected "
                '{"contradiction": p, "entailment": p, "rule": ...}; rechoose with `nli tune-thresholds`'
            ) from None
        if thresholds.rule not in RULES or not all(
            0.0 <= v <= 1.0 for v in (thresholds.contradiction, thresholds.entailment)
        ):
            raise ModelError(f"{path}: thresholds must lie in [0, 1] and the rule be one of {', '.join(RULES)}")
        return thresholds


def contradiction_strength(forward: np.ndarray, backward: np.ndarray, rule: str = "max") -> float:
    """How strongly a pair contradicts, from p(contradiction) of both directions.

    max: either direction; mean, min: both. consistent: either direction, but
    discounted by the other direction's p(entailment), since if A entails B, B cannot
    contradict A (a model that calls "A" -> "A, in Iraq" a contradiction while
    "A, in Iraq" -> "A" is an entailment has merely met added detail).
    """
    c_forward, c_backward = float(forward[2]), float(backward[2])
    if rule == "mean":
        return (c_forward + c_backward) / 2
    if rule == "min":
        return min(c_forward, c_backward)
    if rule == "consistent":
        return max(c_forward * (1 - float(backward[0])), c_backward * (1 - float(forward[0])))
    return max(c_forward, c_backward)


def probs_dict(row: np.ndarray) -> dict[str, float]:
    return {label: round(float(p), 4) for label, p in zip(LABELS, row, strict=True)}


def combine(
    forward: np.ndarray,
    backward: np.ndarray,
    thresholds: Thresholds = Thresholds(),
    contradiction: tuple[float, float] | None = None,
    gated: bool = False,
) -> tuple[str, float]:
    """One verdict and a strength in [0, 1] from the probabilities of both directions.

    The strength of a contradiction is :func:`contradiction_strength`, or, when
    ``contradiction`` gives (probability, threshold) from the combiner, that
    probability against that threshold. ``gated`` rules a contradiction out (the
    two sentences share no event). The strength of an agreement is the entailment
    probability that decided it.
    """
    e_forward, e_backward = float(forward[0]), float(backward[0])
    if contradiction is None:
        c = contradiction_strength(forward, backward, thresholds.rule)
        contradicts = c >= thresholds.contradiction and c >= max(e_forward, e_backward)
    else:
        c, threshold = contradiction
        contradicts = c >= threshold
    if contradicts and not gated:
        return CONTRADICTION, c
    if min(e_forward, e_backward) >= thresholds.entailment:
        return PARAPHRASE, min(e_forward, e_backward)
    if max(e_forward, e_backward) >= thresholds.entailment:
        return ENTAILMENT, max(e_forward, e_backward)
    return NEUTRAL, max(float(forward[1]), float(backward[1]))
