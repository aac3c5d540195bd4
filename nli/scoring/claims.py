"""Grouping labelled pairs into shared claims, and each article's stance on each claim."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nli.model.backends import NLIBackend
from nli.scoring.report import ArticleStance, Claim, SentenceRef, StanceMap
from nli.scoring.stance import STANCES, Aggregator, EmbeddedBody, StanceModel, decide_stances, featurize
from nli.scoring.verdicts import AGREEING, CONTRADICTION, Thresholds, combine, probs_dict

Labeller = Callable[[Sequence[tuple[str, str]]], np.ndarray]
# The stance machinery of `nli stance` decides, for the claims shared most widely,
# where every article stands; cost: claims x articles x 6 NLI calls at most.
ARTICLE_STANCE_CLAIMS = 8
FROM_STANCE = {"agree": "supports", "disagree": "contradicts", "discuss": "mentions", "unrelated": "not_mentioned"}
RANK = {"contradicts": 3, "supports": 2, "mentions": 1, "not_mentioned": 0}


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _stance_from_verdict(verdict: str) -> str:
    if verdict == CONTRADICTION:
        return "contradicts"
    if verdict in AGREEING:
        return "supports"
    return "mentions"


def group_claims(
    refs: list[SentenceRef],
    embeddings: np.ndarray,
    verdicts: dict[tuple[int, int], tuple[str, dict]],
    label: Labeller,
    thresholds: Thresholds = Thresholds(),
) -> list[Claim]:
    """Claims are connected groups of sentences joined by agreeing or contradicting pairs.

    ``verdicts`` maps sentence positions ``(a, b)`` (a < b) to ``(verdict, probs)``.
    Each claim's anchor is its medoid sentence; every other article's stance is the
    verdict between the anchor and that article's sentences in the group, labelling
    with ``label`` the few anchor pairs that pairing did not already score.
    """
    groups = _UnionFind(len(refs))
    for (a, b), (verdict, _) in verdicts.items():
        if verdict in AGREEING or verdict == CONTRADICTION:
            groups.union(a, b)
    members: dict[int, list[int]] = {}
    for i in range(len(refs)):
        members.setdefault(groups.find(i), []).append(i)
    components = [m for m in members.values() if len({refs[i].article for i in m}) >= 2]

    anchors = []
    for component in components:
        # The medoid: the most similar to all others. sub @ sub.sum(0) equals
        # (sub @ sub.T).sum(1) without a components-squared matrix.
        sub = embeddings[component]
        anchors.append(component[int(np.argmax(sub @ sub.sum(axis=0)))])
    missing = sorted(
        {
            (min(anchor, i), max(anchor, i))
            for anchor, component in zip(anchors, components, strict=True)
            for i in component
            if i != anchor
            and refs[i].article != refs[anchor].article
            and (min(anchor, i), max(anchor, i)) not in verdicts
        }
    )
    if missing:
        verdicts = dict(verdicts)  # the caller's mapping stays as it was
        texts = [(refs[a].text, refs[b].text) for a, b in missing]
        probs = label(texts + [(h, p) for p, h in texts])
        for k, key in enumerate(missing):
            forward, backward = probs[k], probs[k + len(missing)]
            verdict, _ = combine(forward, backward, thresholds)
            verdicts[key] = (verdict, {"a_to_b": probs_dict(forward), "b_to_a": probs_dict(backward)})

    claims = []
    for anchor, component in zip(anchors, components, strict=True):
        stances = StanceMap()
        stances[refs[anchor].article] = ArticleStance("supports", refs[anchor])
        for i in component:
            article = refs[i].article
            if article == refs[anchor].article:
                continue
            verdict, probs = verdicts[(min(anchor, i), max(anchor, i))]
            candidate = ArticleStance(_stance_from_verdict(verdict), refs[i], probs)
            if RANK[candidate.stance] > RANK[stances[article].stance]:
                stances[article] = candidate
        claims.append(
            Claim(
                id=0,
                text=refs[anchor].text,
                anchor=refs[anchor],
                sentences=[refs[i] for i in component],
                stances=stances,
            )
        )
    claims.sort(
        key=lambda c: (
            -sum(s.stance != "not_mentioned" for s in c.stances.values()),
            -sum(s.stance == "contradicts" for s in c.stances.values()),
            c.anchor.article,
            c.anchor.index,
        )
    )
    for number, claim in enumerate(claims, start=1):
        claim.id = number
    return claims


def add_article_stances(
    claims: Sequence[Claim],
    claim_vectors: np.ndarray,
    bodies: dict[str, EmbeddedBody],
    refs: dict[tuple[str, str], SentenceRef],
    nli: NLIBackend,
    aggregator: Aggregator,
    stance_model: StanceModel | None = None,
) -> int:
    """Decide each article's stance on each claim from the whole article; returns the NLI calls made.

    An article whose sentences were not paired with the claim (or only mention it)
    gets the stance that ``nli stance`` would give it: its sentences most similar
    to the claim, NLI both ways, cue words, the learned aggregator. So an article
    that debunks a claim in other words still contradicts it. A stance found from
    a labelled sentence pair is kept: it is direct evidence.
    """
    jobs = [
        (k, article)
        for k, claim in enumerate(claims)
        for article in bodies
        if article != claim.anchor.article and claim.stances[article].stance in ("mentions", "not_mentioned")
    ]
    if not jobs:
        return 0
    features = featurize(
        [claims[k].text for k, _ in jobs],
        claim_vectors[[k for k, _ in jobs]],
        [bodies[article] for _, article in jobs],
        nli,
        stance_model=stance_model,
    )
    probs = decide_stances(aggregator, features)
    for (k, article), row, found in zip(jobs, probs, features, strict=True):
        stance = FROM_STANCE[STANCES[int(row.argmax())]]
        if RANK[stance] <= RANK[claims[k].stances[article].stance]:
            continue
        sentence = refs.get((article, found.evidence[0].text)) if found.evidence else None
        claims[k].stances[article] = ArticleStance(
            stance,
            sentence,
            {"article": {s: round(float(p), 4) for s, p in zip(STANCES, row, strict=True)}},
            source="article",
        )
    return sum(2 * len(f.evidence) + (f.passage_stance is not None) for f in features)
