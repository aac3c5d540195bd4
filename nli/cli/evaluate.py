"""``nli eval``: the model on labelled pairs, the benchmark of every split, and real news through the decision."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nli.cli.common import add_data_dir, add_model_options, model_name, non_negative_int, positive_int, write_json
from nli.model.registry import ACCURATE_NLI_MODEL, DEFAULT_NLI_MODEL
from nli.outputs import check_outputs, json_text, output_file_problems, output_folder_problems, write_text_atomic

TIERS = {"default": DEFAULT_NLI_MODEL, "accurate": ACCURATE_NLI_MODEL}


def eval_cli(args: argparse.Namespace) -> int:
    if args.list:
        from nli.data.corpora import CORPORA
        from nli.evaluation.real_news import EVALUATION_ONLY_SETS, REAL_NEWS_SETS

        for name, corpus in sorted(CORPORA.items()):
            print(f"{name:32s} {corpus.role:7s} {'two-way' if corpus.two_way else 'three-way'}")
        for name in REAL_NEWS_SETS:
            print(f"{name:32s} {'real':7s} contradiction or not (--real-news)")
        for name in EVALUATION_ONLY_SETS:
            print(f"{name:32s} {'real':7s} false alarms only; evaluation only, by name (--real-news {name})")
        return 0
    results_path = args.results or (Path("eval/SPLITS.md") if args.all_splits else None)
    check_outputs(
        output_file_problems(args.errors, "--errors", args.files)
        + output_file_problems(args.html, "--html", args.files)
        + output_folder_problems(args.save, "--save")
        + output_file_problems(results_path, "--results")
        + (["--html and --errors both name one file: give two paths"] if _same(args.html, args.errors) else [])
    )
    from nli.evaluation.harness import parse_label_order

    parse_label_order(args.label_order)  # a wrong order is refused before any model is loaded
    if args.real_news is not None:
        return _real_news(args, results_path)
    from nli.model.backends import load_nli

    nli = load_nli(model_name(args), args.backend)
    if args.all_splits:
        from nli.evaluation.harness import run_benchmark

        results, markdown = run_benchmark(nli, args.data_dir, args.limit, args.batch_size, args.bootstrap)
        write_text_atomic(results_path, markdown)
        write_text_atomic(results_path.with_suffix(".json"), json_text(results) + "\n")
        print(f"wrote {results_path}", file=sys.stderr)
        if args.json:
            write_json(results)
        return 0
    return _labelled_sets(args, nli)


def _same(a: Path | None, b: Path | None) -> bool:
    return bool(a and b and a.resolve() == b.resolve())


def _labelled_sets(args: argparse.Namespace, nli) -> int:
    import numpy as np

    from nli.evaluation.harness import evaluate_pairs, gather_sets, misclassified, render_table, save_plots

    sets = gather_sets(
        args.files,
        args.dataset,
        args.saved_dataset,
        args.split,
        (args.premise_column, args.hypothesis_column, args.label_column),
        args.label_order,
        args.data_dir,
    )
    from nli.model.backends import load_nli

    reference = load_nli(model_name(args), "torch") if args.compare_backends and args.backend != "torch" else None
    results, all_errors, plots = [], [], {}
    plot_dir = args.save
    if args.html and not plot_dir:
        import tempfile

        plot_dir = Path(tempfile.mkdtemp(prefix="nli-eval-"))
    for pairs in sets:
        pairs = pairs.sample(args.limit)
        result, probs = evaluate_pairs(pairs, nli, args.batch_size, args.bootstrap)
        if reference is not None:
            ref_probs = reference.predict_proba(
                list(zip(pairs.premises, pairs.hypotheses, strict=True)), args.batch_size
            )
            result["backend_comparison"] = {
                "reference": "torch",
                "label_agreement": round(float((ref_probs.argmax(1) == probs.argmax(1)).mean()), 4),
                "max_prob_diff": round(float(np.abs(ref_probs - probs).max()), 4),
            }
        results.append(result)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            write_text_atomic(args.save / f"{pairs.name}.json", json_text(result) + "\n")
        if plot_dir:
            plots[pairs.name] = save_plots(result, probs, pairs, plot_dir)
        if args.errors or args.html:
            all_errors.extend({"dataset": pairs.name, **e} for e in misclassified(pairs, probs))
        if not args.json:
            render_table(result)
    if args.errors:
        write_text_atomic(args.errors, "".join(json_text(e, indent=None) + "\n" for e in all_errors))
        print(f"wrote {len(all_errors)} misclassified pairs to {args.errors}", file=sys.stderr)
    if args.html:
        from nli.scoring.html import render_eval_html

        write_text_atomic(args.html, render_eval_html(results, plots, all_errors))
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        write_json(results[0] if len(results) == 1 else results)
    return 0


def _real_news(args: argparse.Namespace, results_path: Path | None) -> int:
    import datetime

    from nli.cli.common import stderr_progress
    from nli.data.corpora import default_data_dir
    from nli.evaluation.real_news import (
        REAL_NEWS_SETS,
        evaluate_real_news,
        read_real_news,
        real_news_markdown,
    )
    from nli.evaluation.timing import cpu_description
    from nli.model.bundle import Model

    names = args.real_news or list(REAL_NEWS_SETS)
    root = args.data_dir or default_data_dir()
    sets = {name: read_real_news(name, root) for name in names}
    models = [TIERS[t] for t in args.tiers] if args.tiers else [model_name(args)]
    results = []
    for model_ref in models:
        model = Model.load(model_ref, args.backend, stance_model=False)  # real news: no article stances
        for name, pairs in sets.items():
            pairs = pairs[: args.limit] if args.limit else pairs
            result = evaluate_real_news(name, pairs, model, tuple(args.modes), progress=stderr_progress())
            results.append(result)
            figures = "  ".join(
                f"{mode}: BA {m['balanced_accuracy']} recall {m['recall']} false alarms {m['false_alarms']}"
                for mode, m in result["modes"].items()
            )
            print(f"{name} ({model.name}, n={len(pairs)}): {figures}", file=sys.stderr, flush=True)
    machine = f"{cpu_description()}, {datetime.date.today().isoformat()}"
    command = "make eval" if args.tiers and not args.real_news else f"nli eval --real-news {' '.join(names)}"
    if args.tiers and args.real_news:
        command += f" --tiers {' '.join(args.tiers)}"
    markdown = real_news_markdown(results, machine, command)
    if results_path:
        write_text_atomic(results_path, markdown)
        write_text_atomic(results_path.with_suffix(".json"), json_text(results) + "\n")
        print(f"wrote {results_path}", file=sys.stderr)
    if args.json:
        write_json(results)
    elif not results_path:
        sys.stdout.write(markdown)
    return 0


def add_commands(sub) -> None:
    parser = sub.add_parser("eval", help="measure the model on labelled pairs, or on real news through the decision")
    parser.add_argument("files", nargs="*", type=Path, help="JSONL, JSON, CSV or TSV files of labelled pairs")
    parser.add_argument("--dataset", action="append", default=[], help="a named set from ../shared/data (repeatable)")
    parser.add_argument("--saved-dataset", type=Path, help="a dataset saved with datasets' save_to_disk")
    parser.add_argument("--split", help="split of a saved DatasetDict")
    parser.add_argument("--premise-column", default="premise")
    parser.add_argument("--hypothesis-column", default="hypothesis")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--label-order", help="order of integer labels, e.g. 'entailment,neutral,contradiction'")
    add_data_dir(parser)
    add_model_options(parser, accurate=True)
    parser.add_argument("--limit", type=positive_int, help="score a reproducible sample of N pairs per set")
    parser.add_argument("--batch-size", type=positive_int, default=32)
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout (a list for several sets)")
    parser.add_argument("--save", type=Path, help="write JSON results and PNG plots to this directory")
    parser.add_argument("--errors", type=Path, help="write misclassified pairs (JSONL) to this file")
    parser.add_argument("--html", type=Path, help="write a self-contained HTML report to this file")
    parser.add_argument("--compare-backends", action="store_true", help="run torch and ONNX on the same pairs")
    parser.add_argument(
        "--bootstrap", type=non_negative_int, default=1000, help="bootstrap resamples for the 95%% intervals"
    )
    parser.add_argument("--list", action="store_true", help="list the named sets and exit")
    parser.add_argument(
        "--all-splits",
        action="store_true",
        help="every evaluation split of ../shared/data plus eval/data/news_pairs.jsonl",
    )
    parser.add_argument(
        "--real-news",
        nargs="*",
        metavar="SET",
        help="score real-news pairs through nli score's decision and by the model alone (default: every set; "
        "--list names them)",
    )
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=["model", "decision"],
        default=["model", "decision"],
        help="with --real-news: the model alone, nli score's decision, or both (default)",
    )
    parser.add_argument(
        "--tiers", nargs="+", choices=list(TIERS), help="with --real-news: measure these shipped models in turn"
    )
    parser.add_argument(
        "--results",
        type=Path,
        help="the Markdown table to write, a .json beside it (--all-splits: eval/SPLITS.md by default)",
    )
    parser.set_defaults(func=eval_cli)
