"""Readers for the labelled sets in ``../shared/data``, one schema for all.

Every reader yields ``{premise, hypothesis, label, source}`` with ``label`` one of
``entailment``, ``neutral``, ``contradiction`` or ``not_entailment`` (two-way sets).
Each set is registered with a role: ``train`` (may be trained on), ``select`` (held
aside for choosing settings) or ``eval`` (evaluation only, never trained on), as
``DATA.md`` assigns them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nli.model.labels import normalize_label
from nli.paths import SHARED_DATA_DIR

Row = dict[str, str]
Reader = Callable[[Path], Iterator[Row]]

DATA_ENV = "NLI_DATA_DIR"


def default_data_dir() -> Path:
    """``$NLI_DATA_DIR``, else ``../shared/data`` beside the checkout."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return SHARED_DATA_DIR


@dataclass(frozen=True)
class Corpus:
    name: str
    role: str  # train | select | eval
    reader: Reader
    licence: str
    two_way: bool = False

    def rows(self, data_dir: Path | None = None) -> Iterator[Row]:
        root = data_dir or default_data_dir()
        for row in self.reader(root):
            row["source"] = self.name
            yield row


def _row(premise: str, hypothesis: str, label: object) -> Row | None:
    premise, hypothesis = (premise or "").strip(), (hypothesis or "").strip()
    if not premise or not hypothesis:
        return None
    try:
        canonical = normalize_label(label)
    except ValueError:
        return None  # items without a gold label ("-", "x") are skipped
    return {"premise": premise, "hypothesis": hypothesis, "label": canonical}


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _tsv(path: Path, encoding: str = "utf-8-sig", header: bool = True) -> Iterator:
    with path.open(encoding=encoding, newline="") as handle:
        if header:
            yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        else:
            yield from csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def _csv(path: Path, encoding: str = "utf-8") -> Iterator[dict]:
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.DictReader(handle)


def _emit(rows: Iterator[Row | None]) -> Iterator[Row]:
    return (row for row in rows if row is not None)


def in_claim_eval_split(claim: str) -> bool:
    """A fixed 20% of claims, chosen by hash, are evaluation-only (split by claim)."""
    return int(hashlib.sha1(claim.strip().lower().encode()).hexdigest(), 16) % 5 == 0


# --- three-way NLI sets -------------------------------------------------------------


