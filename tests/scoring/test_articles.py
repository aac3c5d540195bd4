import json

import pytest

from nli.errors import InputError
from nli.scoring.articles import Article, clean_article, read_articles


def write(path, text, mode="w"):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_directory_of_text_files(tmp_path):
    write(tmp_path / "a.txt", "Rockets hit the base on Sunday, officials said.")
    write(tmp_path / "b.md", "The base was hit by rockets on Sunday.")
    write(tmp_path / "notes.csv", "ignored")
    result = read_articles([tmp_path])
    assert [a.id for a in result.articles] == ["a", "b"]


def test_jsonl_records_and_bad_lines_name_the_line(tmp_path):
    path = write(
        tmp_path / "set.jsonl",
        json.dumps({"id": "x", "text": "One."}) + "\n{not json}\n" + json.dumps({"id": "y"}) + "\n",
    )
    with pytest.raises(InputError) as err:
        read_articles([path])
    message = str(err.value)
    assert f"{path}:2: not valid JSON" in message
    assert f"{path}:3: missing 'text'" in message


def test_json_list(tmp_path):
    path = write(tmp_path / "set.json", json.dumps([{"id": "p", "text": "A.", "source": "Wire"}]))
    article = read_articles([path]).articles[0]
    assert (article.id, article.source) == ("p", "Wire")


def test_empty_directory_missing_path_and_binary(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    binary = write(tmp_path / "bin" / "x.txt", b"\x00\x01\x02 binary")
    with pytest.raises(InputError) as err:
        read_articles([empty, tmp_path / "nope", binary])
    problems = err.value.problems
    assert any("directory has no" in p for p in problems)
    assert any("no such file or directory" in p for p in problems)
    assert any("looks binary" in p for p in problems)


def test_non_utf8_is_read_with_a_warning(tmp_path):
    path = write(tmp_path / "latin.txt", "Caf\xe9 owners said prices rose.".encode("cp1252"))
    result = read_articles([path])
    assert result.articles[0].text.startswith("Café")
    assert "not valid UTF-8" in result.warnings[0]


def test_duplicate_ids(tmp_path):
    write(tmp_path / "one" / "same.txt", "First.")
    write(tmp_path / "two" / "same.txt", "Second.")
    with pytest.raises(InputError, match="duplicate article id 'same'"):
        read_articles([tmp_path / "one", tmp_path / "two"])


def test_html_goes_through_trafilatura(tmp_path):
    html = (
        "<html><head><title>Storm hits coast</title></head><body><nav>Home | World</nav>"
        "<article><h1>Storm hits coast</h1><p>A powerful storm made landfall north of the city on Tuesday night, "
        "cutting power to thousands of homes.</p><p>Officials said the clean-up would take weeks.</p></article>"
        "<footer>Sign up for our newsletter</footer></body></html>"
    )
    article = read_articles([write(tmp_path / "storm.html", html)]).articles[0]
    assert "made landfall north of the city" in article.text
    assert "newsletter" not in article.text
    assert article.title == "Storm hits coast"


BOILERPLATE = """Storm hits coast

By Jane Doe
Published: 14 May 2025, 09:12
World | Weather

Storm hits coast

A powerful storm made landfall north of the city on Tuesday night.

Photo: Reuters. File photo.

Officials said the clean-up would take weeks.

See also: Ten tips for storm season
Follow us on Facebook and X for more.
3 min read
https://example.org/storm-story
2025-05-14T07:05+0000
Comments are moderated and may take some time to appear.
storm, weather, coast, power cuts,
(Reporting by Sam Lee; Editing by Ann Ng)
"""


def test_cleaning_drops_boilerplate_and_records_why():
    cleaned = clean_article(Article(id="s", text=BOILERPLATE))
    assert cleaned.article.title == "Storm hits coast"
    assert cleaned.body.split("\n\n") == [
        "A powerful storm made landfall north of the city on Tuesday night.",
        "Officials said the clean-up would take weeks.",
    ]
    reasons = {d.reason for d in cleaned.dropped}
    for expected in (
        "title",
        "byline",
        "timestamp",
        "navigation",
        "repeated title",
        "image credit",
        "see also",
        "follow us",
        "reading time",
        "bare URL",
        "comment policy",
        "tag list",
        "reporting credit",
    ):
        assert expected in reasons, expected
    assert all(d.line > 0 for d in cleaned.dropped)


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Doe",
        "BY RORY PLATT",
        "By Nadia Ferreira, Harbour Herald",
        "By Jane Doe and Sam Lee | Reuters",
        "By Jamal al-Badrani",
        "Editor : Selin Atay",
        "Reporter: Sam Lee",
    ],
)
def test_bylines_are_dropped(line):
    cleaned = clean_article(Article(id="s", text=f"Storm hits coast\n\n{line}\n\nThe storm made landfall on Tuesday."))
    assert [d.reason for d in cleaned.dropped] == ["title", "byline"]


@pytest.mark.parametrize(
    "sentence",
    [
        # Real news sentences (ClaimDiff, Check-COVID) that an earlier rule took for bylines ...
        "By the next day, that admonition was gone as the president ordered new deployments.",
        "By contrast, Obama has pushed to use that savings mostly to reduce the deficit.",
        "By January-end, Boeing had delivered 350 of the 737 MAX family jets to customers.",
        "By Monday, prices fell.",
        "Reporter who accused the campaign manager of battery may still pursue a defamation case.",
        # ... or for a credit, a timestamp or a link line.
        "Credit card debt rose 5% in March.",
        "Image of the president was shown on state television.",
        "Updated figures showed 40 people were killed.",
        "Published reports said the mayor had resigned.",
        "Related charges were filed against two others.",
        "Like our neighbours, we were worried about the water, a resident said.",
    ],
)
def test_sentences_that_begin_like_boilerplate_are_kept(sentence):
    cleaned = clean_article(
        Article(id="s", text=f"Storm hits coast\n\n{sentence}\n\nThe storm made landfall on Tuesday.")
    )
    assert [d.reason for d in cleaned.dropped] == ["title"] and sentence in cleaned.body
