"""Article stances on shared claims: decided from whole articles where no sentence pair decided them."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MODEL_DIR

import nli
from nli.scoring.claims import add_article_stances
from nli.scoring.report import ArticleStance, Claim, SentenceRef
from nli.scoring.stance import FEATURE_NAMES, STANCES, Aggregator, embedded_body

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")


def always(stance: str) -> Aggregator:
    """An aggregator that says ``stance`` whatever the features."""
    n = len(FEATURE_NAMES)
    bias = np.array([5.0 if s == stance else 0.0 for s in STANCES])
    return Aggregator(np.zeros(n), np.ones(n), [(np.zeros((len(STANCES), n)), bias)])


@needs_model
def test_whole_article_stances_fill_in_but_never_override_a_pair(onnx_model, encoder):
    texts = {
        "a": ["The bridge collapsed because of a design flaw, engineers said."],
        "b": ["Claims that a design flaw brought the bridge down are false, the builder said."],
        "c": ["The bridge collapsed because of a design flaw, the inquiry found."],
    }
    bodies = {a: embedded_body(s, encoder.encode(s)) for a, s in texts.items()}
    anchor = SentenceRef("a", 0, texts["a"][0])
    claim = Claim(
        1,
        anchor.text,
        anchor,
        [anchor],
        {
            "a": ArticleStance("supports", anchor),
            "b": ArticleStance("not_mentioned"),
            "c": ArticleStance("supports", SentenceRef("c", 0, texts["c"][0])),
        },
    )
    refs = {(a, s[0]): SentenceRef(a, 0, s[0]) for a, s in texts.items()}
    calls = add_article_stances([claim], bodies["a"].vectors, bodies, refs, onnx_model, always("disagree"))
    assert calls > 0
    assert claim.stances["b"].stance == "contradicts" and claim.stances["b"].source == "article"
    assert claim.stances["b"].sentence == refs[("b", texts["b"][0])]
    assert (claim.stances["c"].stance, claim.stances["c"].source) == ("supports", "pair")
    assert (claim.stances["a"].stance, claim.stances["a"].source) == ("supports", "pair")


@needs_model
def test_article_stances_reach_the_report_and_can_be_turned_off(model):
    from conftest import EXAMPLES

    full = nli.score_articles([EXAMPLES], model=model)
    pairs_only = nli.score_articles([EXAMPLES], model=model, options=nli.ScoreOptions(article_stances=False))
    sources = {s.source for c in full.claims for s in c.stances.values()}
    assert "article" in sources
    assert {s.source for c in pairs_only.claims for s in c.stances.values()} == {"pair"}
    assert full.stats.nli_calls > pairs_only.stats.nli_calls