def read_snli(split: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        base = root / "snli_dev_test_via_esnli"
        lines = [(base / f"{name}.{split}").read_text(encoding="utf-8").splitlines() for name in ("s1", "s2", "labels")]
        return _emit(_row(p, h, lab) for p, h, lab in zip(*lines, strict=True))

    return reader


def read_lingnli(prefix: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for path in sorted((root / "lingnli").glob(f"*/{prefix}_round*.jsonl")):
            yield from _emit(_row(r["premise"], r["hypothesis"], r["label"]) for r in _jsonl(path))

    return reader


def read_semi_nli(split: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for path in sorted((root / "semi_automatic_nli_nyu").glob(f"*/{split}.jsonl")):
            yield from _emit(_row(r["premise"], r["hypothesis"], r["label"]) for r in _jsonl(path))

    return reader


def read_sick(sets: tuple[str, ...]) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for r in _tsv(root / "sick" / "SICK.txt", encoding="utf-8"):
            if r["SemEval_set"] in sets:
                yield from _emit([_row(r["sentence_A"], r["sentence_B"], r["entailment_label"])])

    return reader


def read_anli(split: str, rounds: tuple[str, ...] = ("R1", "R2", "R3")) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for rnd in rounds:
            path = root / "anli" / rnd / f"{split}.jsonl"
            yield from _emit(_row(r["context"], r["hypothesis"], r["label"]) for r in _jsonl(path))

    return reader


def read_conjnli(root: Path) -> Iterator[Row]:
    path = root / "conjnli" / "adversarial_train_15k.tsv"
    return _emit(_row(r["Premise"], r["Hypothesis"], r["Label"]) for r in _tsv(path))


def read_conjnli_dev(root: Path) -> Iterator[Row]:
    path = root / "conjnli" / "conj_dev.tsv"
    return _emit(_row(r["Premise"], r["Hypothesis"], r["Label"]) for r in _tsv(path))


def read_cad(split: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        path = root / "cad_nli" / "all_combined" / f"{split}.tsv"
        return _emit(_row(r["sentence1"], r["sentence2"], r["gold_label"]) for r in _tsv(path))

    return reader


def read_mpe(split: str) -> Reader:
    def strip_image_id(text: str) -> str:
        return text.split("/", 1)[1] if "/" in text else text

    def reader(root: Path) -> Iterator[Row]:
        path = root / "mpe" / f"mpe_{split}.txt"
        for r in _tsv(path):
            premise = " ".join(strip_image_id(r[f"premise{i}"]) for i in range(1, 5))
            yield from _emit([_row(premise, r["hypothesis"], r["gold_label"])])

    return reader


def read_dear_watson(root: Path) -> Iterator[Row]:
    for r in _csv(root / "dear_watson" / "train.csv"):
        if r["lang_abv"] == "en":
            yield from _emit([_row(r["premise"], r["hypothesis"], r["label"])])


def read_taxinli(mnli_dev: bool) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        dev_ids = {r["pairID"] for r in _tsv(root / "taxinli" / "taxinli10k_MNLIDev.tsv")}
        for r in _tsv(root / "taxinli" / "taxinli10k.tsv"):
            if (r["pairID"] in dev_ids) == mnli_dev:
                yield from _emit([_row(r["prem"], r["hyp"], r["label"])])

    return reader


def read_curriculum(task: str, split: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        with zipfile.ZipFile(root / "curriculum_benchmark" / "tasks" / f"{task}.zip") as archive:
            with archive.open(f"{task}/{split}.jsonl") as handle:
                for line in io.TextIOWrapper(handle, encoding="utf-8"):
                    if line.strip():
                        r = json.loads(line)
                        yield from _emit([_row(r["premise"], r["hypothesis"], r["gold_label"])])

    return reader


def read_textfooler(sample: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for fields in _tsv(root / "mnli_samples_textfooler" / sample, header=False):
            if len(fields) >= 3:
                yield from _emit([_row(fields[1], fields[2], fields[0])])

    return reader


def read_chaosnli(part: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for r in _jsonl(root / "chaosnli" / f"chaosNLI_{part}.jsonl"):
            ex = r["example"]
            yield from _emit([_row(ex["premise"], ex["hypothesis"], r["majority_label"])])

    return reader


def read_xnli_dev(root: Path) -> Iterator[Row]:
    for fields in _tsv(root / "xnli_en_dev" / "dev-en.tsv", header=False):
        if len(fields) >= 3:
            yield from _emit([_row(fields[0], fields[1], fields[2])])


def read_negation(name: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        encoding = "utf-8" if name == "SNLI" else "cp1252"
        path = root / "negation_nli_hossain2020" / f"{name}.txt"
        return _emit(_row(r["Text"], r["Hypothesis"], r["gold_label"]) for r in _tsv(path, encoding))

    return reader


def read_control(split: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        path = root / "control_nli" / "data" / f"{split}.jsonl"
        return _emit(_row(r["premise"], r["hypothesis"], r["label"]) for r in _jsonl(path))

    return reader


def read_fever_symmetric(root: Path) -> Iterator[Row]:
    path = root / "fever_symmetric" / "symmetric_v0.2" / "fever_symmetric_test.jsonl"
    return _emit(_row(r["evidence"], r["claim"], r["gold_label"]) for r in _jsonl(path))


def read_nope(root: Path) -> Iterator[Row]:
    return _emit(
        _row(r["premise"], r["hypothesis"], r["label"]) for r in _jsonl(root / "nope" / "nli_corpus.main.jsonl")
    )


def read_ambient(root: Path) -> Iterator[Row]:
    # Only items with one gold label fit single-label scoring.
    for r in _jsonl(root / "ambient" / "test.jsonl"):
        if "," not in r["labels"]:
            yield from _emit([_row(r["premise"], r["hypothesis"], r["labels"])])


# --- two-way sets ---------------------------------------------------------------------


def read_rte(split: str) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        path = root / "glue_rte_resplit" / f"{split}.tsv"
        return _emit(_row(r["sentence1"], r["sentence2"], r["label"]) for r in _tsv(path))

    return reader


def read_med(root: Path) -> Iterator[Row]:
    # MED's "neutral" means "not entailed" (its README); keep it two-way.
    for r in _tsv(root / "med_monotonicity" / "MED.tsv"):
        label = "entailment" if r["gold_label"] == "entailment" else "not_entailment"
        yield from _emit([_row(r["sentence1"], r["sentence2"], label)])


# --- claim against evidence, split by claim -------------------------------------------


def read_climate_fever(eval_side: bool) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for r in _jsonl(root / "climate_fever" / "climate-fever.jsonl"):
            if in_claim_eval_split(r["claim"]) != eval_side:
                continue
            for ev in r["evidences"]:
                yield from _emit([_row(ev["evidence"], r["claim"], ev["evidence_label"])])

    return reader


def read_covidfact(eval_side: bool) -> Reader:
    def reader(root: Path) -> Iterator[Row]:
        for r in _jsonl(root / "covidfact" / "COVIDFACT_dataset.jsonl"):
            if in_claim_eval_split(r["claim"]) != eval_side:
                continue
            evidence = " ".join(r["evidence"])
            yield from _emit([_row(evidence, r["claim"], r["label"])])

    return reader


# Every third of MRPC train's paraphrases is the training-side paraphrase measure
# (``mrpc-train-paraphrases`` in nli/evaluation/real_news.py); a recipe that trains on
# ``mrpc-train-unmeasured`` leaves it out, so that its figure there stays honest.
MRPC_MEASURED_EVERY = 3


def mrpc_paraphrases(root: Path, split: str) -> Iterator[tuple[int, Row]]:
    """MRPC's pairs that people judged paraphrases, numbered in the file's order."""
    rows = _tsv(root / "mrpc" / f"msr_paraphrase_{split}.txt")
    yield from enumerate(row for row in rows if row["Quality"] == "1")


def read_mrpc(split: str, leave_out_measured: bool = False) -> Reader:
    """MRPC: news sentence pairs people judged paraphrases, as entailment in both orders.

    Pairs judged not paraphrases are left out: they often share most of a fact and
    differ in a detail that is neither implied nor contradicted, which no single
    three-way label fits. ``leave_out_measured`` drops every
    ``MRPC_MEASURED_EVERY``-th paraphrase, the ones the training-side measure reads.
    """

    def reader(root: Path) -> Iterator[Row]:
        for k, row in mrpc_paraphrases(root, split):
            if leave_out_measured and k % MRPC_MEASURED_EVERY == 0:
                continue
            yield from _emit(
                iter(
                    [
                        _row(row["#1 String"], row["#2 String"], "entailment"),
                        _row(row["#2 String"], row["#1 String"], "entailment"),
                    ]
                )
            )

    return reader


THREE_WAY_CURRICULUM = ("boolean", "comparative", "conditional", "counting", "negation", "quantifier")
NC = "non-commercial research"

CORPORA: dict[str, Corpus] = {
    # training side
    "snli-dev": Corpus("snli-dev", "train", read_snli("dev"), "CC BY-SA 4.0 (SNLI, per third parties)"),
    "lingnli-train": Corpus("lingnli-train", "train", read_lingnli("train"), "none stated"),
    "semi-nli-train": Corpus(
        "semi-nli-train",
        "train",
        read_semi_nli("train"),
        "Gigaword LDC / CC BY-SA 3.0 premises; annotations none stated",
    ),
    "sick-train": Corpus("sick-train", "train", read_sick(("TRAIN", "TRIAL")), "none stated"),
    "anli-dev": Corpus("anli-dev", "train", read_anli("dev"), f"{NC} (ANLI)"),
    "conjnli-train": Corpus("conjnli-train", "train", read_conjnli, "MIT"),
    "cad-train": Corpus("cad-train", "train", read_cad("train"), "Apache-2.0"),
    "mpe-train": Corpus("mpe-train", "train", read_mpe("train"), "none stated"),
    "dear-watson-en": Corpus("dear-watson-en", "train", read_dear_watson, "Kaggle competition data, terms not stated"),
    "taxinli-train": Corpus("taxinli-train", "train", read_taxinli(mnli_dev=False), "C-UDA 1.0"),
    "climate-fever-train": Corpus("climate-fever-train", "train", read_climate_fever(False), "none stated"),
    "covidfact-train": Corpus("covidfact-train", "train", read_covidfact(False), "none stated"),
    **{
        f"curriculum-{task}-train": Corpus(
            f"curriculum-{task}-train", "train", read_curriculum(task, "train"), "MIT (benchmark); sources vary"
        )
        for task in THREE_WAY_CURRICULUM
    },
    "rte-train": Corpus("rte-train", "train", read_rte("train"), "none stated", two_way=True),
    "med": Corpus("med", "train", read_med, "CC BY-SA 4.0", two_way=True),
    "mrpc-train": Corpus("mrpc-train", "train", read_mrpc("train"), "Microsoft Research Paraphrase Corpus licence"),
    "mrpc-train-unmeasured": Corpus(
        "mrpc-train-unmeasured",
        "train",
        read_mrpc("train", leave_out_measured=True),
        "Microsoft Research Paraphrase Corpus licence",
    ),
    # for choosing settings, never trained on
    "lingnli-val": Corpus("lingnli-val", "select", read_lingnli("val"), "none stated"),
    "rte-dev": Corpus("rte-dev", "select", read_rte("dev"), "none stated", two_way=True),
    # evaluation only
    "snli-test": Corpus("snli-test", "eval", read_snli("test"), "CC BY-SA 4.0 (SNLI, per third parties)"),
    "mnli-m-sample": Corpus("mnli-m-sample", "eval", read_textfooler("mnli_matched"), "MNLI (OANC/CC BY-SA 3.0 mix)"),
    "mnli-mm-sample": Corpus(
        "mnli-mm-sample", "eval", read_textfooler("mnli_mismatched"), "MNLI (OANC/CC BY-SA 3.0 mix)"
    ),
    "snli-sample": Corpus("snli-sample", "eval", read_textfooler("snli"), "CC BY-SA 4.0"),
    "sick-test": Corpus("sick-test", "eval", read_sick(("TEST",)), "none stated"),
    "semi-nli-test": Corpus("semi-nli-test", "eval", read_semi_nli("test"), "none stated"),
    **{
        f"anli-{rnd.lower()}-test": Corpus(
            f"anli-{rnd.lower()}-test", "eval", read_anli("test", (rnd,)), f"{NC} (ANLI)"
        )
        for rnd in ("R1", "R2", "R3")
    },
    "chaosnli-mnli": Corpus("chaosnli-mnli", "eval", read_chaosnli("mnli_m"), f"{NC} (ChaosNLI)"),
    "chaosnli-snli": Corpus("chaosnli-snli", "eval", read_chaosnli("snli"), f"{NC} (ChaosNLI)"),
    "control-test": Corpus("control-test", "eval", read_control("test"), f"{NC} (ConTRoL)"),
    "conjnli-dev": Corpus("conjnli-dev", "eval", read_conjnli_dev, "MIT"),
    "cad-test": Corpus("cad-test", "eval", read_cad("test"), "Apache-2.0"),
    "mpe-test": Corpus("mpe-test", "eval", read_mpe("test"), "none stated"),
    "xnli-en-dev": Corpus("xnli-en-dev", "eval", read_xnli_dev, "CC BY-NC 4.0"),
    "taxinli-mnli-dev": Corpus("taxinli-mnli-dev", "eval", read_taxinli(mnli_dev=True), "C-UDA 1.0"),
    "negation-snli": Corpus("negation-snli", "eval", read_negation("SNLI"), "none stated"),
    "negation-mnli": Corpus("negation-mnli", "eval", read_negation("MNLI"), "none stated"),
    "negation-rte": Corpus("negation-rte", "eval", read_negation("RTE"), "none stated", two_way=True),
    "fever-symmetric": Corpus("fever-symmetric", "eval", read_fever_symmetric, "none stated"),
    "nope": Corpus("nope", "eval", read_nope, "none stated"),
    "ambient": Corpus("ambient", "eval", read_ambient, "none stated"),
    "mrpc-test": Corpus("mrpc-test", "eval", read_mrpc("test"), "Microsoft Research Paraphrase Corpus licence"),
    "rte-test": Corpus("rte-test", "eval", read_rte("test"), "none stated", two_way=True),
    "climate-fever-test": Corpus("climate-fever-test", "eval", read_climate_fever(True), "none stated"),
    "covidfact-test": Corpus("covidfact-test", "eval", read_covidfact(True), "none stated"),
    **{
        f"curriculum-{task}-val": Corpus(
            f"curriculum-{task}-val", "eval", read_curriculum(task, "val"), "MIT (benchmark); sources vary"
        )
        for task in THREE_WAY_CURRICULUM
    },
}

_NORMALIZE = re.compile(r"[^a-z0-9]+")


def pair_key(premise: str, hypothesis: str) -> str:
    """The normalization DATA.md prescribes for de-duplication: lowercase, letters and digits."""
    return _NORMALIZE.sub("", premise.lower()) + "\t" + _NORMALIZE.sub("", hypothesis.lower())


def evaluation_keys(data_dir: Path | None = None, extra_files: tuple[Path, ...] = ()) -> set[str]:
    """Normalized pairs of every evaluation split, plus any extra JSONL files."""
    root = data_dir or default_data_dir()
    keys: set[str] = set()
    for corpus in CORPORA.values():
        if corpus.role == "eval":
            keys.update(pair_key(r["premise"], r["hypothesis"]) for r in corpus.reader(root))
    for path in extra_files:
        keys.update(pair_key(r["premise"], r["hypothesis"]) for r in _jsonl(path))
    return keys
