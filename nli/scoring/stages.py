"""The stages of scoring an article set, each a function with a small typed input and output.

:func:`nli.scoring.pipeline.score_articles` runs them in this order, one way:

read → split → pair → compare → label → decide → group → stances → matrix

Each can be called, tested and timed alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from nli.errors import InputError
from nli.model.backends import NLIBackend, SentenceEncoder, predict_in_blocks
from nli.scoring.articles import Article, as_articles, clean_articles, parse_article_date
from nli.scoring.claims import ARTICLE_STANCE_CLAIMS, add_article_stances, group_claims
from nli.scoring.combiner import (
    BY_COMBINER,
    BY_MODEL,
    GATE_SIMILARITY,
    NEAR_COPY_CHANGED_WORDS,
    NEAR_COPY_SIMILARITY,
    Combiner,
    decide,
)
from nli.scoring.pairing import CandidatePair, Pairing, Sentence, candidate_pairs
from nli.scoring.report import Agreement, ArticleSummary, Claim, LabelledPair, SentenceRef, SkippedArticle
from nli.scoring.sentences import article_claims
from nli.scoring.slots import SlotComparison, compare_pairs, read_texts
from nli.scoring.stance import Aggregator, StanceModel, embedded_body
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


# --- read -------------------------------------------------------------------------------


@dataclass
class ReadSet:
    articles: list[Article]
    warnings: list[str]


def read(given: object, allow_single: bool = False) -> ReadSet:
    """The articles given (paths, :class:`Article` objects or both), in the caller's order."""
    result = as_articles(given)
    if len(result.articles) < 2 and not allow_single:
        only = result.articles[0]
        raise InputError(
            [
                f"{only.origin or only.id}: only one article, nothing to compare it with "
                "(pass --allow-single to score it anyway)"
            ]
        )
    return ReadSet(result.articles, list(result.warnings))


# --- split ------------------------------------------------------------------------------


@dataclass
class SplitSet:
    summaries: list[ArticleSummary]
    sentences: list[Sentence]  # the claims the later stages compare, in article order
    skipped: list[SkippedArticle]
    warnings: list[str]


def split(read_set: ReadSet, allow_single: bool = False) -> SplitSet:
    """Clean every article and split it into sentences; claims are the sentences that are compared."""
    cleaned, skipped = clean_articles(read_set.articles, needed=1 if allow_single else 2)
    warnings = [s.warning for s in skipped]
    sentences: list[Sentence] = []
    summaries: list[ArticleSummary] = []
    for clean in cleaned:
        if len(clean.body) > LONG_ARTICLE_CHARS:
            warnings.append(
                f"{clean.article.id}: a very long article ({len(clean.body) / 1e6:.1f} million characters); "
                "it is split a piece at a time, and embedding and pairing it take a while"
            )
        found = article_claims(clean.body)
        if not found.claims:
            warnings.append(
                f"{clean.article.id}: no sentence is a claim (a statement of five words or more); "
                "nothing of it is compared"
            )
        warnings += [
            f"{clean.article.id}: a sentence of {len(text.split())} words, over the model's limit, is split "
            f"into {parts} parts at {', '.join(sorted(kinds))}: {text[:60]}..."
            for text, parts, kinds in found.cut
        ]
        sentences.extend(Sentence(clean.article.id, i, text) for i, text in enumerate(found.claims))
        a = clean.article
        if a.date and a.date.strip() and parse_article_date(a.date) is None:
            warnings.append(
                f"{a.id}: date {a.date!r} is not an absolute, valid date; "
                "it is not used to tell revised figures from contradictions"
            )
        summaries.append(
            ArticleSummary(
                a.id, a.title, a.source, a.date, a.origin, a.text, found.sentences, len(found.claims), clean.dropped
            )
        )
    return SplitSet(summaries, sentences, skipped, warnings)


# --- pair -------------------------------------------------------------------------------


