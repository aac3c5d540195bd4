"""nli: find where news articles about one event agree and where they contradict.

The Python API::

    import nli
    report = nli.score_articles(["examples/dock-road-fire"])
    for pair in report.contradictions[:5]:
        print(pair.score, pair.a.text, "<->", pair.b.text)

    model = nli.load_nli()            # ONNX int8 by default, torch with backend="torch"
    model.predict_proba([("premise", "hypothesis")])  # (n, 3): entailment, neutral, contradiction

    nli.score_articles(paths, model=nli.ACCURATE_NLI_MODEL)  # the larger, slower model (`--accurate`)
"""

from nli.errors import InputError, ModelError
from nli.model.backends import load_encoder, load_nli
from nli.model.labels import LABELS
from nli.model.registry import ACCURATE_NLI_MODEL
from nli.scoring.articles import Article, clean_article, read_articles
from nli.scoring.pipeline import score_articles
from nli.scoring.report import Report
from nli.scoring.verdicts import Thresholds

__version__ = "0.1.0"

__all__ = [
    "ACCURATE_NLI_MODEL",
    "LABELS",
    "Article",
    "InputError",
    "ModelError",
    "Report",
    "Thresholds",
    "clean_article",
    "load_encoder",
    "load_nli",
    "read_articles",
    "score_articles",
]
