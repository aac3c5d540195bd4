"""Property tests: whatever bytes or JSON a user hands the readers, the outcome is articles or InputError."""

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nli.errors import InputError
from nli.evaluation.harness import read_pairs_file
from nli.scoring.articles import Article, ReadResult, as_articles, read_articles

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=15,
)
RECORDS = st.fixed_dictionaries(
    {},
    optional={name: JSON_VALUES | st.text(max_size=80) for name in ("id", "text", "title", "source", "url", "date")},
)
SETTINGS = settings(max_examples=120, deadline=None)


def _read(name: str, content: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return read_articles([path])
        except InputError as err:
            assert err.problems and all(isinstance(p, str) and p for p in err.problems)
            return err


@SETTINGS
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl"]))
def test_random_bytes_give_articles_or_input_error(content, suffix):
    outcome = _read(f"input{suffix}", content)
    assert isinstance(outcome, ReadResult | InputError)


@SETTINGS
@given(content=st.text(max_size=2000), suffix=st.sampled_from([".txt", ".json", ".jsonl"]))
def test_random_unicode_gives_articles_or_input_error(content, suffix):
    assert isinstance(_read(f"input{suffix}", content.encode("utf-8")), ReadResult | InputError)


@SETTINGS
@given(records=st.lists(RECORDS | JSON_VALUES, max_size=6), as_lines=st.booleans())
def test_random_json_shapes_give_articles_or_input_error(records, as_lines):
    if as_lines:
        outcome = _read("set.jsonl", "\n".join(json.dumps(r) for r in records).encode("utf-8"))
    else:
        outcome = _read("set.json", json.dumps(records).encode("utf-8"))
    if isinstance(outcome, ReadResult):
        assert all(isinstance(a.id, str) and a.id and isinstance(a.text, str) for a in outcome.articles)


@SETTINGS
@given(given_objects=st.lists(st.builds(Article, id=JSON_VALUES, text=JSON_VALUES) | JSON_VALUES, max_size=4))
def test_random_objects_given_to_the_api_are_articles_or_input_error(given_objects):
    try:
        read = as_articles(given_objects)
    except InputError:
        return
    assert all(isinstance(a, Article) and isinstance(a.text, str) for a in read.articles)


@SETTINGS
@given(content=st.binary(max_size=2000), suffix=st.sampled_from([".jsonl", ".json", ".csv", ".tsv"]))
def test_random_bytes_as_labelled_pairs_give_pairs_or_input_error(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"pairs{suffix}"
        path.write_bytes(content)
        try:
            pairs = read_pairs_file(path)
        except InputError:
            return
        assert len(pairs.premises) == len(pairs.hypotheses) == len(pairs.labels) > 0
