import json

import pytest
from conftest import MODEL_DIR

from nli.evaluation.bench import markdown
from nli.evaluation.timing import cpu_description, interleaved_rounds


def test_bench_markdown_names_the_cpu_and_the_figures():
    backends = ("torch_fp32", "onnx_fp32", "onnx_int8")
    cpu = cpu_description()
    result = {
        "machine": {"cores": 2, "threads": 2, "cpu": cpu, "date": "2026-11-21"},
        "model": "models/minilm-nli-news",
        "pairs": 256,
        "nli_pairs_per_s": {name: {"1": 10.0 * i, "8": 20.0 * i, "32": 30.0 * i} for i, name in enumerate(backends, 1)},
        "peak_rss_mb": dict.fromkeys(backends, 100.0),
        "speedup_int8_vs_torch": 3.0,
        "speedup_int8_vs_torch_rounds": [2.8, 3.0, 3.3],
        "speedup_fp32_onnx_vs_torch": 2.0,
        "agreement_int8_vs_torch": 0.984,
        "agreement_fp32_onnx_vs_torch": 1.0,
        "onnx_ran_without_torch": True,
        "embed_sentences_per_s": {"torch": 400.0, "onnx": 1400.0},
        "score_detail": {"example": {"wall_seconds": 0.8, "nli_calls": 82, "torch_loaded": False}},
        "score_warm_seconds_example": 0.3,
    }
    text = markdown(result)
    assert cpu and cpu in text
    assert "| onnx_int8 | 30.0 | 60.0 | 90.0 | 100.0 |" in text
    assert "**3.0×** (median of 3 interleaved rounds, 2.80–3.30), label agreement 98.4%" in text
    assert "| examples/dock-road-fire | 5 | 0.8 | 82 | 16.4 | False |" in text


def test_interleaved_rounds_measure_every_backend_once_per_round_in_a_rotating_order():
    calls = []

    def backend(name):
        def one_pass(batch):
            calls.append((name, batch))
            return float(len(calls))

        return one_pass

    figures = interleaved_rounds({name: backend(name) for name in ("a", "b", "c")}, (1, 32), rounds=3)
    assert calls[:6] == [("a", 1), ("b", 1), ("c", 1), ("a", 32), ("b", 32), ("c", 32)]
    assert calls[6:9] == [("b", 1), ("c", 1), ("a", 1)]
    assert calls[12:15] == [("c", 1), ("a", 1), ("b", 1)]
    # figures are kept per round, so round r of one backend pairs with round r of another
    assert figures["a"][32] == [4.0, 12.0, 17.0]
    assert figures["c"][1] == [3.0, 8.0, 13.0]


@pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")
def test_measure_backends_times_each_batch_size_in_a_process_without_torch():
    from nli.evaluation.bench import measure_backends
    from nli.evaluation.timing import BATCH_SIZES

    measured = measure_backends({"onnx_int8": ("onnx", str(MODEL_DIR), "onnx/model_int8.onnx")}, threads=1, rounds=2)
    result = measured["onnx_int8"]
    assert set(result["figures"]) == set(BATCH_SIZES)
    assert all(len(values) == 2 and all(v > 0 for v in values) for values in result["figures"].values())
    assert len(result["labels"]) == 256 and set(result["labels"]) <= {0, 1, 2}
    assert result["torch_loaded"] is False


def test_long_text_is_measured_in_a_fresh_process(tmp_path):
    from nli.evaluation.bench import long_text, long_text_file

    path = long_text_file(0.3, tmp_path)
    assert 290_000 <= path.stat().st_size <= 310_000
    (row,) = long_text([0.05], tmp_path)
    assert row["sentences"] > 100 and row["seconds"] > 0 and row["peak_rss_mb"] >= row["rss_before_mb"] > 0


@pytest.mark.slow
def test_the_bench_runs_end_to_end_from_an_empty_cache(tmp_path):
    """What `make bench` does on a fresh clone, at CI size: the fp32 graph is exported into an empty cache."""
    from conftest import run_cli

    out = tmp_path / "BENCH.md"
    out.with_suffix(".json").write_text(json.dumps({"openvino": openvino_result(), "accurate": accurate_result()}))
    result = run_cli(
        "bench",
        "--repeats",
        "1",
        "--sizes",
        "2",
        "--long-text-mb",
        "0.05",
        "--output",
        str(out),
        env={"NLI_CACHE_DIR": str(tmp_path / "cache")},
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "cache" / "onnx-fp32" / "minilm-nli-news" / "tokenizer.json").exists()
    document = json.loads(out.with_suffix(".json").read_text())
    assert set(document["nli_pairs_per_s"]) == {"torch_fp32", "onnx_fp32", "onnx_int8"}
    assert document["onnx_ran_without_torch"] and len(document["long_text"]) == 1
    assert "## Long articles" in out.read_text()
    # The OpenVINO and accurate-model sections are measured apart: a full run keeps the last ones.
    assert document["openvino"] == openvino_result() and "## OpenVINO" in out.read_text()
    assert document["accurate"] == accurate_result() and "## The accurate model" in out.read_text()


