"""nli: find where news articles about one event agree and where they contradict.

The Python API::

    import nli
    report = nli.score_articles(["examples/dock-road-fire"])
    for pair in report.contradictions[:5]:
        print(pair.score, pair.a.text, "<->", pair.b.text)

    model = nli.Model.load()                  # loaded once: NLI backend, thresholds, combiner, stance aggregator
    options = nli.ScoreOptions(threshold=0.5, top_k=5)
    report = nli.score_articles(paths, model=model, options=options)
    nli.score_articles(paths, model=nli.ACCURATE_NLI_MODEL)   # the larger, slower model (`--accurate`)

    stances = nli.stance_on_claim("The port authority denied the inspection", paths, model=model)

    model.nli.predict_proba([("premise", "hypothesis")])     # (n, 3): entailment, neutral, contradiction
"""

from nli.errors import InputError, ModelError
from nli.model.backends import load_encoder, load_nli
from nli.model.bundle import Model
from nli.model.labels import LABELS
from nli.model.registry import ACCURATE_NLI_MODEL
from nli.scoring.articles import Article, clean_article, read_articles
from nli.scoring.claim_stance import StanceReport, stance_on_claim
from nli.scoring.options import ScoreOptions
from nli.scoring.pipeline import score_articles
from nli.scoring.report import Report
from nli.scoring.verdicts import Thresholds

__version__ = "0.6.0"

__all__ = [
    "ACCURATE_NLI_MODEL",
    "LABELS",
    "Article",
    "InputError",
    "Model",
    "ModelError",
    "Report",
    "ScoreOptions",
    "StanceReport",
    "Thresholds",
    "clean_article",
    "load_encoder",
    "load_nli",
    "read_articles",
    "score_articles",
    "stance_on_claim",
]
