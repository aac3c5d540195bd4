import numpy as np

from nli.verdicts import CONTRADICTION, ENTAILMENT, NEUTRAL, PARAPHRASE, Thresholds, combine


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
