import json

import numpy as np
import pytest
from conftest import MODEL_DIR, run_cli

from nli.errors import InputError
from nli.evaluation.harness import (
    brier_score,
    compute_metrics,
    expected_calibration_error,
    fold_two_way,
    read_pairs_file,
)

PROBS = np.array(
    [
        [0.8, 0.1, 0.1],  # gold e, predicted e
        [0.6, 0.3, 0.1],  # gold n, predicted e
        [0.1, 0.2, 0.7],  # gold c, predicted c
        [0.2, 0.5, 0.3],  # gold c, predicted n
    ]
)
GOLD = ["entailment", "neutral", "contradiction", "contradiction"]


def test_metrics_against_hand_computed_values():
    m = compute_metrics(GOLD, PROBS, bootstrap=0)
    assert m["n"] == 4
    assert m["accuracy"] == 0.5
    # e: P 1/2, R 1/1, F1 2/3; n: P 0/1, R 0/1, F1 0; c: P 1/1, R 1/2, F1 2/3
    assert m["per_class"]["entailment"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert m["per_class"]["neutral"]["f1"] == 0.0
    assert m["per_class"]["contradiction"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert m["macro_f1"] == round((2 / 3 + 0 + 2 / 3) / 3, 4)
    assert m["confusion"]["matrix"] == [[1, 0, 0], [1, 0, 0], [0, 1, 1]]


def test_brier_by_hand():
    # (0.2^2+0.1^2+0.1^2) + (0.6^2+0.7^2+0.1^2) + (0.1^2+0.2^2+0.3^2) + (0.2^2+0.5^2+0.7^2)
    expected = (0.06 + 0.86 + 0.14 + 0.78) / 4
    assert brier_score(PROBS, np.array([0, 1, 2, 2])) == pytest.approx(expected)


def test_ece_by_hand():
    confidence = np.array([0.8, 0.6, 0.7, 0.5])
    correct = np.array([True, False, True, False])
    # bins (0.4,0.5]: conf .5 acc 0; (0.5,0.6]: .6/0; (0.6,0.7]: .7/1; (0.7,0.8]: .8/1
    expected = (0.5 + 0.6 + 0.3 + 0.2) / 4
    assert expected_calibration_error(confidence, correct) == pytest.approx(expected)


def test_two_way_sets_fold_neutral_and_contradiction():
    assert fold_two_way(PROBS)[1].tolist() == pytest.approx([0.6, 0.4])
    m = compute_metrics(["entailment", "not_entailment", "not_entailment", "not_entailment"], PROBS, bootstrap=0)
    assert m["scheme"].startswith("two-way")
    assert m["accuracy"] == 0.75
    assert list(m["per_class"]) == ["entailment", "not_entailment"]


def test_bootstrap_interval_brackets_the_estimate():
    m = compute_metrics(GOLD * 10, np.tile(PROBS, (10, 1)), bootstrap=200)
    low, high = m["accuracy_ci95"]
    assert low <= m["accuracy"] <= high


def test_csv_and_tsv_with_custom_columns(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("s1\ts2\tgold\nA.\tB.\tE\nC.\tD.\tREFUTES\n")
    pairs = read_pairs_file(path, "s1", "s2", "gold")
    assert pairs.labels == ["entailment", "contradiction"]


def test_integer_labels_with_a_declared_order(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"premise": "A.", "hypothesis": "B.", "label": 0}) + "\n")
    assert read_pairs_file(path, int_order=("contradiction", "neutral", "entailment")).labels == ["contradiction"]


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"premise": "A.", "hypothesis": "B.", "label": "e"}) + "\n"
        "{broken\n"
        + json.dumps({"premise": "A.", "hypothesis": "B.", "label": "perhaps"})
        + "\n"
        + json.dumps({"premise": "A.", "label": "e"})
        + "\n"
    )
    with pytest.raises(InputError) as err:
        read_pairs_file(path)
    problems = err.value.problems
    assert problems[0].startswith(f"{path}:2: malformed JSON")
    assert problems[1].startswith(f"{path}:3: unknown label 'perhaps'") and "aliases understood" in problems[1]
    assert problems[2] == f"{path}:4: missing hypothesis"


def test_cli_bad_inputs(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    no_column = tmp_path / "cols.csv"
    no_column.write_text("text_a,text_b,label\nA.,B.,e\n")
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(json.dumps({"premise": "A.", "hypothesis": "B.", "label": "yes-ish"}) + "\n")
    cases = {
        str(tmp_path / "missing.jsonl"): "no such file",
        str(empty): "empty file",
        str(no_column): "missing column(s) premise, hypothesis",
        str(unknown): "unknown label 'yes-ish'",
    }
    for path, expected in cases.items():
        result = run_cli("eval", path)
        assert result.returncode == 2, (path, result.stderr)
        assert expected in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("nli: error: ")


@pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")
def test_cli_eval_json_on_the_news_pairs(tmp_path):
    result = run_cli(
        "eval",
        "eval/data/news_pairs.jsonl",
        "--limit",
        "40",
        "--json",
        "--save",
        str(tmp_path),
        "--errors",
        str(tmp_path / "errors.jsonl"),
        "--bootstrap",
        "50",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    for key in ("n", "accuracy", "macro_f1", "per_class", "confusion", "ece", "backend", "model"):
        assert key in document
    assert document["n"] == 40 and document["backend"] == "onnx"
    assert (tmp_path / "news_pairs-confusion.png").stat().st_size > 1000
    assert (tmp_path / "news_pairs-reliability.png").exists()
    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert len(errors) == round(40 * (1 - document["accuracy"]))


def test_saved_dataset_with_class_label_names(tmp_path):
    datasets = pytest.importorskip("datasets")
    features = datasets.Features(
        {
            "premise": datasets.Value("string"),
            "hypothesis": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["entailment", "neutral", "contradiction"]),
        }
    )
    data = datasets.Dataset.from_dict(
        {"premise": ["A.", "B."], "hypothesis": ["C.", "D."], "label": [2, 0]}, features=features
    )
    data.save_to_disk(str(tmp_path / "saved"))
    from nli.evaluation.harness import read_saved_dataset

    pairs = read_saved_dataset(
        tmp_path / "saved", None, "premise", "hypothesis", "label", ("entailment", "neutral", "contradiction")
    )
    assert pairs.labels == ["contradiction", "entailment"]


@pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")
def test_cli_compare_backends(tmp_path):
    result = run_cli(
        "eval", "eval/data/news_pairs.jsonl", "--limit", "24", "--json", "--compare-backends", "--bootstrap", "0"
    )
    assert result.returncode == 0, result.stderr
    comparison = json.loads(result.stdout)["backend_comparison"]
    assert comparison["reference"] == "torch"
    assert 0.0 <= comparison["label_agreement"] <= 1.0 and comparison["max_prob_diff"] >= 0.0
