"""The contradiction combiner: its stored form, its loading errors, and what the shipped one learnt."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import MODEL_DIR

from nli.errors import ModelError
from nli.scoring.combiner import (
    BY_COMBINER,
    BY_NEAR_COPY,
    COMBINER_FILE,
    FEATURES,
    NEAR_COPY_CHANGED_WORDS,
    NEAR_COPY_SIMILARITY,
    Combiner,
    decide,
    pair_features,
)
from nli.scoring.slots import SlotComparison, SlotConflict, Span
from nli.scoring.verdicts import CONTRADICTION, Thresholds


def test_a_model_without_a_combiner_has_none(tmp_path):
    assert Combiner.load(tmp_path) is None


def test_a_broken_combiner_file_is_a_model_error_naming_it(tmp_path):
    (tmp_path / COMBINER_FILE).write_text(
        json.dumps({"features": ["x"], "weights": [1.0], "bias": 0, "threshold": 0.5})
    )
    with pytest.raises(ModelError, match=COMBINER_FILE):
        Combiner.load(tmp_path)


def test_a_combiner_round_trips_through_its_json(tmp_path):
    combiner = Combiner(np.linspace(-1, 1, len(FEATURES)), 0.25, 0.4)
    (tmp_path / COMBINER_FILE).write_text(json.dumps(combiner.to_dict()))
    loaded = Combiner.load(tmp_path)
    features = np.random.default_rng(0).random((3, len(FEATURES)))
    assert np.allclose(loaded.probability(features), combiner.probability(features), atol=1e-5)


def test_features_do_not_depend_on_which_sentence_comes_first():
    forward, backward = np.array([0.1, 0.3, 0.6]), np.array([0.5, 0.3, 0.2])
    comparison = SlotComparison([SlotConflict("number", Span(0, 3, "two"), Span(0, 5, "three"), "")], [], 1, 1, 4)
    assert np.array_equal(
        pair_features(forward, backward, 0.8, comparison), pair_features(backward, forward, 0.8, comparison)
    )


@pytest.mark.skipif(not (MODEL_DIR / COMBINER_FILE).exists(), reason="the shipped model has no combiner")
def test_the_shipped_combiner_rises_with_the_models_contradiction_and_with_a_number_conflict():
    combiner = Combiner.load(MODEL_DIR)
    forward, backward = np.array([0.2, 0.4, 0.4]), np.array([0.2, 0.4, 0.4])
    plain = SlotComparison([], [], 1, 0, 4)
    conflict = SlotComparison([SlotConflict("number", Span(0, 1, "2"), Span(0, 1, "5"), "")], [], 1, 1, 4)
    weaker, stronger = np.array([0.1, 0.4, 0.5]), np.array([0.05, 0.05, 0.9])
    assert combiner.probability(pair_features(weaker, weaker, 0.7, plain)) < combiner.probability(
        pair_features(stronger, stronger, 0.7, plain)
    )
    assert combiner.probability(pair_features(forward, backward, 0.7, conflict)) > combiner.probability(
        pair_features(forward, backward, 0.7, plain)
    )
    assert json.loads((MODEL_DIR / COMBINER_FILE).read_text())["fit"]["rows"] >= 1000


def _near_copy(changed_words: int, revisable: bool = False) -> SlotComparison:
    conflict = SlotConflict("polarity", Span(0, 7, "opening"), Span(0, 7, "closing"), "", revisable)
    return SlotComparison([conflict], [], 1, 0, 8, changed_words=changed_words)


@pytest.mark.parametrize(
    ("similarity", "comparison", "decided_by"),
    [
        (0.95, _near_copy(2), BY_NEAR_COPY),
        (NEAR_COPY_SIMILARITY - 0.01, _near_copy(2), BY_COMBINER),  # not alike enough
        (0.95, _near_copy(NEAR_COPY_CHANGED_WORDS + 1), BY_COMBINER),  # too much rewritten
        (0.95, _near_copy(2, revisable=True), BY_COMBINER),  # a toll that later reports revise
        (0.95, SlotComparison([], [], 1, 0, 8, changed_words=1), BY_COMBINER),  # nothing in conflict
    ],
)
def test_a_slot_conflict_inside_a_near_copy_decides_whatever_the_model_reads(similarity, comparison, decided_by):
    # The model reads the edited copy as a paraphrase; the combiner alone would not flag it.
    paraphrase = np.array([0.9, 0.08, 0.02])
    combiner = Combiner(np.zeros(len(FEATURES)), -3.0, 0.4)
    verdict, strength, rule = decide(paraphrase, paraphrase, similarity, comparison, Thresholds(), combiner)
    assert rule == decided_by
    assert (verdict == CONTRADICTION) == (decided_by == BY_NEAR_COPY)
    if rule == BY_NEAR_COPY:
        assert strength == pytest.approx(float(combiner.probability(np.zeros(len(FEATURES)))[0]))
