"""``nli bench --only openvino``: OpenVINO's CPU runtime against onnxruntime on the same task.

OpenVINO would become an optional backend only if it ran at least 20% faster than
onnxruntime's int8 graph at 98% or more label agreement with torch fp32. Its CPU
plugin runs onnxruntime's own quantized operators slowly, so the fair contender is
OpenVINO's own int8 path: NNCF post-training quantization of the fp32 graph,
calibrated on the same training-side pairs the onnxruntime export is tuned on.
Needs the optional extra ``nli[openvino]``.
"""

from __future__ import annotations

import datetime
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nli.errors import InputError
from nli.model.backends import PairTokenizer, display_path, load_nli, run_batched, softmax
from nli.model.labels import LABELS

SPEED_BAR = 1.20
AGREEMENT_BAR = 0.98
CALIBRATION_PAIRS = 300


def require_openvino():
    try:
        import nncf
        import openvino
    except ImportError:
        raise InputError(["--only openvino needs OpenVINO and NNCF: pip install -e '.[openvino]'"]) from None
    return openvino, nncf


def quantize_with_nncf(fp32_path: Path, out_path: Path, batches: Sequence[dict[str, np.ndarray]]) -> Path:
    """NNCF's int8 quantization of an ONNX graph into OpenVINO IR (the transformer recipe, mixed preset)."""
    openvino, nncf = require_openvino()
    model = openvino.Core().read_model(str(fp32_path))
    names = [port.get_any_name() for port in model.inputs]
    quantized = nncf.quantize(
        model,
        nncf.Dataset(list(batches), lambda batch: {name: batch[name] for name in names}),
        model_type=nncf.ModelType.TRANSFORMER,
        preset=nncf.QuantizationPreset.MIXED,
        subset_size=len(batches),
    )
    openvino.save_model(quantized, str(out_path))
    return out_path


