import json

import numpy as np
import pytest
from conftest import MODEL_DIR, needs_data

from nli.model.export import ExportError, Parity, check_parity, measure_parity, parity_pairs

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
    selection = parity["int8_selection"]
    assert selection["shipped_int8"]["mean_prob_diff"] < selection["plain_int8"]["mean_prob_diff"]
    import onnx

    graph = onnx.load(str(MODEL_DIR / "onnx/model_int8.onnx"), load_external_data=False).graph
    names = {n.name for n in graph.node}
    op_types = [n.op_type for n in graph.node]
    assert "SkipLayerNormalization" not in op_types and "QAttention" not in op_types
    assert op_types.count("Attention") == 6 and op_types.count("LayerNormalization") == 12
    assert all(f"{reader}_smoothing" in names for reader in parity["int8_recipe"]["smoothed"])
    word_table = next(i for i in graph.initializer if i.name.endswith("word_embeddings.weight_fp16"))
    assert word_table.data_type == onnx.TensorProto.FLOAT16


@needs_model
@pytest.mark.slow
def test_a_deliberately_broken_export_fails_the_parity_check(tmp_path):
    torch = pytest.importorskip("torch")
    from transformers import AutoModelForSequenceClassification

    from nli.model.backends import OnnxNLI, TorchNLI
    from nli.model.export import classifier_to_onnx

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


def _skip_layer_norm(inputs):
    """onnxruntime's fused residual add + LayerNorm (input, skip, gamma, beta, bias) -> y, as its BERT optimizer writes it."""
    from onnx import helper

    return helper.make_node(
        "SkipLayerNormalization", inputs, ["y"], name="SkipLayerNorm_0", domain="com.microsoft", epsilon=1e-12
    )


