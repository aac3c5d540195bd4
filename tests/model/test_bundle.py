import shutil

import pytest
from conftest import MODEL_DIR

import nli
from nli.scoring.stance import AGGREGATOR_FILE

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")


@needs_model
def test_a_model_carries_what_its_folder_holds(model):
    assert model.name == "minilm-nli-news"
    assert model.combiner is not None and model.aggregator is not None
    assert model.thresholds == nli.Thresholds.for_model(MODEL_DIR)
    assert model.to_dict()["backend"] == "onnx"
    assert model.warnings == []


@needs_model
def test_a_model_without_a_stance_aggregator_says_so(tmp_path, onnx_model, encoder):
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy, ignore=shutil.ignore_patterns("model.safetensors", "training"))
    (copy / AGGREGATOR_FILE).unlink()
    model = nli.Model.load(copy)
    assert model.aggregator is None
    assert any(AGGREGATOR_FILE in warning for warning in model.warnings)
    with pytest.raises(nli.ModelError, match="stance-train"):
        model.require_aggregator()


@pytest.mark.parametrize(
    "call, error, phrase",
    [
        (lambda: nli.Model.load(42), TypeError, "name or a folder"),
        (lambda: nli.Model.load(backend="tf"), ValueError, "unknown backend 'tf'"),
        (lambda: nli.load_nli(42), TypeError, "name or a folder"),
        (lambda: nli.load_nli(backend="tf"), ValueError, "unknown backend"),
        (lambda: nli.load_encoder("/no/such/folder"), nli.ModelError, "not found"),
    ],
)
def test_wrong_arguments_get_a_clear_error(call, error, phrase):
    with pytest.raises(error, match=phrase):
        call()


@needs_model
def test_an_nli_model_given_as_the_sentence_encoder_is_refused_at_load():
    with pytest.raises(nli.ModelError, match="not a sentence encoder"):
        nli.load_encoder(MODEL_DIR)
