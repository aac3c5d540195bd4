import numpy as np

from nli.scoring.stance import FEATURE_NAMES, STANCES, Aggregator
from nli.training.stance_aggregator import cross_validate_aggregator, fit_aggregator


def test_aggregator_learns_from_separable_features_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    features, labels = [], []
    for k, stance in enumerate(STANCES):
        centre = np.zeros(len(FEATURE_NAMES))
        centre[k] = 3.0
        features.append(centre + rng.normal(scale=0.3, size=(30, len(FEATURE_NAMES))))
        labels += [stance] * 30
    x = np.vstack(features)
    for hidden in (0, 8):
        aggregator = fit_aggregator(x, labels, hidden=hidden)
        predicted = [STANCES[i] for i in aggregator.predict_proba(x).argmax(1)]
        assert np.mean([p == g for p, g in zip(predicted, labels, strict=True)]) > 0.95
        aggregator.save(tmp_path / "agg.json")
        again = Aggregator.load(tmp_path / "agg.json")
        assert len(again.layers) == (2 if hidden else 1)
        assert np.allclose(again.predict_proba(x), aggregator.predict_proba(x))


def test_cross_validation_scores_a_learnable_and_an_unlearnable_task():
    rng = np.random.default_rng(1)
    labels = [STANCES[i % 4] for i in range(200)]
    signal = np.eye(len(FEATURE_NAMES))[[i % 4 for i in range(200)]] * 3 + rng.normal(size=(200, len(FEATURE_NAMES)))
    noise = rng.normal(size=(200, len(FEATURE_NAMES)))
    learnable = cross_validate_aggregator(signal, labels, hidden=0, balanced=True)
    unlearnable = cross_validate_aggregator(noise, labels, hidden=0, balanced=True)
    assert learnable["macro_f1"] > 0.8 > 0.5 > unlearnable["macro_f1"]