@dataclass
class PairedSet:
    embeddings: np.ndarray  # one unit-length row per sentence
    pairing: Pairing

    @property
    def to_label(self) -> list[CandidatePair]:
        """The proposed pairs that need the NLI model (copies of one sentence do not)."""
        return [c for c in self.pairing.proposed if not c.near_identical]


def pair(
    sentences: Sequence[Sentence],
    encoder: SentenceEncoder,
    min_similarity: float,
    top_k: int,
    within_article: bool = False,
    progress: Progress | None = None,
) -> PairedSet:
    """Embed every sentence and propose the comparable pairs across articles."""
    if progress:
        progress("embed", 0, len(sentences))
    embeddings = encoder.encode([s.text for s in sentences])
    if progress:
        progress("embed", len(sentences), len(sentences))
    return PairedSet(embeddings, candidate_pairs(list(sentences), embeddings, min_similarity, top_k, within_article))


# --- compare ----------------------------------------------------------------------------


def compare(
    pairs: Sequence[CandidatePair], sentences: Sequence[Sentence], progress: Progress | None = None
) -> dict[tuple[int, int], SlotComparison]:
    """The slot comparison (numbers, dates, places, actors, polarity) of every pair."""
    if progress:
        progress("slots", 0, len(pairs))
    comparisons = compare_pairs([(sentences[c.a].text, sentences[c.b].text) for c in pairs])
    if progress:
        progress("slots", len(pairs), len(pairs))
    return {(c.a, c.b): comparison for c, comparison in zip(pairs, comparisons, strict=True)}


# --- label ------------------------------------------------------------------------------


@dataclass
class PairProbabilities:
    """The model's probabilities for each pair in both directions, keyed by sentence positions."""

    forward: dict[tuple[int, int], np.ndarray]
    backward: dict[tuple[int, int], np.ndarray]

    @property
    def calls(self) -> int:
        return 2 * len(self.forward)


def label(
    pairs: Sequence[CandidatePair],
    sentences: Sequence[Sentence],
    nli: NLIBackend,
    comparisons: dict[tuple[int, int], SlotComparison] | None = None,
    progress: Progress | None = None,
) -> PairProbabilities:
    """NLI probabilities of every pair, both ways, in blocks.

    Where the slot comparison found both sentences reporting the same source, the model
    reads what each says the source said (:func:`nli.scoring.slots.read_texts`).
    """
    comparisons = comparisons or {}
    texts = [read_texts(sentences[c.a].text, sentences[c.b].text, comparisons.get((c.a, c.b))) for c in pairs]
    probs = predict_in_blocks(
        nli,
        texts + [(h, p) for p, h in texts],
        NLI_BLOCK,
        (lambda done, total: progress("nli", done, total)) if progress else None,
    )
    keys = [(c.a, c.b) for c in pairs]
    return PairProbabilities(
        {key: probs[k] for k, key in enumerate(keys)}, {key: probs[k + len(keys)] for k, key in enumerate(keys)}
    )


# --- decide -----------------------------------------------------------------------------


@dataclass
class Decision:
    """How contradictions are decided: the combiner over model and slots where there is one, else the model."""

    thresholds: Thresholds
    combiner: Combiner | None
    combiner_threshold: float | None

    @classmethod
    def of(
        cls, thresholds: Thresholds, combiner: Combiner | None, compare_slots: bool, threshold: float | None
    ) -> Decision:
        """The decision in force; a user's ``threshold`` replaces the threshold of whichever rule decides."""
        if compare_slots and combiner is not None:
            return cls(thresholds, combiner, combiner.threshold if threshold is None else threshold)
        return cls(thresholds.overridden(contradiction=threshold), None, None)

    @property
    def rule(self) -> str:
        """The thresholded rule: the combiner, or the model alone (a near copy's slot conflict needs no threshold)."""
        return BY_COMBINER if self.combiner else BY_MODEL

    def to_dict(self, compare_slots: bool) -> dict:
        return {
            "decided_by": self.rule,
            "contradiction_threshold": self.combiner_threshold if self.combiner else self.thresholds.contradiction,
            "gate_similarity": GATE_SIMILARITY if compare_slots else None,
            "near_copy": (
                {"similarity": NEAR_COPY_SIMILARITY, "changed_words": NEAR_COPY_CHANGED_WORDS}
                if compare_slots
                else None
            ),
            "combiner": self.combiner.to_dict() if self.combiner else None,
        }


