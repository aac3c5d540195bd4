"""``nli stance``, ``nli stance-eval`` and ``nli stance-train``: where articles stand on a claim."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nli.cli.common import add_model_options, add_report_outputs, add_stance_model_option, warn, write_json
from nli.model.bundle import Model


def _model(args: argparse.Namespace) -> Model:
    return Model.load(args.model, args.backend, stance_model=args.stance_model)


def stance_cli(args: argparse.Namespace) -> int:
    from nli.errors import InputError
    from nli.scoring.claim_stance import stance_on_claim

    if not args.claim.strip():
        raise InputError(["--claim is empty: give the claim (a headline or a sentence) to take a stance on"])
    report = stance_on_claim(args.claim, args.paths, model=_model(args))
    for warning in report.warnings:
        warn(warning)
    if args.json:
        write_json(report.to_dict())
        return 0
    from nli.scoring.terminal import render_stances

    render_stances(report)
    return 0


def stance_eval_cli(args: argparse.Namespace) -> int:
    from nli.data.corpora import default_data_dir
    from nli.errors import InputError
    from nli.evaluation.fnc import (
        evaluate_stance,
        read_emergent,
        read_fnc,
        render_stance_result,
        stance_benchmark,
        stance_markdown,
        stratified_sample,
    )
    from nli.evaluation.measurement import check_measurement_output, write_measurement

    check_measurement_output(args.output)
    if not args.benchmark and not args.emergent and not (args.stances and args.bodies):
        raise InputError(["give --stances FILE.csv and --bodies FILE.csv (FNC-1 format), or --emergent FILE.csv"])
    model = _model(args)
    aggregator = model.require_aggregator()
    if args.benchmark:
        results = stance_benchmark(
            default_data_dir(), model.nli, model.encoder, aggregator, args.limit, model.stance_model
        )
        write_measurement(results, stance_markdown(results, aggregator.info, args.limit), args.output, args.json)
        return 0
    pairs = read_emergent(args.emergent) if args.emergent else read_fnc(args.stances, args.bodies)
    results = evaluate_stance(
        stratified_sample(pairs, args.limit),
        model.nli,
        model.encoder,
        aggregator,
        bool(args.emergent),
        stance_model=model.stance_model,
    )
    if args.json:
        write_json(results)
    else:
        for result in results:
            render_stance_result(result)
    return 0


def stance_train_cli(args: argparse.Namespace) -> int:
    from nli.scoring.stance import AGGREGATOR_FILE
    from nli.training.stance_aggregator import train_aggregator

    model = Model.load(args.model, args.backend, stance_model=False)
    aggregator = train_aggregator(args.stances, args.bodies, model.nli, model.encoder, args.limit)
    for row in aggregator.info["cross_validation"]:
        print(f"5-fold CV on the training sample: {row}", file=sys.stderr)
    out = model.directory / AGGREGATOR_FILE
    aggregator.save(out)
    print(f"wrote {out} ({aggregator.info['model']})", file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    stance = sub.add_parser("stance", help="each article's stance (agree/disagree/discuss/unrelated) on a claim")
    stance.add_argument("--claim", required=True, help="the claim: a headline, a sentence, a fact-check")
    stance.add_argument("paths", nargs="+", help="articles, read as `nli score` reads them")
    stance.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    add_model_options(stance)
    add_stance_model_option(stance)
    stance.set_defaults(func=stance_cli)

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
    add_report_outputs(stance_eval, "eval/STANCE.md, with --benchmark")
    add_model_options(stance_eval)
    add_stance_model_option(stance_eval)
    stance_eval.set_defaults(func=stance_eval_cli)

    stance_train = sub.add_parser(
        "stance-train", help="fit the stance aggregator on FNC-1 training files, held-out stories left out"
    )
    stance_train.add_argument("--stances", type=Path, required=True)
    stance_train.add_argument("--bodies", type=Path, required=True)
    stance_train.add_argument(
        "--limit", type=int, default=8000, help="stratified sample size (8000; make stance-model uses 16000)"
    )
    add_model_options(stance_train)
    stance_train.set_defaults(func=stance_train_cli)
