"""The result of scoring an article set, its JSON form and its terminal rendering.

The JSON document (``Report.to_dict``) is the stable output format; its layout is
documented in the README under "Output format" and versioned by ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from nli.scoring.articles import DroppedLine, SkippedArticle
from nli.scoring.slots import SlotComparison
from nli.scoring.verdicts import CONTRADICTION

SCHEMA_VERSION = "1.4"


@dataclass
class SentenceRef:
    article: str
    index: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LabelledPair:
    a: SentenceRef
    b: SentenceRef
    similarity: float
    verdict: str
    score: float
    probs: dict[str, dict[str, float]]  # {"a_to_b": {...}, "b_to_a": {...}}; empty if no NLI call
    # Copies of each side in other articles (the same sentence, or a cosine of 0.97 or
    # more): the verdict holds for them too, without NLI calls of their own.
    copies: dict[str, list[SentenceRef]] = field(default_factory=lambda: {"a": [], "b": []})
    # The slot comparison of the two sentences (None for copies, which are not compared)
    # and the model's own contradiction strength, before the combiner.
    slots: SlotComparison | None = None
    model_contradiction: float | None = None
    # For an update: {"earlier": {article, date, figure}, "later": {...}}.
    update: dict | None = None
    # What decided the verdict: "combiner" (model and slots), "model" (the model alone) or "copy" (no NLI call).
    decided_by: str | None = None

    @property
    def type(self) -> str | None:
        """What a contradiction turns on (a type of :data:`nli.scoring.slots.CONFLICT_TYPES`); None otherwise."""
        if self.verdict != CONTRADICTION:
            return None
        return self.slots.type if self.slots else "other"

    def articles(self, side: str) -> set[str]:
        """The articles that hold side ``a`` or ``b`` of the pair, copies included."""
        ref = self.a if side == "a" else self.b
        return {ref.article} | {copy.article for copy in self.copies[side]}

    def to_dict(self) -> dict:
        return {
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "similarity": round(self.similarity, 4),
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "probs": self.probs,
            "copies": {side: [ref.to_dict() for ref in refs] for side, refs in self.copies.items()},
            "type": self.type,
            "model_contradiction": None if self.model_contradiction is None else round(self.model_contradiction, 4),
            "decided_by": self.decided_by,
            "conflicts": [c.to_dict() for c in self.slots.conflicts] if self.slots else [],
            "compatible": list(self.slots.compatible) if self.slots else [],
            "quoted_source": self.slots.quoted_source if self.slots else None,
            "update": self.update,
        }


@dataclass
class ArticleStance:
    stance: str  # supports | contradicts | mentions | not_mentioned
    sentence: SentenceRef | None = None
    probs: dict[str, dict[str, float]] = field(default_factory=dict)
    # "pair": from a labelled sentence pair; "article": from the whole article (stance aggregator)
    source: str = "pair"

    def to_dict(self) -> dict:
        return {
            "stance": self.stance,
            "sentence": self.sentence.to_dict() if self.sentence else None,
            "probs": self.probs,
            "source": self.source,
        }


class StanceMap(dict[str, ArticleStance]):
    """Each article's stance on a claim, holding only the articles that have one.

    An article absent from the map is ``not_mentioned``: a claim shared by a few of
    10,000 articles then costs a few entries, not 10,000.
    """

    def __missing__(self, article: str) -> ArticleStance:
        return ArticleStance("not_mentioned")


@dataclass
class Claim:
    id: int
    text: str
    anchor: SentenceRef
    sentences: list[SentenceRef]
    stances: StanceMap

    def to_dict(self, articles: Sequence[str] | None = None) -> dict:
        """``stances`` names every article of ``articles`` (small sets), else only the articles with a stance."""
        shown = self.stances if articles is None else {article: self.stances[article] for article in articles}
        return {
            "id": self.id,
            "text": self.text,
            "anchor": self.anchor.to_dict(),
            "sentences": [s.to_dict() for s in self.sentences],
            "stances": {article: st.to_dict() for article, st in shown.items()},
        }


@dataclass
class ArticleSummary:
    id: str
    title: str | None
    source: str | None
    date: str | None
    origin: str
    text: str
    sentences: list[str]
    claims_considered: int
    dropped: list[DroppedLine]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "origin": self.origin,
            "text": self.text,
            "sentences": self.sentences,
            "claims_considered": self.claims_considered,
            "dropped": [d.to_dict() for d in self.dropped],
        }


# Up to this many articles the JSON carries the full article-by-article matrices and
# every claim's stance for every article; above it only what was found (the cells
# with compared pairs, the articles with a stance), so that the document grows with
# the evidence and not with articles squared.
DENSE_ARTICLES = 200


@dataclass
class Agreement:
    """Article-by-article counts of agreeing and contradicting pairs, and a score.

    ``counts`` holds only the pairs of articles with something compared:
    ``(i, j)`` with i < j -> ``(agree, contradict)``. score = (agree - contradict) /
    (agree + contradict), None where nothing was compared.
    """

    articles: list[str]
    counts: dict[tuple[int, int], tuple[int, int]]

    def count(self, i: int, j: int) -> tuple[int, int]:
        """(agree, contradict) between articles ``i`` and ``j``."""
        return self.counts.get((min(i, j), max(i, j)), (0, 0)) if i != j else (0, 0)

    def score(self, i: int, j: int) -> float | None:
        agree, contradict = self.count(i, j)
        total = agree + contradict
        return None if total == 0 else round((agree - contradict) / total, 4)

    @property
    def dense(self) -> bool:
        return len(self.articles) <= DENSE_ARTICLES

    def to_dict(self) -> dict:
        n = len(self.articles)
        cells = [[i, j, agree, contradict] for (i, j), (agree, contradict) in sorted(self.counts.items())]
        if not self.dense:
            return {"articles": self.articles, "matrix": None, "agree": None, "contradict": None, "cells": cells}
        full = [[self.count(i, j) for j in range(n)] for i in range(n)]
        return {
            "articles": self.articles,
            "matrix": [[self.score(i, j) for j in range(n)] for i in range(n)],
            "agree": [[cell[0] for cell in row] for row in full],
            "contradict": [[cell[1] for cell in row] for row in full],
            "cells": cells,
        }


@dataclass
class Stats:
    sentences: int
    claim_sentences: int
    candidate_pairs: int
    near_identical_pairs: int
    nli_pairs: int
    nli_calls: int
    seconds: float
    # Seconds each stage took (read, split, pair, compare, label, decide, group, stances, matrix).
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    model: str
    backend: str
    thresholds: dict
    articles: list[ArticleSummary]
    skipped: list[SkippedArticle]
    contradictions: list[LabelledPair]
    updates: list[LabelledPair]
    pairs: list[LabelledPair]
    claims: list[Claim]
    agreement: Agreement
    stats: Stats
    warnings: list[str]

    def to_dict(self, top: int = 0) -> dict:
        """The JSON document (docs: output schema); ``top`` keeps only the N strongest contradictions (0: all)."""
        contradictions = self.contradictions[:top] if top else self.contradictions
        return {
            "schema_version": SCHEMA_VERSION,
            "model": self.model,
            "backend": self.backend,
            "thresholds": self.thresholds,
            "articles": [a.to_dict() for a in self.articles],
            "skipped": [s.to_dict() for s in self.skipped],
            "contradictions": [p.to_dict() for p in contradictions],
            "updates": [p.to_dict() for p in self.updates],
            "claims": [c.to_dict(self.agreement.articles if self.agreement.dense else None) for c in self.claims],
            "agreement": self.agreement.to_dict(),
            "pairs": [p.to_dict() for p in self.pairs],
            "stats": self.stats.to_dict(),
            "warnings": self.warnings,
        }
