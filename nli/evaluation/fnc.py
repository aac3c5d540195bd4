"""FNC-1 style stance data: reading, the FNC-1 score, and evaluating the stance aggregator.

The FNC-1 score, from its definition: each pair earns 0.25 when the
related/unrelated call is right, and for a related gold pair, another 0.75 when the
exact stance (agree, disagree, discuss) is right. The relative score divides by the
best possible (every call right).
"""

from __future__ import annotations

import csv
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nli.errors import InputError
from nli.scoring.stance import STANCES

RELATED = ("agree", "disagree", "discuss")
EMERGENT_STANCES = {"for": "agree", "against": "disagree", "observing": "discuss"}


@dataclass
class StancePairs:
    name: str
    headlines: list[str]
    body_ids: list[str]
    stances: list[str]
    bodies: dict[str, str]

    def subset(self, indices: list[int]) -> StancePairs:
        return StancePairs(
            self.name,
            [self.headlines[i] for i in indices],
            [self.body_ids[i] for i in indices],
            [self.stances[i] for i in indices],
            self.bodies,
        )


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    if not path.exists():
        raise InputError([f"{path}: no such file"])
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError([f"{path}:1: missing column(s) {', '.join(missing)}; expected {', '.join(required)}"])
        rows = [(reader.line_num, row) for row in reader]
    if not rows:
        raise InputError([f"{path}: no rows"])
    return rows


def read_fnc(stances_path: Path, bodies_path: Path) -> StancePairs:
    """Read an FNC-1 pair of files (Headline, Body ID, Stance / Body ID, articleBody)."""
    bodies = {
        row["Body ID"].strip(): row["articleBody"] for _, row in _read_csv(bodies_path, ("Body ID", "articleBody"))
    }
    problems = []
    pairs = StancePairs(stances_path.stem, [], [], [], bodies)
    for line, row in _read_csv(stances_path, ("Headline", "Body ID", "Stance")):
        where = f"{stances_path}:{line}"
        headline, body_id, stance = row["Headline"].strip(), row["Body ID"].strip(), row["Stance"].strip().lower()
        if not headline:
            problems.append(f"{where}: empty headline (the claim)")
        elif body_id not in bodies:
            problems.append(f"{where}: Body ID {body_id} is not in {bodies_path}")
        elif stance not in STANCES:
            problems.append(f"{where}: unknown stance {row['Stance']!r}; expected one of {', '.join(STANCES)}")
        else:
            pairs.headlines.append(headline)
            pairs.body_ids.append(body_id)
            pairs.stances.append(stance)
    if problems:
        raise InputError(problems[:50] + ([f"... and {len(problems) - 50} more"] if len(problems) > 50 else []))
    return pairs


def read_emergent(path: Path) -> StancePairs:
    """Emergent: claim headline against article headline (for / against / observing)."""
    pairs = StancePairs(path.stem, [], [], [], {})
    problems = []
    for line, row in _read_csv(path, ("claimHeadline", "articleHeadline", "articleHeadlineStance")):
        stance = EMERGENT_STANCES.get(row["articleHeadlineStance"].strip().lower())
        if stance is None:
            problems.append(
                f"{path}:{line}: unknown stance {row['articleHeadlineStance']!r}; expected for, against, observing"
            )
            continue
        body_id = f"row{line}"
        pairs.bodies[body_id] = row["articleHeadline"]
        pairs.headlines.append(row["claimHeadline"])
        pairs.body_ids.append(body_id)
        pairs.stances.append(stance)
    if problems:
        raise InputError(problems[:50])
    return pairs


