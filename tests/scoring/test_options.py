import math

import pytest

import nli
from nli.scoring.pairing import DEFAULT_MIN_SIMILARITY, DEFAULT_TOP_K


def test_the_defaults_come_from_the_pairing_stage():
    options = nli.ScoreOptions()
    assert (options.min_similarity, options.top_k) == (DEFAULT_MIN_SIMILARITY, DEFAULT_TOP_K)


@pytest.mark.parametrize(
    "given, phrase",
    [
        ({"top_k": 0}, "top_k=0"),
        ({"top_k": -1}, "top_k=-1"),
        ({"top_k": 2.5}, "top_k=2.5"),
        ({"min_similarity": 5}, "min_similarity=5"),
        ({"threshold": math.nan}, "threshold=nan"),
        ({"threshold": 1.5}, "threshold=1.5"),
        ({"entailment_threshold": -0.1}, "entailment_threshold=-0.1"),
        ({"rule": "bogus"}, "rule='bogus'"),
    ],
)
def test_a_value_out_of_range_is_refused_when_the_options_are_made(given, phrase):
    with pytest.raises(nli.InputError, match=phrase):
        nli.ScoreOptions(**given)


def test_options_override_only_what_they_set():
    model_own = nli.Thresholds(0.3, 0.35, "consistent")
    assert nli.ScoreOptions().thresholds_for(model_own) == model_own
    assert nli.ScoreOptions(entailment_threshold=0.6, rule="max").thresholds_for(model_own) == nli.Thresholds(
        0.3, 0.6, "max"
    )


def test_score_articles_refuses_options_of_the_wrong_kind(model):
    with pytest.raises(nli.InputError, match="ScoreOptions"):
        nli.score_articles([nli.Article("a", "x"), nli.Article("b", "y")], model=model, options=[("top_k", 2)])
    with pytest.raises(nli.InputError, match="top_k=0"):
        nli.score_articles([nli.Article("a", "x"), nli.Article("b", "y")], model=model, options={"top_k": 0})


def test_the_threshold_sets_the_threshold_of_the_decision_in_force(model):
    from conftest import EXAMPLES

    counts = {}
    for threshold in (0.05, 0.95):
        document = nli.score_articles([EXAMPLES], model=model, options=nli.ScoreOptions(threshold=threshold)).to_dict()
        assert document["thresholds"]["decided_by"] == "combiner"
        assert document["thresholds"]["contradiction_threshold"] == threshold
        counts[threshold] = len(document["contradictions"])
    assert counts[0.05] > counts[0.95]
    model_only = nli.ScoreOptions(threshold=0.95, compare_slots=False)
    document = nli.score_articles([EXAMPLES], model=model, options=model_only).to_dict()
    assert (document["thresholds"]["decided_by"], document["thresholds"]["contradiction"]) == ("model", 0.95)
