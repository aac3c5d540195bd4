"""``nli bench-sets``: ``nli score-sets`` on real article sets, per engine and number of workers.

The sets come from FNC-1 *training* data: one set per headline, holding the bodies
related to it (agree, disagree or discuss), as a news-monitoring desk would get a
story cluster. Each configuration runs ``nli score-sets`` in a fresh process, so the
figures include model loading, as a user's run does.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from nli.data.corpora import default_data_dir
from nli.errors import InputError
from nli.evaluation.fnc import read_fnc
from nli.evaluation.timing import cpu_description
from nli.paths import PROJECT_ROOT

CONFIGURATIONS = (("local", 1), ("local", 2), ("ray", 1), ("ray", 2))


def fnc_sets(data_dir: Path | None = None) -> list[dict]:
    """Every FNC-1 training headline with two or more related bodies, as a score-sets line, in file order."""
    root = (data_dir or default_data_dir()) / "fnc-1"
    pairs = read_fnc(root / "train_stances.csv", root / "train_bodies.csv")
    related: dict[str, list[str]] = {}
    for headline, body_id, stance in zip(pairs.headlines, pairs.body_ids, pairs.stances, strict=True):
        if stance != "unrelated" and body_id not in related.setdefault(headline, []):
            related[headline].append(body_id)
    return [
        {"set": f"fnc-train-{k:04d}", "articles": [{"id": f"body-{b}", "text": pairs.bodies[b]} for b in bodies]}
        for k, bodies in enumerate(b for b in related.values() if len(b) >= 2)
    ]


def _run(input_path: Path, engine: str, workers: int, work: Path) -> dict:
    """One score-sets run in a fresh process; peak RSS of the largest process it waited for."""
    out, summary = work / f"{engine}-{workers}.jsonl", work / f"{engine}-{workers}.summary.json"
    out.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "nli.cli", "score-sets", str(input_path), "--output", str(out),
        "--summary", str(summary), "--engine", engine, "--workers", str(workers),
    ]  # fmt: skip
    code = (
        "import json, resource, subprocess, sys\n"
        f"done = subprocess.run({command!r}, capture_output=True, text=True)\n"
        "print(json.dumps({'code': done.returncode, 'stderr': done.stderr[-2000:],"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    load_before = os.getloadavg()[0]
    wrapper = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT)
    outcome = json.loads(wrapper.stdout.strip().splitlines()[-1])
    if outcome["code"] not in (0, 4):
        raise RuntimeError(f"score-sets ({engine}, {workers}) failed:\n{outcome['stderr']}")
    result = json.loads(summary.read_text())
    return {
        "engine": engine,
        "workers": workers,
        "sets": result["sets"],
        "failed": result["failed"],
        "seconds": result["seconds"],
        "sets_per_s": result["sets_per_s"],
        "seconds_to_first_result": result["seconds_to_first_result"],
        "peak_rss_mb_largest_process": round(outcome["peak_rss_mb"], 1),
        # The 1-minute load average before and after: on a 2-core machine anything near 2
        # besides the run itself means the figures were shared with other work.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def run(sizes: list[int], configurations=CONFIGURATIONS, data_dir: Path | None = None) -> dict:
    sets = fnc_sets(data_dir)
    # A size beyond the sets at hand would run them all under a row that claims more.
    too_large = [size for size in sizes if size > len(sets)]
    if too_large:
        raise InputError(
            [
                f"--sizes {size}: FNC-1 training data has {len(sets)} headlines with two or more related "
                f"bodies; the largest size is {len(sets)}"
                for size in too_large
            ]
        )
    work = Path(tempfile.mkdtemp(prefix="nli-bench-sets-"))
    machine = {"cores": os.cpu_count(), "cpu": cpu_description(), "date": datetime.date.today().isoformat()}
    rows = []
    for size in sizes:
        chosen = sets[:size]
        input_path = work / f"sets-{size}.jsonl"
        input_path.write_text("".join(json.dumps(s) + "\n" for s in chosen), encoding="utf-8")
        for engine, workers in configurations:
            print(f"  {size} sets, {engine} engine, {workers} worker(s)", file=sys.stderr, flush=True)
            rows.append({"size": size, **_run(input_path, engine, workers, work), "machine": machine})
    articles = [len(s["articles"]) for s in sets]
    return {
        "machine": machine,
        "available_sets": len(sets),
        "mean_articles_per_set": round(sum(articles) / len(articles), 1),
        "runs": rows,
    }


def _configuration(run: dict) -> tuple:
    return run["size"], run["engine"], run["workers"], run["machine"]["cpu"]


def with_earlier_runs(result: dict, earlier: dict) -> dict:
    """``result`` plus the runs of an earlier report that it did not measure again.

    A run is measured again when size, engine, workers and CPU are the same. An earlier
    run keeps the machine it was measured on, so that a report built over several
    sessions, on whatever CPU each was given, says which gave each row.
    """
    earlier_runs = [{**r, "machine": r.get("machine", earlier["machine"])} for r in earlier["runs"]]
    measured = {_configuration(r) for r in result["runs"]}
    kept = [r for r in earlier_runs if _configuration(r) not in measured]
    runs = sorted(kept + result["runs"], key=lambda r: (*_configuration(r)[:3], r["machine"]["date"]))
    return {**result, "runs": runs}


def markdown(result: dict) -> str:
    machines = {(r["machine"]["date"], r["machine"]["cpu"], r["machine"]["cores"]) for r in result["runs"]}
    measured_on = "; ".join(f"{date}, {cpu}, {cores} cores" for date, cpu, cores in sorted(machines))
    lines = [
        "# Batch scoring benchmark (`nli score-sets`)",
        "",
        f"{measured_on}. Sets: FNC-1 *training* headlines with two or more "
        f"related bodies ({result['available_sets']} such sets, {result['mean_articles_per_set']} articles each "
        "on average), the first N in file order. Each row is one `nli score-sets` run in a fresh process, model "
        "loading included; regenerate with `make bench-sets`, do not edit. Compare rows measured on the same "
        "machine only.",
        "",
        "| sets | engine | workers | seconds | sets/s | first result (s) | failed | peak RSS, largest process (MB) "
        "| load average before / after | machine |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in result["runs"]:
        lines.append(
            f"| {r['size']} | {r['engine']} | {r['workers']} | {r['seconds']} | {r['sets_per_s']} | "
            f"{r['seconds_to_first_result']} | {r['failed']} | {r['peak_rss_mb_largest_process']} | "
            f"{r['load_average'][0]} / {r['load_average'][1]} | {r['machine']['date']}, {r['machine']['cpu']} |"
        )
    return "\n".join(lines) + "\n"
