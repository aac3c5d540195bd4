"""``nli score-sets``: many article sets, one JSONL line each, resumable, on local workers or Ray.

The run loop lives here: checks before any work, resume, the progress bar, the
summary and the exit status. Reading sets, scoring one set and writing its line are
:mod:`nli.batch.sets`; distributing sets is :mod:`nli.batch.engines`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from nli.batch.engines import ENGINES, run_local, run_ray
from nli.batch.sets import OutputLock, ResultWriter, SetScorer, SetsJob, completed_sets, iter_sets, skip_done
from nli.cli.common import EXIT_INTERRUPTED, EXIT_SOME_FAILED, model_name, positive_int
from nli.cli.score import add_scoring_options, score_options
from nli.errors import InputError
from nli.outputs import check_outputs, json_text, output_file_problems, write_text_atomic


def _count_sets(path: Path) -> int:
    if path.is_dir():
        return sum(1 for p in path.iterdir() if p.is_dir())
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _progress_bar(total: int):
    """A rich progress bar with sets/s and ETA on a terminal; nothing when stderr is piped."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("scoring sets"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} sets/s"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    progress.start()
    progress.add_task("sets", total=total, rate="-")
    return progress


def _check(args: argparse.Namespace) -> None:
    if not args.input.exists():
        raise InputError([f"{args.input}: no such file or directory; expected a JSONL file of sets or a folder"])
    problems = output_file_problems(args.output, "--output", [args.input]) + output_file_problems(
        args.summary, "--summary", [args.input]
    )
    if args.summary and args.summary.resolve() == args.output.resolve():
        problems.append(f"--summary and --output both name {args.output}: give two paths")
    check_outputs(problems)
    if args.output.exists() and args.output.stat().st_size and not args.resume:
        raise InputError([f"--output {args.output}: exists; pass --resume to go on from it, or choose another file"])


def score_sets_cli(args: argparse.Namespace) -> int:
    _check(args)
    lock = OutputLock(args.output)
    existed = args.output.exists()
    try:
        return _run(args)
    finally:
        lock.release()
        # A run that wrote nothing (a broken model, an empty input) leaves no empty file behind.
        if not existed and args.output.exists() and not args.output.stat().st_size:
            args.output.unlink()


def _run(args: argparse.Namespace) -> int:
    job = SetsJob(model_name(args), args.backend, score_options(args), args.top, stance_model=args.stance_model)
    # Load the model here once, before any output is opened, so a missing or broken one is
    # exit 3 with its file named, not a worker or an actor dying with a traceback.
    scorer = SetScorer(job)

    started = time.perf_counter()
    done = completed_sets(args.output) if args.resume else []
    total = _count_sets(args.input)
    if len(done) > total:
        raise InputError(
            [
                f"--output {args.output}: holds {len(done)} sets but {args.input} has {total}; --resume needs the same input"
            ]
        )
    items = skip_done(iter_sets(args.input), done, args.output)
    if args.engine == "ray":
        results = run_ray(items, job, args.workers, args.ray_address)
    else:
        results = run_local(items, job, args.workers, scorer if args.workers == 1 else None)

    scored = failed = 0
    first_result = None
    progress = _progress_bar(total - len(done))
    writer = ResultWriter(args.output, append=bool(done))
    try:
        for document in results:
            writer.write(document)
            first_result = first_result or time.perf_counter() - started
            if "error" in document:
                failed += 1
                named = f"set {document['set']!r}: " if document["set"] is not None else ""
                print(f"nli: {named}" + "; ".join(document["error"]), file=sys.stderr)
            else:
                scored += 1
            if progress:
                elapsed = time.perf_counter() - started
                progress.update(0, advance=1, rate=f"{(scored + failed) / elapsed:.2f}")
    except KeyboardInterrupt:
        print(
            f"nli: interrupted after {writer.written} sets this run ({len(done) + writer.written} in all); "
            f"every line in {args.output} is complete, --resume goes on from there",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        writer.close()
        if progress:
            progress.stop()
    seconds = time.perf_counter() - started
    summary = {
        "sets": scored + failed,
        "scored": scored,
        "failed": failed,
        "already_done": len(done),
        "seconds": round(seconds, 2),
        "sets_per_s": round((scored + failed) / seconds, 3) if seconds else None,
        "seconds_to_first_result": round(first_result, 2) if first_result else None,
        "engine": args.engine,
        "workers": args.workers,
        "output": str(args.output),
    }
    print(
        f"score-sets: {scored} scored, {failed} failed, {len(done)} already done; "
        f"{seconds:.1f} s, {summary['sets_per_s']} sets/s",
        file=sys.stderr,
    )
    if args.summary:
        write_text_atomic(args.summary, json_text(summary) + "\n")
    return EXIT_SOME_FAILED if failed else 0


def add_commands(sub) -> None:
    sets = sub.add_parser(
        "score-sets", help="score many article sets (JSONL, one set per line, or a folder of set folders)"
    )
    sets.add_argument("input", type=Path, help='a JSONL file of {"set": id, "articles": [...]} or a folder of folders')
    sets.add_argument("--output", type=Path, required=True, help="the JSONL results, one line per set, in input order")
    sets.add_argument("--resume", action="store_true", help="skip the sets already in --output (redo a cut last line)")
    sets.add_argument("--summary", type=Path, help="also write the run's summary (sets, failed, seconds) as JSON")
    sets.add_argument("--engine", choices=ENGINES, default="local", help="where sets are scored (local)")
    sets.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="worker processes (local) or actors (ray); threads split the cores",
    )
    sets.add_argument("--ray-address", help="join this Ray cluster (default: start a local Ray)")
    add_scoring_options(sets)
    sets.set_defaults(func=score_sets_cli)
