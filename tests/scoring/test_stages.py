"""Each stage of score_articles alone, on small inputs and stand-in models."""

import numpy as np
import pytest

import nli
from nli.scoring import stages
from nli.scoring.pairing import Sentence
from nli.scoring.verdicts import Thresholds

ARSON = "Investigators said the fire at the depot was started deliberately on Monday night."
ACCIDENT = "Investigators said the fire at the depot was caused by an electrical fault on Monday night."


class WordEncoder:
    """Bag-of-words vectors: sentences that share words are similar; equal texts are equal."""

    name = "words"

    def encode(self, sentences, batch_size=64):
        vocabulary = sorted({w for s in sentences for w in s.lower().split()})
        rows = np.array([[s.lower().split().count(w) for w in vocabulary] for s in sentences], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class FixedNLI:
    """Calls every pair whose sides differ in "deliberately" a contradiction, every other pair an entailment."""

    name = "fixed"
    model_dir = None

    def predict_proba(self, pairs, batch_size=32):
        return np.array(
            [
                [0.05, 0.05, 0.9] if ("deliberately" in a) != ("deliberately" in b) else [0.9, 0.05, 0.05]
                for a, b in pairs
            ]
        )


def test_read_keeps_the_callers_order_of_files_and_articles(tmp_path):
    (tmp_path / "from-file.txt").write_text(ACCIDENT)
    given = (x for x in [nli.Article("first", ARSON), tmp_path / "from-file.txt", nli.Article("last", ARSON)])
    assert [a.id for a in stages.read(given).articles] == ["first", "from-file", "last"]


def test_read_refuses_a_single_article_unless_allowed():
    with pytest.raises(nli.InputError, match="only one article"):
        stages.read([nli.Article("a", ARSON)])
    assert len(stages.read([nli.Article("a", ARSON)], allow_single=True).articles) == 1


def test_split_gives_each_articles_claims():
    split = stages.split(stages.read([nli.Article("a", ARSON), nli.Article("b", ACCIDENT + " Who knows?")]))
    assert [(s.article, s.text) for s in split.sentences] == [("a", ARSON), ("b", ACCIDENT)]
    assert [s.id for s in split.summaries] == ["a", "b"]


def test_pair_groups_copies_and_proposes_the_rest():
    sentences = [Sentence("a", 0, ARSON), Sentence("b", 0, ACCIDENT), Sentence("c", 0, ARSON)]
    paired = stages.pair(sentences, WordEncoder(), min_similarity=0.3, top_k=3)
    assert paired.pairing.members[0] == [0, 2]  # the two copies of ARSON
    assert [(c.a, c.b) for c in paired.to_label] == [(0, 1)]


def test_label_gives_both_directions_of_every_pair():
    sentences = [Sentence("a", 0, ARSON), Sentence("b", 0, ACCIDENT)]
    paired = stages.pair(sentences, WordEncoder(), min_similarity=0.3, top_k=3)
    probabilities = stages.label(paired.to_label, sentences, FixedNLI())
    assert probabilities.calls == 2
    assert probabilities.forward[(0, 1)][2] == pytest.approx(0.9)


class RecordingNLI(FixedNLI):
    """FixedNLI that remembers what it was asked to read."""

    def __init__(self):
        self.read = []

    def predict_proba(self, pairs, batch_size=32):
        self.read += list(pairs)
        return super().predict_proba(pairs, batch_size)


def test_label_reads_what_a_shared_source_said_and_whole_sentences_otherwise():
    told = "A U.S. official told Reuters that the rockets were fired at the base, but no one was hurt."
    said = "A U.S. official said that Iraq fired five rockets at the base, but no one was hurt."
    other = "Police said that Iraq fired five rockets at the base, but no one was hurt."
    sentences = [Sentence("a", 0, told), Sentence("b", 0, said), Sentence("c", 0, other)]
    paired = stages.pair(sentences, WordEncoder(), min_similarity=0.3, top_k=3)
    comparisons = stages.compare(paired.to_label, sentences)
    nli_model = RecordingNLI()
    stages.label(paired.to_label, sentences, nli_model, comparisons)
    assert comparisons[(0, 1)].quoted[0].source == "us official"
    assert (
        "the rockets were fired at the base, but no one was hurt",
        "Iraq fired five rockets at the base, but no one was hurt",
    ) in nli_model.read
    # Another source: the sentences are read whole.
    assert (told, other) in nli_model.read and comparisons[(0, 2)].quoted is None


def test_decide_carries_a_verdict_to_every_copy_and_the_matrix_counts_each_cell():
    articles = [nli.Article("a", ARSON), nli.Article("b", ACCIDENT), nli.Article("c", ARSON)]
    split = stages.split(stages.read(articles))
    paired = stages.pair(split.sentences, WordEncoder(), min_similarity=0.3, top_k=3)
    probabilities = stages.label(paired.to_label, split.sentences, FixedNLI())
    decision = stages.Decision.of(Thresholds(), None, compare_slots=False, threshold=None)
    decided = stages.decide_pairs(split, paired, probabilities, {}, decision)
    contradiction = next(p for p in decided.pairs if p.verdict == "contradiction")
    assert contradiction.decided_by == "model"
    assert {contradiction.a.article, contradiction.b.article} | {c.article for c in contradiction.copies["a"]} | {
        c.article for c in contradiction.copies["b"]
    } == {"a", "b", "c"}
    agreement = stages.matrix(["a", "b", "c"], decided.pairs, [])
    assert agreement.count(0, 1)[1] == agreement.count(1, 2)[1] == agreement.count(2, 1)[1] == 1
    # a and c hold copies of one text: they agree, in their own cell too
    assert agreement.score(0, 2) == 1.0
    dense = agreement.to_dict()
    assert dense["contradict"][0][1] == 1 and [0, 1] == dense["cells"][0][:2]


def test_a_users_threshold_replaces_the_threshold_of_the_rule_in_force():
    from nli.scoring.combiner import FEATURES, Combiner

    combiner = Combiner(np.zeros(len(FEATURES)), 0.0, 0.35)
    assert stages.Decision.of(Thresholds(0.3), combiner, True, 0.8).combiner_threshold == 0.8
    assert stages.Decision.of(Thresholds(0.3), combiner, True, None).combiner_threshold == 0.35
    model_only = stages.Decision.of(Thresholds(0.3), combiner, False, 0.8)
    assert (model_only.rule, model_only.thresholds.contradiction) == ("model", 0.8)


@pytest.mark.parametrize("date", ["yesterday", "2024-13-45", "3 days ago"])
def test_a_relative_or_impossible_date_is_warned_about_and_not_used(date):
    articles = [nli.Article("a", ARSON, date=date), nli.Article("b", ACCIDENT, date="2024-03-01")]
    split = stages.split(stages.read(articles))
    assert any(f"date {date!r} is not an absolute, valid date" in w for w in split.warnings)
    assert not any("2024-03-01" in w for w in split.warnings)