@dataclass(frozen=True)
class Stories:
    """FNC-1 pairs grouped by the story they are about, and which stories are held out.

    FNC-1's headlines are variants of a few hundred Emergent claims, and a body is related
    to the headlines of one claim only: a model trained on one headline of a story has
    seen its bodies' stances on all the others. Held-out data is therefore whole
    stories: the connected parts of the graph that joins each headline to the bodies
    related to it (agree, disagree, discuss).
    """

    of_headline: dict[str, int]
    of_body: dict[str, int]
    held_out: frozenset[int]

    def holds_out(self, headline: str, body_id: str) -> bool:
        return self.of_headline[headline] in self.held_out or self.of_body[body_id] in self.held_out


def fnc_stories(pairs: StancePairs) -> Stories:
    """The stories of FNC-1 training pairs; every other story with an article set is held out.

    A story has an article set (``nli eval-sets``) when one of its headlines has both
    agreeing and disagreeing bodies. Those stories, ordered by their smallest body id,
    alternate between held out and trained on, so the rule needs no seed and the
    evaluation half keeps about half of the sets.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    headlines = sorted(set(pairs.headlines))
    bodies = sorted(pairs.bodies, key=lambda b: (len(b), b))
    node = {("h", h): i for i, h in enumerate(headlines)}
    node.update({("b", b): len(headlines) + i for i, b in enumerate(bodies)})
    related = [
        (node[("h", h)], node[("b", b)])
        for h, b, stance in zip(pairs.headlines, pairs.body_ids, pairs.stances, strict=True)
        if stance in RELATED
    ]
    rows, columns = zip(*related, strict=True) if related else ((), ())
    graph = coo_matrix(([1] * len(rows), (rows, columns)), shape=(len(node), len(node)))
    _, component = connected_components(graph, directed=False)
    sides: dict[str, set[str]] = {}
    for h, stance in zip(pairs.headlines, pairs.stances, strict=True):
        if stance in ("agree", "disagree"):
            sides.setdefault(h, set()).add(stance)
    with_sets = {int(component[node[("h", h)]]) for h, found in sides.items() if len(found) == 2}
    first_body: dict[int, tuple[int, str]] = {}
    for b in bodies:  # in id order, so each story keeps its smallest
        first_body.setdefault(int(component[node[("b", b)]]), (len(b), b))
    ordered = sorted(with_sets, key=lambda story: first_body.get(story, (0, "")))
    return Stories(
        {h: int(component[node[("h", h)]]) for h in headlines},
        {b: int(component[node[("b", b)]]) for b in bodies},
        frozenset(ordered[::2]),
    )


def outside_held_out_stories(pairs: StancePairs) -> StancePairs:
    """The FNC-1 training pairs a stance learner may fit on: none of a held-out story's headlines or bodies."""
    stories = fnc_stories(pairs)
    return pairs.subset(
        [i for i, (h, b) in enumerate(zip(pairs.headlines, pairs.body_ids, strict=True)) if not stories.holds_out(h, b)]
    )


def stratified_sample(pairs: StancePairs, limit: int | None, seed: int = 0) -> StancePairs:
    """A reproducible sample of ``limit`` pairs, each stance in proportion."""
    if not limit or limit >= len(pairs.stances):
        return pairs
    rng = random.Random(seed)
    by_stance: dict[str, list[int]] = {}
    for i, stance in enumerate(pairs.stances):
        by_stance.setdefault(stance, []).append(i)
    picked = []
    for _stance, indices in sorted(by_stance.items()):
        share = max(1, round(limit * len(indices) / len(pairs.stances)))
        picked.extend(rng.sample(indices, min(share, len(indices))))
    rest = [i for i in range(len(pairs.stances)) if i not in set(picked)]
    picked = sorted(
        rng.sample(picked, limit) if len(picked) > limit else picked + rng.sample(rest, limit - len(picked))
    )
    return pairs.subset(picked)


