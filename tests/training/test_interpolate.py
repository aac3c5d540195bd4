import json

import numpy as np
import pytest
from conftest import run_cli
from safetensors.numpy import load_file, save_file


def _model(folder, value: float, shape=(2, 3)):
    folder.mkdir()
    save_file(
        {"layer.weight": np.full(shape, value, dtype=np.float16), "layer.bias": np.full(3, value, np.float32)},
        str(folder / "model.safetensors"),
    )
    (folder / "config.json").write_text('{"model_type": "bert"}')
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_interpolate_mixes_each_tensor_and_keeps_the_tuned_models_files(tmp_path):
    base, tuned = _model(tmp_path / "base", 1.0), _model(tmp_path / "tuned", 3.0)
    (tuned / "checkpoint.pt").write_text("not carried over")
    result = run_cli("interpolate", str(base), str(tuned), "--weight", "0.25", "--out", str(tmp_path / "mixed"))
    assert result.returncode == 0, result.stderr
    mixed = load_file(str(tmp_path / "mixed" / "model.safetensors"))
    assert np.allclose(mixed["layer.weight"], 1.5) and mixed["layer.weight"].dtype == np.float32
    assert np.allclose(mixed["layer.bias"], 1.5)
    assert (tmp_path / "mixed" / "config.json").exists() and not (tmp_path / "mixed" / "checkpoint.pt").exists()
    assert json.loads((tmp_path / "mixed" / "interpolation.json").read_text())["weight"] == 0.25


@pytest.mark.parametrize(
    ("weight", "shape", "message"),
    [("1.5", (2, 3), "expected a number from 0"), ("0.5", (3, 3), "not one architecture")],
)
def test_interpolate_refuses_a_bad_weight_or_two_architectures_in_one_line(tmp_path, weight, shape, message):
    base, tuned = _model(tmp_path / "base", 1.0), _model(tmp_path / "tuned", 3.0, shape)
    result = run_cli("interpolate", str(base), str(tuned), "--weight", weight, "--out", str(tmp_path / "mixed"))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "mixed").exists()


def test_the_base_may_be_a_model_folder_of_the_repositorys_history_and_a_missing_one_is_named(tmp_path):
    tuned = _model(tmp_path / "tuned", 3.0)
    base = "git:0000000:models/minilm-nli-news"  # no such revision
    result = run_cli("interpolate", base, str(tuned), "--weight", "0.3", "--out", str(tmp_path / "mixed"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and base in result.stderr
    # git's own complaint about the revision, not a folder that does not exist
    assert "expected a model directory" not in result.stderr
    assert not (tmp_path / "mixed").exists()
