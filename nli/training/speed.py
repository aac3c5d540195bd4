"""``nli bench-train``: training speed in bf16 autocast against fp32, on real batches.

The batches are the first ones of a recipe's own length-grouped mix, so padding is
what a real run pays. Each base encoder trains the same batches from the same start
in both precisions, in alternating order round by round (these shared machines drift
by a third within minutes), and the ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from nli.errors import InputError
from nli.evaluation.timing import cpu_description
from nli.model.labels import LABEL2ID, LABELS
from nli.training.mix import Recipe, build_mix, resolve_base_model, target_id
from nli.training.numerics import EMULATED_BF16, cpu_has_bf16, mixed_loss
from nli.training.trainer import length_grouped_batches

MEASURED = ("fp32", "bf16")


def _prepared_batches(base_dir: str, rows: list[dict], recipe: Recipe, count: int):
    import torch
    from transformers import AutoTokenizer

    cfg = recipe.training
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    encoded = tokenizer(
        [r["premise"] for r in rows], [r["hypothesis"] for r in rows], truncation=True, max_length=cfg["max_length"]
    )
    lengths = [len(ids) for ids in encoded["input_ids"]]
    order = length_grouped_batches(lengths, cfg["batch_size"], cfg["length_group_batches"], recipe.seed)[:count]
    prepared = []
    for indices in order:
        features = [{key: values[i] for key, values in encoded.items()} for i in indices]
        target = torch.tensor([target_id(rows[i]["label"]) for i in indices])
        prepared.append((tokenizer.pad(features, return_tensors="pt"), target))
    tokens = [lengths[i] for indices in order for i in indices]
    return prepared, statistics.mean(tokens)


def _pairs_per_second(base_dir: str, batches, precision: str, warmup: int, learning_rate: float, seed: int) -> float:
    import torch
    from transformers import AutoModelForSequenceClassification

    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(
        base_dir, dtype=torch.float32, num_labels=len(LABELS), label2id=LABEL2ID
    ).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    dtype = torch.bfloat16 if precision == "bf16" else None
    pairs = 0
    for i, (enc, target) in enumerate(batches):
        if i == warmup:
            start = time.perf_counter()
        with torch.autocast("cpu", dtype=dtype, enabled=dtype is not None):
            loss = mixed_loss(model(**enc).logits, target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        if i >= warmup:
            pairs += len(target)
    return pairs / (time.perf_counter() - start)


def measure_training_speed(
    recipe_path: Path,
    bases: Sequence[str],
    rows: int = 4000,
    steps: int = 12,
    warmup: int = 2,
    rounds: int = 3,
    data_dir: Path | None = None,
) -> dict:
    import torch

    if not cpu_has_bf16():
        raise InputError([f"nli bench-train compares bf16 with fp32, but {EMULATED_BF16}; run it on a CPU that has it"])
    recipe = Recipe.load(recipe_path)
    print(f"building the mix of {recipe.name}", file=sys.stderr)
    train_rows, _, _ = build_mix(recipe, data_dir, log=lambda m: None)
    sample = train_rows[:rows]  # the mix is shuffled: a seeded sample of every source
    result: dict = {
        "machine": {
            "cores": os.cpu_count(),
            "threads": torch.get_num_threads(),
            "cpu": cpu_description(),
            "bf16_units": cpu_has_bf16(),
            "torch": torch.__version__,
            "date": datetime.date.today().isoformat(),
        },
        "recipe": recipe.name,
        "sampled_rows": len(sample),
        "timed_steps": steps,
        "warmup_steps": warmup,
        "batch_size": recipe.training["batch_size"],
        "rounds": rounds,
        "encoders": {},
    }
    for base in bases:
        base_dir = resolve_base_model(base)
        batches, mean_tokens = _prepared_batches(base_dir, sample, recipe, warmup + steps)
        figures: dict[str, list[float]] = {p: [] for p in MEASURED}
        for round_number in range(rounds):
            order = MEASURED if round_number % 2 == 0 else MEASURED[::-1]
            for precision in order:
                rate = _pairs_per_second(
                    base_dir, batches, precision, warmup, recipe.training["learning_rate"], recipe.seed
                )
                figures[precision].append(round(rate, 2))
                print(f"  {base} {precision} round {round_number + 1}: {rate:.1f} pairs/s", file=sys.stderr)
        ratios = [round(b / f, 3) for f, b in zip(figures["fp32"], figures["bf16"], strict=True)]
        result["encoders"][base] = {
            "mean_tokens": round(mean_tokens, 1),
            "pairs_per_s": {p: round(statistics.median(v), 1) for p, v in figures.items()},
            "pairs_per_s_rounds": figures,
            "speedup_bf16_vs_fp32": round(statistics.median(ratios), 2),
            "speedup_bf16_vs_fp32_rounds": ratios,
        }
    return result


def markdown(result: dict) -> str:
    machine = result["machine"]
    lines = [
        "# Training speed: bf16 autocast against fp32",
        "",
        f"`nli bench-train` ({machine['date']}; {machine['cpu']}, bf16 units: {'yes' if machine['bf16_units'] else 'no'}; "
        f"{machine['threads']} threads, torch {machine['torch']}). The first {result['warmup_steps'] + result['timed_steps']} "
        f"length-grouped batches of {result['batch_size']} from a {result['sampled_rows']}-row sample of the "
        f"`{result['recipe']}` mix; {result['warmup_steps']} warm-up steps, then {result['timed_steps']} timed "
        f"training steps (forward, backward, AdamW), from the same start in both precisions, alternating the order "
        f"over {result['rounds']} rounds. Ratios are medians of the per-round ratios.",
        "",
        "| encoder | mean tokens | fp32 pairs/s | bf16 pairs/s | bf16 / fp32 | per round |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in result["encoders"].items():
        lines.append(
            f"| {name} | {row['mean_tokens']} | {row['pairs_per_s']['fp32']} | {row['pairs_per_s']['bf16']} | "
            f"**{row['speedup_bf16_vs_fp32']}×** | {', '.join(f'{r}×' for r in row['speedup_bf16_vs_fp32_rounds'])} |"
        )
    return "\n".join(lines) + "\n"
