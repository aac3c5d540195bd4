"""Choosing the decision's threshold on real news, through ``nli score``'s own decision (``nli tune-decision``).

The combiner's weights are fitted on sentence pairs (``nli fit-combiner``); what a user
gets is the decision on two-article sets, after splitting, pairing, copy grouping and
the gate. Here each real-news development pair is scored that way once
(:func:`nli.evaluation.real_news.decision_scores`), and the threshold is the one with
the best mean balanced accuracy over SummEdits dev and news_pairs whose false alarms
between real outlets (ClaimDiff train, pairs that do not weaken each other) stay at or
under :data:`nli.training.combiner.MAX_OUTLET_FALSE_ALARMS` and on SummEdits' faithful
summaries at or under :data:`MAX_EDIT_FALSE_ALARMS`; among equals, the one nearest the
middle of the grid (:func:`choose_threshold`). It is written into ``combiner.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from nli.data.corpora import default_data_dir
from nli.evaluation.real_news import decision_scores, read_real_news
from nli.model.bundle import Model
from nli.outputs import write_text_atomic
from nli.scoring.combiner import COMBINER_FILE
from nli.training.combiner import MAX_OUTLET_FALSE_ALARMS, THRESHOLD_SETS, balanced_accuracy

OUTLET_SET = "claimdiff-train"
# Issue 33 asks for false alarms at or under 0.10 on SummEdits: a threshold that flags
# more of its faithful summaries is not chosen, however its balanced accuracy reads.
EDIT_SET, MAX_EDIT_FALSE_ALARMS = "summedits-dev", 0.10
GRID = np.round(np.arange(0.2, 0.801, 0.025), 3)


def tune_decision(model: Model, data_dir: Path | None = None, log=print) -> dict:
    """Score the development pairs through the decision, choose the threshold, and write it beside the model."""
    if model.combiner is None or model.combiner.path is None:
        raise ValueError(f"{model.name} has no {COMBINER_FILE}: fit one first (nli fit-combiner)")
    root = data_dir or default_data_dir()
    scored = {}
    for name in (*THRESHOLD_SETS, OUTLET_SET):
        pairs = read_real_news(name, root)
        log(f"tune-decision: {name}, {len(pairs)} pairs through the decision")
        scored[name] = (np.array([p.contradiction for p in pairs]), decision_scores(pairs, model))
    chosen, table = choose_threshold(scored)
    stored = json.loads(model.combiner.path.read_text(encoding="utf-8"))
    stored["threshold"] = chosen
    stored["decision"] = {
        "chosen_on": f"{', '.join(THRESHOLD_SETS)} (mean balanced accuracy) with {OUTLET_SET} false alarms "
        f"<= {MAX_OUTLET_FALSE_ALARMS} and {EDIT_SET} false alarms <= {MAX_EDIT_FALSE_ALARMS}, each pair scored "
        "through nli score's decision",
        "at_threshold": table[chosen],
        "grid": {str(t): row for t, row in table.items()},
    }
    write_text_atomic(model.combiner.path, json.dumps(stored, indent=2) + "\n")
    return stored["decision"] | {"threshold": chosen}


def choose_threshold(scored: dict[str, tuple[np.ndarray, np.ndarray]]) -> tuple[float, dict[float, dict]]:
    """The grid's threshold with the best mean balanced accuracy over :data:`THRESHOLD_SETS`, and the whole grid.

    ``scored`` maps each set of :data:`THRESHOLD_SETS` and :data:`OUTLET_SET` to (gold,
    decision score) per pair. Only thresholds that keep false alarms between outlets at
    or under :data:`MAX_OUTLET_FALSE_ALARMS` and on SummEdits' faithful summaries at or
    under :data:`MAX_EDIT_FALSE_ALARMS` qualify, where any does; among equals, the one
    nearest the middle of the grid.
    """

    def false_alarms(name: str, t: float) -> float:
        gold, scores = scored[name]
        return round(float((scores[~gold] >= t).mean()), 3)

    def figures(t: float) -> dict:
        row = {
            name: round(100 * balanced_accuracy(scored[name][1] >= t, scored[name][0]), 1) for name in THRESHOLD_SETS
        }
        row["outlet_false_alarms"] = false_alarms(OUTLET_SET, t)
        row["edit_false_alarms"] = false_alarms(EDIT_SET, t)
        return row

    table = {float(t): figures(float(t)) for t in GRID}

    def quality(t: float) -> tuple:
        row = table[t]
        capped = (
            row["outlet_false_alarms"] <= MAX_OUTLET_FALSE_ALARMS and row["edit_false_alarms"] <= MAX_EDIT_FALSE_ALARMS
        )
        return (capped, np.mean([row[n] for n in THRESHOLD_SETS]), -abs(t - 0.5))

    return max(table, key=quality), table
