"""``nli bench``: speed of the torch and ONNX paths, measured in one run on the same pairs.

Each backend is measured in its own child process, so that its peak memory is its
own and the ONNX measurements run without torch loaded. The backends' passes are
interleaved round by round, and the speed-ups are medians of ratios taken within a
round: on a shared machine a figure drifts by a third within minutes, which
back-to-back measurements of one backend after another turn into a wrong ratio.
Compare ratios from one run, not figures across machines.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from nli.evaluation.timing import BATCH_SIZES, bench_pairs, cpu_description, interleaved_rounds
from nli.model.backends import NLI_ONNX_FILE, display_path
from nli.model.registry import ACCURATE_NLI_MODEL, DEFAULT_NLI_MODEL, resolve_model_dir
from nli.paths import EXAMPLE_SET, PROJECT_ROOT, cache_root


def fp32_onnx(model_dir: Path) -> Path:
    """The fp32 ONNX graph (not committed): the model's own, or one exported to a cache."""
    local = model_dir / "onnx" / "model_fp32.onnx"
    if local.exists():
        return local
    cached = cache_root() / "onnx-fp32" / model_dir.name / "onnx" / "model_fp32.onnx"
    if not cached.exists():
        from nli.model.export import classifier_to_onnx

        classifier_to_onnx(model_dir, cached)
    # The ONNX backend reads the tokenizer beside the graph: a fresh cache has none.
    from nli.model.export import TOKENIZER_FILES

    for name in TOKENIZER_FILES:
        if (model_dir / name).exists() and not (cached.parent.parent / name).exists():
            shutil.copy(model_dir / name, cached.parent.parent / name)
    return cached


def _timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _backend_worker(connection, kind: str, model_dir: str, onnx_file: str, threads: int) -> None:
    """In a child process: load one backend, then time one pass over the pairs per batch size asked for.

    Replies with pairs per second to each batch size received, and with the labels,
    peak RSS and whether torch got imported when it receives None.
    """
    import resource

    import numpy as np

    from nli.model.backends import OnnxNLI, TorchNLI

    pairs = bench_pairs()
    if kind == "torch":
        model = TorchNLI(Path(model_dir), threads=threads)
    else:
        model = OnnxNLI(Path(model_dir), onnx_file=onnx_file, threads=threads)
    model.predict_proba(pairs[:8])  # warm-up
    connection.send("ready")
    while (batch := connection.recv()) is not None:
        subset = pairs[:64] if batch == 1 else pairs
        start = time.perf_counter()
        model.predict_proba(subset, batch_size=batch)
        connection.send(len(subset) / (time.perf_counter() - start))
    connection.send(
        {
            "labels": np.asarray(model.predict_proba(pairs)).argmax(1).tolist(),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "torch_loaded": "torch" in sys.modules,
        }
    )


