import subprocess
import sys

import numpy as np
import pytest
from conftest import MODEL_DIR, ROOT

from nli.errors import ModelError
from nli.model.backends import PairTokenizer, predict_in_blocks, run_batched
from nli.model.registry import resolve_model_dir

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")


@needs_model
def test_batching_deduplicates_and_keeps_order():
    tokenizer = PairTokenizer(MODEL_DIR)
    calls = []

    def run(batch):
        calls.append(batch["input_ids"].shape)
        return batch["attention_mask"].sum(axis=1, keepdims=True).astype(np.float32)

    items = [("a b c d e f", "g"), ("short", "x"), ("a b c d e f", "g"), ("mid length one", "y")]
    out = run_batched(items, tokenizer, run, batch_size=2)
    assert out.shape == (4, 1)
    assert out[0, 0] == out[2, 0]  # duplicates get one result
    assert sum(shape[0] for shape in calls) == 3  # three unique items were run
    # length-sorted: the first batch holds the two shortest, padded to their own width only
    assert calls[0][1] <= calls[-1][1]
    lengths = [len(e.ids) for e in tokenizer.encode(items)]
    assert out[:, 0].tolist() == lengths


def test_blocks_hold_pairs_of_like_length_and_results_keep_input_order():
    class LengthModel:
        """Returns each pair's character length in the first column; records each block's lengths."""

        def __init__(self):
            self.blocks = []

        def predict_proba(self, pairs):
            lengths = [len(p) + len(h) for p, h in pairs]
            self.blocks.append(lengths)
            return np.array([[n, 0, 0] for n in lengths], dtype=np.float32)

    pairs = [("x" * n, "y") for n in (40, 3, 25, 7, 31, 1, 12)]
    reported = []
    model = LengthModel()
    probs = predict_in_blocks(model, pairs, 3, lambda done, total: reported.append((done, total)))
    assert probs[:, 0].tolist() == [n + 1 for n in (40, 3, 25, 7, 31, 1, 12)]
    assert model.blocks == [[2, 4, 8], [13, 26, 32], [41]]
    assert reported == [(3, 7), (6, 7), (7, 7)]
    assert predict_in_blocks(model, [], 3).shape == (0, 3)


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="not found; tried .*nothing-here"):
        resolve_model_dir(tmp_path / "nothing-here")


@needs_model
def test_onnx_path_runs_with_torch_absent():
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import nli\n"
        "model = nli.load_nli(backend='onnx')\n"
        "probs = model.predict_proba([('Five rockets were fired.', 'No rockets were fired.')])\n"
        "encoder = nli.load_encoder(backend='onnx')\n"
        "vectors = encoder.encode(['Five rockets were fired.'])\n"
        "assert probs.shape == (1, 3) and abs(probs.sum() - 1) < 1e-4\n"
        "assert vectors.shape == (1, 384)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@needs_model
def test_torch_and_onnx_share_the_interface_and_agree(onnx_model):
    torch_model = pytest.importorskip("nli.model.backends").TorchNLI(MODEL_DIR)
    pairs = [("The bridge is open.", "The bridge is closed."), ("The bridge is open.", "Traffic crosses the bridge.")]
    a, b = torch_model.predict_proba(pairs), onnx_model.predict_proba(pairs)
    assert a.shape == b.shape == (2, 3)
    assert np.abs(a - b).max() < 0.25


@needs_model
def test_torch_in_bf16_autocast_stays_near_fp32():
    pytest.importorskip("torch")
    from nli.model.backends import TorchNLI

    pairs = [("The bridge is open.", "The bridge is closed."), ("The bridge is open.", "Traffic crosses the bridge.")]
    fp32, bf16 = TorchNLI(MODEL_DIR), TorchNLI(MODEL_DIR, bf16=True)
    a, b = fp32.predict_proba(pairs), bf16.predict_proba(pairs)
    assert not np.array_equal(a, b)  # the autocast is really on
    assert np.abs(a - b).max() < 0.1 and (a.argmax(1) == b.argmax(1)).all()


def test_torch_backend_on_an_onnx_only_model_is_a_clear_error(tmp_path):
    pytest.importorskip("torch")
    from nli.errors import ModelError
    from nli.model.backends import TorchNLI

    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (tmp_path / name).write_bytes((MODEL_DIR / name).read_bytes())
    with pytest.raises(ModelError, match="no torch weights.*onnx backend"):
        TorchNLI(tmp_path)
