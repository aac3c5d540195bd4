"""Many article sets in one run (``nli score-sets``): reading, scoring one set, resumable output.

Input is a JSONL file, one set per line (``{"set": id, "articles": [{id, text,
title?, source?, url?, date?}, ...]}``), or a directory whose subdirectories are
sets. Both are read lazily. Output is JSONL, one line per set in input order: the
``nli score --json`` document with a ``set`` field, or ``{"set": id, "error":
[problems]}`` for a set that cannot be scored.

Each line goes to the file in one write and ends with a newline; a line without its
newline (a killed run) is cut off on ``--resume`` and its set redone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from nli.errors import InputError
from nli.model.bundle import Model
from nli.outputs import json_text
from nli.scoring.articles import Article, article_from_record, jsonl_lines
from nli.scoring.options import ScoreOptions
from nli.scoring.pipeline import score_articles


@dataclass
class SetInput:
    """One set as read: its articles (records or a folder), or the problems that stop it."""

    set_id: str | None
    position: int
    where: str
    records: list | None = None
    folder: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SetsJob:
    """What every set of a run is scored with; picklable, so that each worker gets a copy."""

    model: str | None = None
    backend: str = "onnx"
    options: ScoreOptions = field(default_factory=ScoreOptions)
    top: int = 0  # keep only the N strongest contradictions per set (0: all)
    threads: int | None = None
    stance_model: str | bool = True  # Model.load's: the shipped one, another, or none

    def with_threads(self, threads: int) -> SetsJob:
        return replace(self, threads=self.threads or threads)


def iter_sets(path: Path) -> Iterator[SetInput]:
    """The sets of a JSONL file or of a folder of folders, one at a time, duplicates marked."""
    seen: dict[str, str] = {}
    for item in _iter_folder(path) if path.is_dir() else _iter_jsonl(path):
        if item.set_id is not None and not item.problems:
            if item.set_id in seen:
                item.problems.append(f"{item.where}: duplicate set id {item.set_id!r} (also {seen[item.set_id]})")
            seen.setdefault(item.set_id, item.where)
        yield item


def _iter_folder(path: Path) -> Iterator[SetInput]:
    folders = sorted(p for p in path.iterdir() if p.is_dir())
    if not folders:
        raise InputError([f"{path}: no subdirectories; expected one folder of articles per set"])
    for position, folder in enumerate(folders):
        yield SetInput(folder.name, position, str(folder), folder=str(folder))


def _iter_jsonl(path: Path) -> Iterator[SetInput]:
    if not path.is_file():
        raise InputError([f"{path}: no such file; expected a JSONL file of sets or a folder of set folders"])
    position = 0
    # newline="\n": lines end at "\n" only (U+2028 and "\r" may sit inside a JSON string).
    with path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
        for number, line in enumerate(handle, start=1):
            for _, record, why in jsonl_lines(line.rstrip("\n")):
                where = f"{path}:{number}"
                yield _set_from_record(record, why, where, position)
                position += 1
    if position == 0:
        raise InputError([f"{path}: no sets; expected one JSON object per line with 'set' and 'articles'"])


def _set_from_record(record: object, why: str | None, where: str, position: int) -> SetInput:
    if why:
        return SetInput(None, position, where, problems=[f"{where}: not valid JSON ({why})"])
    if not isinstance(record, dict):
        return SetInput(None, position, where, problems=[f"{where}: expected an object with 'set' and 'articles'"])
    set_id = record.get("set")
    problems = []
    if isinstance(set_id, bool) or not isinstance(set_id, str | int) or not str(set_id).strip():
        problems.append(f"{where}: 'set' must be a non-empty string or number, not {json.dumps(set_id)}")
        set_id = None
    articles = record.get("articles")
    if not isinstance(articles, list):
        problems.append(f"{where}: 'articles' must be a list of {{id, text, ...}} objects")
        articles = None
    return SetInput(None if set_id is None else str(set_id), position, where, records=articles, problems=problems)


def _articles(item: SetInput) -> list[Article]:
    problems = []
    articles = []
    for i, record in enumerate(item.records or [], start=1):
        article, found = article_from_record(record, str(i), f"{item.where} (article {i})")
        problems += found
        if article:
            articles.append(article)
    if problems:
        raise InputError(problems)
    return articles


class SetScorer:
    """Scores one set at a time with the model loaded once (in each worker process)."""

    def __init__(self, job: SetsJob):
        self.job = job
        self.model = Model.load(job.model, job.backend, threads=job.threads, stance_model=job.stance_model)

    def __call__(self, item: SetInput) -> dict:
        if item.problems:
            return {"set": item.set_id, "error": item.problems}
        try:
            report = score_articles(
                [item.folder] if item.folder else _articles(item), model=self.model, options=self.job.options
            )
        except InputError as err:
            return {"set": item.set_id, "error": err.problems}
        return {"set": item.set_id, **report.to_dict(top=self.job.top)}


def result_line(document: dict) -> str:
    return json_text(document, indent=None) + "\n"


def completed_sets(output: Path) -> list[str | None]:
    """The set id of each complete line of ``output``, in order; a last line without its newline is cut off."""
    if not output.exists():
        return []
    with output.open("rb+") as handle:
        data = handle.read()
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) != len(data):
            handle.truncate(len(complete))
    done: list[str | None] = []
    for line in complete.decode("utf-8", errors="replace").split("\n")[:-1]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(
                [f"{output}: line {len(done) + 1} is not a result line; is it the output of score-sets?"]
            ) from None
        done.append(record.get("set") if isinstance(record, dict) else None)
    return done


def skip_done(items: Iterator[SetInput], done: list[str | None], output: Path) -> Iterator[SetInput]:
    """The sets after the first ``len(done)``, which the output already holds in input order."""
    for item in items:
        if item.position < len(done):
            if done[item.position] != item.set_id:
                raise InputError(
                    [
                        f"{output}: line {item.position + 1} holds set {done[item.position]!r} but the input's set "
                        f"{item.position + 1} is {item.set_id!r}; --resume needs the same input"
                    ]
                )
            continue
        yield item


class OutputLock:
    """An exclusive lock on a run's output (a ``.lock`` file beside it), held for the whole run.

    A second ``nli score-sets`` writing the same output would interleave its lines with
    this one's; it is refused with :class:`InputError` before it reads or loads anything.
    """

    def __init__(self, output: Path):
        import fcntl

        self.path = output.with_name(output.name + ".lock")
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise InputError(
                [f"--output {output}: another nli score-sets is writing it; wait for it to finish"]
            ) from None

    def release(self) -> None:
        self.path.unlink(missing_ok=True)
        os.close(self.fd)


class ResultWriter:
    """Appends one whole line per result, flushed to disk before the next set is reported."""

    def __init__(self, output: Path, append: bool):
        self.fd = os.open(output, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC), 0o644)
        self.written = 0  # whole lines on disk from this run

    def write(self, document: dict) -> None:
        data = result_line(document).encode("utf-8")
        written = 0
        while written < len(data):
            written += os.write(self.fd, data[written:])
        os.fsync(self.fd)
        self.written += 1

    def close(self) -> None:
        os.close(self.fd)