def measure_backends(backends: dict[str, tuple[str, str, str]], threads: int, rounds: int) -> dict:
    """Pairs per second for each backend (name -> kind, model dir, ONNX file), each in its own process.

    All the processes load their model first; their passes then run one at a
    time, interleaved (:func:`interleaved_rounds`), so only one backend computes
    at any moment.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no torch in the ONNX processes
    workers = {}
    try:
        for name, (kind, model_dir, onnx_file) in backends.items():
            parent_end, child_end = context.Pipe()
            process = context.Process(
                target=_backend_worker, args=(child_end, kind, model_dir, onnx_file, threads), daemon=True
            )
            process.start()
            workers[name] = (process, parent_end)
        for name, (_, connection) in workers.items():
            _receive(name, connection)

        def measure(name: str, connection) -> Callable[[int], float]:
            def one_pass(batch: int) -> float:
                connection.send(batch)
                return _receive(name, connection)

            return one_pass

        figures = interleaved_rounds(
            {name: measure(name, connection) for name, (_, connection) in workers.items()}, BATCH_SIZES, rounds
        )
        for _, connection in workers.values():
            connection.send(None)
        finals = {name: _receive(name, connection) for name, (_, connection) in workers.items()}
    finally:
        for process, _ in workers.values():
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return {name: {"figures": figures[name], **finals[name]} for name in workers}


def _receive(name: str, connection):
    try:
        return connection.recv()
    except EOFError:
        raise RuntimeError(f"benchmark process for {name} exited early (its error is printed above)") from None


def measure_encoder(kind: str, threads: int, repeats: int) -> dict:
    from nli.model.backends import load_encoder

    sentences = sorted({s for pair in bench_pairs() for s in pair})
    encoder = load_encoder(backend=kind, threads=threads)
    encoder.encode(sentences[:8])
    seconds = _timed(lambda: encoder.encode(sentences), repeats)
    return {"sentences_per_s": round(len(sentences) / seconds, 1)}


def _run_code(code: str, *argv: str, what: str = "benchmark child") -> dict:
    """Run ``code`` in a fresh Python in the project root; the JSON object its last stdout line prints."""
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=PROJECT_ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _child(function: str, *args) -> dict:
    code = f"import json, sys\nfrom nli.evaluation.bench import {function}\nprint(json.dumps({function}(*json.loads(sys.argv[1]))))\n"
    return _run_code(code, json.dumps(list(args)), what=f"benchmark child {function}{args}")


def example_claims() -> list[str]:
    """The claim sentences of the bundled example set: the material of the synthetic inputs."""
    from nli.scoring.articles import clean_article, read_articles
    from nli.scoring.sentences import is_claim, split_sentences

    return [
        s
        for article in read_articles([EXAMPLE_SET]).articles
        for s in split_sentences(clean_article(article).body)
        if is_claim(s)
    ]


def synthetic_set(n_articles: int, out_dir: Path, sentences_per_article: int = 8, seed: int = 0) -> Path:
    """Articles about one event of fixed size: example sentences, shuffled, with counts varied."""
    pool = example_claims()
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    for i in range(n_articles):
        chosen = rng.sample(pool, min(sentences_per_article, len(pool)))
        varied = [re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + rng.choice([0, 0, 1, 5])), s) for s in chosen]
        (out_dir / f"article-{i:03d}.txt").write_text("\n\n".join(varied) + "\n", encoding="utf-8")
    return out_dir


def tiny_set(n_articles: int, out_path: Path, seed: int = 0) -> Path:
    """One JSONL set of ``n_articles`` two-sentence articles about one event (example sentences, counts varied)."""
    pool = example_claims()
    rng = random.Random(seed)
    with out_path.open("w", encoding="utf-8") as handle:
        for i in range(n_articles):
            varied = [
                re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + rng.randint(0, 40)), s) for s in rng.sample(pool, 2)
            ]
            handle.write(json.dumps({"id": f"t{i}", "text": " ".join(varied)}) + "\n")
    return out_path


LARGE_SET_SIZES = (1000, 2000, 5000, 10000)
EXAMPLE_CLAIM = "Investigators said the fire at the warehouse was started deliberately."


def stance_cold(repeats: int = 3) -> list[dict]:
    """``nli stance`` on the example set in a fresh process, with the shipped stance model and without it."""
    rows = []
    for label, extra in (
        ("with the stance model", []),
        ("aggregator alone (--no-stance-model)", ["--no-stance-model"]),
    ):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "nli.cli",
                    "stance",
                    "--claim",
                    EXAMPLE_CLAIM,
                    str(EXAMPLE_SET),
                    "--json",
                    *extra,
                ],
                capture_output=True,
                text=True,
                cwd=PROJECT_ROOT,
            )
            times.append(time.perf_counter() - started)
            if result.returncode != 0:
                raise RuntimeError(result.stderr[-2000:])
        rows.append({"configuration": label, "articles": 5, "median_seconds": round(statistics.median(times), 2)})
    return rows


def measure_large_set(path: Path) -> dict:
    """``nli score`` on one large set in a fresh process: wall time, peak RSS, stage seconds, output size."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nli-large-") as work:
        output = Path(work) / "report.json"
        code = (
            "import json, resource, sys, time\n"
            "start = time.perf_counter()\n"
            "import nli\n"
            "from nli.outputs import json_text, write_text_atomic\n"
            f"report = nli.score_articles([{str(path)!r}])\n"
            f"write_text_atomic(__import__('pathlib').Path({str(output)!r}), json_text(report.to_dict()))\n"
            "print(json.dumps({'seconds': time.perf_counter() - start, 'nli_calls': report.stats.nli_calls,"
            " 'claims': len(report.claims), 'stage_seconds': report.stats.stage_seconds,"
            " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
        )
        inner = _run_code(code, what=f"scoring {path}")
        inner["json_mb"] = output.stat().st_size / 1e6
    return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in inner.items()}


