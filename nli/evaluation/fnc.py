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


def featurize_pairs(pairs: StancePairs, nli, encoder, progress: bool = True, stance_model=None):
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

    return featurize(
        pairs.headlines,
        np.stack([vectors[h] for h in pairs.headlines]),
        [embedded[b] for b in pairs.body_ids],
        nli,
        progress=report,
        stance_model=stance_model,
    )


def evaluate_stance(
    pairs: StancePairs, nli, encoder, aggregator, related_only: bool = False, stance_model=None
) -> dict:
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    from nli.evaluation.harness import per_class_table
    from nli.model.backends import display_path

    started = time.perf_counter()
    from nli.scoring.stance import decide_stances

    feats = featurize_pairs(pairs, nli, encoder, stance_model=stance_model)
    probs = decide_stances(aggregator, feats)
    labels = list(RELATED) if related_only else list(STANCES)
    if related_only:
        probs = probs[:, : len(RELATED)]
    predicted = [labels[int(i)] for i in probs.argmax(axis=1)]
    precision, recall, f1, support = precision_recall_fscore_support(
        pairs.stances, predicted, labels=labels, zero_division=0
    )
    score, best, relative = fnc_score(pairs.stances, predicted)
    result = {
        "dataset": pairs.name,
        "n": len(pairs.stances),
        "accuracy": round(float(np.mean([g == p for g, p in zip(pairs.stances, predicted, strict=True)])), 4),
        "macro_f1": round(
            float(f1_score(pairs.stances, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "per_class": per_class_table(labels, precision, recall, f1, support),
        "confusion": {"labels": labels, "matrix": confusion_matrix(pairs.stances, predicted, labels=labels).tolist()},
        "seconds": round(time.perf_counter() - started, 1),
        "backend": nli.name,
        "stance_model": None if stance_model is None else display_path(stance_model.model_dir),
    }
    if not related_only:
        result.update({"fnc_score": round(relative, 2), "fnc_raw": [score, best]})
    return result


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
        results.append(evaluate_stance(pairs, nli, encoder, aggregator, related_only, stance_model))
    return results


def stance_markdown(results: list[dict], aggregator_info: dict, limit: int | None) -> str:
    import datetime
    import os

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
        + f"{aggregator_info.get('trained_on', 'unknown')}. "
        + (
            f"Stance model `{results[0]['stance_model']}` splits related bodies between agree, disagree and "
            "discuss. Regenerated by `make eval-stance-model`."
            if results[0].get("stance_model")
            else "Regenerated by `make eval-stance`."
        ),
        "",
        "| set | n | FNC-1 score | accuracy | macro-F1 | F1 agree | F1 disagree | F1 discuss | F1 unrelated | minutes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        f1 = {label: r["per_class"].get(label, {}).get("f1") for label in STANCES}
        cells = " | ".join("—" if f1[label] is None else f"{f1[label]:.3f}" for label in STANCES)
        score = f"{r['fnc_score']:.2f}" if "fnc_score" in r else "—"
        lines.append(
            f"| {r['dataset']} | {r['n']} | {score} | {r['accuracy']:.4f} | **{r['macro_f1']:.4f}** | {cells} | "
            f"{r['seconds'] / 60:.1f} |"
        )
    lines += [
        "",
        "Emergent has no unrelated class: it is scored over agree (for), disagree (against) and discuss (observing).",
        "",
        "Reference systems on the FNC-1 competition test:",
        "",
        "| system | FNC-1 score | notes | source |",
        "| --- | ---: | --- | --- |",
    ]
    lines += [f"| {name} | {score} | {notes} | {source} |" for name, score, notes, source in REFERENCES]
    fnc = results[0]
    recall = {label: fnc["per_class"][label]["recall"] for label in STANCES}
    lines += [
        "",
        "Per-class accuracy (recall) on the FNC-1 competition test, to compare with UCLMR: "
        + ", ".join(f"{label} {100 * value:.1f}" for label, value in recall.items())
        + ".",
        "",
    ]
    return "\n".join(lines)


def render_stance_result(result: dict) -> None:
    """One stance evaluation on the terminal: the headline figures and each class's precision, recall and F1."""
    from rich.console import Console

    console = Console()
    head = f"FNC-1 relative score {result['fnc_score']:.2f}  " if "fnc_score" in result else ""
    console.print(
        f"[bold]{result['dataset']}[/] n={result['n']}  {head}accuracy {result['accuracy']:.4f}  "
        f"macro-F1 {result['macro_f1']:.4f}"
    )
    for label, row in result["per_class"].items():
        console.print(
            f"  {label:10s} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  n {row['support']}"
        )
