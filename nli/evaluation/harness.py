"""``nli eval``: measuring a model on labelled pairs.

Pairs come from JSONL, JSON, CSV or TSV files (column names configurable), from a
dataset saved with the ``datasets`` library, or from the named sets of
``../shared/data`` (see :mod:`nli.data.corpora`). Two-way sets are scored by folding our
neutral and contradiction into ``not_entailment``.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nli.errors import InputError
from nli.model.backends import display_path
from nli.model.labels import LABELS, NOT_ENTAILMENT, LabelError, normalize_label
from nli.outputs import (
    atomic_path,
)
from nli.paths import NEWS_PAIRS
from nli.scoring.articles import decode_text, jsonl_lines, load_json
from nli.text import readable_text

TWO_WAY = ("entailment", NOT_ENTAILMENT)


@dataclass
class LabelledPairs:
    name: str
    premises: list[str]
    hypotheses: list[str]
    labels: list[str]
    extra: list[dict] = field(default_factory=list)

    @property
    def two_way(self) -> bool:
        return NOT_ENTAILMENT in self.labels

    def sample(self, limit: int | None, seed: int = 0) -> LabelledPairs:
        if not limit or limit >= len(self.labels):
            return self
        picked = sorted(random.Random(seed).sample(range(len(self.labels)), limit))
        return LabelledPairs(
            self.name,
            [self.premises[i] for i in picked],
            [self.hypotheses[i] for i in picked],
            [self.labels[i] for i in picked],
            [self.extra[i] for i in picked] if self.extra else [],
        )


def parse_label_order(spec: str | None) -> tuple[str, ...]:
    if not spec:
        return LABELS
    try:
        order = tuple(normalize_label(part) for part in spec.split(","))
    except ValueError as err:
        raise InputError([f"--label-order {spec!r}: {err}"]) from None
    if len(order) != len(LABELS) and len(order) != 2:
        raise InputError([f"--label-order {spec!r}: expected three labels, e.g. entailment,neutral,contradiction"])
    return order


def read_pairs_file(
    path: Path,
    premise: str = "premise",
    hypothesis: str = "hypothesis",
    label: str = "label",
    int_order: tuple[str, ...] = LABELS,
) -> LabelledPairs:
    """Read labelled pairs; every problem is reported with file and line."""
    if not path.exists():
        raise InputError([f"{path}: no such file"])
    if path.is_dir():
        raise InputError(
            [
                f"{path}: is a folder; expected a file of labelled pairs (.jsonl, .json, .csv or .tsv), "
                "or --saved-dataset for a dataset saved with save_to_disk"
            ]
        )
    suffix = path.suffix.lower()
    problems: list[str] = []
    records: list[tuple[int, dict]] = []
    warnings: list[str] = []
    text = decode_text(path, path.read_bytes(), warnings)
    for warning in warnings:
        print(f"nli: warning: {warning}", file=sys.stderr)
    if text is None:
        raise InputError([f"{path}: looks binary; expected labelled pairs as JSONL, JSON, CSV or TSV"])
    if not text.strip():
        raise InputError([f"{path}: empty file; expected labelled pairs with {premise}, {hypothesis}, {label}"])
    if suffix == ".jsonl":
        for number, record, why in jsonl_lines(text):
            if why:
                problems.append(f"{path}:{number}: malformed JSON ({why})")
            elif not isinstance(record, dict):
                problems.append(f"{path}:{number}: expected a JSON object")
            else:
                records.append((number, record))
    elif suffix == ".json":
        loaded, why, line = load_json(text)
        if why:
            raise InputError([f"{path}:{line}: malformed JSON ({why})"])
        if isinstance(loaded, dict):
            loaded = loaded.get("data") or loaded.get("pairs") or []
        if not isinstance(loaded, list):
            raise InputError(
                [f'{path}: expected a list of pair objects (or {{"data": [...]}}), not {json.dumps(loaded)[:40]}']
            )
        for i, record in enumerate(loaded, start=1):
            if isinstance(record, dict):
                records.append((i, record))
            else:
                problems.append(f"{path} (record {i}): expected an object with {premise}, {hypothesis}, {label}")
    elif suffix in {".csv", ".tsv"}:
        reader = csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
        missing = [c for c in (premise, hypothesis, label) if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                [f"{path}:1: missing column(s) {', '.join(missing)}; header has {', '.join(reader.fieldnames or [])}"]
            )
        for row in reader:
            records.append((reader.line_num, row))
    else:
        raise InputError([f"{path}: unsupported file type {suffix}; expected .jsonl, .json, .csv or .tsv"])

    pairs = LabelledPairs(path.stem, [], [], [])
    for number, record in records:
        where = f"{path}:{number}"
        absent = [c for c in (premise, hypothesis, label) if record.get(c) in (None, "")]
        if absent:
            problems.append(f"{where}: missing {', '.join(absent)}")
            continue
        try:
            canonical = normalize_label(record[label], int_order)
        except LabelError as err:
            problems.append(f"{where}: {err}")
            continue
        pairs.premises.append(readable_text(str(record[premise])))
        pairs.hypotheses.append(readable_text(str(record[hypothesis])))
        pairs.labels.append(canonical)
        pairs.extra.append({k: v for k, v in record.items() if k not in (premise, hypothesis, label)})
    if problems:
        raise InputError(problems)
    if not pairs.labels:
        raise InputError([f"{path}: no labelled pairs found"])
    return pairs


def read_saved_dataset(
    path: Path, split: str | None, premise: str, hypothesis: str, label: str, int_order: tuple[str, ...]
) -> LabelledPairs:
    """A dataset written with ``Dataset.save_to_disk`` (or a DatasetDict and a split)."""
    from datasets import DatasetDict, load_from_disk

    try:
        data = load_from_disk(str(path))
    except FileNotFoundError:
        raise InputError([f"{path}: not a dataset saved with datasets' save_to_disk"]) from None
    if isinstance(data, DatasetDict):
        if not split or split not in data:
            raise InputError([f"{path}: choose a split with --split ({', '.join(data)})"])
        data = data[split]
    missing = [c for c in (premise, hypothesis, label) if c not in data.column_names]
    if missing:
        raise InputError([f"{path}: missing column(s) {', '.join(missing)}; has {', '.join(data.column_names)}"])
    problems, labels = [], []
    names = data.features[label].names if hasattr(data.features[label], "names") else None
    for i, raw in enumerate(data[label]):
        try:
            labels.append(normalize_label(names[raw] if names else raw, int_order))
        except LabelError as err:
            problems.append(f"{path} (row {i}): {err}")
    if problems:
        raise InputError(problems[:20])
    return LabelledPairs(path.name, list(data[premise]), list(data[hypothesis]), labels)


def read_named(name: str, data_dir: Path | None = None) -> LabelledPairs:
    from nli.data.corpora import CORPORA, default_data_dir

    if name not in CORPORA:
        raise InputError([f"unknown dataset {name!r}; known: {', '.join(sorted(CORPORA))}"])
    root = data_dir or default_data_dir()
    if not root.exists():
        raise InputError([f"{root}: the shared data folder is not there (set NLI_DATA_DIR or --data-dir)"])
    rows = list(CORPORA[name].rows(root))
    return LabelledPairs(
        name, [r["premise"] for r in rows], [r["hypothesis"] for r in rows], [r["label"] for r in rows]
    )


# --- metrics --------------------------------------------------------------------------


def fold_two_way(probs: np.ndarray) -> np.ndarray:
    """(n, 3) three-way probabilities to (n, 2): entailment, not entailment."""
    return np.stack([probs[:, 0], probs[:, 1] + probs[:, 2]], axis=1)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > low) & (confidence <= high) if low > 0 else (confidence >= low) & (confidence <= high)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def brier_score(probs: np.ndarray, gold: np.ndarray) -> float:
    """Mean over pairs of the squared distance between probabilities and the one-hot gold label."""
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(gold)), gold] = 1.0
    return float(((probs - onehot) ** 2).sum(axis=1).mean())


def bootstrap_interval(gold: np.ndarray, predicted: np.ndarray, metric, resamples: int = 1000, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = len(gold)
    values = []
    for _ in range(resamples):
        idx = rng.integers(0, n, n)
        values.append(metric(gold[idx], predicted[idx]))
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def per_class_table(names, precision, recall, f1, support) -> dict:
    """label -> {precision, recall, f1, support}, from scikit-learn's arrays."""
    return {
        name: {
            "precision": round(float(precision[i]), 4),
            "recall": round(float(recall[i]), 4),
            "f1": round(float(f1[i]), 4),
            "support": int(support[i]),
        }
        for i, name in enumerate(names)
    }


