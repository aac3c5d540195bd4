"""Scoring an article set end to end, through the named stages of :mod:`nli.scoring.stages`."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from nli.model.backends import display_path
from nli.model.bundle import Model
from nli.scoring import stages
from nli.scoring.articles import Article
from nli.scoring.options import ScoreOptions
from nli.scoring.report import Report, Stats
from nli.scoring.stages import Progress
from nli.scoring.verdicts import CONTRADICTION, UPDATE


class _Clock:
    """Seconds per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self._last, 4)
        self._last = now


def score_articles(
    articles: Iterable[Article | str | Path] | Article | str | Path,
    model: Model | str | Path | None = None,
    options: ScoreOptions | dict | None = None,
    progress: Progress | None = None,
    backend: str = "onnx",
) -> Report:
    """Find shared claims, agreements and contradictions across a set of articles.

    ``articles`` are :class:`Article` objects or paths (files or directories), one or
    any iterable of them, scored in the order given. ``model`` is a :class:`Model`
    (:meth:`Model.load`, loaded once and reused) or a model's name or folder, loaded
    here on ``backend`` (default: the shipped default model). ``options`` says what is
    compared and how it is decided (:class:`ScoreOptions`, or a dict of its fields). Raises
    :class:`nli.InputError` for unusable input, naming every problem, and
    :class:`nli.ModelError` for a missing or broken model.
    """
    started = time.perf_counter()
    options = ScoreOptions.given(options)
    if not isinstance(model, Model):
        model = Model.load(model, backend)
    clock = _Clock()

    read_set = stages.read(articles, options.allow_single)
    clock.lap("read")
    split_set = stages.split(read_set, options.allow_single)
    sentences = split_set.sentences
    clock.lap("split")
    paired = stages.pair(
        sentences, model.encoder, options.min_similarity, options.top_k, options.within_article, progress
    )
    to_label = paired.to_label
    clock.lap("pair")
    comparisons = stages.compare(to_label, sentences, progress) if options.compare_slots else {}
    clock.lap("compare")
    probabilities = stages.label(to_label, sentences, model.nli, comparisons, progress)
    clock.lap("label")
    thresholds = options.thresholds_for(model.thresholds)
    decision = stages.Decision.of(thresholds, model.combiner, options.compare_slots, options.threshold)
    decided = stages.decide_pairs(split_set, paired, probabilities, comparisons, decision)
    clock.lap("decide")
    claims, group_calls = stages.group(split_set, paired, decided, model.nli, decision.thresholds)
    clock.lap("group")
    stance_calls = 0
    warnings = read_set.warnings + split_set.warnings
    if options.article_stances and claims:
        if model.aggregator is not None:
            stance_calls = stages.stances(claims, split_set, paired, model.nli, model.aggregator, model.stance_model)
        else:
            warnings += model.warnings
    clock.lap("stances")
    article_ids = [s.id for s in split_set.summaries]
    agreement = stages.matrix(article_ids, decided.pairs, claims)
    clock.lap("matrix")

    def strongest(verdict: str) -> list:
        chosen = (p for p in decided.pairs if p.verdict == verdict)
        return sorted(chosen, key=lambda p: (-p.score, p.a.article, p.a.index))

    candidates = len(paired.pairing.proposed) + len(paired.pairing.copies)
    return Report(
        model=display_path(model.nli.model_dir),
        backend=model.nli.name,
        thresholds={
            **decision.thresholds.to_dict(),
            "min_similarity": options.min_similarity,
            "top_k": options.top_k,
            **decision.to_dict(options.compare_slots),
        },
        articles=split_set.summaries,
        skipped=split_set.skipped,
        contradictions=strongest(CONTRADICTION),
        updates=strongest(UPDATE),
        pairs=decided.pairs,
        claims=claims,
        agreement=agreement,
        stats=Stats(
            sentences=sum(len(s.sentences) for s in split_set.summaries),
            claim_sentences=len(sentences),
            candidate_pairs=candidates,
            near_identical_pairs=candidates - len(to_label),
            nli_pairs=len(to_label),
            nli_calls=probabilities.calls + group_calls + stance_calls,
            seconds=round(time.perf_counter() - started, 3),
            stage_seconds=clock.seconds,
        ),
        warnings=warnings,
    )
