import numpy as np

from nli.scoring.verdicts import CONTRADICTION, ENTAILMENT, NEUTRAL, PARAPHRASE, Thresholds, combine


def p(e, n, c):
    return np.array([e, n, c])


def test_contradiction_when_either_direction_says_so():
    verdict, score = combine(p(0.1, 0.2, 0.7), p(0.1, 0.8, 0.1))
    assert verdict == CONTRADICTION and score == 0.7


def test_paraphrase_needs_both_directions():
    assert combine(p(0.9, 0.05, 0.05), p(0.8, 0.1, 0.1))[0] == PARAPHRASE
    assert combine(p(0.9, 0.05, 0.05), p(0.2, 0.7, 0.1))[0] == ENTAILMENT


def test_neutral_otherwise_and_thresholds_are_parameters():
    assert combine(p(0.3, 0.4, 0.3), p(0.3, 0.4, 0.3))[0] == NEUTRAL
    assert combine(p(0.3, 0.3, 0.4), p(0.3, 0.4, 0.3), Thresholds(contradiction=0.35))[0] == CONTRADICTION


def test_thresholds_are_chosen_to_maximize_f1():
    from nli.training.thresholds import choose

    rng = np.random.default_rng(0)
    labels = ["contradiction"] * 50 + ["entailment"] * 50 + ["neutral"] * 50
    forward = np.array([p(0.05, 0.25, 0.7)] * 50 + [p(0.85, 0.1, 0.05)] * 50 + [p(0.2, 0.6, 0.2)] * 50)
    forward = forward + rng.normal(scale=0.01, size=forward.shape)
    backward = forward.copy()  # symmetric in this fixture
    chosen = choose(forward, backward, labels)
    assert 0.2 < chosen["contradiction"] <= 0.7 and chosen["contradiction_f1"] == 1.0
    assert chosen["entailment"] <= 0.85 and chosen["entailment_f1"] == 1.0
    assert chosen["rule"] in ("max", "mean")


def test_model_thresholds_file(tmp_path):
    import json

    (tmp_path / "thresholds.json").write_text(json.dumps({"contradiction": 0.65, "entailment": 0.55, "rule": "mean"}))
    assert Thresholds.for_model(tmp_path) == Thresholds(0.65, 0.55, "mean")
    assert Thresholds.for_model(tmp_path / "none") == Thresholds()


def test_mean_rule_needs_both_directions():
    assert combine(p(0.1, 0.2, 0.7), p(0.1, 0.8, 0.1), Thresholds(rule="mean"))[0] == NEUTRAL