def compute_metrics(labels: list[str], probs: np.ndarray, bootstrap: int = 1000) -> dict:
    """Accuracy, macro-F1, per-class figures, confusion, ECE, Brier and bootstrap intervals."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    two_way = NOT_ENTAILMENT in labels
    names = TWO_WAY if two_way else LABELS
    if two_way:
        probs = fold_two_way(probs)
    index = {name: i for i, name in enumerate(names)}
    gold = np.array([index[label] for label in labels])
    predicted = probs.argmax(axis=1)
    class_ids = list(range(len(names)))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=class_ids, zero_division=0)

    def macro_f1(g, p):
        return f1_score(g, p, labels=class_ids, average="macro", zero_division=0)

    confidence = probs.max(axis=1)
    result = {
        "n": len(labels),
        "scheme": "two-way (our neutral and contradiction folded into not_entailment)" if two_way else "three-way",
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(macro_f1(gold, predicted)), 4),
        "per_class": per_class_table(names, precision, recall, f1, support),
        "confusion": {
            "labels": list(names),
            "matrix": confusion_matrix(gold, predicted, labels=class_ids).tolist(),
            "rows": "gold",
            "columns": "predicted",
        },
        "ece": round(expected_calibration_error(confidence, predicted == gold), 4),
        "brier": round(brier_score(probs, gold), 4),
    }
    if bootstrap:
        result["accuracy_ci95"] = bootstrap_interval(gold, predicted, accuracy_score, bootstrap)
        result["macro_f1_ci95"] = bootstrap_interval(gold, predicted, macro_f1, bootstrap)
    return result


def evaluate_pairs(pairs: LabelledPairs, nli, batch_size: int = 32, bootstrap: int = 1000) -> tuple[dict, np.ndarray]:
    started = time.perf_counter()
    probs = nli.predict_proba(list(zip(pairs.premises, pairs.hypotheses, strict=True)), batch_size=batch_size)
    seconds = time.perf_counter() - started
    result = {"dataset": pairs.name, **compute_metrics(pairs.labels, probs, bootstrap)}
    result.update(
        {
            "backend": nli.name,
            "model": display_path(nli.model_dir),
            "seconds": round(seconds, 2),
            "pairs_per_s": round(len(pairs.labels) / seconds, 1) if seconds else None,
        }
    )
    return result, probs


def misclassified(pairs: LabelledPairs, probs: np.ndarray) -> list[dict]:
    names = TWO_WAY if pairs.two_way else LABELS
    folded = fold_two_way(probs) if pairs.two_way else probs
    errors = []
    for i, label in enumerate(pairs.labels):
        predicted = names[int(folded[i].argmax())]
        if predicted != label:
            errors.append(
                {
                    "premise": pairs.premises[i],
                    "hypothesis": pairs.hypotheses[i],
                    "gold": label,
                    "predicted": predicted,
                    "probs": {n: round(float(p), 4) for n, p in zip(LABELS, probs[i], strict=True)},
                    **(pairs.extra[i] if pairs.extra else {}),
                }
            )
    return errors


def _save_figure(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    with atomic_path(path) as temporary:
        fig.savefig(temporary, dpi=120, format="png")
    plt.close(fig)
    return path


def save_plots(result: dict, probs: np.ndarray, pairs: LabelledPairs, out_dir: Path) -> list[Path]:
    """Confusion matrix and reliability diagram as PNG (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    labels = result["confusion"]["labels"]
    matrix = np.array(result["confusion"]["matrix"])
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, str(value), ha="center", va="center", color="black")
    ax.set_title(f"{result['dataset']}: confusion")
    fig.tight_layout()
    written.append(_save_figure(fig, out_dir / f"{result['dataset']}-confusion.png"))

    folded = fold_two_way(probs) if pairs.two_way else probs
    names = TWO_WAY if pairs.two_way else LABELS
    gold = np.array([names.index(label) for label in pairs.labels])
    confidence, correct = folded.max(axis=1), folded.argmax(axis=1) == gold
    edges = np.linspace(0, 1, 11)
    centers, accuracy = [], []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        mask = (confidence > low) & (confidence <= high)
        if mask.any():
            centers.append(confidence[mask].mean())
            accuracy.append(correct[mask].mean())
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(centers, accuracy, "o-", label="model")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{result['dataset']}: reliability (ECE {result['ece']:.3f})")
    ax.legend()
    fig.tight_layout()
    written.append(_save_figure(fig, out_dir / f"{result['dataset']}-reliability.png"))
    return written


