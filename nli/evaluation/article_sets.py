"""``nli eval-sets``: can the tool tell which articles of a set disagree?

Sets come from FNC-1 *training* data only: for every headline with at least one
agreeing and one disagreeing body, up to five of those bodies (both sides always
present, a seeded draw), each with its side recorded. Every set is scored as
``nli score`` would score it, and three figures are reported:

- **AUC**: the ROC AUC with which the agreement matrix separates opposite-side
  article pairs from same-side ones (a pair's score is minus its agreement value;
  pairs the tool did not compare count as 0). 0.5 is a coin.
- **strongest across sides**: of the sets with any contradiction, the share whose
  strongest contradiction joins two articles on opposite sides.
- **any contradiction**: the share of sets with at least one contradiction.

Each configuration (the model alone; with slot comparison and the combiner; and
with article stances decided from whole articles) runs over the same sets in one
process, so the figures compare.

Beside them, an oracle that ``nli score`` never has, the set's headline, gives each
article's stance on the one claim the sides were labelled against: how well that
per-article stance separates the sides, and (:func:`pair_auc_at`) how well a
per-article score of any given quality would separate the article pairs of these sets.
That bounds what better stances on shared claims could buy.
"""

from __future__ import annotations

import datetime
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

from nli.data.corpora import default_data_dir
from nli.errors import InputError
from nli.evaluation.fnc import fnc_stories, read_fnc
from nli.scoring.articles import Article

SIDES = ("agree", "disagree")
MAX_BODIES = 5
# name -> (compare_slots, article_stances, with the stance model) of score_articles
CONFIGURATIONS = {
    "model": (False, False, False),
    "slots": (True, False, False),
    "full": (True, True, False),
    "stance-model": (True, True, True),
}


def article_sets(
    data_dir: Path | None = None, seed: int = 0, limit: int | None = None, held_out_only: bool = False
) -> list[dict]:
    """The benchmark's sets: ``{"set", "headline", "articles": [Article], "sides": {id: side}}``.

    ``held_out_only``: just the sets of the stories no stance model trains on
    (:func:`nli.evaluation.fnc.fnc_stories`); set names stay those of the whole benchmark.
    """
    root = (data_dir or default_data_dir()) / "fnc-1"
    pairs = read_fnc(root / "train_stances.csv", root / "train_bodies.csv")
    stories = fnc_stories(pairs)
    by_headline: dict[str, dict[str, list[str]]] = {}
    for headline, body_id, stance in zip(pairs.headlines, pairs.body_ids, pairs.stances, strict=True):
        if stance in SIDES:
            bodies = by_headline.setdefault(headline, {side: [] for side in SIDES})[stance]
            if body_id not in bodies:
                bodies.append(body_id)
    rng = random.Random(seed)
    sets = []
    for headline, sides in by_headline.items():
        if not all(sides.values()):
            continue
        # One of each side first, then the rest at random, up to five bodies.
        drawn = [(side, rng.choice(sides[side])) for side in SIDES]
        rest = [(side, b) for side in SIDES for b in sides[side] if (side, b) not in drawn]
        rng.shuffle(rest)
        drawn += rest[: MAX_BODIES - len(drawn)]
        sets.append(
            {
                "set": f"fnc-train-sides-{len(sets):04d}",
                "headline": headline,
                "articles": [Article(id=f"body-{b}", text=pairs.bodies[b]) for _, b in drawn],
                "sides": {f"body-{b}": side for side, b in drawn},
                "held_out": stories.of_headline[headline] in stories.held_out,
            }
        )
    if held_out_only:
        sets = [s for s in sets if s["held_out"]]
    return sets[:limit] if limit else sets


# Pseudo-counts of "nothing compared" in the agreement_with_prior diagnostic: one
# agreeing pair alone then scores 1/3, five of them 5/7.
AGREEMENT_PRIOR = 2

# Scores of an article pair other than the agreement matrix, reported beside it to
# show where the signal is: higher means "more likely on opposite sides".
DIAGNOSTICS = {
    "fewer_shared_pairs": "minus the number of labelled sentence pairs between the two articles",
    "agreement_with_prior": f"minus (agree - contradict) / (agree + contradict + {AGREEMENT_PRIOR}): the matrix's score "
    "drawn towards 0 where few pairs were compared",
    "claim_stances": "shared claims the two take opposite sides of, minus those they take the same side of",
    "headline_stance": "difference of p(disagree) - p(agree) of the two articles on the set's *headline*, "
    "decided as the configuration decides article stances (the aggregator, and the stance model where the "
    "configuration has one); an oracle: nli score never sees the headline",
}
# Per-article qualities of a disagreement score at which pair_auc_at is reported.
ARTICLE_AUCS = (0.75, 0.85, 0.9, 0.95)


