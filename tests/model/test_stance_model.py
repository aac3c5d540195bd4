"""The shipped stance cross-encoder (models/minilm-stance-v2): loads, reads, matches torch, runs from the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import EXAMPLES, ROOT, run_cli

from nli.model.registry import DEFAULT_STANCE_MODEL

STANCE_DIR = ROOT / "models" / DEFAULT_STANCE_MODEL
pytestmark = pytest.mark.skipif(
    not (STANCE_DIR / "onnx" / "model_int8.onnx").exists(), reason=f"{STANCE_DIR} is not built (make train-stance)"
)
CLAIM = "Investigators said the fire at the warehouse was started deliberately."


@pytest.fixture(scope="module")
def stance_model():
    from nli.scoring.stance import StanceModel

    return StanceModel.load(DEFAULT_STANCE_MODEL)


def test_it_loads_with_the_passage_it_was_trained_on_and_gives_three_probabilities(stance_model):
    from nli.scoring.stance import PassageSpec

    assert stance_model.passage == PassageSpec(opening=2, nearest=0, max_words=170, max_tokens=256)
    assert stance_model.backend.max_length == 256
    probs = stance_model.read(
        [
            ("Police said the blaze was set on purpose. Two men were arrested.", CLAIM),
            ("The fire was an accident, the fire service said, and nobody set it.", CLAIM),
        ]
    )
    assert probs.shape == (2, 3)
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-4)


def test_the_int8_graph_matches_torch_at_the_recorded_agreement(stance_model):
    parity = json.loads((STANCE_DIR / "parity.json").read_text())
    assert parity["max_length"] == 256 and parity["int8"]["label_agreement"] >= 0.95
    sample = parity["reference_sample"]
    onnx = stance_model.read([(row["premise"], row["hypothesis"]) for row in sample])
    torch = np.array([row["torch_probs"] for row in sample])
    agreement = float(np.mean(onnx.argmax(axis=1) == torch.argmax(axis=1)))
    # 24 pairs: one label in 24 is 0.042; the record is over 512
    assert agreement >= parity["int8"]["label_agreement"] - 0.09
    assert float(np.abs(onnx - torch).max()) <= max(0.15, parity["int8"]["max_prob_diff"])


def test_nli_stance_reads_with_it_by_default_and_without_it_on_request():
    with_model = run_cli("stance", "--claim", CLAIM, str(EXAMPLES), "--json")
    without = run_cli("stance", "--claim", CLAIM, str(EXAMPLES), "--json", "--no-stance-model")
    assert with_model.returncode == without.returncode == 0, with_model.stderr + without.stderr
    first, second = json.loads(with_model.stdout), json.loads(without.stdout)
    assert first["stance_model"] == DEFAULT_STANCE_MODEL and second["stance_model"] is None
    for a, b in zip(first["articles"], second["articles"], strict=True):
        assert a["probs"]["unrelated"] == pytest.approx(b["probs"]["unrelated"], abs=1e-6), "relatedness is kept"
        assert sum(a["probs"].values()) == pytest.approx(1, abs=1e-3)
    assert [a["probs"] for a in first["articles"]] != [a["probs"] for a in second["articles"]]
