import json

import numpy as np
import pytest
from conftest import MODEL_DIR

from nli.export import ExportError, Parity, check_parity, measure_parity, parity_pairs

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")


class FixedBackend:
    def __init__(self, probs):
        self.probs = np.asarray(probs)

    def predict_proba(self, pairs, batch_size=32):
        return self.probs[: len(pairs)]


def test_parity_measures_agreement_and_difference():
    ref = FixedBackend([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8]])
    got = FixedBackend([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    parity = measure_parity(ref, got, [("a", "b"), ("c", "d")])
    assert parity.label_agreement == 0.5
    assert parity.max_prob_diff == pytest.approx(0.7)


def test_check_parity_thresholds():
    check_parity(Parity(100, 0.995, 0.01), "ok export")
    with pytest.raises(ExportError, match="agreement"):
        check_parity(Parity(100, 0.97, 0.01), "bad export")
    with pytest.raises(ExportError):
        check_parity(Parity(100, 1.0, 0.2), "drifting export")


@needs_model
def test_shipped_model_files_and_recorded_parity():
    for name in ("config.json", "tokenizer.json", "model.safetensors", "onnx/model_int8.onnx", "MODEL_CARD.md"):
        assert (MODEL_DIR / name).exists(), name
    parity = json.loads((MODEL_DIR / "parity.json").read_text())
    assert parity["fp32"]["label_agreement"] >= 0.99


@needs_model
@pytest.mark.slow
def test_a_deliberately_broken_export_fails_the_parity_check(tmp_path):
    torch = pytest.importorskip("torch")
    from transformers import AutoModelForSequenceClassification

    from nli.backends import OnnxNLI, TorchNLI
    from nli.export import classifier_to_onnx

    model = AutoModelForSequenceClassification.from_pretrained(
        MODEL_DIR, dtype=torch.float32, attn_implementation="eager"
    ).eval()
    with torch.no_grad():
        model.classifier.weight.copy_(model.classifier.weight.roll(1, dims=0))  # labels shuffled
    broken = tmp_path / "broken"
    (broken / "onnx").mkdir(parents=True)
    (broken / "tokenizer.json").write_bytes((MODEL_DIR / "tokenizer.json").read_bytes())
    classifier_to_onnx(MODEL_DIR, broken / "onnx/model_int8.onnx", model=model)
    parity = measure_parity(TorchNLI(MODEL_DIR), OnnxNLI(broken), parity_pairs(60))
    with pytest.raises(ExportError):
        check_parity(parity, "the broken export")


def test_choose_fp32_nodes_keeps_the_fewest_most_useful_nodes(monkeypatch, tmp_path):
    import nli.export as export

    reference = np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1, 2, 0]]
    # agreement (out of 10) of the int8 graph with a given set of nodes kept fp32
    agreement_table = {(): 7, ("l0",): 9, ("l1",): 8, ("l2",): 7, ("l0", "l1"): 10, ("l0", "l1", "l2"): 10}
    built: list[tuple[str, ...]] = []

    def fake_quantize(optimized, int8, fp32_nodes=()):
        built.append(tuple(sorted(fp32_nodes)))

    def fake_predict(path):
        right = agreement_table[built[-1]]
        return np.vstack([reference[:right], np.roll(reference[right:], 1, axis=1)])

    monkeypatch.setattr(export, "quantize_int8", fake_quantize)
    monkeypatch.setattr(export, "ffn_output_matmuls", lambda path: ["l2", "l1", "l0"])
    nodes, agreement = export.choose_fp32_nodes(
        tmp_path / "opt.onnx", tmp_path / "int8.onnx", reference, fake_predict, min_agreement=0.95, log=lambda m: None
    )
    assert nodes == ["l0", "l1"] and agreement == 1.0
    assert built[-1] == ("l0", "l1")  # the graph left on disk is the chosen one

    nodes, agreement = export.choose_fp32_nodes(
        tmp_path / "opt.onnx", tmp_path / "int8.onnx", reference, fake_predict, min_agreement=0.7, log=lambda m: None
    )
    assert nodes == [] and agreement == 0.7

    # a node that buys too little agreement is not worth its speed
    nodes, agreement = export.choose_fp32_nodes(
        tmp_path / "opt.onnx",
        tmp_path / "int8.onnx",
        reference,
        fake_predict,
        min_agreement=1.0,
        min_gain=0.15,
        log=lambda m: None,
    )
    assert nodes == ["l0"] and agreement == 0.9
    assert built[-1] == ("l0",)
