"""Pairing comparable claims across articles by sentence-embedding similarity.

Similarities are computed a chunk of rows at a time against all sentences, keeping
only each sentence's top-k neighbours above a threshold in *other* articles, so
memory stays at ``chunk x n`` and the number of pairs grows with ``k x n``, not
with ``n^2``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

# Chosen on training-side data: about the median cosine of contradiction pairs in
# semi-automatic-nli train and the 25th percentile in LingNLI val (see README).
DEFAULT_MIN_SIMILARITY = 0.45
DEFAULT_TOP_K = 3
# Above this cosine, with nothing that can conflict changed (or with equal normalized
# text), two sentences are copies of one another (syndicated wire copy): agreement,
# recorded without an NLI call.
NEAR_IDENTICAL = 0.97
CHUNK_ROWS = 1024


@dataclass(frozen=True)
class Sentence:
    article: str
    index: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CandidatePair:
    a: int  # positions in the sentence list, a < b
    b: int
    similarity: float
    near_identical: bool


@dataclass(frozen=True)
class Pairing:
    proposed: list[CandidatePair]  # between sentences that differ, near-identical ones included
    copies: list[CandidatePair]  # the first of a group of copies with each other copy
    members: dict[int, list[int]]  # the first of each group of copies -> every sentence of the group


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


# Words that carry no fact of their own: two sentences that differ only in these (or in
# punctuation and case) say the same thing. Negations are not among them.
FUNCTION_WORDS = frozenset(
    "a an the and or but of in on at to for from by with as into onto over under about after before than that "
    "this these those it its it's is are was were be been being has have had do does did will would shall should "
    "can could may might must their there they them he she his her him we our you your i me my who whom which "
    "what when where while also just so up out then said says saying told according".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def fact_signature(text: str) -> tuple[str, ...]:
    """The words of a sentence that can carry a fact: all but function words, negations kept.

    Two sentences that embed almost alike are copies only when these agree; a changed
    figure, date, name, ordinal, unit or word ("...$5bn in 2023" against "...in 2024",
    "sales" against "profits", "said" against "denied") makes them a pair to compare.
    """
    return tuple(sorted(t for t in _TOKEN.findall(text.lower()) if t not in FUNCTION_WORDS))


def propose_pairs(
    sentences: list[Sentence],
    embeddings: np.ndarray,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    top_k: int = DEFAULT_TOP_K,
    within_article: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> list[CandidatePair]:
    """Cross-article pairs: each sentence's ``top_k`` nearest above ``min_similarity``."""
    n = len(sentences)
    if n < 2:
        return []
    articles = np.array([s.article for s in sentences])
    normalized = [_normalized(s.text) for s in sentences]
    signatures = [fact_signature(s.text) for s in sentences]
    candidates: set[tuple[int, int]] = set()
    k = min(top_k, n - 1)
    for start in range(0, n, chunk_rows):
        stop = min(start + chunk_rows, n)
        sims = embeddings[start:stop] @ embeddings.T
        rows = np.arange(start, stop)
        sims[rows - start, rows] = -np.inf
        if not within_article:
            sims[articles[start:stop, None] == articles[None, :]] = -np.inf
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < n else np.argsort(-sims, axis=1)
        for offset, neighbours in enumerate(top):
            i = start + offset
            for j in neighbours:
                if np.isfinite(sims[offset, j]):
                    candidates.add((min(i, int(j)), max(i, int(j))))
    if not candidates:
        return []
    keys = sorted(candidates)
    ends = np.array(keys)
    # A matrix product rounds differently with the shape of its operands, so the score
    # of a pair is taken once, row by row, to be the same whatever the chunk size and
    # whichever side found the pair.
    similarities = np.einsum("ij,ij->i", embeddings[ends[:, 0]], embeddings[ends[:, 1]])
    return [
        CandidatePair(
            a,
            b,
            float(sim),
            normalized[a] == normalized[b] or (float(sim) >= NEAR_IDENTICAL and signatures[a] == signatures[b]),
        )
        for (a, b), sim in zip(keys, similarities, strict=True)
        if sim >= min_similarity
    ]


def group_copies(sentences: list[Sentence], embeddings: np.ndarray, chunk_rows: int = CHUNK_ROWS) -> list[int]:
    """For each sentence, the first sentence of its group of copies (itself when it has none).

    Copies are sentences with the same text (letters and digits), or a cosine of at
    least :data:`NEAR_IDENTICAL` and the same :func:`fact_signature` (nothing that can
    conflict differs), in any article; groups are closed under copying.
    Wire stories repeat word for word across outlets: pairing one sentence of each
    group keeps every sentence's top-k neighbours for sentences that differ.
    """
    n = len(sentences)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_with_text: dict[str, int] = {}
    for i, sentence in enumerate(sentences):
        join(first_with_text.setdefault(_normalized(sentence.text), i), i)
    signatures = [fact_signature(sentence.text) for sentence in sentences]
    for start in range(0, n, chunk_rows):
        sims = embeddings[start : start + chunk_rows] @ embeddings.T
        rows, cols = np.nonzero(sims >= NEAR_IDENTICAL)
        for i, j in zip((rows + start).tolist(), cols.tolist(), strict=True):
            if i < j and signatures[i] == signatures[j]:
                join(i, j)
    return [find(i) for i in range(n)]


def candidate_pairs(
    sentences: list[Sentence],
    embeddings: np.ndarray,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    top_k: int = DEFAULT_TOP_K,
    within_article: bool = False,
) -> Pairing:
    """The pipeline's pairs: proposed between groups of copies, and between the copies of one sentence.

    Copies of one sentence (wire stories) are paired once, through the first of them:
    each sentence's top-k then goes to sentences that differ, and the verdict is
    carried to every copy.
    """
    group_of = group_copies(sentences, embeddings)
    members: dict[int, list[int]] = {}
    for i, first in enumerate(group_of):
        members.setdefault(first, []).append(i)
    firsts = sorted(members)
    proposed = [
        CandidatePair(firsts[c.a], firsts[c.b], c.similarity, c.near_identical)
        for c in propose_pairs(
            [sentences[i] for i in firsts], embeddings[firsts], min_similarity, top_k, within_article
        )
    ]
    copies = [
        CandidatePair(first, other, float(embeddings[first] @ embeddings[other]), True)
        for first, group in members.items()
        for other in group[1:]
        if within_article or sentences[other].article != sentences[first].article
    ]
    return Pairing(proposed, copies, members)
