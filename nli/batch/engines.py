"""Where ``nli score-sets`` runs its sets: this machine's processes, or a Ray cluster.

The engines only distribute sets; every set is scored by the same
:class:`nli.batch.sets.SetScorer`, and results come back in input order.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator

from nli.batch.sets import SetInput, SetScorer, SetsJob, result_line

ENGINES = ("local", "ray")
# Sets handed out ahead of the one being written, per worker: enough to keep every
# worker busy, few enough that memory stays flat however long the input is.
AHEAD_PER_WORKER = 4

_worker_scorer: SetScorer | None = None


def threads_per_worker(workers: int) -> int:
    """Intra-op threads so that workers x threads = the cores this process may use."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // workers)


def die_with_parent() -> None:
    """Ask Linux to end this process when its parent dies (``kill -9`` of the run leaves no workers behind)."""
    import ctypes
    import signal
    import sys

    # A worker inherits the command's SIGTERM handler; it must simply end.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start_worker(job: SetsJob) -> None:
    global _worker_scorer
    die_with_parent()
    _worker_scorer = SetScorer(job)


def _score_in_worker(item: SetInput) -> dict:
    assert _worker_scorer is not None
    return _worker_scorer(item)


def run_local(
    items: Iterable[SetInput], job: SetsJob, workers: int = 1, scorer: SetScorer | None = None
) -> Iterator[dict]:
    """Score sets in ``workers`` processes (in this one, with ``scorer`` if given, when 1), results in input order."""
    job = job.with_threads(threads_per_worker(workers))
    if workers == 1:
        scorer = scorer or SetScorer(job)
        yield from map(scorer, items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker (no forked onnxruntime thread pools).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(job,)) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(_score_in_worker, item))
            if len(pending) >= workers * AHEAD_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class _RayScorer:
    """A Ray actor's callable: one SetScorer per actor, applied to a batch of serialized sets."""

    def __init__(self, job: SetsJob):
        self.scorer = SetScorer(job)

    def __call__(self, batch: dict) -> dict:
        import json

        results = [result_line(self.scorer(SetInput(**json.loads(item)))) for item in batch["item"]]
        return {"result": results}


def run_ray(items: Iterable[SetInput], job: SetsJob, actors: int = 1, address: str | None = None) -> Iterator[dict]:
    """Score sets on Ray Data: an actor pool of ``actors`` scorers, results in input order.

    Without ``address`` a local Ray starts; with it, the run joins that cluster.
    """
    import json
    from dataclasses import asdict

    try:
        import ray
    except ImportError:
        from nli.errors import InputError

        raise InputError(["--engine ray needs Ray: pip install 'nli[ray]'"]) from None
    job = job.with_threads(threads_per_worker(actors))
    import logging

    # Ray Data announces every dataset it runs: the run's own summary is enough.
    logging.getLogger("ray").setLevel(logging.WARNING)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    # Sets go in as JSON strings: one column, whatever shape each set's articles have.
    dataset = ray.data.from_items([{"item": json.dumps(asdict(item))} for item in items])
    scored = dataset.map_batches(
        _RayScorer,
        fn_constructor_kwargs={"job": job},
        batch_size=1,
        concurrency=actors,
        num_cpus=job.threads,
    )
    for row in scored.iter_rows():
        yield json.loads(row["result"])
