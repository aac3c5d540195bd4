import random

import pytest

from nli.training.newsgen import (
    change_date,
    change_number,
    change_place,
    change_time,
    drop_attribution,
    drop_clause,
    drop_modifier,
    drop_place,
    flip_confirmation,
    frame_established,
    frame_refuted,
    frame_uncertain,
    generate_pairs,
    make_modal,
    mark_separate_event,
    most_overlapping,
    near_copy,
    negate,
    reformat_number,
    respell_name,
    restyle,
    swap_actor,
    swap_cause,
    swap_places,
    swap_synonym,
)


@pytest.fixture
def rng():
    return random.Random(0)


def test_change_number_changes_an_unhedged_count(rng):
    out = change_number("Police said 12 people were arrested in the raid.", rng)
    assert out is not None and "12" not in out and "people were arrested" in out


def test_change_number_leaves_hedged_counts_and_years(rng):
    assert change_number("At least 5 rockets were fired in 2019.", rng) is None


def test_change_number_handles_number_words(rng):
    out = change_number("Three soldiers were wounded in the attack.", rng)
    assert out is not None and not out.startswith("Three")


def test_change_date(rng):
    out = change_date("The vote was held on Monday after a long debate.", rng)
    assert out is not None and "Monday" not in out
    assert change_date("You may leave the room now, he said.", rng) is None  # "may" is not a month
    out = change_date("The treaty was signed in March 2014 in the capital.", rng)
    assert out is not None and "March 2014" not in out


def test_change_place(rng):
    out = change_place("The envoy arrived in Cairo for the talks.", rng)
    assert out is not None and "Cairo" not in out


def test_swap_actor_uses_a_name_from_the_article(rng):
    out = swap_actor("Maria Lopez said the plan would fail.", rng, ["John Carter"])
    assert out == "John Carter said the plan would fail."
    assert swap_actor("The plan would fail.", rng, ["John Carter"]) is None


def test_negate_only_clean_auxiliaries(rng):
    assert negate("The bridge was closed after the storm.", rng) == "The bridge was not closed after the storm."
    assert negate("The bridge was not closed after the storm.", rng) is None
    assert negate("If the bridge is closed we will wait.", rng) is None


def test_flip_confirmation(rng):
    assert flip_confirmation("The ministry confirmed the report.", rng) == "The ministry denied the report."
    assert flip_confirmation("The ministry denied the report.", rng) == "The ministry confirmed the report."


def test_drop_attribution(rng):
    out = drop_attribution("The fire started in the kitchen, Fire Chief Ana Ruiz said.", rng)
    assert out == "The fire started in the kitchen."
    out = drop_attribution("The fire started in the kitchen, according to the fire service.", rng)
    assert out == "The fire started in the kitchen."
    out = drop_attribution("Police said that the fire started in the kitchen of the restaurant.", rng)
    assert out == "The fire started in the kitchen of the restaurant."


def test_drop_clause(rng):
    out = drop_clause("The mayor, who was elected in May, opened the bridge.", rng)
    assert out == "The mayor opened the bridge."
    out = drop_clause("On Tuesday, the mayor opened the new bridge.", rng)
    assert out == "The mayor opened the new bridge."


def test_most_overlapping_picks_the_related_sentence():
    others = ["The weather was fine.", "The bridge across the river was opened by the mayor."]
    assert most_overlapping("The mayor opened the bridge across the river.", others) == others[1]


BODIES = [
    "Police said 12 people were arrested on Monday in Cairo. The ministry confirmed the arrests in a statement. "
    "Maria Lopez, who leads the group, said the protest was peaceful. The march was stopped by police near the square.",
    "Rescuers said 40 miners were trapped after the collapse on Friday. John Carter said rescue teams were working "
    "through the night. The mine, which opened in 1990, was closed last year.",
]


def test_generation_is_reproducible_and_labelled():
    first = list(generate_pairs(BODIES, seed=3))
    second = list(generate_pairs(BODIES, seed=3))
    assert first == second and first
    assert {p["label"] for p in first} <= {"entailment", "neutral", "contradiction"}
    for pair in first:
        assert pair["premise"] != pair["hypothesis"]
        assert pair["rule"]
    assert list(generate_pairs(BODIES, seed=4)) != first


def test_swap_synonym_keeps_the_claim(rng):
    out = swap_synonym("Five rockets were launched toward the base.", rng)
    assert out in {"Five rockets were fired toward the base.", "Five rockets were launched towards the base."}
    assert swap_synonym("Nothing to change here.", rng) is None


def test_restyle_changes_typography_only(rng):
    assert restyle("\u201cWe will stay,\u201d he said.", rng) == '"We will stay,\u201d he said.'
    assert restyle("The U.S. base was hit.", rng) == "The US base was hit."
    assert restyle("Plain text.", rng) is None


def test_drop_modifier(rng):
    assert drop_modifier("A small truck was parked near the border.", rng) == "A truck was parked near the border."


def test_paraphrase_rules_only_with_the_flag():
    plain = list(generate_pairs(BODIES, seed=3))
    assert not {p["rule"] for p in plain} & {"swap_synonym", "restyle", "drop_modifier"}
    rich = list(generate_pairs(BODIES * 3, seed=3, paraphrases=True))
    rules = {p["rule"]: p["label"] for p in rich}
    assert rules.get("swap_synonym", "entailment") == "entailment"
    assert {"swap_synonym", "restyle", "drop_modifier"} & set(rules)