def large_sets(sizes: Sequence[int] = LARGE_SET_SIZES, work_dir: Path | None = None) -> list[dict]:
    """One set each of ``sizes`` tiny articles (a day of coverage of one event), scored cold."""
    import tempfile

    work = Path(work_dir or tempfile.mkdtemp(prefix="nli-bench-"))
    rows = []
    for size in sizes:
        print(f"  scoring one set of {size} tiny articles", file=sys.stderr, flush=True)
        rows.append({"articles": size, **measure_large_set(tiny_set(size, work / f"tiny-{size}.jsonl"))})
    return rows


def _measured(result: dict, part: str) -> str:
    """When and where ``nli bench --only part`` last measured its section."""
    date = result.get("remeasured", {}).get(part)
    cpu = result.get("remeasured_on", {}).get(part)
    return f"Measured on {date}" + (f", {cpu}, {result['machine']['cores']} cores" if cpu else "") if date else ""


def stance_section(rows: list[dict], measured: str = "") -> list[str]:
    lines = [
        "## `nli stance` on the example set (cold: new process, imports, model load)",
        "",
        "| configuration | articles | seconds (median of 3) |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {row['configuration']} | {row['articles']} | {row['median_seconds']} |" for row in rows]
    lines += ["", f"{measured + ' with ' if measured else ''}`nli bench --only stance`.", ""]
    return lines


