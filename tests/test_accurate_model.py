"""The larger model (``--model mpnet-teacher-v2``): the teacher shipped as int8 ONNX only; ``--accurate`` is withdrawn."""

import json

import pytest
from conftest import EXAMPLES, ROOT, run_cli
from test_cli_score import PLANTED, matches

from nli.model.registry import ACCURATE_NLI_MODEL

ACCURATE_DIR = ROOT / "models" / ACCURATE_NLI_MODEL

pytestmark = pytest.mark.slow


def test_the_accurate_model_ships_its_graph_and_decision_files_but_no_weights():
    assert {p.name for p in ACCURATE_DIR.iterdir()} == {
        "MODEL_CARD.md",
        "combiner.json",
        "config.json",
        "onnx",
        "parity.json",
        "stance_aggregator.json",
        "teacher-labels.npz",
        "thresholds.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "training",
    }
    assert [p.name for p in (ACCURATE_DIR / "onnx").iterdir()] == ["model_int8.onnx"]
    # Near 100 MB a version (DEVELOPERS.md): the graph is all of it.
    assert (ACCURATE_DIR / "onnx" / "model_int8.onnx").stat().st_size < 120e6


@pytest.fixture(scope="module")
def accurate_report():
    result = run_cli("score", str(EXAMPLES), "--json", "--model", ACCURATE_NLI_MODEL)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_accurate_scores_with_the_teacher_and_its_own_thresholds(accurate_report):
    assert accurate_report["model"].replace("\\", "/").endswith(f"models/{ACCURATE_NLI_MODEL}")
    own = json.loads((ACCURATE_DIR / "thresholds.json").read_text())
    assert accurate_report["thresholds"]["contradiction"] == own["contradiction"]
    assert accurate_report["thresholds"]["rule"] == own["rule"]
    assert accurate_report["thresholds"]["combiner"] is not None


@pytest.mark.parametrize("name", ["number", "attribution", "denial"])
def test_accurate_finds_the_planted_contradictions(accurate_report, name):
    top = accurate_report["contradictions"][: len(PLANTED)]
    assert any(matches(pair, PLANTED[name]) for pair in top), f"planted {name} contradiction not in the top {len(top)}"


def test_the_accurate_flag_is_withdrawn_with_its_reason():
    result = run_cli("score", str(EXAMPLES), "--accurate")
    assert result.returncode == 2
    assert "--accurate is withdrawn: on real news" in result.stderr and f"--model {ACCURATE_NLI_MODEL}" in result.stderr


def test_the_larger_model_has_no_torch_backend():
    result = run_cli("score", str(EXAMPLES), "--model", ACCURATE_NLI_MODEL, "--backend", "torch")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr


def test_an_onnx_only_export_in_place_is_refused_before_anything_is_deleted(tmp_path):
    pytest.importorskip("torch")
    from nli.model.export import ExportError, export_nli

    (tmp_path / "model.safetensors").write_bytes(b"weights")
    with pytest.raises(ExportError, match="would delete"):
        export_nli(tmp_path, tmp_path, onnx_only=True)
    assert (tmp_path / "model.safetensors").read_bytes() == b"weights"