def accurate_result() -> dict:
    def row(model, pairs_per_s):
        return {
            "model": model,
            "onnx_mb": 35.1,
            "pairs_per_s": {"1": pairs_per_s, "8": 2 * pairs_per_s, "32": 3 * pairs_per_s},
            "peak_rss_mb": 300.0,
            "score_cold_seconds_example": 3.0,
            "score_warm_seconds_example": 0.6,
        }

    return {
        "date": "2026-12-06",
        "cpu": "a CPU",
        "threads": 2,
        "rounds": 3,
        "models": {"default": row("models/minilm-nli-news", 300.0), "accurate": row("models/mpnet-teacher-v2", 50.0)},
        "slowdown_at_batch_32": 6.0,
        "slowdown_at_batch_32_rounds": [5.5, 6.0, 6.4],
    }


def test_accurate_section_gives_both_models_and_the_slowdown():
    from nli.evaluation.bench import accurate_section

    text = "\n".join(accurate_section(accurate_result()))
    assert "| accurate: `models/mpnet-teacher-v2` | 35.1 | 50.0 | 100.0 | 150.0 | 300.0 | 3.0 | 0.6 |" in text
    assert "**6.0×** slower at batch 32 (median of the rounds' ratios, 5.50–6.40)" in text


@pytest.mark.slow
def openvino_result() -> dict:
    checks = {"news_pairs": 488, "LingNLI val": 1024}
    return {
        "date": "2026-11-29",
        "cpu": "a CPU",
        "threads": 2,
        "versions": {"openvino": "2026.4.1", "nncf": "3.4.0"},
        "inference_precision": "bf16",
        "calibration_pairs": 300,
        "quantize_seconds": 12.0,
        "checked_pairs": checks,
        "agreement_with_torch_fp32": {
            "onnxruntime_int8": {"news_pairs": 0.99, "LingNLI val": 0.981},
            "openvino_nncf_int8": {"news_pairs": 0.982, "LingNLI val": 0.967},
        },
        "pairs_per_s": {
            "onnxruntime_int8": {"1": 400.0, "8": 580.0, "32": 850.0},
            "openvino_nncf_int8": {"1": 410.0, "8": 800.0, "32": 880.0},
        },
        "speedup_batch32": 1.029,
        "speedup_batch32_rounds": [1.01, 1.03, 1.07],
        "adopted": False,
    }


def test_openvino_is_adopted_only_when_both_faster_and_in_agreement():
    from nli.evaluation.openvino_bench import meets_the_bar

    assert meets_the_bar(1.25, [0.99, 0.985])
    assert not meets_the_bar(1.25, [0.99, 0.967])  # fast, but one check below 98%
    assert not meets_the_bar(1.03, [0.995, 0.99])  # agrees, but not 20% faster


def test_openvino_section_lists_both_runtimes_and_the_verdict():
    from nli.evaluation.openvino_bench import markdown_section

    result = openvino_result()
    text = "\n".join(markdown_section(result))
    assert "| openvino_nncf_int8 | 410.0 | 800.0 | 880.0 | 98.2% | 96.7% |" in text
    assert "**1.029×** (rounds 1.01–1.07)" in text and "**not adopted**" in text


def test_bench_only_openvino_without_openvino_installed_is_a_clear_error(tmp_path):
    from conftest import run_cli

    blocked = tmp_path / "blocked"
    (blocked / "openvino").mkdir(parents=True)
    (blocked / "openvino" / "__init__.py").write_text("raise ImportError('not installed')\n")
    out = tmp_path / "BENCH.md"
    out.with_suffix(".json").write_text(json.dumps({"machine": {}}))
    result = run_cli("bench", "--only", "openvino", "--output", str(out), env={"PYTHONPATH": str(blocked)})
    assert result.returncode == 2, result.stderr[-2000:]
    assert "pip install -e '.[openvino]'" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_bench_only_large_set_scores_one_set_in_a_fresh_process_and_keeps_the_rest(tmp_path):
    from conftest import ROOT, run_cli

    out = tmp_path / "BENCH.md"
    earlier = json.loads((ROOT / "eval" / "BENCH.json").read_text())
    out.with_suffix(".json").write_text(json.dumps(earlier))
    result = run_cli("bench", "--only", "large-set", "--large-sizes", "12", "--output", str(out), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads(out.with_suffix(".json").read_text())
    (row,) = document["large_set"]
    assert row["articles"] == 12 and row["peak_rss_mb"] > 50 and row["nli_calls"] > 0 and row["json_mb"] > 0
    assert set(row["stage_seconds"]) >= {"pair", "label", "stances", "matrix"}
    assert document["nli_pairs_per_s"] == earlier["nli_pairs_per_s"]
    assert "## One large set of tiny articles" in out.read_text()


def test_tiny_sets_are_one_event_of_two_sentence_articles(tmp_path):
    from nli.evaluation.bench import tiny_set

    lines = tiny_set(30, tmp_path / "tiny.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 30 and len({r["id"] for r in records}) == 30
    assert all(r["text"].count(". ") >= 1 for r in records)
