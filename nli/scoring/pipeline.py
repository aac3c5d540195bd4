"""Scoring an article set end to end: read, clean, split, pair, label, group, report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from nli.errors import InputError
from nli.model.backends import NLIBackend, SentenceEncoder, display_path, load_encoder, load_nli, predict_in_blocks
from nli.scoring.articles import Article, as_articles, clean_articles, parse_article_date
from nli.scoring.claims import ARTICLE_STANCE_CLAIMS, add_article_stances, group_claims
from nli.scoring.combiner import GATE_SIMILARITY, Combiner, decide
from nli.scoring.pairing import DEFAULT_MIN_SIMILARITY, DEFAULT_TOP_K, Sentence, candidate_pairs
from nli.scoring.report import Agreement, ArticleSummary, LabelledPair, Report, SentenceRef, Stats
from nli.scoring.sentences import article_claims
from nli.scoring.slots import SlotComparison, compare_pairs
from nli.scoring.stance import AGGREGATOR_FILE, Aggregator, embedded_body
from nli.scoring.verdicts import (
    AGREEING,
    CONTRADICTION,
    IDENTICAL,
    UPDATE,
    Thresholds,
    contradiction_strength,
    probs_dict,
)

LONG_ARTICLE_CHARS = 1_000_000

NLI_BLOCK = 256
Progress = Callable[[str, int, int], None]


def revised_figure(
    comparison: SlotComparison | None, a: SentenceRef, b: SentenceRef, dated: dict[str, tuple[str | None, object]]
) -> dict | None:
    """An update, when a contradiction is only a toll that later reports revise and both articles are dated.

    Returns ``{"earlier": {article, date, figure}, "later": {...}}``, or None (the
    contradiction stands) when the articles carry no dates, the same date, or the
    pair conflicts on anything but revisable figures.
    """
    if comparison is None or comparison.type != "number":
        return None
    numbers = [c for c in comparison.conflicts if c.type == "number"]
    if not numbers or not all(c.revisable for c in numbers):
        return None
    (raw_a, when_a), (raw_b, when_b) = dated[a.article], dated[b.article]
    if when_a is None or when_b is None or when_a == when_b:
        return None
    sides = [
        {"article": a.article, "date": raw_a, "figure": numbers[0].a.text, "when": when_a},
        {"article": b.article, "date": raw_b, "figure": numbers[0].b.text, "when": when_b},
    ]
    earlier, later = sorted(sides, key=lambda side: side.pop("when"))
    return {"earlier": earlier, "later": later}


def score_articles(
    articles: Iterable[Article | str | Path] | Article | str | Path,
    nli: NLIBackend | None = None,
    encoder: SentenceEncoder | None = None,
    backend: str = "onnx",
    model: str | Path | None = None,
    thresholds: Thresholds | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    top_k: int = DEFAULT_TOP_K,
    within_article: bool = False,
    allow_single: bool = False,
    compare_slots: bool = True,
    article_stances: bool = True,
    progress: Progress | None = None,
    stance_model: NLIBackend | None = None,
) -> Report:
    """Find shared claims, agreements and contradictions across a set of articles.

    ``articles`` are :class:`Article` objects or paths (files or directories) that
    :func:`nli.scoring.articles.read_articles` accepts, one or any iterable of them.
    With ``compare_slots``, each labelled pair's slots (numbers, dates, places,
    actors, polarity) are compared too: pairs that share no event are never
    contradictions, every contradiction gets a type and its conflicting spans, and
    when the model has a ``combiner.json`` the model's probabilities and the
    comparison decide contradictions together. Without it the model alone decides.
    With ``article_stances`` and a model that has a stance aggregator, where each
    article stands on the most widely shared claims is decided from the whole
    article as ``nli stance`` does, and counts in the agreement matrix; a
    ``stance_model`` (a stance cross-encoder, ``make train-stance``) then splits the
    articles that bear on a claim between supporting, contradicting and mentioning it.
    Raises :class:`InputError` for unusable input, naming every problem.
    """
    started = time.perf_counter()
    read = as_articles(articles)
    warnings = list(read.warnings)
    if len(read.articles) < 2 and not allow_single:
        only = read.articles[0]
        raise InputError(
            [
                f"{only.origin or only.id}: only one article, nothing to compare it with "
                "(pass --allow-single to score it anyway)"
            ]
        )
    cleaned, skipped = clean_articles(read.articles, needed=1 if allow_single else 2)
    warnings += [s.warning for s in skipped]

    sentences: list[Sentence] = []
    summaries: list[ArticleSummary] = []
    for clean in cleaned:
        if len(clean.body) > LONG_ARTICLE_CHARS:
            warnings.append(
                f"{clean.article.id}: a very long article ({len(clean.body) / 1e6:.1f} million characters); "
                "it is split a piece at a time, and embedding and pairing it take a while"
            )
        split = article_claims(clean.body)
        if not split.claims:
            warnings.append(
                f"{clean.article.id}: no sentence is a claim (a statement of five words or more); "
                "nothing of it is compared"
            )
        warnings += [
            f"{clean.article.id}: a sentence of {len(text.split())} words, over the model's limit, is split "
            f"into {parts} parts at {', '.join(sorted(kinds))}: {text[:60]}..."
            for text, parts, kinds in split.cut
        ]
        claims = split.claims
        sentences.extend(Sentence(clean.article.id, i, text) for i, text in enumerate(claims))
        a = clean.article
        summaries.append(
            ArticleSummary(
                a.id, a.title, a.source, a.date, a.origin, a.text, split.sentences, len(claims), clean.dropped
            )
        )

    nli = nli or load_nli(model, backend)
    thresholds = thresholds or Thresholds.for_model(nli.model_dir)
    combiner = Combiner.load(nli.model_dir) if compare_slots else None
    encoder = encoder or load_encoder(backend)
    if progress:
        progress("embed", 0, len(sentences))
    embeddings = encoder.encode([s.text for s in sentences])
    if progress:
        progress("embed", len(sentences), len(sentences))
    pairing = candidate_pairs(sentences, embeddings, min_similarity, top_k, within_article)
    candidates, copy_pairs, members = pairing.proposed, pairing.copies, pairing.members

    to_label = [c for c in candidates if not c.near_identical]
    texts = [(sentences[c.a].text, sentences[c.b].text) for c in to_label]
    probs = predict_in_blocks(
        nli,
        texts + [(h, p) for p, h in texts],
        NLI_BLOCK,
        (lambda done, total: progress("nli", done, total)) if progress else None,
    )

    comparisons = [None] * len(texts)
    if compare_slots:
        if progress:
            progress("slots", 0, len(texts))
        comparisons = compare_pairs(texts)
        if progress:
            progress("slots", len(texts), len(texts))

    refs = [SentenceRef(s.article, s.index, s.text) for s in sentences]
    dated = {s.id: (s.date, parse_article_date(s.date)) for s in summaries}
    labelled: list[LabelledPair] = []
    verdicts: dict[tuple[int, int], tuple[str, dict]] = {}
    forward_of = {(c.a, c.b): probs[k] for k, c in enumerate(to_label)}
    backward_of = {(c.a, c.b): probs[k + len(to_label)] for k, c in enumerate(to_label)}
    comparison_of = {(c.a, c.b): comparisons[k] for k, c in enumerate(to_label)}
    for k, c in enumerate(candidates + copy_pairs):
        key = (c.a, c.b)
        comparison, model_strength, update = None, None, None
        if c.near_identical:
            verdict, score, pair_probs = IDENTICAL, 1.0, {}
        else:
            forward, backward, comparison = forward_of[key], backward_of[key], comparison_of[key]
            model_strength = contradiction_strength(forward, backward, thresholds.rule)
            verdict, score = decide(forward, backward, c.similarity, comparison, thresholds, combiner)
            if verdict == CONTRADICTION:
                update = revised_figure(comparison, refs[c.a], refs[c.b], dated)
                verdict = UPDATE if update else verdict
            pair_probs = {"a_to_b": probs_dict(forward), "b_to_a": probs_dict(backward)}
        side_a, side_b = (members[c.a], members[c.b]) if k < len(candidates) else ([c.a], [c.b])
        copies = {"a": [refs[i] for i in side_a if i != c.a], "b": [refs[i] for i in side_b if i != c.b]}
        labelled.append(
            LabelledPair(
                refs[c.a],
                refs[c.b],
                c.similarity,
                verdict,
                score,
                pair_probs,
                copies,
                comparison,
                model_strength,
                update,
            )
        )
        for x in side_a:
            for y in side_b:
                if x != y:
                    verdicts[(min(x, y), max(x, y))] = (verdict, pair_probs)

    article_ids = [summary.id for summary in summaries]
    calls = {"n": len(texts) * 2}

    def label_extra(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        calls["n"] += len(pairs)
        return nli.predict_proba(list(pairs))

    claims = group_claims(refs, embeddings, verdicts, article_ids, label_extra, thresholds)
    aggregator_path = Path(nli.model_dir) / AGGREGATOR_FILE if nli.model_dir else None
    if article_stances and claims and aggregator_path and aggregator_path.exists():
        top = claims[:ARTICLE_STANCE_CLAIMS]
        position_of = {(r.article, r.index): k for k, r in enumerate(refs)}
        rows_of: dict[str, list[int]] = {a: [] for a in article_ids}
        for k, s in enumerate(sentences):
            rows_of[s.article].append(k)
        bodies = {a: embedded_body([sentences[k].text for k in rows], embeddings[rows]) for a, rows in rows_of.items()}
        calls["n"] += add_article_stances(
            top,
            embeddings[[position_of[(c.anchor.article, c.anchor.index)] for c in top]],
            bodies,
            {(r.article, r.text): r for r in refs},
            nli,
            Aggregator.load(aggregator_path),
            stance_model,
        )

    position = {a: i for i, a in enumerate(article_ids)}
    agree = [[0] * len(article_ids) for _ in article_ids]
    contradict = [[0] * len(article_ids) for _ in article_ids]
    for pair in labelled:
        counts = contradict if pair.verdict == CONTRADICTION else agree if pair.verdict in AGREEING else None
        if counts is None:
            continue
        # Every article that holds either side (copies included) is counted once per pair.
        for i, j in {tuple(sorted((position[x], position[y]))) for x in pair.articles("a") for y in pair.articles("b")}:
            counts[i][j] += 1
            counts[j][i] += 1
    # Stances decided from whole articles count too: two articles that both support,
    # or both contradict, a claim agree on it; one of each disagree. Stances that came
    # from labelled pairs are already counted above.
    for claim in claims:
        taken = [(a, s) for a, s in claim.stances.items() if s.stance in ("supports", "contradicts")]
        for k, (x, sx) in enumerate(taken):
            for y, sy in taken[k + 1 :]:
                if "article" not in (sx.source, sy.source):
                    continue
                counts = agree if sx.stance == sy.stance else contradict
                i, j = position[x], position[y]
                counts[i][j] += 1
                counts[j][i] += 1

    contradictions = sorted(
        (p for p in labelled if p.verdict == CONTRADICTION), key=lambda p: (-p.score, p.a.article, p.a.index)
    )
    updates = sorted((p for p in labelled if p.verdict == UPDATE), key=lambda p: (-p.score, p.a.article, p.a.index))
    return Report(
        model=display_path(nli.model_dir),
        backend=nli.name,
        thresholds={
            **thresholds.to_dict(),
            "min_similarity": min_similarity,
            "top_k": top_k,
            "gate_similarity": GATE_SIMILARITY if compare_slots else None,
            "combiner": combiner.to_dict() if combiner else None,
        },
        articles=summaries,
        skipped=skipped,
        contradictions=contradictions,
        updates=updates,
        pairs=labelled,
        claims=claims,
        agreement=Agreement(article_ids, agree, contradict),
        stats=Stats(
            sentences=sum(len(s.sentences) for s in summaries),
            claim_sentences=len(sentences),
            candidate_pairs=len(candidates) + len(copy_pairs),
            near_identical_pairs=len(candidates) + len(copy_pairs) - len(to_label),
            nli_pairs=len(to_label),
            nli_calls=calls["n"],
            seconds=round(time.perf_counter() - started, 3),
        ),
        warnings=warnings,
    )
