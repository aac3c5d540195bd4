"""Minimal edits of news sentences: each rule's edit and the label it gets."""

import random

import pytest

from nli.training.minimal_edits import (
    assert_to_denial,
    change_number,
    change_year,
    compatible_bound,
    minimal_edit_pairs,
    move_attribution,
    number_in_words,
    organisation_variant,
    respell_name,
    swap_antonym,
    swap_entity,
    toggle_negation,
)

ARTICLE = [
    "Police said that 15 people were arrested in Paris on Monday after the protest in 2023.",
    "The mayor of Lyon, Anne Martin, said the city had approved a new budget of 300 million euros.",
    "Three officers were treated in hospital for minor injuries, the ministry said.",
]


@pytest.fixture(scope="module")
def docs():
    from nli.scoring.slots import spacy_pipeline

    return list(spacy_pipeline().pipe(ARTICLE))


def test_contradicting_edits_change_one_fact(docs):
    rng = random.Random(0)
    entities = {"GPE": ["Paris", "Lyon"], "PERSON": ["Anne Martin"]}
    assert change_number(docs[0], entities, rng) != ARTICLE[0]
    assert "2023" not in change_year(docs[0], entities, rng)
    assert "Lyon" in swap_entity(docs[0], entities, rng)
    assert "denied that" in assert_to_denial(docs[0], entities, rng)
    assert "rejected" in swap_antonym(docs[1], entities, rng)
    negated = toggle_negation(docs[2], entities, rng)
    assert negated is not None and " not " in negated


def test_preserving_edits_keep_the_fact(docs):
    rng = random.Random(0)
    assert "3" in number_in_words(docs[2], {}, rng)
    bound = compatible_bound(docs[0], {}, rng)
    assert any(phrase in bound for phrase in ("more than", "at least", "over"))


def test_rewordings_of_one_actor_keep_the_fact():
    from nli.scoring.slots import spacy_pipeline

    cell, agency, hospital, person = spacy_pipeline().pipe(
        [
            "The Security Media Cell said three rockets hit the base on Monday.",
            "Officials at the World Health Organization said the outbreak had killed 40 people.",
            "Doctors at Massachusetts General Hospital managed to unblock the arteries.",
            "Mohammed Rumalyn, a ministry spokesman, told reporters the talks had failed.",
        ]
    )
    rng = random.Random(0)
    assert organisation_variant(cell, {}, rng).startswith("The Security Media ")
    assert "Cell" not in organisation_variant(cell, {}, rng)
    assert "World Health Organisation" in organisation_variant(agency, {}, rng)
    assert organisation_variant(hospital, {}, rng).startswith("Doctors at MGH managed")
    respelled = respell_name(person, {}, rng)
    assert respelled != person.text and respelled.split()[0][0] == "M" and "ministry spokesman" in respelled
    assert move_attribution(docs_text(ARTICLE[0]), {}, rng).endswith(", police said.")


def docs_text(text: str):
    from nli.scoring.slots import spacy_pipeline

    return spacy_pipeline()(text)


def test_every_pair_has_a_label_and_a_rule(docs):
    from nli.scoring.slots import spacy_pipeline

    rows = list(minimal_edit_pairs([ARTICLE], spacy_pipeline(), seed=1, per_article=3))
    assert {r["label"] for r in rows} <= {"contradiction", "entailment", "neutral"}
    assert any(r["label"] == "contradiction" for r in rows) and any(r["label"] == "entailment" for r in rows)
    assert all(r["premise"] != r["hypothesis"] for r in rows)


def test_a_small_count_changes_up_or_down_in_words_or_figures():
    from nli.training.minimal_edits import change_small_count

    doc = docs_text("Eleven firefighters were treated at the scene, officials said.")
    rng = random.Random(3)
    edits = {change_small_count(doc, {}, rng) for _ in range(40)}
    counts = {edit.split()[0] for edit in edits}
    assert "Eleven" not in counts and all(
        edit.endswith(" firefighters were treated at the scene, officials said.") for edit in edits
    )
    assert {"Three", "Two"} & counts and any(count.isdigit() for count in counts)  # smaller ones too, and figures
    assert change_small_count(docs_text("One of the officers said the year 2019 was hard."), {}, rng) is None


def test_an_extra_rule_is_drawn_only_where_a_recipe_names_it():
    from nli.scoring.slots import spacy_pipeline

    nlp = spacy_pipeline()
    usual = list(minimal_edit_pairs([ARTICLE], nlp, seed=1, per_article=3))
    with_counts = list(minimal_edit_pairs([ARTICLE], nlp, seed=1, per_article=3, extra_rules={"small_count": 1.0}))
    assert any(row["rule"] == "small_count" for row in with_counts)
    assert not any(row["rule"] == "small_count" for row in usual)
    with pytest.raises(ValueError, match="unknown minimal-edit rules"):
        list(minimal_edit_pairs([ARTICLE], nlp, extra_rules={"typo": 1.0}))


def test_each_preserving_edit_comes_with_its_contrast_where_asked():
    from nli.scoring.slots import spacy_pipeline

    nlp = spacy_pipeline()
    rows = list(minimal_edit_pairs([ARTICLE], nlp, seed=3, per_article=3, contrasts=True))
    entailments = [k for k, row in enumerate(rows) if row["label"] == "entailment"]
    assert entailments
    for k in entailments:
        reworded, contrast = rows[k], rows[k + 1 + (rows[k]["rule"] == "drop_modifier")]
        assert contrast["label"] == "contradiction" and contrast["rule"].startswith(reworded["rule"] + "+")
        assert contrast["premise"] == reworded["premise"] and contrast["hypothesis"] != reworded["hypothesis"]
    assert not any("+" in row["rule"] for row in minimal_edit_pairs([ARTICLE], nlp, seed=3, per_article=3))