def render_table(result: dict) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{escape(result['dataset'])}[/]  n={result['n']}  {result['scheme']}  backend={result['backend']}  "
        f"{result['pairs_per_s']} pairs/s"
    )
    console.print(
        f"accuracy {result['accuracy']:.4f} {result.get('accuracy_ci95', '')}   "
        f"macro-F1 {result['macro_f1']:.4f} {result.get('macro_f1_ci95', '')}   "
        f"ECE {result['ece']:.4f}   Brier {result['brier']:.4f}"
    )
    table = Table()
    for column in ("class", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="right" if column != "class" else "left")
    for name, row in result["per_class"].items():
        table.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]))
    console.print(table)
    confusion = Table(title="confusion (rows gold, columns predicted)")
    confusion.add_column("")
    for name in result["confusion"]["labels"]:
        confusion.add_column(name, justify="right")
    for name, row in zip(result["confusion"]["labels"], result["confusion"]["matrix"], strict=True):
        confusion.add_row(name, *map(str, row))
    console.print(confusion)
    if "backend_comparison" in result:
        console.print(f"torch vs onnx: {result['backend_comparison']}")


def gather_sets(
    files: list[Path],
    datasets: list[str],
    saved_dataset: Path | None = None,
    split: str | None = None,
    columns: tuple[str, str, str] = ("premise", "hypothesis", "label"),
    label_order: str | None = None,
    data_dir: Path | None = None,
) -> list[LabelledPairs]:
    """The labelled sets named by files, shared-data names and a saved dataset, in that order."""
    int_order = parse_label_order(label_order)
    sets = [read_pairs_file(path, *columns, int_order) for path in files]
    sets += [read_named(name, data_dir) for name in datasets]
    if saved_dataset:
        sets.append(read_saved_dataset(saved_dataset, split, *columns, int_order))
    if not sets:
        raise InputError(
            ["nothing to evaluate: give files, --dataset NAME or --saved-dataset DIR (--list shows names)"]
        )
    return sets


