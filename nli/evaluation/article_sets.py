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
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from pathlib import Path

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
    "headline_stance": "difference of p(disagree) - p(agree) of the two articles on the set's *headline* "
    "(stance aggregator alone, in every configuration; an oracle: nli score never sees the headline)",
}


def set_figures(report, sides: dict[str, str], headline_stance: dict[str, float] | None = None) -> dict:
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
            figures = {
                "opposite": sides[a] != sides[b],
                "agreement": matrix.score(i, j) or 0.0,
                "fewer_shared_pairs": -shared.get(frozenset((a, b)), 0),
                "agreement_with_prior": -(matrix.agree[i][j] - matrix.contradict[i][j])
                / (matrix.agree[i][j] + matrix.contradict[i][j] + AGREEMENT_PRIOR),
                "claim_stances": sum(1 if x != y else -1 for x, y in taken),
            }
            if headline_stance:
                figures["headline_stance"] = abs(headline_stance[a] - headline_stance[b])
            pairs.append(figures)
    strongest = report.contradictions[0] if report.contradictions else None
    return {
        "pairs": pairs,
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
    from nli.evaluation.bench import cpu_description
    from nli.model.backends import display_path, load_encoder, load_nli
    from nli.scoring.pipeline import score_articles
    from nli.scoring.stance import AGGREGATOR_FILE, Aggregator, stance_of_articles

    names = configurations or (["full", "stance-model"] if stance_model else ["model", "slots", "full"])
    if "stance-model" in names and not stance_model:
        raise InputError(["the stance-model configuration needs --stance-model DIR (make train-stance)"])
    sets = article_sets(data_dir, seed, limit, held_out_only=bool(stance_model))
    nli, encoder = load_nli(model), load_encoder()
    aggregator = Aggregator.load(nli.model_dir / AGGREGATOR_FILE)
    stance_backend = load_nli(stance_model) if stance_model else None

    def headline_stance(item: dict) -> dict[str, float]:
        articles = item["articles"]
        texts, ids = [a.text for a in articles], [a.id for a in articles]
        results = stance_of_articles(item["headline"], texts, ids, nli, encoder, aggregator)
        return {r.article: r.probs["disagree"] - r.probs["agree"] for r in results}

    per_config: dict[str, list[dict]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for k, item in enumerate(sets, start=1):
        for name in names:
            started = time.perf_counter()
            try:
                compare_slots, article_stances, with_stance_model = CONFIGURATIONS[name]
                report = score_articles(
                    item["articles"],
                    nli,
                    encoder,
                    compare_slots=compare_slots,
                    article_stances=article_stances,
                    stance_model=stance_backend if with_stance_model else None,
                )
                oracle = headline_stance(item) if name == names[-1] else None
                figures = set_figures(report, item["sides"], oracle)
            except InputError as err:
                figures = {"error": err.problems}
            seconds[name] += time.perf_counter() - started
            per_config[name].append({"set": item["set"], **figures})
        if sys.stderr.isatty() or k % 25 == 0 or k == len(sets):
            print(f"\reval-sets: {k}/{len(sets)} sets", end="\n" if k == len(sets) else "", file=sys.stderr)
    return {
        "machine": {"date": datetime.date.today().isoformat(), "cpu": cpu_description()},
        "model": display_path(nli.model_dir),
        "stance_model": display_path(stance_backend.model_dir) if stance_backend else None,
        "sets_drawn": "held-out stories only" if stance_backend else "all",
        "seed": seed,
        "mean_articles_per_set": round(sum(len(s["articles"]) for s in sets) / max(len(sets), 1), 2),
        "configurations": {name: {**summarize(per_config[name]), "seconds": round(seconds[name], 1)} for name in names},
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
    return "\n".join(lines) + "\n"


def eval_sets_command(args) -> int:
    from nli.evaluation.measurement import check_measurement_output, write_measurement

    check_measurement_output(args.output)
    result = run(args.data_dir, args.limit, args.seed, args.configurations, args.model, args.stance_model)
    write_measurement(result, markdown(result), args.output, args.json)
    return 0
