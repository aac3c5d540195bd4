"""Templated accident-or-intent scenes (nli/training/scenegen.py)."""

from collections import Counter

from nli.training.scenegen import EVENT_KINDS, cause_scene_pairs

ACCIDENTAL = {cause for kind in EVENT_KINDS for cause in kind.accidental}
DELIBERATE = {act for kind in EVENT_KINDS for act in kind.deliberate}


def _mentions(text, phrases):
    return any(phrase in text.lower() for phrase in phrases)


def test_scenes_are_reproducible_from_the_seed_and_differ_across_seeds():
    assert list(cause_scene_pairs(3, 20)) == list(cause_scene_pairs(3, 20))
    assert list(cause_scene_pairs(3, 20)) != list(cause_scene_pairs(4, 20))


def test_each_scene_gives_eight_pairs_with_fixed_labels_per_rule():
    pairs = list(cause_scene_pairs(0, 50))
    assert len(pairs) == 8 * 50
    labels = {(p["rule"], p["label"]) for p in pairs}
    assert labels == {
        ("accident_vs_intent", "contradiction"),
        ("intent_reworded", "entailment"),
        ("cause_is_accident", "entailment"),
        ("accident_gives_no_cause", "neutral"),
        ("intent_unsettled", "neutral"),
    }
    assert Counter(p["label"] for p in pairs) == {"contradiction": 100, "entailment": 150, "neutral": 150}


def test_contradictions_set_an_accidental_cause_against_a_deliberate_act():
    for pair in cause_scene_pairs(1, 100):
        assert pair["premise"] != pair["hypothesis"]
        assert pair["premise"].endswith(".") and pair["premise"][0].isupper()
        if pair["rule"] == "accident_vs_intent":
            texts = (pair["premise"], pair["hypothesis"])
            assert sum(_mentions(t, ACCIDENTAL) for t in texts) == 1
            assert sum(_mentions(t, DELIBERATE) and "whether" not in t for t in texts) == 1


def test_the_unsettled_question_mentions_intent_but_is_neutral():
    unsettled = [p for p in cause_scene_pairs(2, 30) if p["rule"] == "intent_unsettled"]
    assert unsettled and all(p["label"] == "neutral" for p in unsettled)
    assert all("whether" in p["premise"] or "whether" in p["hypothesis"] for p in unsettled)
