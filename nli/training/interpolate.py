"""A weight-space ensemble of a model and its fine-tuned descendant (``nli interpolate``).

``(1 - weight) * base + weight * tuned``, tensor by tensor (WiSE-FT, Wortsman et al.
2022): fine-tuning on minimal edits teaches the edits and a shortcut with them (any
change contradicts); part of the way back to the base keeps more of the first and less
of the second. Both models must share one architecture: the tuned one continued the
base's training. The result is a model directory like a run's ``final`` (the tuned
model's config and tokenizer, fp32 weights) for ``nli export``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

WEIGHTS_FILE = "model.safetensors"
RECORD_FILE = "interpolation.json"


def interpolate(base: Path, tuned: Path, weight: float, out: Path) -> Path:
    """Write ``(1 - weight) * base + weight * tuned`` into ``out``; raises ValueError naming what is wrong."""
    from safetensors.numpy import load_file, save_file

    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"--weight {weight}: expected a number from 0 (the base) to 1 (the tuned model)")
    for directory in (base, tuned):
        if not (directory / WEIGHTS_FILE).is_file():
            raise ValueError(f"{directory}: no {WEIGHTS_FILE}; expected a model directory")
    if out.resolve() in {base.resolve(), tuned.resolve()}:
        raise ValueError(f"{out}: the output must be a new directory, not one of the two models")
    base_weights, tuned_weights = load_file(base / WEIGHTS_FILE), load_file(tuned / WEIGHTS_FILE)
    if base_weights.keys() != tuned_weights.keys() or any(
        base_weights[k].shape != tuned_weights[k].shape for k in base_weights
    ):
        raise ValueError(f"{base} and {tuned}: not one architecture (their tensors differ in names or shapes)")
    mixed = {
        name: ((1.0 - weight) * base_weights[name].astype(np.float32) + weight * tuned_weights[name].astype(np.float32))
        for name in base_weights
    }
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(tuned, staging, ignore=shutil.ignore_patterns(WEIGHTS_FILE, "*.pt", "onnx"))
    save_file(mixed, str(staging / WEIGHTS_FILE), metadata={"format": "pt"})
    record = {"base": str(base), "tuned": str(tuned), "weight": weight}
    (staging / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return out
