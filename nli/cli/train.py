"""``nli train``, ``nli interpolate``, ``nli export``, ``nli teacher-labels``, ``nli tune-thresholds``, ``nli fit-combiner``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nli.cli.common import EXIT_CHECK_FAILED, EXIT_INPUT, add_data_dir, add_model_options, error, positive_int
from nli.paths import RECIPES_DIR


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def train_cli(args: argparse.Namespace) -> int:
    from nli.training.trainer import snapshot, train

    if args.snapshot:
        final = snapshot(args.recipe, args.run_dir)
    else:
        final = train(
            args.recipe, args.run_dir, data_dir=args.data_dir, max_steps=args.max_steps, precision=args.precision
        )
    _log(f"trained model: {final}")
    if args.export:
        from nli.model.export import export_nli

        export_nli(final, args.export, log=_log)
    return 0


def interpolate_cli(args: argparse.Namespace) -> int:
    from nli.training.interpolate import interpolate
    from nli.training.mix import resolve_base_model

    try:
        out = interpolate(Path(resolve_base_model(args.base)), args.tuned, args.weight, args.out)
    except ValueError as err:
        return error(str(err), EXIT_INPUT)
    _log(f"wrote {out}: {1 - args.weight:g} x {args.base} + {args.weight:g} x {args.tuned}")
    return 0


def export_cli(args: argparse.Namespace) -> int:
    from nli.model.export import ExportError, export_embedder, export_nli
    from nli.model.registry import DEFAULT_EMBEDDER
    from nli.paths import MODELS_DIR

    try:
        if args.embedder:
            export_embedder(MODELS_DIR / DEFAULT_EMBEDDER, log=_log)
        if args.checkpoint:
            export_nli(
                args.checkpoint, args.out or args.checkpoint, log=_log, onnx_only=args.onnx_only, **_stance(args)
            )
    except ExportError as err:
        return error(str(err), EXIT_CHECK_FAILED)
    return 0


def _stance(args: argparse.Namespace) -> dict:
    """For a stance model's checkpoint: its passage spec kept, parity measured on its own passages."""
    from nli.data.corpora import default_data_dir
    from nli.scoring.stance import STANCE_PASSAGE_FILE, PassageSpec
    from nli.training.stance_pairs import parity_passages

    if not (args.checkpoint / STANCE_PASSAGE_FILE).exists():
        return {}
    spec = PassageSpec.of_model(args.checkpoint)
    return {
        "pairs": parity_passages(default_data_dir(), spec),
        "max_length": spec.max_tokens,
        "keep_files": [STANCE_PASSAGE_FILE],
    }


def teacher_labels_cli(args: argparse.Namespace) -> int:
    from nli.training.distill import make_teacher_labels

    make_teacher_labels(
        args.recipe, args.teacher, args.out, data_dir=args.data_dir, limit=args.limit, backend=args.backend
    )
    return 0


def tune_thresholds_cli(args: argparse.Namespace) -> int:
    from nli.model.backends import load_nli
    from nli.scoring.verdicts import THRESHOLDS_FILE
    from nli.training.thresholds import tune

    nli = load_nli(args.model, args.backend)
    chosen = tune(nli, args.data_dir, args.limit)
    out = Path(nli.model_dir) / THRESHOLDS_FILE
    out.write_text(json.dumps(chosen, indent=2) + "\n", encoding="utf-8")
    _log(
        f"contradiction: rule {chosen['rule']}, threshold {chosen['contradiction']} (F1 {chosen['contradiction_f1']}); "
        f"entailment: threshold {chosen['entailment']} (F1 {chosen['entailment_f1']}); wrote {out}"
    )
    return 0


