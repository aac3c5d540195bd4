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


def test_evidence_passage_takes_the_closest_sentences_in_body_order():
    import numpy as np

    from nli.scoring.stance import PassageSpec, embedded_body, evidence_passage

    vectors = np.eye(4, dtype=np.float32)[[0, 1, 2, 3]]
    body = embedded_body(["A.", "B.", "C.", "D."], vectors)
    claim = np.array([0.1, 0.0, 0.9, 0.5], dtype=np.float32)
    assert evidence_passage(body, claim, PassageSpec(nearest=2)) == "C. D."
    assert evidence_passage(body, claim, PassageSpec(nearest=3)) == "A. C. D."
    assert evidence_passage(embedded_body([], np.zeros((0, 4), dtype=np.float32)), claim) == ""


def test_a_passage_opens_with_the_lede_and_stays_within_its_words():
    import numpy as np

    from nli.scoring.stance import PassageSpec, embedded_body, evidence_passage

    sentences = ["Lede one two.", "Second three four.", "Far five six.", "Near seven eight nine ten.", "Close eleven."]
    body = embedded_body(sentences, np.eye(5, dtype=np.float32))
    claim = np.array([0.0, 0.0, 0.1, 0.9, 0.5], dtype=np.float32)
    spec = PassageSpec(opening=2, nearest=0, max_words=12)
    # the two opening sentences (6 words), then the nearest (5 words); the next nearest would pass 12
    assert evidence_passage(body, claim, spec) == "Lede one two. Second three four. Near seven eight nine ten."
    assert evidence_passage(body, claim, PassageSpec(opening=2, nearest=0, max_words=0)) == " ".join(sentences)
    assert PassageSpec.from_dict({"opening": 2, "max_words": 170}) == PassageSpec(2, 3, 170)
    with pytest.raises(ValueError):
        PassageSpec.from_dict({"opening": -1})


def test_decide_stances_lets_the_stance_model_split_the_related_share():
    import numpy as np

    from nli.scoring.stance import FEATURE_NAMES, STANCES, Aggregator, PairFeatures, decide_stances

    n = len(FEATURE_NAMES)
    fixed = np.log(np.array([0.3, 0.1, 0.2, 0.4]))  # agree, disagree, discuss, unrelated
    aggregator = Aggregator(np.zeros(n), np.ones(n), [(np.zeros((len(STANCES), n)), fixed)])
    read = PairFeatures(np.zeros(n), [], passage_stance=np.array([0.1, 0.2, 0.7]))  # entail, neutral, contra
    unread = PairFeatures(np.zeros(n), [])
    probs = decide_stances(aggregator, [read, unread])
    assert probs[0] == pytest.approx([0.06, 0.42, 0.12, 0.4])  # the related 0.6 split 0.1 / 0.7 / 0.2
    assert probs[1] == pytest.approx([0.3, 0.1, 0.2, 0.4])
