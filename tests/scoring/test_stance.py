import pytest
from conftest import run_cli


def test_lexical_features_see_overlap_and_cue_words():
    from nli.scoring.stance import lexical_features, sentence_words

    sentences = ["The mayor reportedly resigned on Monday.", "The claim is a hoax, his office said.", "Rain fell."]
    f = lexical_features("Mayor resigned on Monday", sentence_words(sentences), [0])
    assert f["claim_words_in_body"] == 1.0 and f["claim_words_in_top"] == 1.0
    assert f["top_hedging"] == 1.0 and f["top_refuting"] == 0.0
    assert f["body_refuting"] == pytest.approx(1 / 3)
    assert f["claim_refuting"] == 0.0
    assert lexical_features("Mayor did not resign", sentence_words(sentences), [])["claim_refuting"] == 1.0


def test_cli_stance_rejects_an_empty_claim(tmp_path):
    (tmp_path / "a.txt").write_text("Some article text about the mayor.")
    result = run_cli("stance", "--claim", "  ", str(tmp_path))
    assert result.returncode == 2 and "--claim is empty" in result.stderr