def pair_auc_at(disagreeing: list[list[bool]], article_auc: float, draws: int = 20, seed: int = 0) -> float:
    """The pair AUC that a per-article score of quality ``article_auc`` would reach on sets of these sides.

    ``disagreeing`` holds each set's articles (True: the disagreeing side). Every article
    draws a score from a unit normal, shifted by the amount at which two such normals
    are told apart with ``article_auc`` (AUC = Phi(shift / sqrt 2)); a pair scores the
    difference of its two, as the ``headline_stance`` diagnostic does. Averaged over
    ``draws`` seeded draws of every set.
    """
    from scipy.stats import norm
    from sklearn.metrics import roc_auc_score

    shift = math.sqrt(2) * float(norm.ppf(article_auc))
    rng = np.random.default_rng(seed)
    opposite, score = [], []
    for _ in range(draws):
        for sides in disagreeing:
            side = np.array(sides, dtype=bool)
            values = rng.standard_normal(len(side)) + shift * side
            i, j = np.triu_indices(len(side), k=1)
            opposite.extend(side[i] != side[j])
            score.extend(np.abs(values[i] - values[j]))
    return round(float(roc_auc_score(opposite, score)), 4)


def set_figures(report, sides: dict[str, str], headline_stance: dict[str, float]) -> dict:
    """One scored set's article pairs (opposite side or not, agreement, diagnostics) and its strongest contradiction."""
    matrix = report.agreement
    shared: dict[frozenset[str], int] = {}
    for pair in report.pairs:
        for x in pair.articles("a"):
            for y in pair.articles("b") - {x}:
                shared[frozenset((x, y))] = shared.get(frozenset((x, y)), 0) + 1
    sign = {"supports": 1, "contradicts": -1}
    pairs = []
    for i, a in enumerate(matrix.articles):
        for j in range(i + 1, len(matrix.articles)):
            b = matrix.articles[j]
            taken = [
                (c.stances[a].stance, c.stances[b].stance)
                for c in report.claims
                if c.stances[a].stance in sign and c.stances[b].stance in sign
            ]
            agree, contradict = matrix.count(i, j)
            figures = {
                "opposite": sides[a] != sides[b],
                "agreement": matrix.score(i, j) or 0.0,
                "fewer_shared_pairs": -shared.get(frozenset((a, b)), 0),
                "agreement_with_prior": -(agree - contradict) / (agree + contradict + AGREEMENT_PRIOR),
                "claim_stances": sum(1 if x != y else -1 for x, y in taken),
                "headline_stance": abs(headline_stance[a] - headline_stance[b]),
            }
            pairs.append(figures)
    strongest = report.contradictions[0] if report.contradictions else None
    return {
        "pairs": pairs,
        "articles": [
            {"disagreeing": sides[a] == "disagree", "headline_stance": headline_stance[a]} for a in matrix.articles
        ],
        "contradictions": len(report.contradictions),
        "strongest_across": None if strongest is None else sides[strongest.a.article] != sides[strongest.b.article],
        "strongest_type": None if strongest is None else strongest.type,
    }


def summarize(per_set: list[dict]) -> dict:
    from sklearn.metrics import roc_auc_score

    scored = [s for s in per_set if "error" not in s]
    opposite = [p["opposite"] for s in scored for p in s["pairs"]]
    score = [-p["agreement"] for s in scored for p in s["pairs"]]
    both_sides = 0 < sum(opposite) < len(opposite)
    diagnostics = {
        name: round(float(roc_auc_score(opposite, [p[name] for s in scored for p in s["pairs"]])), 4)
        for name in DIAGNOSTICS
        if both_sides and all(name in p for s in scored for p in s["pairs"])
    }
    articles = [a for s in scored for a in s["articles"]]
    disagreeing = [a["disagreeing"] for a in articles]
    if 0 < sum(disagreeing) < len(disagreeing) and all("headline_stance" in a for a in articles):
        oracle = {
            "headline_stance_articles": round(
                float(roc_auc_score(disagreeing, [a["headline_stance"] for a in articles])), 4
            )
        }
    else:
        oracle = {}
    with_contradiction = [s for s in scored if s["contradictions"]]
    types: dict[str, int] = {}
    for s in with_contradiction:
        types[s["strongest_type"]] = types.get(s["strongest_type"], 0) + 1
    return {
        "sets": len(per_set),
        "scored": len(scored),
        "not_scored": len(per_set) - len(scored),
        "article_pairs": len(opposite),
        "opposite_side_pairs": sum(opposite),
        "auc": round(float(roc_auc_score(opposite, score)), 4) if both_sides else None,
        "diagnostic_auc": diagnostics,
        # How well the oracle's per-article stance tells a disagreeing article from an agreeing one.
        "article_auc": oracle,
        "strongest_across_sides": round(
            sum(s["strongest_across"] for s in with_contradiction) / max(len(with_contradiction), 1), 4
        ),
        "any_contradiction": round(len(with_contradiction) / max(len(scored), 1), 4),
        "strongest_types": dict(sorted(types.items())),
    }


