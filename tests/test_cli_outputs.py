"""One path named for two outputs is refused before any work, in every command that writes two."""

import pytest
from conftest import EXAMPLES, run_cli

import nli


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["score", str(EXAMPLES), "--output", "{out}", "--html", "{out}"], "--output and --html both name"),
        (["eval", "eval/data/news_pairs.jsonl", "--html", "{out}", "--errors", "{out}"], "--html and --errors both"),
        (["score-sets", str(EXAMPLES.parent), "--output", "{out}", "--summary", "{out}"], "--summary and --output"),
    ],
)
def test_one_path_for_two_outputs_is_refused(tmp_path, args, phrase):
    out = str(tmp_path / "same.json")
    result = run_cli(*[a.replace("{out}", out) for a in args])
    assert result.returncode == 2 and phrase in result.stderr, result.stderr
    assert not (tmp_path / "same.json").exists()


def test_a_dict_is_refused_with_what_to_pass_instead():
    with pytest.raises(nli.InputError, match="not a dict"):
        nli.score_articles({"id": "a", "text": "x"})


def test_a_wrong_label_order_is_one_line():
    result = run_cli("eval", "eval/data/news_pairs.jsonl", "--label-order", "foo,bar")
    assert result.returncode == 2 and "--label-order 'foo,bar'" in result.stderr
    assert "Traceback" not in result.stderr
