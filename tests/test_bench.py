from nli.bench import cpu_description, markdown


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
    assert "**3.0×**, label agreement 98.4%" in text
    assert "| examples/dock-road-fire | 5 | 0.8 | 82 | 16.4 | False |" in text