@dataclass
class Decided:
    pairs: list[LabelledPair]
    # Sentence positions (a < b) -> (verdict, probabilities), every copy of either side included.
    verdicts: dict[tuple[int, int], tuple[str, dict]] = field(default_factory=dict)


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


def decide_pairs(
    split_set: SplitSet,
    paired: PairedSet,
    probabilities: PairProbabilities,
    comparisons: dict[tuple[int, int], SlotComparison],
    decision: Decision,
) -> Decided:
    """Each pair's verdict, carried to every copy of either side."""
    refs = sentence_refs(split_set.sentences)
    dated = {s.id: (s.date, parse_article_date(s.date)) for s in split_set.summaries}
    members = paired.pairing.members
    decided = Decided([])
    proposed = paired.pairing.proposed
    for k, c in enumerate(proposed + paired.pairing.copies):
        key = (c.a, c.b)
        comparison, model_strength, update = None, None, None
        if c.near_identical:
            verdict, score, pair_probs, decided_by = IDENTICAL, 1.0, {}, "copy"
        else:
            forward, backward, comparison = (
                probabilities.forward[key],
                probabilities.backward[key],
                comparisons.get(key),
            )
            model_strength = contradiction_strength(forward, backward, decision.thresholds.rule)
            verdict, score, decided_by = decide(
                forward,
                backward,
                c.similarity,
                comparison,
                decision.thresholds,
                decision.combiner,
                decision.combiner_threshold,
            )
            if verdict == CONTRADICTION:
                update = revised_figure(comparison, refs[c.a], refs[c.b], dated)
                verdict = UPDATE if update else verdict
            pair_probs = {"a_to_b": probs_dict(forward), "b_to_a": probs_dict(backward)}
        side_a, side_b = (members[c.a], members[c.b]) if k < len(proposed) else ([c.a], [c.b])
        copies = {"a": [refs[i] for i in side_a if i != c.a], "b": [refs[i] for i in side_b if i != c.b]}
        decided.pairs.append(
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
                decided_by,
            )
        )
        for x in side_a:
            for y in side_b:
                if x != y:
                    decided.verdicts[(min(x, y), max(x, y))] = (verdict, pair_probs)
    return decided


def sentence_refs(sentences: Sequence[Sentence]) -> list[SentenceRef]:
    return [SentenceRef(s.article, s.index, s.text) for s in sentences]


# --- group ------------------------------------------------------------------------------