# --- the benchmark table (`make eval-splits`) ---------------------------------------------

REFERENCES: dict[str, list[tuple[str, float, str]]] = {
    "snli-test": [("cross-encoder/nli-deberta-v3-xsmall", 91.64, "its model card (trained on SNLI+MNLI, 943k pairs)")],
    "mnli-mm-sample": [
        ("cross-encoder/nli-deberta-v3-xsmall", 87.77, "its model card; full MNLI mismatched, not this 1k sample")
    ],
    "mnli-m-sample": [
        ("MiniLM-L6-H384 fine-tuned on full MNLI", 83.3, "MiniLM paper (Wang et al. 2020); full dev-matched")
    ],
    "anli-r1-test": [("RoBERTa-large trained with ANLI", 72.4, "ANLI paper (Nie et al. 2020)")],
    "anli-r2-test": [("RoBERTa-large trained with ANLI", 49.8, "ANLI paper (Nie et al. 2020)")],
    "anli-r3-test": [("RoBERTa-large trained with ANLI", 44.4, "ANLI paper (Nie et al. 2020)")],
}


def benchmark_sets(data_dir: Path | None = None) -> list[LabelledPairs]:
    from nli.data.corpora import CORPORA

    sets = [read_pairs_file(NEWS_PAIRS)]
    sets[0].name = "news_pairs"
    sets.extend(read_named(name, data_dir) for name, corpus in CORPORA.items() if corpus.role == "eval")
    return sets


