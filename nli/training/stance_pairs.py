"""Training pairs for the stance model (``[stance]`` of a recipe).

A stance pair is a claim (an FNC-1 headline, an ARC post's topic) against the passage
of an article that bears on it (:func:`nli.scoring.stance.evidence_passage`), labelled
with the article's stance in NLI terms: agree is entailment, discuss neutral, disagree
contradiction. So the stance model is an NLI cross-encoder in form, and the backends,
export and harness serve it unchanged. Unrelated pairs are left out: whether an article
bears on a claim at all is the aggregator's call, from similarity.

FNC-1 pairs of held-out stories (:func:`nli.evaluation.fnc.fnc_stories`) are never
used: ``nli eval-sets`` measures on them.
"""

from __future__ import annotations

from pathlib import Path

from nli.evaluation.fnc import StancePairs, fnc_stories, read_fnc
from nli.scoring.stance import PassageSpec, embed_bodies, evidence_passage

STANCE_TO_LABEL = {"agree": "entailment", "discuss": "neutral", "disagree": "contradiction"}
# name -> (stances file, bodies file, licence), under the data folder
STANCE_SOURCES = {
    "fnc1": ("fnc-1/train_stances.csv", "fnc-1/train_bodies.csv", "FNC-1: none stated (Emergent-derived)"),
    "arc": (
        "arc_ukp_stance/arc_stances_train.csv",
        "arc_ukp_stance/arc_bodies.csv",
        "ARC (UKP): none stated; see its SOURCE.txt",
    ),
}


def usable_pairs(name: str, pairs: StancePairs) -> list[int]:
    """Indices of the related pairs a stance model may train on (FNC-1: outside the held-out stories)."""
    stories = fnc_stories(pairs) if name == "fnc1" else None
    return [
        i
        for i, (h, b, stance) in enumerate(zip(pairs.headlines, pairs.body_ids, pairs.stances, strict=True))
        if stance in STANCE_TO_LABEL and not (stories and stories.holds_out(h, b))
    ]


def stance_groups(
    root: Path, spec: PassageSpec = PassageSpec(), encoder=None, log=print
) -> list[tuple[str, list[dict], str]]:
    """``(group name, rows, licence)`` for each source and stance, e.g. ``fnc1-stance-disagree``.

    One group per stance, so a recipe sets each stance's sampling rate (disagree is rare).
    ``spec`` says which sentences of each body the model reads (the recipe's
    ``[stance.passage]``); the model's folder records it for use.
    """
    from nli.model.backends import load_encoder

    encoder = encoder or load_encoder()
    groups = []
    for name, (stances_file, bodies_file, licence) in STANCE_SOURCES.items():
        pairs = read_fnc(root / stances_file, root / bodies_file)
        picked = usable_pairs(name, pairs)
        body_ids = sorted({pairs.body_ids[i] for i in picked})
        bodies = dict(zip(body_ids, embed_bodies([pairs.bodies[b] for b in body_ids], encoder), strict=True))
        claims = sorted({pairs.headlines[i] for i in picked})
        claim_vectors = dict(zip(claims, encoder.encode(claims), strict=True))
        by_stance: dict[str, list[dict]] = {stance: [] for stance in STANCE_TO_LABEL}
        for i in picked:
            headline, stance = pairs.headlines[i], pairs.stances[i]
            passage = evidence_passage(bodies[pairs.body_ids[i]], claim_vectors[headline], spec)
            if passage:
                row = {"premise": passage, "hypothesis": headline, "label": STANCE_TO_LABEL[stance]}
                by_stance[stance].append(row)
        log(f"  {name}: {len(picked)} related pairs usable, {sum(map(len, by_stance.values()))} with a passage")
        groups += [(f"{name}-stance-{stance}", rows, licence) for stance, rows in by_stance.items()]
    return groups


def parity_passages(root: Path, spec: PassageSpec, limit: int = 512, seed: int = 0) -> list[tuple[str, str]]:
    """A seeded sample of FNC-1 training-side (passage, claim) pairs: what a stance model reads, for its parity record."""
    import random

    from nli.model.backends import load_encoder

    stances_file, bodies_file, _ = STANCE_SOURCES["fnc1"]
    pairs = read_fnc(root / stances_file, root / bodies_file)
    picked = random.Random(seed).sample(usable_pairs("fnc1", pairs), limit)
    encoder = load_encoder()
    body_ids = sorted({pairs.body_ids[i] for i in picked})
    bodies = dict(zip(body_ids, embed_bodies([pairs.bodies[b] for b in body_ids], encoder), strict=True))
    claims = [pairs.headlines[i] for i in picked]
    vectors = encoder.encode(claims)
    return [
        (evidence_passage(bodies[pairs.body_ids[i]], vector, spec), claim)
        for i, claim, vector in zip(picked, claims, vectors, strict=True)
    ]
