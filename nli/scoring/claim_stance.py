"""Where each article stands on one claim: the Python API behind ``nli stance``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nli.errors import InputError
from nli.model.bundle import Model
from nli.scoring.articles import Article, as_articles, clean_articles
from nli.scoring.report import SkippedArticle
from nli.scoring.stance import StanceResult, stance_of_articles
from nli.text import readable_text


@dataclass
class StanceReport:
    """Each article's stance (agree, disagree, discuss, unrelated) on ``claim``, with its deciding sentences."""

    claim: str
    articles: list[StanceResult]
    skipped: list[SkippedArticle] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stance_model: str | None = None  # the stance model's folder name; None: the aggregator alone

    def to_dict(self) -> dict:
        return {
            "claim": self.claim,
            "stance_model": self.stance_model,
            "articles": [r.to_dict() for r in self.articles],
            "skipped": [s.to_dict() for s in self.skipped],
            "warnings": self.warnings,
        }


def stance_on_claim(
    claim: str,
    articles: Iterable[Article | str | Path] | Article | str | Path,
    model: Model | str | Path | None = None,
    backend: str = "onnx",
) -> StanceReport:
    """Each article's stance on ``claim`` (a headline, a sentence, a fact-check), read from the whole article.

    ``articles`` and ``model`` are taken as :func:`nli.score_articles` takes them. Raises
    :class:`nli.InputError` for an empty claim or unusable articles, and
    :class:`nli.ModelError` when the model has no stance aggregator.
    """
    claim = readable_text(claim) if isinstance(claim, str) else claim
    if not isinstance(claim, str) or not claim.strip():
        raise InputError(["the claim is empty: give a headline or a sentence to take a stance on"])
    if not isinstance(model, Model):
        model = Model.load(model, backend)
    aggregator = model.require_aggregator()
    read = as_articles(articles)
    cleaned, skipped = clean_articles(read.articles)
    results = stance_of_articles(
        claim,
        [c.body for c in cleaned],
        [c.article.id for c in cleaned],
        model.nli,
        model.encoder,
        aggregator,
        model.stance_model,
    )
    return StanceReport(
        claim,
        results,
        skipped,
        read.warnings + [s.warning for s in skipped],
        model.stance_model.model_dir.name if model.stance_model else None,
    )
