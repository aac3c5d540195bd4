import csv
import json

import pytest
from conftest import MODEL_DIR, run_cli

from nli.errors import InputError
from nli.evaluation.fnc import (
    StancePairs,
    fnc_score,
    fnc_stories,
    outside_held_out_stories,
    read_fnc,
    stratified_sample,
)

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")


def test_fnc_score_by_hand():
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated"]
    # agree->agree: 1.0; disagree->agree: 0.25 (related right, stance wrong); discuss->unrelated: 0;
    # unrelated->unrelated: 0.25; unrelated->discuss: 0. Best: 3 * 1.0 + 2 * 0.25 = 3.5
    predicted = ["agree", "agree", "unrelated", "unrelated", "discuss"]
    score, best, relative = fnc_score(gold, predicted)
    assert (score, best) == (1.5, 3.5)
    assert relative == pytest.approx(100 * 1.5 / 3.5)
    assert fnc_score(gold, gold)[2] == 100.0


def test_all_unrelated_baseline_scores_the_unrelated_share():
    gold = ["unrelated"] * 3 + ["agree"]
    score, best, _ = fnc_score(gold, ["unrelated"] * 4)
    assert (score, best) == (0.75, 1.75)


def write_fnc(tmp_path, stance_rows, body_rows):
    stances, bodies = tmp_path / "stances.csv", tmp_path / "bodies.csv"
    with stances.open("w", newline="") as h:
        w = csv.writer(h)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows(stance_rows)
    with bodies.open("w", newline="") as h:
        w = csv.writer(h)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(body_rows)
    return stances, bodies


BODIES = [
    ("1", "Police confirmed on Monday that the mayor had resigned. The mayor left office after the scandal."),
    ("2", "The mayor has not resigned, his office said on Monday. Reports of a resignation were false."),
    ("3", "The local football team won its match on Saturday. Fans celebrated in the streets."),
]


def test_read_fnc_reports_bad_rows_with_lines(tmp_path):
    stances, bodies = write_fnc(
        tmp_path,
        [
            ("Mayor resigns", "1", "agree"),
            ("", "1", "agree"),
            ("Mayor resigns", "9", "agree"),
            ("Mayor resigns", "2", "maybe"),
        ],
        BODIES,
    )
    with pytest.raises(InputError) as err:
        read_fnc(stances, bodies)
    assert err.value.problems == [
        f"{stances}:3: empty headline (the claim)",
        f"{stances}:4: Body ID 9 is not in {bodies}",
        f"{stances}:5: unknown stance 'maybe'; expected one of agree, disagree, discuss, unrelated",
    ]


