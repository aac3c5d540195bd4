"""Choosing the decision's threshold on real news, through ``nli score``'s own decision (``nli tune-decision``).

The combiner's weights are fitted on sentence pairs (``nli fit-combiner``); what a user
gets is the decision on two-article sets, after splitting, pairing, copy grouping and
the gate. Here each real-news development pair is scored that way once
(:func:`nli.evaluation.real_news.decision_scores`), and the threshold is the one with
the best mean balanced accuracy over SummEdits dev and news_pairs whose false alarms
between real outlets (ClaimDiff train, pairs that do not weaken each other) stay at or
under :data:`nli.training.combiner.MAX_OUTLET_FALSE_ALARMS`; among equals, the one
nearest the middle of the grid. It is written into ``combiner.json``.
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

    def figures(t: float) -> dict:
        row = {
            name: round(100 * balanced_accuracy(s >= t, g), 1) for name, (g, s) in scored.items() if name != OUTLET_SET
        }
        gold, scores = scored[OUTLET_SET]
        row["outlet_false_alarms"] = round(float((scores[~gold] >= t).mean()), 3)
        return row

    table = {float(t): figures(float(t)) for t in GRID}

    def quality(t: float) -> tuple:
        row = table[t]
        return (row["outlet_false_alarms"] <= MAX_OUTLET_FALSE_ALARMS, np.mean([row[n] for n in THRESHOLD_SETS]))

    chosen = max(table, key=lambda t: (*quality(t), -abs(t - 0.5)))
    stored = json.loads(model.combiner.path.read_text(encoding="utf-8"))
    stored["threshold"] = chosen
    stored["decision"] = {
        "chosen_on": f"{', '.join(THRESHOLD_SETS)} (mean balanced accuracy) with {OUTLET_SET} false alarms "
        f"<= {MAX_OUTLET_FALSE_ALARMS}, each pair scored through nli score's decision",
        "at_threshold": table[chosen],
        "grid": {str(t): row for t, row in table.items()},
    }
    write_text_atomic(model.combiner.path, json.dumps(stored, indent=2) + "\n")
    return stored["decision"] | {"threshold": chosen}