def _feed_forward_graph(path, rng):
    """x -> MatMul -> bias Add -> Gelu -> MatMul -> SkipLayerNorm(+x), named like a BERT layer's feed-forward block."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = {
        "w_in": rng.normal(size=(8, 32)).astype(np.float32),
        "bias": rng.normal(size=32).astype(np.float32),
        "w_out": rng.normal(size=(32, 8)).astype(np.float32),
        "out_bias": rng.normal(size=8).astype(np.float32),
        "gamma": rng.normal(size=8).astype(np.float32),
        "beta": rng.normal(size=8).astype(np.float32),
    }
    nodes = [
        helper.make_node("MatMul", ["input_ids", "w_in"], ["h"], name="layer.0/intermediate/dense/MatMul"),
        helper.make_node("Add", ["h", "bias"], ["hb"], name="layer.0/intermediate/add"),
        helper.make_node("Gelu", ["hb"], ["g"], name="layer.0/gelu", domain="com.microsoft"),
        helper.make_node("MatMul", ["g", "w_out"], ["ffn"], name="layer.0/output/dense/MatMul"),
        _skip_layer_norm(["ffn", "input_ids", "gamma", "beta", "out_bias"]),
    ]
    graph = helper.make_graph(
        nodes,
        "ffn",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.FLOAT, ["batch", "sequence", 8]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(value, name) for name, value in weights.items()],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    onnx.save(helper.make_model(graph, opset_imports=opsets, ir_version=8), str(path))


def test_outlier_split_computes_the_same_function_and_finds_the_wide_channels(tmp_path):
    import onnxruntime as ort

    from nli.model.export import input_channel_ranges, split_outlier_channels

    rng = np.random.default_rng(0)
    original, split = tmp_path / "ffn.onnx", tmp_path / "split.onnx"
    _feed_forward_graph(original, rng)
    batch = {
        "input_ids": rng.normal(size=(2, 5, 8)).astype(np.float32),
        "attention_mask": np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]),
    }
    ranges = input_channel_ranges(original, ["layer.0/output/dense/MatMul"], [batch])
    assert list(ranges) == ["layer.0/output/dense/MatMul"] and ranges["layer.0/output/dense/MatMul"].shape == (32,)
    fp32_nodes = split_outlier_channels(original, split, ranges, ["layer.0/output/dense/MatMul"], channels=4)
    assert fp32_nodes == ["layer.0/output/dense/MatMul_wide_channels/out"]
    feed = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
    before = ort.InferenceSession(str(original)).run(None, feed)[0]
    after = ort.InferenceSession(str(split)).run(None, feed)[0]
    np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-5)
    assert not np.allclose(after, 0)


def test_smoothing_computes_the_same_function_and_narrows_the_outlier_channel(tmp_path):
    import onnxruntime as ort

    from nli.model.export import input_channel_ranges, layer_norm_readers, smooth_activations

    rng = np.random.default_rng(1)
    original, smoothed = tmp_path / "ffn.onnx", tmp_path / "smoothed.onnx"
    _feed_forward_graph(original, rng)
    inputs = rng.normal(size=(2, 5, 8)).astype(np.float32)
    inputs[..., 3] *= 30  # one outlier channel, as the LayerNorm outputs have
    batch = {"input_ids": inputs, "attention_mask": np.ones((2, 5), dtype=np.int64)}
    readers = layer_norm_readers(original)
    assert readers == ["layer.0/intermediate/dense/MatMul"]
    before_ranges = input_channel_ranges(original, readers, [batch])[readers[0]]
    smooth_activations(original, smoothed, {readers[0]: before_ranges}, alpha=0.75)
    before = ort.InferenceSession(str(original)).run(None, batch)[0]
    after = ort.InferenceSession(str(smoothed)).run(None, batch)[0]
    np.testing.assert_allclose(after, before, rtol=1e-4, atol=1e-4)
    after_ranges = input_channel_ranges(smoothed, readers, [batch])[readers[0]]
    before_spread = before_ranges.max() / np.median(before_ranges)
    after_spread = after_ranges.max() / np.median(after_ranges)
    assert before_spread > 10 and after_spread < before_spread / 3


def test_unfused_layer_norms_compute_what_the_fused_kernel_did(tmp_path):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from nli.model.backends import UNFUSED_OPTIMIZERS
    from nli.model.export import unfuse_layer_norms

    rng = np.random.default_rng(2)
    params = {name: rng.normal(size=8).astype(np.float32) for name in ("gamma", "beta", "bias")}
    graph = helper.make_graph(
        [_skip_layer_norm(["x", "skip", "gamma", "beta", "bias"])],
        "skip_layer_norm",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["batch", "sequence", 8]) for n in ("x", "skip")],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(value, name) for name, value in params.items()],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    path = tmp_path / "sln.onnx"
    onnx.save(helper.make_model(graph, opset_imports=opsets, ir_version=8), str(path))
    feed = {"x": rng.normal(size=(2, 5, 8)).astype(np.float32), "skip": rng.normal(size=(2, 5, 8)).astype(np.float32)}
    fused = ort.InferenceSession(str(path)).run(None, feed)[0]
    unfuse_layer_norms(path)
    assert {n.op_type for n in onnx.load(str(path)).graph.node}.isdisjoint({"SkipLayerNormalization"})
    session = ort.InferenceSession(str(path), disabled_optimizers=UNFUSED_OPTIMIZERS)
    np.testing.assert_allclose(session.run(None, feed)[0], fused, rtol=1e-5, atol=1e-5)


def test_unfused_attention_computes_what_qattention_did_padding_included(tmp_path):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from nli.model.export import unfuse_attention

    rng = np.random.default_rng(3)
    hidden, heads = 8, 2
    params = {
        "weight": rng.integers(-127, 128, size=(hidden, 3 * hidden)).astype(np.int8),
        "bias": rng.normal(size=3 * hidden).astype(np.float32),
        "weight_scale": rng.uniform(0.005, 0.02, size=3 * hidden).astype(np.float32),
        "weight_zero_point": np.zeros(3 * hidden, dtype=np.int8),
    }
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "x_scale", "x_zero_point"]),
        helper.make_node(
            "QAttention",
            ["xq", "weight", "bias", "x_scale", "weight_scale", "lengths", "x_zero_point", "weight_zero_point"],
            ["y"],
            name="Attention_0_quant",
            domain="com.microsoft",
            num_heads=heads,
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "qattention",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "sequence", hidden]),
            helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(value, name) for name, value in params.items()],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    path = tmp_path / "qattention.onnx"
    onnx.save(helper.make_model(graph, opset_imports=opsets, ir_version=8), str(path))
    feed = {"x": rng.normal(size=(3, 6, hidden)).astype(np.float32), "lengths": np.array([6, 4, 2], dtype=np.int32)}
    fused = ort.InferenceSession(str(path)).run(None, feed)[0]
    unfuse_attention(path)
    model = onnx.load(str(path))
    assert [n.op_type for n in model.graph.node].count("Attention") == 1
    assert "QAttention" not in {n.op_type for n in model.graph.node}
    unfused = ort.InferenceSession(str(path)).run(None, feed)[0]
    np.testing.assert_allclose(unfused, fused, rtol=1e-5, atol=1e-5)
    # the padding mask is live: other lengths give other outputs for the short rows
    feed["lengths"] = np.array([6, 6, 6], dtype=np.int32)
    unmasked = ort.InferenceSession(str(path)).run(None, feed)[0]
    assert not np.allclose(unmasked[1:], unfused[1:], atol=1e-3)


@needs_data
def test_an_mpnet_cross_encoder_exports_without_token_types_smoothed_and_split(tmp_path):
    """The teacher's encoder (MPNet) has no token types and no fused attention: a tiny random one goes through."""
    torch = pytest.importorskip("torch")
    from transformers import MPNetConfig, MPNetForSequenceClassification

    from nli.model.backends import OnnxNLI, TorchNLI
    from nli.model.export import export_nli

    torch.manual_seed(0)
    config = MPNetConfig(
        vocab_size=30527, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, num_labels=3
    )
    tiny = tmp_path / "tiny-mpnet"
    MPNetForSequenceClassification(config).eval().save_pretrained(tiny)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (tiny / name).write_bytes((MODEL_DIR / name).read_bytes())
    report = export_nli(tiny, tmp_path / "out", pairs=parity_pairs(40), log=lambda m: None)
    assert report["fp32"]["label_agreement"] == 1.0
    recipe = report["int8_recipe"]
    assert recipe["model_type"] == "mpnet"
    assert recipe["outlier_split"] == [f"/inner/mpnet/encoder/layer.{i}/output/dense/MatMul" for i in (0, 1)]
    assert len(recipe["smoothed"]) == 2
    import onnx

    graph = onnx.load(str(tmp_path / "out" / "onnx" / "model_int8.onnx")).graph
    kept_fp32 = [n.name for n in graph.node if n.op_type == "MatMul" and n.name.endswith("_wide_channels/out")]
    assert len(kept_fp32) == 2
    onnx_probs = OnnxNLI(tmp_path / "out").predict_proba([("A man sleeps.", "Nobody sleeps.")])
    torch_probs = TorchNLI(tmp_path / "out").predict_proba([("A man sleeps.", "Nobody sleeps.")])
    assert np.abs(onnx_probs - torch_probs).max() < 0.05
