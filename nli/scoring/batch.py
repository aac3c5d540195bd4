"""``nli score-sets``: the run around the engines: checks, resume, progress, summary, exit status."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nli.errors import InputError
from nli.outputs import check_outputs, json_text, output_file_problems, write_text_atomic
from nli.scoring.engines import run_local, run_ray
from nli.scoring.sets import ResultWriter, ScoreOptions, SetScorer, completed_sets, iter_sets, skip_done

# Exit status when the run finished but some sets could not be scored (their lines hold "error").
EXIT_SOME_FAILED = 4


def _count_sets(path: Path) -> int:
    if path.is_dir():
        return sum(1 for p in path.iterdir() if p.is_dir())
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _progress(total: int):
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


def score_sets_command(args) -> int:
    if not args.input.exists():
        raise InputError([f"{args.input}: no such file or directory; expected a JSONL file of sets or a folder"])
    check_outputs(
        output_file_problems(args.output, "--output", [args.input])
        + output_file_problems(args.summary, "--summary", [args.input])
    )
    if args.output.exists() and args.output.stat().st_size and not args.resume:
        raise InputError([f"--output {args.output}: exists; pass --resume to go on from it, or choose another file"])
    options = ScoreOptions.from_args(args)
    if args.engine == "ray" or args.workers > 1:
        # Load the models here once, so a missing or broken one is exit 3 with its file named,
        # not a worker or an actor dying with a traceback.
        SetScorer(options)

    started = time.perf_counter()
    done = completed_sets(args.output) if args.resume else []
    total = _count_sets(args.input)
    items = skip_done(iter_sets(args.input), done, args.output)
    if args.engine == "ray":
        results = run_ray(items, options, args.workers, args.ray_address)
    else:
        results = run_local(items, options, args.workers)

    scored = failed = 0
    first_result = None
    progress = _progress(total - len(done))
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
            f"nli: interrupted after {scored + failed} sets; every line in {args.output} is complete, "
            "--resume goes on from there",
            file=sys.stderr,
        )
        return 130
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
