"""Fitting the combiner: calibration error, threshold choice, and a fit that learns a planted signal."""

from __future__ import annotations

import numpy as np

from nli.scoring.combiner import FEATURES
from nli.training.combiner import best_f1_threshold, expected_calibration_error, fit


def test_calibration_error_is_zero_when_confidence_matches_frequency():
    probability = np.array([0.25] * 4 + [0.75] * 4)
    gold = np.array([1, 0, 0, 0, 1, 1, 1, 0], dtype=bool)
    assert expected_calibration_error(probability, gold) == 0.0
    assert expected_calibration_error(np.ones(8), gold) == 0.5


def test_the_threshold_with_the_best_f1_is_chosen():
    probability = np.array([0.9, 0.8, 0.42, 0.41, 0.2, 0.1])
    gold = np.array([1, 1, 1, 0, 0, 0], dtype=bool)
    assert best_f1_threshold(probability, gold) == 0.4


def test_a_fit_learns_which_feature_carries_the_label():
    rng = np.random.default_rng(0)
    features = rng.random((600, len(FEATURES)))
    gold = features[:, FEATURES.index("contradiction_max")] + 0.1 * rng.standard_normal(600) > 0.5
    combiner, held_out = fit(features, gold, seed=0)
    assert np.argmax(combiner.weights) == FEATURES.index("contradiction_max")
    assert ((held_out >= combiner.threshold) == gold).mean() > 0.85