def results_markdown(results: list[dict], limit: int | None, model: str, backend: str, seconds: float) -> str:
    import datetime
    import os

    lines = [
        "# Benchmark results",
        "",
        f"Model `{model}`, backend `{backend}`, {os.cpu_count()} cores, "
        f"{datetime.date.today().isoformat()}, {seconds / 60:.1f} minutes in all. "
        + (
            f"**Quick run: a reproducible sample of at most {limit} pairs per set.**"
            if limit
            else "Every pair of every set."
        ),
        "",
        "Regenerated by `make eval-splits` (`nli eval --all-splits --results eval/SPLITS.md`); do not edit by hand. "
        "Two-way sets fold our neutral and contradiction into not-entailment. "
        "Recall columns: e / n / c (two-way: e / not-e).",
        "",
        "| set | n | accuracy | 95% CI | macro-F1 | recall e / n / c | reference |",
        "| --- | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for r in results:
        recalls = " / ".join(f"{row['recall']:.2f}" for row in r["per_class"].values())
        refs = "; ".join(f"{name}: {value} ({source})" for name, value, source in REFERENCES.get(r["dataset"], []))
        ci = r.get("accuracy_ci95", ["", ""])
        lines.append(
            f"| {r['dataset']} | {r['n']} | {100 * r['accuracy']:.1f} | {100 * ci[0]:.1f}–{100 * ci[1]:.1f} | "
            f"{100 * r['macro_f1']:.1f} | {recalls} | {refs or '—'} |"
        )
    news = next((r for r in results if r["dataset"] == "news_pairs"), None)
    if news and news.get("per_category"):
        lines += ["", "## news_pairs by category", "", "| category | n | accuracy |", "| --- | ---: | ---: |"]
        for category, row in sorted(news["per_category"].items()):
            lines.append(f"| {category} | {row['n']} | {100 * row['accuracy']:.1f} |")
    lines.append("")
    return "\n".join(lines)


def per_category(pairs: LabelledPairs, probs: np.ndarray) -> dict:
    buckets: dict[str, list[bool]] = {}
    for i, label in enumerate(pairs.labels):
        category = (pairs.extra[i] if pairs.extra else {}).get("category")
        if category:
            buckets.setdefault(category, []).append(LABELS[int(probs[i].argmax())] == label)
    return {c: {"n": len(v), "accuracy": round(sum(v) / len(v), 4)} for c, v in buckets.items()}


def run_benchmark(
    nli, data_dir: Path | None = None, limit: int | None = None, batch_size: int = 32, bootstrap: int = 1000
) -> tuple[list[dict], str]:
    """Every evaluation split and news_pairs: the results and their Markdown table."""
    started = time.perf_counter()
    results = []
    sets = benchmark_sets(data_dir)
    for number, pairs in enumerate(sets, start=1):
        pairs = pairs.sample(limit)
        result, probs = evaluate_pairs(pairs, nli, batch_size, bootstrap)
        if pairs.name == "news_pairs":
            result["per_category"] = per_category(pairs, probs)
        results.append(result)
        print(
            f"[{number}/{len(sets)}] {pairs.name}: n={result['n']} accuracy {result['accuracy']:.4f} "
            f"macro-F1 {result['macro_f1']:.4f} ({result['seconds']:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    markdown = results_markdown(results, limit, display_path(nli.model_dir), nli.name, time.perf_counter() - started)
    return results, markdown
