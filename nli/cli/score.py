"""``nli score``: one article set, reported on the terminal, as JSON or as HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nli.cli.common import (
    add_model_options,
    add_stance_model_option,
    cosine,
    model_name,
    non_negative_int,
    positive_int,
    probability,
    stderr_progress,
    warn,
    write_json,
)
from nli.outputs import check_outputs, output_file_problems, write_text_atomic
from nli.scoring.options import ScoreOptions
from nli.scoring.pairing import DEFAULT_MIN_SIMILARITY, DEFAULT_TOP_K
from nli.scoring.verdicts import RULES


def add_scoring_options(parser: argparse.ArgumentParser) -> None:
    """How a set is scored: the options of ``nli score`` that ``nli score-sets`` shares."""
    add_model_options(parser, accurate=True)
    add_stance_model_option(parser)
    parser.add_argument(
        "--threshold",
        type=probability,
        help="the contradiction threshold of the decision in force: the combiner's probability where the model "
        "has a combiner (both shipped models do), else the model's contradiction strength (--model-only); "
        "higher: fewer, surer contradictions (default: the model's own)",
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


def score_options(args: argparse.Namespace) -> ScoreOptions:
    """The :class:`ScoreOptions` that the command line gives."""
    return ScoreOptions(
        threshold=args.threshold,
        entailment_threshold=args.entailment_threshold,
        rule=args.rule,
        min_similarity=args.min_similarity,
        top_k=args.top_k,
        within_article=args.within_article,
        allow_single=args.allow_single,
        compare_slots=not args.model_only,
        article_stances=not args.pair_stances_only,
    )


def score_cli(args: argparse.Namespace) -> int:
    from nli.model.bundle import Model
    from nli.scoring.pipeline import score_articles
    from nli.scoring.terminal import render_terminal

    check_outputs(
        output_file_problems(args.output, "--output", args.paths)
        + output_file_problems(args.html, "--html", args.paths)
        + _same_path_problems(args.output, args.html)
    )
    options = score_options(args)
    model = Model.load(model_name(args), args.backend, stance_model=args.stance_model)
    report = score_articles(args.paths, model=model, options=options, progress=stderr_progress())
    # Warnings go to stderr whatever the output, so stdout holds only the report.
    for warning in report.warnings:
        warn(warning)
    if args.html:
        from nli.scoring.html import render_score_html

        write_text_atomic(args.html, render_score_html(report, top=args.top or 20))
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json or args.output:
        write_json(report.to_dict(top=args.top), args.output)
        if args.output:
            print(f"wrote {args.output}", file=sys.stderr)
        if args.json:
            return 0
    render_terminal(report, top=args.top or 10, show_dropped=args.show_dropped)
    return 0


def _same_path_problems(output: Path | None, html: Path | None) -> list[str]:
    if output and html and output.resolve() == html.resolve():
        return [f"--output and --html both name {output}: one would overwrite the other; give two paths"]
    return []


def add_commands(sub) -> None:
    score = sub.add_parser("score", help="find shared claims, agreements and contradictions in an article set")
    score.add_argument("paths", nargs="+", help="a directory of .txt/.md/.html files, files, or a .jsonl/.json file")
    score.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    score.add_argument("--output", type=Path, help="write the JSON document to this file")
    add_scoring_options(score)
    score.add_argument("--show-dropped", action="store_true", help="list the boilerplate lines removed")
    score.add_argument("--html", type=Path, help="also write a self-contained HTML report to this file")
    score.set_defaults(func=score_cli)
