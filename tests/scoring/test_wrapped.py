"""Hard-wrapped plain text: line breaks inside a paragraph are not sentence ends."""

import textwrap

import pytest

import nli
from nli.scoring.articles import clean_article, unwrap_lines
from nli.scoring.sentences import split_article

TEXT = (
    "The port authority said the warehouse had passed a fire safety inspection in March. Three firefighters "
    "were treated in hospital for smoke inhalation. Police confirmed that a 42-year-old man had been arrested "
    "in connection with the fire. About 60 workers were evacuated from neighbouring units."
)


def sentences_of(text: str) -> list[str]:
    return split_article(clean_article(nli.Article("a", text)).body)


@pytest.mark.parametrize("width", [38, 50, 72])
def test_wrapped_text_splits_as_the_unwrapped_text_does(width):
    assert sentences_of(textwrap.fill(TEXT, width)) == sentences_of(TEXT)


@pytest.mark.parametrize("separator", ["\u2028", "\r", "\x85"])
def test_other_line_ends_are_line_ends(separator):
    wrapped = textwrap.fill(TEXT, 50).replace("\n", separator)
    assert sentences_of(wrapped) == sentences_of(TEXT)


def test_paragraph_breaks_lists_and_headings_stay():
    text = "Fire Destroys Warehouse\n\n" + textwrap.fill(TEXT, 40) + "\n\n- first item\n- second item"
    lines = unwrap_lines(text)
    assert lines[0] == "Fire Destroys Warehouse"
    assert lines[2] == " ".join(textwrap.fill(TEXT, 40).split())
    assert lines[-2:] == ["- first item", "- second item"]
    assert unwrap_lines("one\u2029two") == ["one", "", "two"]


def test_a_one_line_article_is_not_taken_as_its_own_title():
    clean = clean_article(nli.Article("a", "Police confirmed that a man had been arrested over the fire 🔥"))
    assert clean.body.startswith("Police confirmed")