def test_swap_cause_replaces_a_short_stated_cause(rng):
    out = swap_cause("The fire was caused by an electrical fault, police said.", rng)
    assert out is not None and "electrical fault" not in out
    assert out.startswith("The fire was caused by ") and out.endswith(", police said.")
    assert swap_cause("The fire spread quickly.", rng) is None
    long_cause = "The delay was due to a long list of problems with the new software system and its vendors."
    assert swap_cause(long_cause, rng) is None


def test_swap_places_trades_roles_but_not_lists(rng):
    assert (
        swap_places("Russia accused Ukraine of shelling the town.", rng)
        == "Ukraine accused Russia of shelling the town."
    )
    assert swap_places("Talks between Russia and Ukraine resumed.", rng) is None
    assert swap_places("Russia sent aid.", rng) is None


def test_change_time(rng):
    assert change_time("The blast happened at 2 a.m. on Monday.", rng) == "The blast happened at 2 p.m. on Monday."
    assert change_time("The vote was held on Monday morning.", rng) == "The vote was held on Monday evening."
    assert change_time("The vote was held on Monday.", rng) is None


def test_framings_embed_the_claim(rng):
    claim = "The bridge was closed after the storm."
    for rule in (frame_uncertain, frame_established, frame_refuted, mark_separate_event):
        out = rule(claim, rng)
        assert out is not None and "the bridge was closed after the storm" in out and out.endswith(".")
    assert frame_uncertain('"We will win," he said.', rng) is None  # quotes do not embed cleanly
    assert make_modal(claim, rng) == "The bridge may have been closed after the storm."
    assert make_modal("The bridge may be closed.", rng) is None


def test_extended_rules_only_with_the_flag():
    plain = list(generate_pairs(BODIES * 3, seed=3, paraphrases=True))
    extended = list(generate_pairs(BODIES * 3, seed=3, paraphrases=True, extended=True))
    new_rules = {"separate_event", "frame_uncertain", "frame_established", "frame_refuted", "make_modal"}
    assert not {p["rule"] for p in plain} & new_rules
    labels = {p["rule"]: p["label"] for p in extended}
    assert set(labels) & new_rules
    assert labels.get("separate_event", "neutral") == "neutral"
    assert labels.get("frame_refuted", "contradiction") == "contradiction"
    assert labels.get("frame_established", "entailment") == "entailment"


def test_respell_name_undoubles_or_doubles_a_consonant(rng):
    assert respell_name("The convoy stopped near Zummar on Monday.", rng) == "The convoy stopped near Zumar on Monday."
    assert respell_name("The minister, Kamal, resigned.", rng) == "The minister, Kammal, resigned."
    # places, days and months keep their spelling
    assert respell_name("Officials met in Baghdad on Monday.", rng) is None


def test_reformat_number_switches_words_and_digits(rng):
    assert reformat_number("Police said five people were hurt.", rng) == "Police said 5 people were hurt."
    assert reformat_number("Five people were hurt.", rng) is None  # a sentence does not start with digits
    assert reformat_number("Police arrested 12 people.", rng) == "Police arrested twelve people."
    assert reformat_number("The price rose 2.5 percent to $12.50 at 10:30.", rng) is None


def test_drop_place_leaves_lists_alone(rng):
    assert drop_place("Two soldiers were killed in Iraq on Tuesday.", rng) == "Two soldiers were killed on Tuesday."
    assert drop_place("Protests spread in Paris and Lyon.", rng) is None


def test_near_copy_keeps_the_claim_and_says_whether_it_shortens():
    sentence = "Officials said five people were killed near Zummar in Iraq on Tuesday, when a small truck exploded."
    copies = [near_copy(sentence, random.Random(seed)) for seed in range(30)]
    made = [c for c in copies if c]
    assert made and all(copy != sentence for copy, _ in made)
    for copy, reworded_only in made:
        # rewording never drops the event; a shortened copy is marked so its reverse is not entailment
        assert "killed" in copy or "left dead" in copy
        if "Iraq" not in copy or "small" not in copy:
            assert not reworded_only
    assert any(not reworded_only for _, reworded_only in made)
    for seed in range(30):
        reworded = near_copy(sentence, random.Random(seed), shorten=False)
        assert reworded is None or ("Iraq" in reworded[0] and "small" in reworded[0] and reworded[1])


def test_near_copy_rules_only_with_the_flag():
    plain = list(generate_pairs(BODIES * 3, seed=3, paraphrases=True, extended=True))
    rich = list(generate_pairs(BODIES * 3, seed=3, paraphrases=True, extended=True, near_copies=True))
    new_rules = {"near_copy", "near_copy_reversed", "respell_name", "reformat_number", "drop_place"}
    assert not {p["rule"] for p in plain} & new_rules
    labels = {p["rule"]: p["label"] for p in rich}
    assert labels.get("near_copy") == "entailment"
    assert labels.get("near_copy_reversed") in {"entailment", "neutral"}
    assert any(rule.endswith("_reworded") for rule in labels)
    assert all(label == "contradiction" for rule, label in labels.items() if rule.endswith("_reworded"))