def large_set_section(rows: list[dict], measured: str = "") -> list[str]:
    lines = [
        "## One large set of tiny articles",
        "",
        "| articles | seconds | seconds per article | peak RSS (MB) | NLI calls | claims | JSON (MB) | slowest stages (s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        stages = sorted(row["stage_seconds"].items(), key=lambda item: -item[1])[:3]
        lines.append(
            f"| {row['articles']} | {row['seconds']} | {row['seconds'] / row['articles']:.3f} | {row['peak_rss_mb']} | "
            f"{row['nli_calls']} | {row['claims']} | {row['json_mb']} | "
            + ", ".join(f"{name} {seconds:.0f}" for name, seconds in stages)
            + " |"
        )
    lines += [
        "",
        f"{measured + ' with ' if measured else ''}`nli bench --only large-set` (a fresh process per set: import, "
        "model load, scoring, the JSON report "
        "written). Each article is two sentences drawn from the example set with counts varied, so every "
        "article is about the same event and close to every other: the worst case for pairing and for the "
        "article stances, which read every article against each of the 8 most widely shared claims. Nothing "
        "holds articles squared: pairing compares embeddings in blocks, the agreement counts hold only the pairs "
        "of articles with something compared, claims hold only the articles with a stance, and above 200 "
        "articles the JSON carries those sparse forms (docs: output schema).",
        "",
    ]
    return lines


LONG_TEXT_MB = (1, 5, 20)
LONG_PARAGRAPH_CHARS = 200_000


def long_text_file(megabytes: float, out_dir: Path, seed: int = 0) -> Path:
    """One article of about ``megabytes`` MB, in paragraphs of 200,000 characters: the shape that was quadratic."""
    pool = example_claims()
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    paragraphs: list[list[str]] = [[]]
    size = paragraph_size = 0
    while size < target:  # whole sentences only: a cut one would be dropped as a fragment
        if paragraph_size >= LONG_PARAGRAPH_CHARS:
            paragraphs.append([])
            paragraph_size = 0
        sentence = rng.choice(pool)
        paragraphs[-1].append(sentence)
        paragraph_size += len(sentence) + 1
        size += len(sentence) + 1
    path = out_dir / f"long-{megabytes:g}mb.txt"
    path.write_text("\n\n".join(" ".join(p) for p in paragraphs) + "\n", encoding="utf-8")
    return path


def measure_long_text(path: str) -> dict:
    """Reading, cleaning and splitting one long article, in this (fresh) process."""
    import resource

    from nli.scoring.articles import clean_articles, read_articles
    from nli.scoring.sentences import is_claim, split_article

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    cleaned, _ = clean_articles(read_articles([path]).articles)
    sentences = [s for c in cleaned for s in split_article(c.body)]
    claims = sum(map(is_claim, sentences))
    return {
        "megabytes": round(Path(path).stat().st_size / 1e6, 2),
        "seconds": round(time.perf_counter() - start, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_mb": round(before, 1),
        "sentences": len(sentences),
        "claims": claims,
    }


def long_text(sizes: Sequence[float] = LONG_TEXT_MB, work_dir: Path | None = None) -> list[dict]:
    import tempfile

    work = Path(work_dir or tempfile.mkdtemp(prefix="nli-long-"))
    results = []
    for megabytes in sizes:
        print(f"  reading and splitting a {megabytes:g} MB article", file=sys.stderr)
        path, load_before = long_text_file(megabytes, work), os.getloadavg()[0]
        row = _child("measure_long_text", str(path))
        # Near 2 besides the run itself (2 cores): the machine was shared, compare rows, not runs.
        results.append({**row, "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]})
    return results


def time_score_cold(path: Path, model: str | None = None) -> dict:
    """A fresh process: import, model load, scoring; and whether torch got imported."""
    code = (
        "import sys, time, json\n"
        "start = time.perf_counter()\n"
        "import nli\n"
        f"report = nli.score_articles([{str(path)!r}], model={model!r})\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'torch_loaded': 'torch' in sys.modules,"
        " 'nli_calls': report.stats.nli_calls}))\n"
    )
    start = time.perf_counter()
    inner = _run_code(code, what=f"scoring {path}")
    wall = time.perf_counter() - start
    return {
        "wall_seconds": round(wall, 2),
        **{k: (round(v, 2) if isinstance(v, float) else v) for k, v in inner.items()},
    }


def run(
    threads: int | None = None,
    repeats: int = 5,
    sizes: tuple[int, ...] = (10, 50, 200),
    work_dir: Path | None = None,
    long_text_mb: Sequence[float] = LONG_TEXT_MB,
) -> dict:

    from nli.model.backends import default_threads

    threads = threads or default_threads()
    model_dir = resolve_model_dir(None, DEFAULT_NLI_MODEL)
    fp32 = fp32_onnx(model_dir)
    print(f"benchmarking {model_dir} on {threads} threads", file=sys.stderr)
    measured = measure_backends(
        {
            "torch_fp32": ("torch", str(model_dir), ""),
            "onnx_fp32": ("onnx", str(fp32.parent.parent), "onnx/model_fp32.onnx"),
            "onnx_int8": ("onnx", str(model_dir), "onnx/model_int8.onnx"),
        },
        threads,
        repeats,
    )
    reference = measured["torch_fp32"]["labels"]

    def agreement(name: str) -> float:
        labels = measured[name]["labels"]
        return round(sum(a == b for a, b in zip(labels, reference, strict=True)) / len(labels), 4)

    def speedups(name: str) -> list[float]:
        """Batch-32 ratios over torch fp32, round by round."""
        return [
            round(fast / slow, 3)
            for fast, slow in zip(measured[name]["figures"][32], measured["torch_fp32"]["figures"][32], strict=True)
        ]

    embed = {kind: _child("measure_encoder", kind, threads, repeats)["sentences_per_s"] for kind in ("torch", "onnx")}
    result = {
        "machine": {
            "cores": os.cpu_count(),
            "threads": threads,
            "cpu": cpu_description(),
            "date": datetime.date.today().isoformat(),
        },
        "model": display_path(model_dir),
        "pairs": len(reference),
        "rounds": repeats,
        "nli_pairs_per_s": {
            name: {str(batch): round(statistics.median(values), 1) for batch, values in b["figures"].items()}
            for name, b in measured.items()
        },
        "peak_rss_mb": {name: b["peak_rss_mb"] for name, b in measured.items()},
        "speedup_int8_vs_torch": round(statistics.median(speedups("onnx_int8")), 2),
        "speedup_int8_vs_torch_rounds": speedups("onnx_int8"),
        "speedup_fp32_onnx_vs_torch": round(statistics.median(speedups("onnx_fp32")), 2),
        "agreement_int8_vs_torch": agreement("onnx_int8"),
        "agreement_fp32_onnx_vs_torch": agreement("onnx_fp32"),
        "onnx_ran_without_torch": not measured["onnx_int8"]["torch_loaded"],
        "embed_sentences_per_s": embed,
        **score_scaling(sizes, repeats, work_dir),
        "long_text": long_text(long_text_mb),
    }
    return result


def score_scaling(sizes: Sequence[int], repeats: int, work_dir: Path | None = None) -> dict:
    """``nli score`` cold on the example and on synthetic sets of ``sizes`` articles, and warm on the example."""
    import tempfile

    from nli.model.bundle import Model
    from nli.scoring.pipeline import score_articles

    score = {"example": time_score_cold(EXAMPLE_SET)}
    work = Path(work_dir or tempfile.mkdtemp(prefix="nli-bench-"))
    for size in sizes:
        print(f"  scoring a synthetic set of {size} articles", file=sys.stderr)
        score[str(size)] = time_score_cold(synthetic_set(size, work / f"set-{size}"))
    model = Model.load()
    score_articles([EXAMPLE_SET], model=model)
    warm = _timed(lambda: score_articles([EXAMPLE_SET], model=model), repeats)
    return {
        "score_seconds": {k: v["wall_seconds"] for k, v in score.items()},
        "score_detail": score,
        "score_warm_seconds_example": round(warm, 3),
    }


def measure_accurate(threads: int, repeats: int) -> dict:
    """The accurate model against the default, both int8 ONNX: pairs/s on the same pairs, and ``nli score``."""
    from nli.model.bundle import Model
    from nli.scoring.pipeline import score_articles

    models = {"default": DEFAULT_NLI_MODEL, "accurate": ACCURATE_NLI_MODEL}
    dirs = {name: resolve_model_dir(model) for name, model in models.items()}
    print(f"benchmarking {dirs['accurate']} against {dirs['default']} on {threads} threads", file=sys.stderr)
    measured = measure_backends(
        {name: ("onnx", str(model_dir), NLI_ONNX_FILE) for name, model_dir in dirs.items()}, threads, repeats
    )
    rows = {}
    for name, model in models.items():
        bundle = Model.load(model, threads=threads)
        score_articles([EXAMPLE_SET], model=bundle)
        rows[name] = {
            "model": display_path(dirs[name]),
            "onnx_mb": round((dirs[name] / NLI_ONNX_FILE).stat().st_size / 1e6, 1),
            "pairs_per_s": {
                str(batch): round(statistics.median(values), 1) for batch, values in measured[name]["figures"].items()
            },
            "peak_rss_mb": measured[name]["peak_rss_mb"],
            "score_cold_seconds_example": time_score_cold(EXAMPLE_SET, model)["wall_seconds"],
            "score_warm_seconds_example": round(
                _timed(lambda bundle=bundle: score_articles([EXAMPLE_SET], model=bundle), repeats), 3
            ),
        }
    slowdowns = [
        round(default / accurate, 2)
        for default, accurate in zip(
            measured["default"]["figures"][32], measured["accurate"]["figures"][32], strict=True
        )
    ]
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_description(),
        "threads": threads,
        "rounds": repeats,
        "models": rows,
        "slowdown_at_batch_32": statistics.median(slowdowns),
        "slowdown_at_batch_32_rounds": slowdowns,
    }


def accurate_section(accurate: dict) -> list[str]:
    rounds = accurate["slowdown_at_batch_32_rounds"]
    lines = [
        "## The accurate model (`nli score --accurate`)",
        "",
        f"{accurate['date']}, {accurate['cpu']}, {accurate['threads']} threads, {accurate['rounds']} interleaved "
        "rounds on the pairs above; `nli bench --only accurate` remeasures this section alone.",
        "",
        "| model | int8 graph (MB) | batch 1 | batch 8 | batch 32 | peak RSS (MB) | `nli score` example, cold (s) "
        "| warm (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in accurate["models"].items():
        figures = row["pairs_per_s"]
        lines.append(
            f"| {name}: `{row['model']}` | {row['onnx_mb']} | {figures['1']} | {figures['8']} | {figures['32']} | "
            f"{row['peak_rss_mb']} | {row['score_cold_seconds_example']} | {row['score_warm_seconds_example']} |"
        )
    lines += [
        "",
        f"The accurate model is **{accurate['slowdown_at_batch_32']}×** slower at batch 32 (median of the rounds' "
        f"ratios, {min(rounds):.2f}–{max(rounds):.2f}). Pairs per second are pairs of the NLI model; `nli score` "
        "adds reading, splitting, sentence embeddings and slot comparison, which do not change with the model.",
        "",
    ]
    return lines


def markdown(result: dict) -> str:
    m = result["machine"]
    rounds = result["speedup_int8_vs_torch_rounds"]
    lines = [
        "# Speed benchmark",
        "",
        f"{m['date']}, {m['cpu']}, {m['cores']} cores, {m['threads']} threads, model `{result['model']}`, "
        f"{result['pairs']} news sentence pairs (eval/data/news_pairs.jsonl, both directions). "
        "Medians of interleaved rounds (every backend once per round, one at a time), all measured in one "
        "`make bench` run; regenerate, do not edit.",
        "",
        "## NLI cross-encoder, pairs per second",
        "",
        "| path | batch 1 | batch 8 | batch 32 | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, figures in result["nli_pairs_per_s"].items():
        lines.append(f"| {name} | {figures['1']} | {figures['8']} | {figures['32']} | {result['peak_rss_mb'][name]} |")
    lines += [
        "",
        f"- ONNX int8 vs torch fp32 at batch 32: **{result['speedup_int8_vs_torch']}×** "
        f"(median of {len(rounds)} interleaved rounds, {min(rounds):.2f}–{max(rounds):.2f}), "
        f"label agreement {100 * result['agreement_int8_vs_torch']:.1f}% (target: ≥ 2.5×, ≥ 98%; "
        "the ratio depends on the CPU: torch's fp32 kernels gain more than the int8 ones on some)",
        f"- ONNX fp32 vs torch fp32 at batch 32: {result['speedup_fp32_onnx_vs_torch']}×, "
        f"label agreement {100 * result['agreement_fp32_onnx_vs_torch']:.1f}%",
        f"- ONNX measured without torch imported: {result['onnx_ran_without_torch']}",
        f"- Sentence embeddings per second: torch {result['embed_sentences_per_s']['torch']}, "
        f"ONNX int8 {result['embed_sentences_per_s']['onnx']}",
        "",
        "## `nli score`, end to end (cold: new process, imports, model load)",
        "",
        *(
            [
                f"Remeasured on {result['remeasured']['score']} with `nli bench --only score` (the rest of this page "
                "is from the full run above).",
                "",
            ]
            if result.get("remeasured", {}).get("score")
            else []
        ),
        "| set | articles | seconds | NLI calls | NLI calls per article | torch imported |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, detail in result["score_detail"].items():
        articles = 5 if name == "example" else int(name)
        label = "examples/dock-road-fire" if name == "example" else "synthetic"
        lines.append(
            f"| {label} | {articles} | {detail['wall_seconds']} | {detail['nli_calls']} | "
            f"{detail['nli_calls'] / articles:.1f} | {detail['torch_loaded']} |"
        )
    lines += [
        "",
        f"Warm (models loaded) on the example set: {result['score_warm_seconds_example']} s. "
        "Synthetic sets draw eight sentences per article from the example set, with counts varied, so the "
        "event size is fixed. NLI calls are bounded by six per claim sentence (its top-3 neighbours in other "
        "articles, both directions) plus one anchor pair per claim member, plus at most six per article for each "
        "of the 8 most widely shared claims (article stances), so they grow at most linearly with the number "
        "of articles; near-identical copies cost none, which is why small synthetic sets need few. Slot "
        "comparison parses each sentence of a labelled pair once with spaCy (its import and load are part of "
        "the cold time).",
        "",
    ]
    if result.get("long_text"):
        lines += [
            "## Long articles: reading, cleaning and splitting",
            "",
            "| article | seconds | seconds per MB | peak RSS (MB) | RSS before reading (MB) | sentences "
            "| load average before / after |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in result["long_text"]:
            lines.append(
                f"| {row['megabytes']} MB | {row['seconds']} | {row['seconds'] / row['megabytes']:.2f} | "
                f"{row['peak_rss_mb']} | {row['rss_before_mb']} | {row['sentences']} | "
                f"{' / '.join(map(str, row.get('load_average', ['-', '-'])))} |"
            )
        lines += [
            "",
            "One article in paragraphs of 200,000 characters (a fresh process each; `nli bench --only long-text` "
            "remeasures this table alone). pysbd's time grows with the square of a paragraph's length, so "
            "paragraphs go to it in pieces of about 4,000 characters cut at safe sentence ends: seconds per MB "
            "stay flat as the article grows.",
            "",
        ]
    if result.get("stance"):
        lines += stance_section(result["stance"], _measured(result, "stance"))
    if result.get("large_set"):
        lines += large_set_section(result["large_set"], _measured(result, "large-set"))
    if result.get("accurate"):
        lines += accurate_section(result["accurate"])
    if result.get("openvino"):
        from nli.evaluation.openvino_bench import markdown_section

        lines += markdown_section(result["openvino"])
    return "\n".join(lines)