def run(
    data_dir: Path | None = None,
    limit: int | None = None,
    seed: int = 0,
    configurations: list[str] | None = None,
    model: str | Path | None = None,
    stance_model: str | Path | None = None,
) -> dict:
    """Score every set in each configuration.

    With a ``stance_model``, only the sets of held-out stories are scored (a stance
    model never trains on them) and the configurations default to ``full`` and
    ``stance-model``, the same pipeline without and with it.
    """
    from dataclasses import replace

    from nli.evaluation.timing import cpu_description
    from nli.model.backends import display_path
    from nli.model.bundle import Model
    from nli.scoring.options import ScoreOptions
    from nli.scoring.pipeline import score_articles
    from nli.scoring.stance import stance_of_articles

    names = configurations or (["full", "stance-model"] if stance_model else ["model", "slots", "full"])
    if "stance-model" in names and not stance_model:
        raise InputError(["the stance-model configuration needs --stance-model DIR (make train-stance)"])
    sets = article_sets(data_dir, seed, limit, held_out_only=bool(stance_model))
    bundle = Model.load(model, stance_model=stance_model or False)
    nli, encoder, aggregator, stance_backend = (
        bundle.nli,
        bundle.encoder,
        bundle.require_aggregator(),
        bundle.stance_model,
    )
    without_stance_model = replace(bundle, stance_model=None)

    def headline_stance(item: dict, with_stance_model: bool) -> dict[str, float]:
        articles = item["articles"]
        texts, ids = [a.text for a in articles], [a.id for a in articles]
        results = stance_of_articles(
            item["headline"], texts, ids, nli, encoder, aggregator, stance_backend if with_stance_model else None
        )
        return {r.article: r.probs["disagree"] - r.probs["agree"] for r in results}

    per_config: dict[str, list[dict]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for k, item in enumerate(sets, start=1):
        oracles: dict[bool, dict[str, float]] = {}  # by with_stance_model: configurations share them
        for name in names:
            compare_slots, article_stances, with_stance_model = CONFIGURATIONS[name]
            started = time.perf_counter()
            try:
                report = score_articles(
                    item["articles"],
                    model=bundle if with_stance_model else without_stance_model,
                    options=ScoreOptions(compare_slots=compare_slots, article_stances=article_stances),
                )
            except InputError as err:
                per_config[name].append({"set": item["set"], "error": err.problems})
                continue
            finally:
                seconds[name] += time.perf_counter() - started
            if with_stance_model not in oracles:
                oracles[with_stance_model] = headline_stance(item, with_stance_model)
            per_config[name].append(
                {"set": item["set"], **set_figures(report, item["sides"], oracles[with_stance_model])}
            )
        if sys.stderr.isatty() or k % 25 == 0 or k == len(sets):
            print(f"\reval-sets: {k}/{len(sets)} sets", end="\n" if k == len(sets) else "", file=sys.stderr)
    compositions = [[a["disagreeing"] for a in s["articles"]] for s in per_config[names[0]] if "error" not in s]
    return {
        "machine": {"date": datetime.date.today().isoformat(), "cpu": cpu_description()},
        "model": display_path(nli.model_dir),
        "stance_model": display_path(stance_backend.model_dir) if stance_backend else None,
        "sets_drawn": "held-out stories only" if stance_backend else "all",
        "seed": seed,
        "mean_articles_per_set": round(sum(len(s["articles"]) for s in sets) / max(len(sets), 1), 2),
        "configurations": {name: {**summarize(per_config[name]), "seconds": round(seconds[name], 1)} for name in names},
        "pair_auc_at_article_auc": {str(auc): pair_auc_at(compositions, auc) for auc in ARTICLE_AUCS},
        "not_scored": {
            name: [{"set": s["set"], "error": s["error"]} for s in per_config[name] if "error" in s] for name in names
        },
    }


DESCRIPTIONS = {
    "model": "the NLI model alone (v1 behaviour: `--model-only --pair-stances-only`)",
    "slots": "+ slot comparison: gate, types, the combiner (`--pair-stances-only`)",
    "full": "+ article stances from whole articles (`nli score`)",
    "stance-model": "+ the stance model splitting related articles (`--stance-model`)",
}


def markdown(result: dict) -> str:
    lines = [
        "# Article sets: which articles disagree (`nli eval-sets`)",
        "",
        f"{result['machine']['date']}, {result['machine']['cpu']}. Sets from FNC-1 *training* data: each headline "
        f"with agreeing and disagreeing bodies, up to {MAX_BODIES} bodies with both sides present "
        f"({result['mean_articles_per_set']} on average, seed {result['seed']}). Model: `{result['model']}`. "
        + (
            f"Stance model: `{result['stance_model']}`; only the sets of the stories it never trained on "
            "(held-out stories, `nli.evaluation.fnc.fnc_stories`). "
            if result.get("stance_model")
            else ""
        )
        + "Regenerate with `make eval-sets` (`make eval-sets-accurate` for the accurate model, "
        "`make eval-sets-stance` with the stance model); do not edit.",
        "",
        "- **AUC**: how well the agreement matrix separates opposite-side article pairs from same-side ones "
        "(0.5 is a coin). Target 0.75.",
        "- **strongest across sides**: of the sets with a contradiction, the share whose strongest contradiction "
        "joins two opposite-side articles. Target 0.80.",
        "- **any contradiction**: the share of scored sets with at least one contradiction.",
        "",
        "| configuration | sets | not scored | article pairs (opposite) | AUC | strongest across sides "
        "| any contradiction | seconds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, c in result["configurations"].items():
        lines.append(
            f"| {DESCRIPTIONS.get(name, name)} | {c['sets']} | {c['not_scored']} | {c['article_pairs']} "
            f"({c['opposite_side_pairs']}) | {c['auc']} | {c['strongest_across_sides']} | {c['any_contradiction']} "
            f"| {c['seconds']} |"
        )
    lines += [
        "",
        "Where the signal is: the AUC of other scores of an article pair (higher: more likely on opposite sides), "
        "from the same runs.",
        "",
        "| configuration | " + " | ".join(DIAGNOSTICS) + " |",
        "| --- |" + " ---: |" * len(DIAGNOSTICS),
    ]
    for name, c in result["configurations"].items():
        lines.append(f"| {name} | " + " | ".join(str(c["diagnostic_auc"].get(d, "—")) for d in DIAGNOSTICS) + " |")
    lines += [""] + [f"- `{d}`: {text}" for d, text in DIAGNOSTICS.items()]
    lines += ["", "Type of the strongest contradiction per set:", ""]
    for name, c in result["configurations"].items():
        lines.append(f"- {name}: " + ", ".join(f"{t} {n}" for t, n in c["strongest_types"].items()))
    lines += [
        "",
        "## What the targets would take",
        "",
        "Given the headline, how well each article's stance on it (`headline_stance`) tells the disagreeing "
        "articles from the agreeing ones (AUC over articles, 0.5 a coin; "
        + (
            "no stance learner was fit on these stories):"
            if result.get("stance_model")
            else "the stance aggregator was fit on the stories of about half of these sets; `make eval-sets-stance` "
            "measures on the other half alone):"
        ),
        "",
    ]
    for name, c in result["configurations"].items():
        lines.append(f"- {name}: {c['article_auc'].get('headline_stance_articles', '—')}")
    lines += [
        "",
        "The article-pair AUC a per-article disagreement score of a given quality would reach on these sets "
        "(`pair_auc_at`: scores drawn from two normals that far apart, pairs scored by their difference as "
        "`headline_stance` is, 20 seeded draws of every set's sides):",
        "",
        "| per-article AUC | " + " | ".join(result["pair_auc_at_article_auc"]) + " |",
        "| --- |" + " ---: |" * len(result["pair_auc_at_article_auc"]),
        "| article-pair AUC | " + " | ".join(str(v) for v in result["pair_auc_at_article_auc"].values()) + " |",
    ]
    return "\n".join(lines) + "\n"