@dataclass
class OpenVinoNLI:
    """An OpenVINO-compiled cross-encoder behind the backends' interface (``predict_proba``)."""

    model_dir: Path
    graph: Path
    threads: int
    name: str = "openvino"

    def __post_init__(self) -> None:
        openvino, _ = require_openvino()
        core = openvino.Core()
        core.set_property("CPU", {"INFERENCE_NUM_THREADS": self.threads})
        self.tokenizer = PairTokenizer(self.model_dir)
        self.compiled = core.compile_model(str(self.graph), "CPU")
        self.input_names = [port.get_any_name() for port in self.compiled.inputs]

    def _run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        return softmax(self.compiled({name: batch[name] for name in self.input_names})[0])

    def predict_proba(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        return run_batched([tuple(p) for p in pairs], self.tokenizer, self._run, batch_size)


def meets_the_bar(speedup: float, agreements: Iterable[float]) -> bool:
    """Worth an optional backend: 20% faster than onnxruntime, and 98% agreement with torch on every check."""
    return speedup >= SPEED_BAR and min(agreements) >= AGREEMENT_BAR


def measure_openvino(model_dir: Path, fp32_path: Path, threads: int, rounds: int) -> dict:
    """Label agreement with torch fp32 and interleaved speed, onnxruntime int8 against OpenVINO NNCF int8."""
    from nli.evaluation.timing import BATCH_SIZES, bench_pairs, cpu_description, interleaved_rounds
    from nli.model.export import parity_pairs, selection_pairs

    openvino, nncf = require_openvino()
    tuning = selection_pairs(limit=3072)
    # onnxruntime's export chooses its settings on the first 2,048 of these; NNCF calibrates
    # on them too, and both are checked on the 1,024 after, which neither has seen.
    calibration, unseen = tuning[:CALIBRATION_PAIRS], tuning[2048:]
    tokenizer = PairTokenizer(model_dir)
    batches = [PairTokenizer.pad(tokenizer.encode(calibration[i : i + 8])) for i in range(0, len(calibration), 8)]
    print("  quantizing with NNCF", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="nli-openvino-") as work:
        started = time.perf_counter()
        graph = quantize_with_nncf(fp32_path, Path(work) / "model_int8.xml", batches)
        quantize_seconds = time.perf_counter() - started
        openvino_nli = OpenVinoNLI(model_dir, graph, threads)  # compiled: the files may go
    contenders = {"onnxruntime_int8": load_nli(model_dir, "onnx", threads=threads), "openvino_nncf_int8": openvino_nli}
    checks = {"news_pairs (both directions)": parity_pairs(), "LingNLI val, unseen by both": unseen}
    print("  torch fp32 reference labels", file=sys.stderr)
    reference = load_nli(model_dir, "torch", threads=threads)
    expected = {name: reference.predict_proba(pairs).argmax(1) for name, pairs in checks.items()}
    agreement = {
        contender: {
            name: round(float((model.predict_proba(pairs).argmax(1) == expected[name]).mean()), 4)
            for name, pairs in checks.items()
        }
        for contender, model in contenders.items()
    }

    pairs = bench_pairs()

    def one_pass(model) -> Callable[[int], float]:
        def timed(batch: int) -> float:
            subset = pairs[:64] if batch == 1 else pairs
            start = time.perf_counter()
            model.predict_proba(subset, batch_size=batch)
            return len(subset) / (time.perf_counter() - start)

        return timed

    for model in contenders.values():
        model.predict_proba(pairs[:8])  # warm-up
    figures = interleaved_rounds({name: one_pass(model) for name, model in contenders.items()}, BATCH_SIZES, rounds)
    ratios = [
        round(ov / ort, 3)
        for ov, ort in zip(figures["openvino_nncf_int8"][32], figures["onnxruntime_int8"][32], strict=True)
    ]
    speedup = round(statistics.median(ratios), 3)
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_description(),
        "threads": threads,
        "versions": {"openvino": openvino.__version__.split("-")[0], "nncf": nncf.__version__},
        "model": display_path(model_dir),
        # OpenVINO runs what it does not quantize in bf16 by default on CPUs that have it.
        "inference_precision": openvino_nli.compiled.get_property("INFERENCE_PRECISION_HINT").to_string(),
        "calibration_pairs": len(calibration),
        "quantize_seconds": round(quantize_seconds, 1),
        "agreement_with_torch_fp32": agreement,
        "checked_pairs": {name: len(pairs) for name, pairs in checks.items()},
        "pairs_per_s": {
            name: {str(batch): round(statistics.median(values), 1) for batch, values in by_batch.items()}
            for name, by_batch in figures.items()
        },
        "speedup_batch32": speedup,
        "speedup_batch32_rounds": ratios,
        "adopted": meets_the_bar(speedup, agreement["openvino_nncf_int8"].values()),
    }


def markdown_section(result: dict) -> list[str]:
    versions = result["versions"]
    checks = list(result["checked_pairs"])
    lines = [
        "## OpenVINO: a second CPU runtime (optional, measured)",
        "",
        f"{result['date']}, {result['cpu']}, {result['threads']} threads. "
        f"OpenVINO {versions['openvino']} with NNCF {versions['nncf']} int8 (post-training, transformer recipe, "
        f"{result['calibration_pairs']} LingNLI val calibration pairs, {result['quantize_seconds']} s to quantize; "
        f"the rest in {result['inference_precision']}) "
        "against onnxruntime's int8 graph, same threads, interleaved rounds; `nli bench --only openvino` "
        "(needs `pip install -e '.[openvino]'`).",
        "",
        "| runtime | batch 1 | batch 8 | batch 32 | "
        + " | ".join(f"agreement with torch, {name} (n={result['checked_pairs'][name]})" for name in checks)
        + " |",
        "| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in checks) + " |",
    ]
    for name, figures in result["pairs_per_s"].items():
        agreement = result["agreement_with_torch_fp32"][name]
        lines.append(
            f"| {name} | {figures['1']} | {figures['8']} | {figures['32']} | "
            + " | ".join(f"{100 * agreement[check]:.1f}%" for check in checks)
            + " |"
        )
    rounds = result["speedup_batch32_rounds"]
    verdict = "adopted" if result["adopted"] else "not adopted"
    lines += [
        "",
        f"OpenVINO against onnxruntime at batch 32: **{result['speedup_batch32']}×** (rounds {min(rounds):.2f}–"
        f"{max(rounds):.2f}); the bar was {SPEED_BAR}× at ≥ {100 * AGREEMENT_BAR:.0f}% agreement: **{verdict}**.",
        "",
    ]
    return lines