def group(
    split_set: SplitSet, paired: PairedSet, decided: Decided, nli: NLIBackend, thresholds: Thresholds
) -> tuple[list[Claim], int]:
    """The shared claims (groups of agreeing or contradicting sentences), and the extra NLI calls made."""
    calls = 0

    def label_extra(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        nonlocal calls
        calls += len(pairs)
        return nli.predict_proba(list(pairs))

    claims = group_claims(
        sentence_refs(split_set.sentences),
        paired.embeddings,
        decided.verdicts,
        label_extra,
        thresholds,
    )
    return claims, calls


# --- stances ----------------------------------------------------------------------------


def stances(
    claims: list[Claim],
    split_set: SplitSet,
    paired: PairedSet,
    nli: NLIBackend,
    aggregator: Aggregator,
    stance_model: StanceModel | None = None,
) -> int:
    """Each article's stance on the most widely shared claims, from the whole article; the NLI calls made."""
    top = claims[:ARTICLE_STANCE_CLAIMS]
    if not top:
        return 0
    sentences, embeddings = split_set.sentences, paired.embeddings
    refs = sentence_refs(sentences)
    position_of = {(r.article, r.index): k for k, r in enumerate(refs)}
    rows_of: dict[str, list[int]] = {s.id: [] for s in split_set.summaries}
    for k, s in enumerate(sentences):
        rows_of[s.article].append(k)
    bodies = {a: embedded_body([sentences[k].text for k in rows], embeddings[rows]) for a, rows in rows_of.items()}
    return add_article_stances(
        top,
        embeddings[[position_of[(c.anchor.article, c.anchor.index)] for c in top]],
        bodies,
        {(r.article, r.text): r for r in refs},
        nli,
        aggregator,
        stance_model,
    )


# --- matrix -----------------------------------------------------------------------------


# One piece of evidence (a pair with its copies, a group of copies) fills at most this
# many cells of the agreement counts; past it, only the cells between the first article
# of each side and the other side's articles. Wire copy of one sentence in thousands
# of articles would otherwise cost articles squared.
MAX_CELLS_PER_EVIDENCE = 10_000


def matrix(article_ids: list[str], pairs: Sequence[LabelledPair], claims: Sequence[Claim]) -> Agreement:
    """How often each two articles agree and contradict, over labelled pairs and article stances.

    Only pairs of articles with something compared are held, and each piece of
    evidence fills at most :data:`MAX_CELLS_PER_EVIDENCE` cells, so the cost follows
    the pairs and stances found, not articles squared.
    """
    position = {a: i for i, a in enumerate(article_ids)}
    counts: dict[tuple[int, int], list[int]] = {}

    def add(xs: list[str], ys: list[str], column: int) -> None:
        """Count once in every cell between an article of ``xs`` and one of ``ys`` (firsts first)."""
        if len(xs) * len(ys) > MAX_CELLS_PER_EVIDENCE:
            # a star through each side's first article: linear in the articles involved
            crossing = [(xs[0], y) for y in ys] + [(x, ys[0]) for x in xs]
        else:
            crossing = [(x, y) for x in xs for y in ys]
        cells = {(min(position[x], position[y]), max(position[x], position[y])) for x, y in crossing if x != y}
        for cell in cells:
            counts.setdefault(cell, [0, 0])[column] += 1

    def holders(labelled: LabelledPair, side: str) -> list[str]:
        first = (labelled.a if side == "a" else labelled.b).article
        return [first, *sorted(labelled.articles(side) - {first})]

    # Copies of one sentence are paired as a star around the first of them; they all
    # agree with each other, so each group counts once in every cell its articles share.
    copy_groups: dict[tuple[str, int], list[str]] = {}
    for labelled in pairs:
        if labelled.decided_by == "copy":
            group = copy_groups.setdefault((labelled.a.article, labelled.a.index), [labelled.a.article])
            group += [a for a in holders(labelled, "b") if a not in group]
        elif labelled.verdict == CONTRADICTION or labelled.verdict in AGREEING:
            # Every article that holds either side (copies included) is counted once per pair.
            add(holders(labelled, "a"), holders(labelled, "b"), int(labelled.verdict == CONTRADICTION))
    for group in copy_groups.values():
        add(group, group, 0)
    # Stances decided from whole articles count too: two articles that both support,
    # or both contradict, a claim agree on it; one of each disagree. Stances that came
    # from labelled pairs are already counted above.
    for claim in claims:
        taken = [(a, s) for a, s in claim.stances.items() if s.stance in ("supports", "contradicts")]
        if len(taken) * (len(taken) - 1) > 2 * MAX_CELLS_PER_EVIDENCE:
            continue  # a claim everyone takes a side on: its cells would be articles squared
        for k, (x, sx) in enumerate(taken):
            for y, sy in taken[k + 1 :]:
                if "article" in (sx.source, sy.source):
                    add([x], [y], int(sx.stance != sy.stance))
    return Agreement(article_ids, {cell: (agree, contradict) for cell, (agree, contradict) in counts.items()})
