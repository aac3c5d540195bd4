"""nli eval-sets: FNC-1 training article sets with each body's side, scored through the real CLI."""

from __future__ import annotations

import json

from conftest import DATA, MODEL_DIR, needs_data, run_cli

from nli.evaluation.article_sets import MAX_BODIES, article_sets, pair_auc_at, summarize


@needs_data
def test_every_set_holds_both_sides_and_at_most_five_bodies():
    sets = article_sets(DATA)
    assert len(sets) > 200
    for item in sets:
        assert set(item["sides"].values()) == {"agree", "disagree"}
        assert 2 <= len(item["articles"]) <= MAX_BODIES
        assert [a.id for a in item["articles"]] == list(item["sides"])
    assert article_sets(DATA, seed=0)[5]["sides"] == sets[5]["sides"], "the draw is seeded"
    held_out = article_sets(DATA, held_out_only=True)
    assert {s["set"] for s in held_out} == {s["set"] for s in sets if s["held_out"]}
    assert 0.3 < len(held_out) / len(sets) < 0.7, "every other story with a set is held out"


def test_summary_separates_opposite_sides_by_agreement():
    per_set = [
        {
            "pairs": [{"opposite": True, "agreement": -1.0}, {"opposite": False, "agreement": 0.5}],
            "articles": [
                {"disagreeing": True, "headline_stance": 0.6},
                {"disagreeing": False, "headline_stance": -0.2},
                {"disagreeing": False, "headline_stance": 0.7},
            ],
            "contradictions": 2,
            "strongest_across": True,
            "strongest_type": "number",
        },
        {
            "pairs": [{"opposite": True, "agreement": 0.0}],
            "articles": [
                {"disagreeing": True, "headline_stance": 0.1},
                {"disagreeing": False, "headline_stance": -0.5},
            ],
            "contradictions": 0,
            "strongest_across": None,
        },
        {"error": ["body-1: empty after cleaning"]},
    ]
    summary = summarize(per_set)
    assert (summary["sets"], summary["scored"], summary["not_scored"]) == (3, 2, 1)
    assert summary["auc"] == 1.0
    assert summary["strongest_across_sides"] == 1.0
    assert summary["any_contradiction"] == 0.5
    # Disagreeing 0.6 and 0.1 against agreeing -0.2, 0.7, -0.5: 4 of the 6 orderings right.
    assert summary["article_auc"] == {"headline_stance_articles": round(4 / 6, 4)}


def test_pair_auc_grows_with_the_per_article_score_and_stays_below_one():
    sides = [[True, False, False, False, False], [True, True, False, False], [True, False]] * 20
    coin, fair, good, near_perfect = (pair_auc_at(sides, auc) for auc in (0.5, 0.75, 0.9, 0.999))
    assert abs(coin - 0.5) < 0.03
    assert coin < fair < good < near_perfect
    # A difference of two scores misses some pairs even when every article is placed right:
    # two agreeing articles far apart on their own side outscore a close opposite pair.
    assert 0.9 < near_perfect < 1.0
    assert pair_auc_at(sides, 0.9) == good, "the draw is seeded"


@needs_data
def test_eval_sets_through_the_cli(tmp_path):
    out = tmp_path / "sets.md"
    result = run_cli("eval-sets", "--limit", "2", "--configurations", "slots", "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    slots = document["configurations"]["slots"]
    assert slots["sets"] == 2 and slots["article_pairs"] > 0
    assert "| + slot comparison" in out.read_text()
    assert set(slots["diagnostic_auc"]) == {
        "fewer_shared_pairs",
        "agreement_with_prior",
        "claim_stances",
        "headline_stance",
    }
    assert set(slots["article_auc"]) == {"headline_stance_articles"}
    assert list(document["pair_auc_at_article_auc"]) == ["0.75", "0.85", "0.9", "0.95"]
    assert "## What the targets would take" in out.read_text()
    assert json.loads(out.with_suffix(".json").read_text()) == document


@needs_data
def test_eval_sets_with_a_stance_model_scores_held_out_sets_without_and_with_it(tmp_path):
    # Any NLI-shaped model serves as a stance model; the shipped one stands in for it here.
    result = run_cli("eval-sets", "--limit", "1", "--stance-model", str(MODEL_DIR), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert list(document["configurations"]) == ["full", "stance-model"]
    assert document["sets_drawn"] == "held-out stories only"
    for configuration in document["configurations"].values():
        assert "headline_stance" in configuration["diagnostic_auc"]
        assert "headline_stance_articles" in configuration["article_auc"]
    refused = run_cli("eval-sets", "--limit", "1", "--configurations", "stance-model")
    assert refused.returncode == 2 and "--stance-model" in refused.stderr
