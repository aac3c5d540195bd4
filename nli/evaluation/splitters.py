"""``nli split-eval``: sentence splitters measured on hand-split news paragraphs.

The shipped splitter (pysbd) is compared with the other rule-based splitters that
need no download (syntok, blingfire, when installed) and a plain punctuation regex,
on ``eval/data/sentence_splits.jsonl``: paragraphs written for the project around
what news text does to splitters ("U.S.", "Gen.", initials, decimals, quotes, times).
A boundary is the character offset where a sentence ends; precision and recall are
over boundaries, and a paragraph counts as exact when every boundary is right.
"""

from __future__ import annotations

import datetime
import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

from nli.paths import GLUED_CASES, SPLIT_CASES
from nli.scoring.articles import unwrap_lines
from nli.scoring.sentences import split_sentences

SPLIT_CASE_FILES = [SPLIT_CASES, GLUED_CASES]

Splitter = Callable[[str], list[str]]


def _syntok(text: str) -> list[str]:
    import syntok.segmenter

    return [
        "".join(token.spacing + token.value for token in sentence).strip()
        for paragraph in syntok.segmenter.analyze(text)
        for sentence in paragraph
    ]


def _blingfire(text: str) -> list[str]:
    import blingfire

    return blingfire.text_to_sentences(text).split("\n")


def _punctuation_regex(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text)


def _pysbd_alone(text: str) -> list[str]:
    """pysbd paragraph by paragraph, without the glued-sentence repair."""
    from nli.scoring.sentences import _segmenter

    return [
        s.strip()
        for paragraph in re.split(r"\n\s*\n|\n(?=\S)", text)
        for s in _segmenter().segment(" ".join(paragraph.split()))
        if s.strip()
    ]


def _shipped(text: str) -> list[str]:
    """What ``nli score`` does to an article's text: hard-wrapped lines joined, then split."""
    return split_sentences("\n".join(unwrap_lines(text)))


def available_splitters() -> dict[str, Splitter]:
    """The shipped splitter first, then each alternative that is installed."""
    splitters: dict[str, Splitter] = {"unwrap + pysbd + glue repair (shipped)": _shipped, "pysbd alone": _pysbd_alone}
    for name, module, splitter in (("syntok", "syntok", _syntok), ("blingfire", "blingfire", _blingfire)):
        try:
            __import__(module)
        except ImportError:
            continue
        splitters[name] = splitter
    splitters["punctuation regex"] = _punctuation_regex
    return splitters


def boundaries(text: str, sentences: list[str]) -> set[int]:
    """End offsets of ``sentences`` in ``text`` (the last one, the text's end, is left out)."""
    ends, cursor = set(), 0
    for sentence in sentences:
        sentence = sentence.strip()
        if not sentence:
            continue
        found = text.find(sentence, cursor)
        if found < 0:  # a splitter that rewrote the text: match its words from the cursor
            found = cursor
        cursor = found + len(sentence)
        ends.add(cursor)
    ends.discard(len(text.rstrip()))
    return ends


def hard_wrapped(text: str, width: int) -> str:
    """``text`` with each paragraph broken at ``width`` columns, as wire copy and PDFs have it."""
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width) for p in re.split(r"\n\s*\n", text) if p.strip())


def _flat(text: str) -> str:
    return " ".join(text.split())


def score_splitter(splitter: Splitter, cases: list[dict], wrap: int = 0) -> dict:
    """Boundary precision and recall; with ``wrap``, each paragraph is split hard-wrapped at that width
    and boundaries are compared on the text with its whitespace collapsed."""
    true_positive = predicted = gold = exact = 0
    failures = []
    for case in cases:
        if wrap:
            text = _flat(case["text"])
            want = boundaries(text, [_flat(sentence) for sentence in case["sentences"]])
            got_sentences = [_flat(sentence) for sentence in splitter(hard_wrapped(case["text"], wrap))]
        else:
            text = case["text"]
            want = boundaries(text, case["sentences"])
            got_sentences = splitter(text)
        got = boundaries(text, got_sentences)
        true_positive += len(want & got)
        predicted += len(got)
        gold += len(want)
        if want == got:
            exact += 1
        else:
            failures.append({"id": case["id"], "got": got_sentences, "want": case["sentences"]})
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "paragraphs": len(cases),
        "exact": exact,
        "boundary_precision": round(precision, 4),
        "boundary_recall": round(recall, 4),
        "boundary_f1": round(f1, 4),
        "failures": failures,
    }


def read_cases(path: Path = SPLIT_CASES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Hard-wrap widths at which the first case file is measured again (a 38-column wire
# feed, e-mail quoting, a 72-column plain-text mail).
WRAP_WIDTHS = (38, 50, 72)


def compare_splitters(paths: list[Path] = SPLIT_CASE_FILES, wrap_widths: tuple[int, ...] = WRAP_WIDTHS) -> dict:
    splitters = available_splitters()
    case_sets = {
        path.name: {name: score_splitter(splitter, read_cases(path)) for name, splitter in splitters.items()}
        for path in paths
    }
    for width in wrap_widths if paths else ():
        case_sets[f"{paths[0].name}, hard-wrapped at {width} columns"] = {
            name: score_splitter(splitter, read_cases(paths[0]), wrap=width) for name, splitter in splitters.items()
        }
    return {"date": datetime.date.today().isoformat(), "case_sets": case_sets}


CASE_SET_NOTES = {
    "sentence_splits.jsonl": "news paragraphs around what news text does to splitters (titles, U.S., initials, "
    "decimals, quotes, times)",
    "glued_splits.jsonl": "paragraphs whose sentences run together without a space, as scraped wire copy has "
    "them, beside dots that must stay (U.S., Node.js, decimals, times, URLs, e-mail addresses, initials); "
    "written together with the repair, so the shipped splitter's figure here is an upper bound",
}


def markdown(result: dict) -> str:
    lines = [
        "# Sentence splitters on news paragraphs",
        "",
        f"Regenerated by `make eval-splitters` on {result['date']} from hand-split paragraphs written for the "
        "project. The shipped splitter joins hard-wrapped lines (`nli.scoring.articles.unwrap_lines`), gives "
        "glued sentence ends their space back (`nli.scoring.sentences.repair_glued_sentences`), then runs "
        "pysbd paragraph by paragraph. The hard-wrapped sets are the first set's paragraphs broken at a fixed "
        "width with `textwrap`, every splitter given the wrapped text, boundaries compared with whitespace "
        "collapsed.",
        "",
    ]
    for case_set, splitters in result["case_sets"].items():
        count = next(iter(splitters.values()))["paragraphs"]
        file, _, wrapped = case_set.partition(", ")
        note = wrapped or CASE_SET_NOTES.get(case_set, "hand-split")
        lines += [
            f"## `eval/data/{file}` ({count} paragraphs: {note})",
            "",
            "| splitter | exact paragraphs | boundary precision | boundary recall | boundary F1 |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, s in splitters.items():
            lines.append(
                f"| {name} | {s['exact']}/{s['paragraphs']} | {s['boundary_precision']:.3f} | "
                f"{s['boundary_recall']:.3f} | {s['boundary_f1']:.3f} |"
            )
        lines += ["", "### Where each splitter goes wrong", ""]
        for name, s in splitters.items():
            lines += [f"**{name}**", ""]
            if not s["failures"]:
                lines += ["No errors.", ""]
                continue
            for failure in s["failures"]:
                lines.append(f"- `{failure['id']}` got: {' | '.join(failure['got'])}  ")
                lines.append(f"  want: {' | '.join(failure['want'])}")
            lines.append("")
    return "\n".join(lines) + "\n"