def test_missing_column(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Headline,Stance\nx,agree\n")
    with pytest.raises(InputError, match="missing column"):
        read_fnc(path, path)


def test_stratified_sample_is_reproducible_and_exact():
    pairs = StancePairs(
        "x",
        [f"h{i}" for i in range(100)],
        ["1"] * 100,
        ["unrelated"] * 70 + ["agree"] * 20 + ["disagree"] * 10,
        {"1": "b"},
    )
    a, b = stratified_sample(pairs, 30, seed=1), stratified_sample(pairs, 30, seed=1)
    assert a.headlines == b.headlines and len(a.stances) == 30
    assert a.stances.count("unrelated") == 21 and a.stances.count("disagree") == 3


@needs_model
def test_cli_stance_eval_and_stance_on_a_tiny_fixture(tmp_path):
    if not (MODEL_DIR / "stance_aggregator.json").exists():
        pytest.skip("the stance aggregator is not built")
    stances, bodies = write_fnc(
        tmp_path,
        [
            ("Mayor resigns after scandal", "1", "agree"),
            ("Mayor resigns after scandal", "2", "disagree"),
            ("Mayor resigns after scandal", "3", "unrelated"),
        ],
        BODIES,
    )
    result = run_cli("stance-eval", "--stances", str(stances), "--bodies", str(bodies), "--json", "--no-stance-model")
    assert result.returncode == 0, result.stderr
    (doc,) = json.loads(result.stdout)
    for key in ("n", "fnc_score", "accuracy", "macro_f1", "macro_f1_95", "per_class", "confusion", "ms_per_pair"):
        assert key in doc
    assert doc["n"] == 3 and doc["configuration"] == "aggregator"
    low, high = doc["per_class"]["agree"]["f1_95"]
    assert 0 <= low <= doc["per_class"]["agree"]["f1"] <= high <= 1
    # Any NLI-shaped model serves as a stance model; the shipped one stands in for it here.
    split = run_cli(
        "stance-eval", "--stances", str(stances), "--bodies", str(bodies), "--json", "--stance-model", str(MODEL_DIR)
    )
    assert split.returncode == 0, split.stderr
    alone, with_model = json.loads(split.stdout)
    assert alone["n"] == with_model["n"] == 3 and with_model["configuration"].startswith("aggregator + ")
    assert alone["per_class"]["unrelated"] == with_model["per_class"]["unrelated"], "relatedness is the aggregator's"

    articles = tmp_path / "articles"
    articles.mkdir()
    for body_id, text in BODIES:
        (articles / f"body{body_id}.txt").write_text(text)
    result = run_cli("stance", "--claim", "The mayor resigned", str(articles), "--json", "--no-stance-model")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    by_article = {a["article"]: a for a in doc["articles"]}
    assert by_article["body3"]["stance"] == "unrelated"
    assert by_article["body1"]["evidence"][0]["similarity"] > 0.3
    assert abs(sum(by_article["body1"]["probs"].values()) - 1) < 1e-3
    split = run_cli(
        "stance", "--claim", "The mayor resigned", str(articles), "--json", "--stance-model", str(MODEL_DIR)
    )
    assert split.returncode == 0, split.stderr
    split_body1 = next(a for a in json.loads(split.stdout)["articles"] if a["article"] == "body1")
    assert split_body1["probs"]["unrelated"] == by_article["body1"]["probs"]["unrelated"], "relatedness is kept"
    assert abs(sum(split_body1["probs"].values()) - 1) < 1e-3


def story_pairs():
    """Two stories with an article set each (headline variants share bodies), and a third without one."""
    rows = [
        ("Mayor resigns", "1", "agree"),
        ("Mayor resigns", "2", "disagree"),
        ("Mayor quits office", "2", "discuss"),  # a variant: same story through body 2
        ("Mayor quits office", "9", "unrelated"),  # unrelated pairs join nothing
        ("Bridge closed", "5", "agree"),
        ("Bridge closed", "6", "disagree"),
        ("Team wins cup", "9", "agree"),
    ]
    bodies = {b: f"body {b}" for b in ("1", "2", "5", "6", "9")}
    h, b, s = zip(*rows, strict=True)
    return StancePairs("stories", list(h), list(b), list(s), bodies)


def test_stories_join_headline_variants_and_hold_out_every_other_set_story():
    pairs = story_pairs()
    stories = fnc_stories(pairs)
    assert stories.of_headline["Mayor resigns"] == stories.of_headline["Mayor quits office"] == stories.of_body["2"]
    assert stories.of_headline["Bridge closed"] != stories.of_headline["Mayor resigns"]
    assert stories.of_body["9"] == stories.of_headline["Team wins cup"]
    # Stories with a set, by smallest body id: the mayor's (body 1) is held out, the bridge's is not.
    assert stories.held_out == {stories.of_body["1"]}
    assert stories.holds_out("Mayor quits office", "9") and not stories.holds_out("Team wins cup", "9")


def test_stance_training_pairs_leave_out_held_out_stories_and_unrelated_pairs():
    from nli.training.stance_pairs import usable_pairs

    pairs = story_pairs()
    kept = [(pairs.headlines[i], pairs.body_ids[i]) for i in usable_pairs("fnc1", pairs)]
    assert kept == [("Bridge closed", "5"), ("Bridge closed", "6"), ("Team wins cup", "9")]
    assert len(usable_pairs("arc", pairs)) == 6  # ARC has no held-out stories: every related pair


def test_aggregator_pairs_leave_out_every_pair_of_a_held_out_story():
    pairs = story_pairs()
    kept = outside_held_out_stories(pairs)
    assert list(zip(kept.headlines, kept.body_ids, kept.stances, strict=True)) == [
        ("Bridge closed", "5", "agree"),
        ("Bridge closed", "6", "disagree"),
        ("Team wins cup", "9", "agree"),
    ]
    # The held-out mayor story's unrelated pair ("Mayor quits office", body 9) goes too:
    # its headline is one the article sets ask about.
    assert kept.bodies is pairs.bodies


def test_bootstrap_intervals_hold_the_figure_and_narrow_with_more_pairs():
    import numpy as np

    from nli.evaluation.fnc import _f1_per_class, bootstrap_intervals

    rng = np.random.default_rng(1)
    gold = rng.integers(0, 3, 3000)
    predicted = np.where(rng.random(3000) < 0.7, gold, rng.integers(0, 3, 3000))
    confusion = np.bincount(gold * 3 + predicted, minlength=9).reshape(3, 3)
    f1 = _f1_per_class(confusion)
    wide = bootstrap_intervals(gold[:300], predicted[:300], 3)
    narrow = bootstrap_intervals(gold, predicted, 3)
    for k, (low, high) in enumerate(narrow["per_class"]):
        assert low <= f1[k] <= high
        assert high - low < wide["per_class"][k][1] - wide["per_class"][k][0]