def fit_combiner_cli(args: argparse.Namespace) -> int:
    from nli.model.backends import load_encoder, load_nli
    from nli.scoring.combiner import COMBINER_FILE
    from nli.training.combiner import fit_combiner

    nli = load_nli(args.model, args.backend)
    record = fit_combiner(
        nli, load_encoder(backend=args.backend), Path(nli.model_dir), args.data_dir, args.limit, args.seed, args.news
    )
    fitted = record["fit"]
    for name in ("model_alone", "combined_cross_validated"):
        quality = fitted[name]
        _log(
            f"{name:26s} ECE {quality['ece']:.4f}  accuracy {quality['accuracy']:.4f}  "
            f"precision {quality['precision']:.4f}  recall {quality['recall']:.4f}  F1 {quality['f1']:.4f}"
        )
    _log(f"wrote {Path(nli.model_dir) / COMBINER_FILE} ({fitted['rows']} pairs, {fitted['seconds']} s)")
    return 0


def tune_decision_cli(args: argparse.Namespace) -> int:
    from nli.model.bundle import Model
    from nli.training.decision import tune_decision

    result = tune_decision(Model.load(args.model, args.backend, stance_model=False), args.data_dir, log=_log)
    _log(f"decision threshold {result['threshold']}: {result['at_threshold']}")
    return 0


def add_commands(sub) -> None:
    from nli.training.numerics import PRECISIONS

    train = sub.add_parser("train", help="train the cross-encoder from a recipe (resumable)")
    train.add_argument("--recipe", type=Path, default=RECIPES_DIR / "minilm-news-v1.toml")
    train.add_argument("--run-dir", type=Path, required=True, help="checkpoints go here (keep it outside the repo)")
    add_data_dir(train)
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
    train.set_defaults(func=train_cli)

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
    add_data_dir(labels)
    labels.add_argument("--limit", type=positive_int, help="label only the first N pairs (smoke runs)")
    labels.set_defaults(func=teacher_labels_cli)

    mix = sub.add_parser(
        "interpolate", help="a weight-space ensemble of a model and its fine-tuned descendant, for nli export"
    )
    mix.add_argument(
        "base",
        help="the model the tuned one continued: a directory with model.safetensors, or git:REVISION:FOLDER "
        "(a model folder as this repository's history holds it)",
    )
    mix.add_argument("tuned", type=Path, help="the fine-tuned model (a run's final directory)")
    mix.add_argument("--weight", type=float, required=True, help="the tuned model's share, from 0 to 1")
    mix.add_argument("--out", type=Path, required=True, help="the new model directory")
    mix.set_defaults(func=interpolate_cli)

    export = sub.add_parser("export", help="export a trained model to fp16 safetensors + ONNX int8, with parity check")
    export.add_argument("checkpoint", type=Path, nargs="?", help="a trained model directory (HF format)")
    export.add_argument("--out", type=Path, help="target directory (default: in place)")
    export.add_argument("--embedder", action="store_true", help="(re)export the sentence encoder to models/")
    export.add_argument(
        "--onnx-only", action="store_true", help="keep only the int8 ONNX graph (no fp16 weights), after parity"
    )
    export.set_defaults(func=export_cli)

    tune = sub.add_parser("tune-thresholds", help="choose the verdict thresholds on training-side data")
    add_model_options(tune)
    add_data_dir(tune)
    tune.add_argument("--limit", type=int, help="a reproducible sample of N pairs")
    tune.set_defaults(func=tune_thresholds_cli)

    fit = sub.add_parser(
        "fit-combiner", help="fit the contradiction combiner (model + slot comparison) on natural training-side pairs"
    )
    add_model_options(fit)
    add_data_dir(fit)
    fit.add_argument("--limit", type=positive_int, default=3000, help="pairs sampled from LingNLI val (3000)")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument(
        "--news",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="add the real-news fitting pairs (SummEdits dev, ClaimDiff train, Check-COVID train, news_pairs)",
    )
    fit.set_defaults(func=fit_combiner_cli)

    decision = sub.add_parser(
        "tune-decision", help="choose the combiner's threshold on real news, through nli score's own decision"
    )
    add_model_options(decision)
    add_data_dir(decision)
    decision.set_defaults(func=tune_decision_cli)
