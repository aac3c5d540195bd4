"""The model lookup order (argument, environment, installed, checkout) and `nli models`."""

import json
import re
import shutil

import pytest
from conftest import MODEL_DIR, ROOT, run_cli

from nli.errors import ModelError
from nli.model import registry
from nli.model.registry import describe_model, list_models, locate_model, model_roots


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(registry.NLI_ENV, raising=False)
    monkeypatch.delenv(registry.EMBEDDER_ENV, raising=False)


def _fake_model(folder, name="my-model"):
    model = folder / name
    model.mkdir(parents=True)
    (model / "config.json").write_text(json.dumps({"architectures": ["BertForSequenceClassification"]}))
    (model / "MODEL_CARD.md").write_text(f"# {name} v0.9\n\nA test model. It is not real.\n")
    return model


def test_an_argument_directory_wins_over_the_environment(tmp_path, monkeypatch):
    mine = _fake_model(tmp_path)
    monkeypatch.setenv(registry.NLI_ENV, str(MODEL_DIR))
    assert locate_model(mine) == (mine, "argument")
    assert locate_model(None) == (MODEL_DIR, f"${registry.NLI_ENV}")


def test_a_name_is_looked_up_in_the_installed_files_then_the_checkout(no_env, monkeypatch, tmp_path):
    installed = tmp_path / "site" / "nli_models"
    _fake_model(installed, "only-installed")
    monkeypatch.setattr(registry, "model_roots", lambda: [("installed", installed), ("checkout", ROOT / "models")])
    assert locate_model("only-installed") == (installed / "only-installed", "installed")
    assert locate_model(None) == (ROOT / "models" / "minilm-nli-news", "checkout")
    monkeypatch.setenv(registry.NLI_ENV, "only-installed")
    assert locate_model(None) == (installed / "only-installed", "installed")


def test_not_found_names_every_place_tried(no_env, monkeypatch, tmp_path):
    roots = [("installed", tmp_path / "a"), ("checkout", tmp_path / "b")]
    monkeypatch.setattr(registry, "model_roots", lambda: roots)
    with pytest.raises(ModelError) as err:
        locate_model("ghost")
    message = str(err.value)
    for place in (
        "ghost (argument)",
        f"{tmp_path / 'a' / 'ghost'} (installed)",
        f"{tmp_path / 'b' / 'ghost'} (checkout)",
    ):
        assert place in message
    # A path that is not there is not looked up as a name elsewhere.
    with pytest.raises(ModelError, match="tried .*no/such/dir \\(argument\\)\\. Install"):
        locate_model("no/such/dir")


def test_the_checkout_is_listed_once_under_an_editable_install(no_env):
    roots = [root.resolve() for _, root in model_roots()]
    assert len(roots) == len(set(roots)) and (ROOT / "models").resolve() in roots


def test_list_models_describes_both_shipped_models(no_env):
    by_name = {m.name: m for m in list_models()}
    nli_model, embedder = by_name["minilm-nli-news"], by_name["all-minilm-l6-v2"]
    assert (nli_model.kind, embedder.kind) == ("nli", "embedder")
    # The version is the one the card's heading gives (v1.3, v2, ...).
    assert re.fullmatch(r"v\d+(\.\d+)*", nli_model.version or "") and embedder.version is None
    assert "agrees with torch on" in nli_model.parity and "cosine" in embedder.parity
    assert nli_model.summary.startswith("A three-way NLI cross-encoder")
    assert set(nli_model.to_dict()) >= {"name", "origin", "path", "version", "summary", "parity", "torch_backend"}


def test_a_model_without_fp16_weights_cannot_use_the_torch_backend(tmp_path):
    copy = tmp_path / "onnx-only"
    shutil.copytree(MODEL_DIR, copy, ignore=shutil.ignore_patterns("*.safetensors", "training"))
    info = describe_model(copy, "argument")
    assert not info.torch_backend and "no fp16 weights" in info.torch_note


def test_cli_models_json_and_version(no_env):
    result = run_cli("models", "--json")
    assert result.returncode == 0, result.stderr
    assert {"minilm-nli-news", "all-minilm-l6-v2"} <= {m["name"] for m in json.loads(result.stdout)}
    version = run_cli("--version")
    assert version.returncode == 0
    assert (
        re.match(r"nli \d+\.\d+\.\d+ \(model minilm-nli-news v\d", version.stdout)
        and "onnxruntime 1." in version.stdout
    )