def fnc_score(gold: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """(score, best possible score, relative score in percent)."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        g_related, p_related = g != "unrelated", p != "unrelated"
        best += 0.25 + (0.75 if g_related else 0.0)
        if g_related == p_related:
            score += 0.25
            if g_related and g == p:
                score += 0.75
    return score, best, 100.0 * score / best if best else 0.0


@dataclass
class FeaturizedPairs:
    """The NLI features of every (claim, body) pair, and what a stance model needs to read them too."""

    features: list
    claim_vectors: np.ndarray
    bodies: list
    seconds: float


def featurize_pairs(pairs: StancePairs, nli, encoder, progress: bool = True) -> FeaturizedPairs:
    from nli.scoring.stance import embed_bodies, featurize

    body_ids = sorted(set(pairs.body_ids))
    started = time.perf_counter()
    embedded = dict(zip(body_ids, embed_bodies([pairs.bodies[b] for b in body_ids], encoder), strict=True))
    unique_headlines = sorted(set(pairs.headlines))
    vectors = dict(zip(unique_headlines, encoder.encode(unique_headlines), strict=True))
    if progress:
        print(
            f"  embedded {len(body_ids)} bodies and {len(unique_headlines)} claims "
            f"in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    def report(done: int, total: int) -> None:
        if progress:
            elapsed = time.perf_counter() - started
            print(f"  NLI {done}/{total} pairs, {elapsed / 60:.1f} min", file=sys.stderr, flush=True)

    claim_vectors = np.stack([vectors[h] for h in pairs.headlines])
    bodies = [embedded[b] for b in pairs.body_ids]
    features = featurize(pairs.headlines, claim_vectors, bodies, nli, progress=report)
    return FeaturizedPairs(features, claim_vectors, bodies, time.perf_counter() - started)


BOOTSTRAP_SAMPLES = 1000


def _f1_per_class(confusions: np.ndarray) -> np.ndarray:
    """F1 of each class from confusion matrices (..., k, k), rows gold; 0 where a class is never seen or said."""
    true_positive = np.diagonal(confusions, axis1=-2, axis2=-1)
    said, gold = confusions.sum(axis=-2), confusions.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(2 * true_positive / (said + gold))


def bootstrap_intervals(gold: np.ndarray, predicted: np.ndarray, k: int, seed: int = 0) -> dict[str, list]:
    """95% percentile intervals of each class's F1 and of macro-F1, resampling pairs with replacement."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(gold), size=(BOOTSTRAP_SAMPLES, len(gold)))
    cells = gold[draws] * k + predicted[draws]
    confusions = np.stack([np.bincount(row, minlength=k * k) for row in cells]).reshape(-1, k, k)
    f1 = _f1_per_class(confusions)
    low, high = np.percentile(f1, [2.5, 97.5], axis=0)
    macro = np.percentile(f1.mean(axis=1), [2.5, 97.5])
    return {
        "per_class": [[round(float(a), 4), round(float(b), 4)] for a, b in zip(low, high, strict=True)],
        "macro_f1": [round(float(macro[0]), 4), round(float(macro[1]), 4)],
    }


def stance_figures(
    pairs: StancePairs, probs: np.ndarray, related_only: bool, configuration: str, seconds: float
) -> dict:
    """The figures of one configuration's stance probabilities on ``pairs``."""
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    from nli.evaluation.harness import per_class_table

    labels = list(RELATED) if related_only else list(STANCES)
    if related_only:
        probs = probs[:, : len(RELATED)]
    predicted = [labels[int(i)] for i in probs.argmax(axis=1)]
    precision, recall, f1, support = precision_recall_fscore_support(
        pairs.stances, predicted, labels=labels, zero_division=0
    )
    index = {label: i for i, label in enumerate(labels)}
    intervals = bootstrap_intervals(
        np.array([index[g] for g in pairs.stances]), np.array([index[p] for p in predicted]), len(labels)
    )
    per_class = per_class_table(labels, precision, recall, f1, support)
    for label, interval in zip(labels, intervals["per_class"], strict=True):
        per_class[label]["f1_95"] = interval
    result = {
        "dataset": pairs.name,
        "configuration": configuration,
        "n": len(pairs.stances),
        "accuracy": round(float(np.mean([g == p for g, p in zip(pairs.stances, predicted, strict=True)])), 4),
        "macro_f1": round(
            float(f1_score(pairs.stances, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "macro_f1_95": intervals["macro_f1"],
        "per_class": per_class,
        "confusion": {"labels": labels, "matrix": confusion_matrix(pairs.stances, predicted, labels=labels).tolist()},
        "seconds": round(seconds, 1),
        "ms_per_pair": round(1000 * seconds / max(1, len(pairs.stances)), 2),
    }
    if not related_only:
        score, best, relative = fnc_score(pairs.stances, predicted)
        result.update({"fnc_score": round(relative, 2), "fnc_raw": [score, best]})
    return result


def evaluate_stance(
    pairs: StancePairs, nli, encoder, aggregator, related_only: bool = False, stance_model=None
) -> list[dict]:
    """The aggregator alone, and with ``stance_model`` splitting the related share when given.

    The NLI features are made once; the stance model's reading is timed on its own, so
    each configuration's time per pair is what it would cost by itself.
    """
    from nli.model.backends import display_path
    from nli.scoring.stance import add_passage_stances, decide_stances

    featurized = featurize_pairs(pairs, nli, encoder)
    results = [
        stance_figures(
            pairs, decide_stances(aggregator, featurized.features), related_only, "aggregator", featurized.seconds
        )
    ]
    if stance_model is not None:
        started = time.perf_counter()
        read = add_passage_stances(
            featurized.features, pairs.headlines, featurized.claim_vectors, featurized.bodies, stance_model
        )
        probs = decide_stances(aggregator, featurized.features)
        seconds = featurized.seconds + time.perf_counter() - started
        configuration = f"aggregator + {display_path(stance_model.model_dir)}"
        results.append(stance_figures(pairs, probs, related_only, configuration, seconds))
        results[-1]["stance_model_pairs"] = read
    for result in results:
        result["backend"] = nli.name
    return results


REFERENCES = (
    ("SOLAT in the SWEN (FNC-1 winner)", "82.02", "", "FNC-1 leaderboard"),
    ("Athene", "81.97", "", "FNC-1 leaderboard"),
    (
        "UCL Machine Reading",
        "81.72",
        "agree 44.0, disagree 6.6, discuss 81.4, unrelated 97.9 (per-class accuracy)",
        "Riedel et al. 2017",
    ),
)


def stance_benchmark(data_dir: Path, nli, encoder, aggregator, limit: int | None, stance_model=None) -> list[dict]:
    """FNC-1 competition test, ARC test and Emergent test, each scored the same way."""
    results = []
    fnc = stratified_sample(
        read_fnc(
            data_dir / "fnc-1" / "competition_test_stances.csv", data_dir / "fnc-1" / "competition_test_bodies.csv"
        ),
        limit,
    )
    fnc.name = "fnc-1 competition test"
    arc = stratified_sample(
        read_fnc(data_dir / "arc_ukp_stance" / "arc_stances_test.csv", data_dir / "arc_ukp_stance" / "arc_bodies.csv"),
        limit,
    )
    arc.name = "arc test"
    emergent = stratified_sample(read_emergent(data_dir / "emergent" / "url-versions-2015-06-14-clean-test.csv"), limit)
    emergent.name = "emergent test"
    for pairs, related_only in ((fnc, False), (arc, False), (emergent, True)):
        print(f"scoring {pairs.name} ({len(pairs.stances)} pairs)", file=sys.stderr, flush=True)
        results += evaluate_stance(pairs, nli, encoder, aggregator, related_only, stance_model)
    return results


def _interval(value: float, interval: list[float] | None) -> str:
    return f"{value:.3f}" if not interval else f"{value:.3f} ({interval[0]:.3f}–{interval[1]:.3f})"


def stance_markdown(results: list[dict], aggregator_info: dict, limit: int | None) -> str:
    import datetime
    import os

    configurations = list(dict.fromkeys(r["configuration"] for r in results))
    lines = [
        "# Stance results",
        "",
        f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores, backend `{results[0]['backend']}`. "
        + (
            f"**Quick run: a stratified sample of at most {limit} pairs per set.**"
            if limit
            else "Every pair of every set."
        )
        + f" Aggregator: {aggregator_info.get('model', 'logistic regression')}, fit on "
        + f"{aggregator_info.get('trained_on', 'unknown')}. Configurations: "
        + "; ".join(f"`{c}`" for c in configurations)
        + ". With a stance model, the aggregator decides whether a body bears on the claim and the stance "
        "model splits that share between agree, disagree and discuss. F1 with its 95% interval "
        f"({BOOTSTRAP_SAMPLES} bootstrap resamples of the pairs, seed 0); time per pair is the whole "
        "configuration's on this machine (embedding, NLI features, the stance model's reading). "
        "Regenerated by `make eval-stance`.",
        "",
        "| set | configuration | n | FNC-1 score | macro-F1 (95%) | F1 agree | F1 disagree | F1 discuss | "
        "F1 unrelated | ms/pair |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        cells = " | ".join(
            _interval(r["per_class"][label]["f1"], r["per_class"][label].get("f1_95"))
            if label in r["per_class"]
            else "—"
            for label in STANCES
        )
        score = f"{r['fnc_score']:.2f}" if "fnc_score" in r else "—"
        lines.append(
            f"| {r['dataset']} | {r['configuration']} | {r['n']} | {score} | "
            f"**{_interval(r['macro_f1'], r.get('macro_f1_95'))}** | {cells} | {r['ms_per_pair']:.1f} |"
        )
    lines += [
        "",
        "Emergent has no unrelated class: it is scored over agree (for), disagree (against) and discuss (observing).",
        "",
        "## Confusion matrices (rows: gold, columns: predicted)",
        "",
    ]
    for r in results:
        labels = r["confusion"]["labels"]
        lines += [f"**{r['dataset']}, {r['configuration']}**", "", "| gold \\ predicted | " + " | ".join(labels) + " |"]
        lines.append("| --- |" + " ---: |" * len(labels))
        lines += [
            f"| {label} | " + " | ".join(str(v) for v in row) + " |"
            for label, row in zip(labels, r["confusion"]["matrix"], strict=True)
        ]
        lines.append("")
    lines += [
        "Reference systems on the FNC-1 competition test:",
        "",
        "| system | FNC-1 score | notes | source |",
        "| --- | ---: | --- | --- |",
    ]
    lines += [f"| {name} | {score} | {notes} | {source} |" for name, score, notes, source in REFERENCES]
    for fnc in (r for r in results if r["dataset"] == "fnc-1 competition test"):
        recall = {label: fnc["per_class"][label]["recall"] for label in STANCES}
        lines += [
            "",
            f"Per-class accuracy (recall) on the FNC-1 competition test, `{fnc['configuration']}`, to compare with "
            "UCLMR: " + ", ".join(f"{label} {100 * value:.1f}" for label, value in recall.items()) + ".",
        ]
    lines.append("")
    return "\n".join(lines)


def render_stance_result(result: dict) -> None:
    """One stance evaluation on the terminal: the headline figures and each class's precision, recall and F1."""
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    head = f"FNC-1 relative score {result['fnc_score']:.2f}  " if "fnc_score" in result else ""
    low, high = result["macro_f1_95"]
    console.print(
        f"[bold]{escape(result['dataset'])}[/] ({escape(result['configuration'])}) n={result['n']}  {head}"
        f"accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f} ({low:.3f}–{high:.3f})  "
        f"{result['ms_per_pair']:.1f} ms/pair"
    )
    for label, row in result["per_class"].items():
        low, high = row["f1_95"]
        console.print(
            f"  {label:10s} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f} "
            f"({low:.3f}–{high:.3f})  n {row['support']}"
        )
