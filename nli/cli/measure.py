"""``nli eval-sets``, ``nli eval-slots`` and ``nli split-eval``: measurements that write a report."""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from nli.cli.common import add_data_dir, add_report_outputs, positive_int
from nli.paths import NUMBER_PHRASES, SLOT_PAIRS


def eval_sets_cli(args: argparse.Namespace) -> int:
    from nli.evaluation.article_sets import markdown, run
    from nli.evaluation.measurement import check_measurement_output, write_measurement

    check_measurement_output(args.output)
    result = run(args.data_dir, args.limit, args.seed, args.configurations, args.model, args.stance_model)
    write_measurement(result, markdown(result), args.output, args.json)
    return 0


def eval_slots_cli(args: argparse.Namespace) -> int:
    from nli.evaluation.measurement import check_measurement_output, write_measurement
    from nli.evaluation.slot_eval import evaluate_decisions, evaluate_number_parsers, evaluate_pairs, markdown

    check_measurement_output(args.output)
    result = {
        "date": datetime.date.today().isoformat(),
        "pairs": evaluate_pairs(args.pairs),
        "decisions": evaluate_decisions(args.pairs, args.model),
        "numbers": evaluate_number_parsers(args.numbers),
    }
    write_measurement(result, markdown(result), args.output, args.json)
    return 0


def split_eval_cli(args: argparse.Namespace) -> int:
    from nli.evaluation.measurement import check_measurement_output, write_measurement
    from nli.evaluation.splitters import compare_splitters, markdown

    check_measurement_output(args.output)
    result = compare_splitters(args.cases)
    write_measurement(result, markdown(result), args.output, args.json)
    return 0


def add_commands(sub) -> None:
    eval_sets = sub.add_parser(
        "eval-sets", help="measure on FNC-1 training article sets whether the tool finds which articles disagree"
    )
    add_data_dir(eval_sets)
    eval_sets.add_argument("--model", help="model directory or name (default: minilm-nli-news)")
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
        help="a stance model directory (make train-stance): scores only the held-out stories' sets, without and with it",
    )
    add_report_outputs(eval_sets, "eval/ARTICLE_SETS.md")
    eval_sets.set_defaults(func=eval_sets_cli)

    eval_slots = sub.add_parser("eval-slots", help="measure the slot comparison on hand-written typed pairs")
    eval_slots.add_argument("--pairs", type=Path, default=SLOT_PAIRS, help="JSONL of {a, b, expected, kind}")
    eval_slots.add_argument("--numbers", type=Path, default=NUMBER_PHRASES, help="JSONL of {text, value}")
    eval_slots.add_argument("--model", help="model directory or name (default: minilm-nli-news)")
    add_report_outputs(eval_slots, "eval/SLOTS.md")
    eval_slots.set_defaults(func=eval_slots_cli)

    from nli.evaluation.splitters import SPLIT_CASE_FILES

    split_eval = sub.add_parser("split-eval", help="compare sentence splitters on hand-split news paragraphs")
    split_eval.add_argument(
        "--cases", type=Path, nargs="+", default=SPLIT_CASE_FILES, help="JSONL files of {id, text, sentences}"
    )
    add_report_outputs(split_eval, "eval/SPLITTERS.md")
    split_eval.set_defaults(func=split_eval_cli)
