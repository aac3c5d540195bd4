"""``nli eval-slots``: the slot comparison on hand-written pairs, and number parsers compared.

``eval/data/slot_pairs.jsonl`` holds pairs written for this project, each with the
conflict type the comparison should find (``number``, ``date_time``, ``place``,
``actor``, ``polarity``, ``attribution``) or ``none`` for a compatible difference
(a bound and a count, a respelled name, the same statement in other words).
``eval/data/number_phrases.jsonl`` holds number phrases with their values (``null``
for vague amounts such as "hundreds"): text2num, as :func:`nli.scoring.slots.parse_number`
wraps it, against number-parser (extra ``dev``) on its own.
"""

from __future__ import annotations

import time
from pathlib import Path

from nli.errors import InputError
from nli.paths import NUMBER_PHRASES, SLOT_PAIRS
from nli.scoring.articles import jsonl_lines
from nli.scoring.slots import compare_pairs, parse_number, read_texts


def _records(path: Path, fields: tuple[str, ...]) -> list[dict]:
    records, problems = [], []
    if not path.is_file():
        raise InputError([f"{path}: no such file"])
    for number, record, why in jsonl_lines(path.read_text(encoding="utf-8")):
        if why or not isinstance(record, dict):
            problems.append(f"{path}:{number}: {why or 'not a JSON object'}")
            continue
        missing = [f for f in fields if f not in record]
        if missing:
            problems.append(f"{path}:{number}: missing {', '.join(missing)}; expected {', '.join(fields)}")
        else:
            records.append(record)
    if problems:
        raise InputError(problems)
    return records


def evaluate_pairs(path: Path = SLOT_PAIRS) -> dict:
    pairs = _records(path, ("a", "b", "expected"))
    started = time.perf_counter()
    comparisons = compare_pairs([(p["a"], p["b"]) for p in pairs])
    seconds = time.perf_counter() - started
    by_expected: dict[str, list[bool]] = {}
    misses = []
    for pair, comparison in zip(pairs, comparisons, strict=True):
        found = sorted({c.type for c in comparison.conflicts})
        right = (not found) if pair["expected"] == "none" else pair["expected"] in found
        by_expected.setdefault(pair["expected"], []).append(right)
        if not right:
            misses.append({**pair, "found": found})
    return {
        "pairs": len(pairs),
        "correct": sum(sum(v) for v in by_expected.values()),
        "per_expected": {k: {"n": len(v), "correct": sum(v)} for k, v in sorted(by_expected.items())},
        "misses": misses,
        "seconds_with_model_load": round(seconds, 2),
    }


def evaluate_decisions(path: Path = SLOT_PAIRS, model: str | Path | None = None) -> dict:
    """Is each pair called a contradiction (conflict pairs) or not (``none`` pairs): model alone, and with the combiner."""
    from nli.model.backends import load_encoder, load_nli
    from nli.scoring.combiner import Combiner, decide
    from nli.scoring.verdicts import CONTRADICTION, Thresholds

    pairs = _records(path, ("a", "b", "expected"))
    texts = [(p["a"], p["b"]) for p in pairs]
    nli, encoder = load_nli(model), load_encoder()
    thresholds, combiner = Thresholds.for_model(nli.model_dir), Combiner.load(nli.model_dir)
    comparisons = compare_pairs(texts)
    # The model alone reads the sentences; the decision reads them as nli score does
    # (what a shared source said, where both quote one).
    read = [read_texts(a, b, c) for (a, b), c in zip(texts, comparisons, strict=True)]
    alone = nli.predict_proba(texts + [(b, a) for a, b in texts])
    decided = alone if read == texts else nli.predict_proba(read + [(b, a) for a, b in read])
    vectors_a, vectors_b = encoder.encode([a for a, _ in texts]), encoder.encode([b for _, b in texts])
    per_expected: dict[str, dict[str, int]] = {}
    for k, (pair, comparison) in enumerate(zip(pairs, comparisons, strict=True)):
        similarity = float(vectors_a[k] @ vectors_b[k])
        should = pair["expected"] != "none"
        row = per_expected.setdefault(pair["expected"], {"n": 0, "model": 0, "combined": 0})
        row["n"] += 1
        for name, probs, slots, used in (("model", alone, None, None), ("combined", decided, comparison, combiner)):
            verdict, _, _ = decide(probs[k], probs[k + len(pairs)], similarity, slots, thresholds, used)
            row[name] += (verdict == CONTRADICTION) == should
    return {"combiner": combiner is not None, "per_expected": dict(sorted(per_expected.items()))}


def evaluate_number_parsers(path: Path = NUMBER_PHRASES) -> dict:
    phrases = _records(path, ("text", "value"))
    from text_to_num import text2num

    def text2num_alone(text: str) -> float | None:
        try:
            return text2num(text.lower(), "en")
        except ValueError:
            return None

    parsers = {
        "nli.scoring.slots.parse_number (text2num + digits, scale words, vague plurals)": parse_number,
        "text2num alone": text2num_alone,
    }
    try:
        from number_parser import parse_number as number_parser

        parsers["number-parser alone"] = number_parser
    except ImportError:
        pass
    result = {}
    for name, parser in parsers.items():
        wrong = [p["text"] for p in phrases if parser(p["text"]) != p["value"]]
        result[name] = {"n": len(phrases), "correct": len(phrases) - len(wrong), "wrong": wrong}
    return result


def markdown(result: dict) -> str:
    pairs = result["pairs"]
    lines = [
        "# Slot comparison (`nli eval-slots`)",
        "",
        f"{result['date']}. Regenerate with `make eval-slots`; do not edit.",
        "",
        f"## Hand-written pairs (`eval/data/slot_pairs.jsonl`): {pairs['correct']} / {pairs['pairs']} right",
        "",
        "A conflict pair is right when the comparison finds a conflict of the expected type; a `none` pair "
        "(a compatible difference) when it finds no conflict at all.",
        "",
        "| expected | pairs | right |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {k} | {v['n']} | {v['correct']} |" for k, v in pairs["per_expected"].items()]
    if pairs["misses"]:
        lines += ["", "Missed:", ""]
        lines += [
            f"- {m['kind']} (expected {m['expected']}, found {m['found'] or 'none'}): {m['a']} / {m['b']}"
            for m in pairs["misses"]
        ]
    decisions = result["decisions"]["per_expected"]
    lines += [
        "",
        "## Contradiction or not, per type: the model alone against model + slot comparison + combiner",
        "",
        "Right: a conflict pair called a contradiction, a `none` pair not called one.",
        "",
        "| expected | pairs | model alone | with the combiner |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {k} | {v['n']} | {v['model']} | {v['combined']} |" for k, v in decisions.items()]
    total = {key: sum(v[key] for v in decisions.values()) for key in ("n", "model", "combined")}
    lines.append(f"| all | {total['n']} | {total['model']} | {total['combined']} |")
    lines += [
        "",
        "## Number parsers (`eval/data/number_phrases.jsonl`)",
        "",
        "| parser | right | wrong on |",
        "| --- | ---: | --- |",
    ]
    for name, r in result["numbers"].items():
        lines.append(f"| {name} | {r['correct']} / {r['n']} | {', '.join(r['wrong']) or '—'} |")
    return "\n".join(lines) + "\n"
