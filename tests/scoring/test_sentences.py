import pytest

from nli.scoring.sentences import is_claim, split_sentences, strip_dateline


def test_abbreviations_initials_and_decimals_stay_together():
    text = (
        "Gen. Mark Ellis of the U.S. Army said the rate rose 2.5 percent. "
        'J. R. Smith told reporters: "We will not leave." The vote is on Monday.'
    )
    sentences = split_sentences(text)
    assert sentences == [
        "Gen. Mark Ellis of the U.S. Army said the rate rose 2.5 percent.",
        'J. R. Smith told reporters: "We will not leave."',
        "The vote is on Monday.",
    ]


def test_paragraphs_split_on_blank_lines():
    assert split_sentences("First one here.\n\nSecond one here.") == ["First one here.", "Second one here."]


def test_fragments_and_questions_are_not_claims():
    assert not is_claim("Updated.")
    assert not is_claim("Who fired the rockets?")
    assert not is_claim("FIVE ROCKETS FIRED AT BASE")
    assert is_claim("Five rockets were fired at the base on Sunday.")


def test_dateline_is_removed():
    assert strip_dateline("MOSUL, Iraq (Reuters) -At least five rockets") == "At least five rockets"
    assert strip_dateline("LONDON — The minister said") == "The minister said"
    assert strip_dateline("U.S. officials said so.") == "U.S. officials said so."


def test_a_long_paragraph_is_split_in_bounded_pieces_as_if_whole():
    import pysbd

    from nli.scoring.sentences import CHUNK_CHARS, chunks, split_sentences

    paragraph = (
        "The U.S. Army said on Monday that Gen. J. Smith met 2.5 million people. Five rockets hit the base! "
        'Did it? "No," he said. Prices rose 3.5% in Jan. but fell later. '
    ) * 60
    pieces = chunks(" ".join(paragraph.split()))
    assert len(pieces) > 1 and max(map(len, pieces)) <= CHUNK_CHARS
    assert "".join(pieces) == " ".join(paragraph.split())
    whole = [s.strip() for s in pysbd.Segmenter(language="en", clean=False).segment(" ".join(paragraph.split()))]
    assert split_sentences(paragraph) == whole


def test_a_paragraph_without_sentence_ends_is_still_cut():
    from nli.scoring.sentences import CHUNK_CHARS, chunks

    pieces = chunks("word " * 5000)
    assert max(map(len, pieces)) <= CHUNK_CHARS and "".join(pieces) == "word " * 5000


@pytest.mark.parametrize(
    "text, want",
    [
        ('It was "illegal."A statement followed.', 'It was "illegal." A statement followed.'),
        ("Rockets hit on Saturday.The toll is unknown.", "Rockets hit on Saturday. The toll is unknown."),
        ("Who fired?Nobody said.", "Who fired? Nobody said."),
        ('"We will respond," he said."It is not over."', '"We will respond," he said. "It is not over."'),
        ("At 2 p.m.The fire spread.", "At 2 p.m. The fire spread."),
    ],
)
def test_glued_sentence_ends_get_their_space_back(text, want):
    from nli.scoring.sentences import repair_glued_sentences

    assert repair_glued_sentences(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "The U.S.Army said nothing.",
        "Shares tied to Node.js rose 3.5 percent.",
        "See https://example.org/News.Html today.",
        "Mail press@example.org.The office is closed.",
        "J.K. Rowling and J.R.R. Tolkien.",
        "The meeting ended at 10.30pm on Friday.",
    ],
)
def test_dots_that_are_not_sentence_ends_stay(text):
    from nli.scoring.sentences import repair_glued_sentences

    assert repair_glued_sentences(text) == text


def test_an_over_long_sentence_is_cut_at_clauses_and_nothing_is_lost():
    from nli.scoring.sentences import LONG_SENTENCE_WORDS, split_long_sentence

    clause = "the council said the plan would cut spending on roads and schools across the region "
    sentence = (clause * 4).strip() + "; " + (clause * 4).strip() + " - and " + (clause * 3).strip() + "."
    parts, kinds = split_long_sentence(sentence)
    assert len(parts) >= 2 and all(len(p.split()) <= LONG_SENTENCE_WORDS for p in parts)
    assert "semicolon" in kinds
    assert (
        " ".join(parts).replace(";", "").replace(" - ", " ").split()
        == sentence.replace(";", "").replace(" - ", " ").split()
    )
    words, kinds = split_long_sentence("word " * 200)
    assert kinds == {"words"} and sum(len(p.split()) for p in words) == 200
    assert split_long_sentence("A short sentence.") == (["A short sentence."], set())
