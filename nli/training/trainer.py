"""Training the NLI cross-encoder: data mix, length-grouped batches, resumable loop.

The recipe (a TOML file in ``nli/training/recipes``) sets the sources and their sampling
rates; the rows are built into a ``datasets.Dataset`` in one schema
(``premise, hypothesis, label, source``), de-duplicated against every evaluation
split, and a slice of each source is held out for choosing settings. Two-way rows
(``not_entailment``) get a loss on p(entailment) alone.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nli.model.labels import LABEL2ID, LABELS, NOT_ENTAILMENT
from nli.scoring.stance import STANCE_PASSAGE_FILE
from nli.training.mix import (
    Recipe,
    build_mix,
    resolve_base_model,
    target_id,
    to_dataset,
)
from nli.training.numerics import EMULATED_BF16, cpu_has_bf16, mixed_loss, resolve_precision


def length_grouped_batches(lengths: list[int], batch_size: int, group: int, seed: int) -> list[list[int]]:
    """Batches of similar length: shuffle, sort within chunks of ``group`` batches, shuffle batches."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * group
    batches: list[list[int]] = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def planned_batches(lengths: list[int], batch_size: int, group: int, seed: int, epochs: float) -> list[list[int]]:
    """The batches of the whole plan: each epoch length-grouped with its own seed.

    A fractional ``epochs`` (``2.5``, ``0.4``) ends the plan that far into the last
    epoch: its first batches, which the shuffle makes a random sample of the rows, so
    a run sized to fit the time at hand still gets a learning-rate schedule that ends.
    """
    if not epochs > 0:
        raise ValueError(f"[training] epochs: expected a number above 0, got {epochs!r}")
    batches: list[list[int]] = []
    for epoch in range(math.ceil(epochs)):
        epoch_batches = length_grouped_batches(lengths, batch_size, group, seed + epoch)
        share = min(1.0, epochs - epoch)
        batches += epoch_batches[: math.ceil(share * len(epoch_batches))]
    return batches


def fp32_channels(model, tokenizer, data_dir: Path | None, device) -> list:
    """Per layer, the feed-forward channels the int8 export would keep in fp32, ranged on the same pairs."""
    from nli.model.export import CALIBRATION_PAIRS, OUTLIER_CHANNELS, selection_pairs
    from nli.training import qat

    pairs = selection_pairs(data_dir, limit=CALIBRATION_PAIRS)
    batches = [
        tokenizer(
            [p for p, _ in pairs[i : i + 32]],
            [h for _, h in pairs[i : i + 32]],
            padding=True,
            truncation=True,
            max_length=128,
            return_tensors="pt",
        ).to(device)
        for i in range(0, len(pairs), 32)
    ]
    model.eval()
    wide_channels = qat.widest_ffn_channels(model, batches, OUTLIER_CHANNELS)
    model.train()
    print(f"int8-aware training: {OUTLIER_CHANNELS} fp32 feed-forward channels per layer", file=sys.stderr)
    return wide_channels


def int8_aware_loss(model, enc, target, int8_passes: list, consistency_weight: float):
    """Both passes fit the labels, and the simulated int8 pass is pulled to the fp32 one (same dropout)."""
    import torch

    from nli.training import qat

    rng = torch.get_rng_state()
    fp32_logits = model(**enc).logits
    torch.set_rng_state(rng)
    with qat.simulated_int8(int8_passes):
        int8_logits = model(**enc).logits
    return (
        mixed_loss(fp32_logits, target)
        + mixed_loss(int8_logits, target)
        + consistency_weight * qat.consistency_loss(fp32_logits, int8_logits)
    )


class Progress:
    """Prints step, pairs per second and ETA, to stderr."""

    def __init__(self, total_steps: int, start_step: int, batch_size: int, every: int):
        self.total, self.start, self.batch, self.every = total_steps, start_step, batch_size, every
        self.t0 = time.time()

    def update(self, step: int, loss: float) -> None:
        if step % self.every and step != self.total:
            return
        elapsed = time.time() - self.t0
        done = step - self.start
        rate = done * self.batch / elapsed if elapsed else 0.0
        eta = (self.total - step) * self.batch / rate if rate else float("nan")
        print(
            f"step {step}/{self.total}  loss {loss:.4f}  {rate:.1f} pairs/s  "
            f"elapsed {elapsed / 60:.1f} min  ETA {eta / 60:.1f} min",
            file=sys.stderr,
            flush=True,
        )


def evaluate_rows(model, tokenizer, rows: list[dict], device, max_length: int, batch_size: int = 64) -> dict:
    """Accuracy on held-out rows (three-way rows; two-way rows scored as e / not-e)."""
    import torch

    model.eval()
    correct = total = 0
    per_source: dict[str, list[int]] = {}
    with torch.no_grad():
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            enc = tokenizer(
                [r["premise"] for r in batch],
                [r["hypothesis"] for r in batch],
                truncation=True,
                max_length=max_length,
                padding=True,
                return_tensors="pt",
            ).to(device)
            predicted = model(**enc).logits.argmax(-1).tolist()
            for row, pred in zip(batch, predicted, strict=True):
                if row["label"] == NOT_ENTAILMENT:
                    ok = pred != LABEL2ID["entailment"]
                else:
                    ok = pred == LABEL2ID[row["label"]]
                correct += ok
                total += 1
                per_source.setdefault(row["source"], [0, 0])
                per_source[row["source"]][0] += ok
                per_source[row["source"]][1] += 1
    model.train()
    return {
        "accuracy": correct / max(total, 1),
        "n": total,
        "per_source": {k: round(c / n, 4) for k, (c, n) in sorted(per_source.items())},
    }


def curve_steps(pairs: Sequence[int], batch_size: int, total_steps: int) -> list[int]:
    """The steps after which ``pairs`` training pairs have been seen (points past the plan are dropped)."""
    return sorted({math.ceil(n / batch_size) for n in pairs if 0 < math.ceil(n / batch_size) <= total_steps})


def _recorded_curve(path: Path) -> dict[int, dict]:
    if not path.exists():
        return {}
    return {point["step"]: point for point in map(json.loads, path.read_text().splitlines())}


def train(
    recipe_path: Path,
    run_dir: Path,
    data_dir: Path | None = None,
    max_steps: int | None = None,
    rows_override: list[dict] | None = None,
    held_out_override: list[dict] | None = None,
    precision: str | None = None,
) -> Path:
    """Run (or resume) a recipe; checkpoints and the final model go under ``run_dir``.

    ``precision`` (else the recipe's ``[training] precision``, else ``auto``) chooses
    bf16 autocast or fp32; a resumed run keeps the precision it started with. At each
    of ``[training] evaluate_at_pairs`` the held-out rows are scored (in fp32) into
    ``run_dir/curve.jsonl``. Returns the directory of the final model (``run_dir/final``).
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    from nli.training import qat
    from nli.training.distill import distillation_loss

    recipe = Recipe.load(recipe_path)
    cfg = recipe.training
    run_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(recipe.seed)
    np.random.seed(recipe.seed)
    random.seed(recipe.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        import os

        torch.set_num_threads(os.cpu_count() or 1)
    # Before the mix and the model: a precision this machine cannot run is refused at once.
    precision = resolve_precision(precision or cfg.get("precision", "auto"), device, bool(cfg.get("int8_aware")))
    print(f"device {device}; building the data mix", file=sys.stderr)

    if rows_override is not None:
        train_rows, held_out, stats = rows_override, held_out_override or [], {}
    else:
        train_rows, held_out, stats = build_mix(recipe, data_dir, log=lambda m: print(m, file=sys.stderr))
    soft_targets = None
    if recipe.distillation:
        from nli.training.distill import student_rows

        if cfg.get("int8_aware"):
            raise ValueError(f"{recipe_path}: distillation and int8-aware training do not combine")
        train_rows, soft_targets, stats["distillation"] = student_rows(
            recipe, train_rows, run_dir, data_dir, log=lambda m: print(m, file=sys.stderr)
        )
    dataset = to_dataset(train_rows)
    (run_dir / "mix.json").write_text(json.dumps({"sources": stats, "train_rows": len(dataset)}, indent=2))

    base = resolve_base_model(recipe.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base)
    # fp32 explicitly: a shipped model directory holds fp16 weights, which would load as fp16.
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        dtype=torch.float32,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL2ID,
    ).to(device)
    # Chosen on the base model, before any checkpoint loads, so a resumed run simulates the same graph.
    wide_channels = fp32_channels(model, tokenizer, data_dir, device) if cfg.get("int8_aware") else None

    encoded = dataset.map(
        lambda b: tokenizer(b["premise"], b["hypothesis"], truncation=True, max_length=cfg["max_length"]),
        batched=True,
        remove_columns=["premise", "hypothesis"],
    )
    lengths = [len(ids) for ids in encoded["input_ids"]]
    # BERT tokenizers give token_type_ids, MPNet's do not.
    input_columns = [c for c in ("input_ids", "token_type_ids", "attention_mask") if c in encoded.column_names]
    targets = [target_id(label) for label in encoded["label"]]
    batches = planned_batches(
        lengths, cfg["batch_size"], cfg["length_group_batches"], recipe.seed, cfg.get("epochs", 1)
    )
    # The schedule always spans the whole plan; max_steps only stops early, so an
    # interrupted run resumed later follows exactly the same path.
    total_steps = len(batches)
    stop_at = min(total_steps, max_steps) if max_steps else total_steps

    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["learning_rate"], weight_decay=cfg["weight_decay"])
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(total_steps * cfg["warmup_fraction"]), total_steps)
    step = 0
    checkpoint = run_dir / "checkpoint.pt"
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step = state["step"]
        # Checkpoints from before the precision setting were all fp32.
        started_in = state.get("precision", "fp32")
        if started_in == "bf16" and device.type == "cpu" and not cpu_has_bf16():
            # Resumed on another machine: fp32 computes what bf16 approximates, at a speed that finishes.
            print(f"the run started in bf16; it goes on in fp32 here: {EMULATED_BF16}", file=sys.stderr)
            precision = "fp32"
        elif started_in != precision:
            print(f"the run started in {started_in}: it goes on in {started_in}, not {precision}", file=sys.stderr)
            precision = started_in
        print(f"resumed from {checkpoint} at step {step}", file=sys.stderr)
    autocast_dtype = torch.bfloat16 if precision == "bf16" else None
    print(f"precision {precision}", file=sys.stderr)
    curve_file = run_dir / "curve.jsonl"
    curve_at = set(curve_steps(cfg.get("evaluate_at_pairs", []), cfg["batch_size"], total_steps)) if held_out else set()
    int8_passes = qat.attach_int8_simulation(model, wide_channels) if wide_channels is not None else []

    def save_checkpoint() -> None:
        tmp = checkpoint.with_suffix(".tmp")
        torch.save(
            {
                "model": qat.plain_state_dict(model),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "torch_rng": torch.get_rng_state(),
                "step": step,
                "precision": precision,
            },
            tmp,
        )
        tmp.replace(checkpoint)

    model.train()
    progress = Progress(stop_at, step, cfg["batch_size"], cfg["log_every"])
    columns = {c: encoded[c] for c in input_columns}
    pending_losses: list[str] = []
    for batch_indices in batches[step:stop_at]:
        features = [{c: values[i] for c, values in columns.items()} for i in batch_indices]
        enc = tokenizer.pad(features, return_tensors="pt").to(device)
        target = torch.tensor([targets[i] for i in batch_indices], device=device)
        with torch.autocast(device.type, dtype=autocast_dtype, enabled=autocast_dtype is not None):
            if int8_passes:
                loss = int8_aware_loss(model, enc, target, int8_passes, cfg.get("int8_consistency_weight", 1.0))
            elif soft_targets is not None:
                loss = distillation_loss(
                    model(**enc).logits,
                    target,
                    torch.from_numpy(soft_targets[batch_indices]).to(device),
                    recipe.distillation["temperature"],
                    recipe.distillation["soft_weight"],
                )
            else:
                loss = mixed_loss(model(**enc).logits, target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        step += 1
        progress.update(step, loss.item())
        pending_losses.append(f"{step}\t{loss.item():.4f}\n")
        if step in curve_at and step not in _recorded_curve(curve_file):
            # Before the checkpoint: a crash in between redoes the point, never skips it.
            point = evaluate_rows(model, tokenizer, held_out, device, cfg["max_length"])
            point.update({"step": step, "pairs": step * cfg["batch_size"], "precision": precision})
            with curve_file.open("a") as curve:
                curve.write(json.dumps(point) + "\n")
            print(f"held-out accuracy {point['accuracy']:.4f} after {point['pairs']} pairs", file=sys.stderr)
        if step % cfg["checkpoint_every"] == 0 or step == stop_at or step in curve_at:
            save_checkpoint()
            # Losses are written with the checkpoint, so the log never runs ahead of it.
            with (run_dir / "loss.log").open("a") as log:
                log.writelines(pending_losses)
            pending_losses = []

    final = run_dir / "final"
    if int8_passes:
        qat.detach_int8_simulation(model)
    model.save_pretrained(final)
    (final / "trained_steps.json").write_text(
        json.dumps({"step": step, "planned_steps": total_steps, "precision": precision})
    )
    tokenizer.save_pretrained(final)
    if held_out:
        result = evaluate_rows(model, tokenizer, held_out, device, cfg["max_length"])
        (final / "heldout.json").write_text(json.dumps(result, indent=2))
        print(f"held-out accuracy {result['accuracy']:.4f} on {result['n']} rows", file=sys.stderr)
    (final / "recipe.toml").write_text(Path(recipe_path).read_text(encoding="utf-8"))
    if recipe.stance:
        # what the model was trained to read: the recipe's passage, at the training length
        spec = dataclasses.replace(recipe.stance_passage(), max_tokens=cfg["max_length"])
        (final / STANCE_PASSAGE_FILE).write_text(json.dumps(spec.to_dict()))
    shutil.copy(run_dir / "mix.json", final / "mix.json")
    return final


def snapshot(recipe_path: Path, run_dir: Path) -> Path:
    """The latest checkpoint of a run (still training or stopped) as a model directory."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    recipe = Recipe.load(recipe_path)
    state = torch.load(run_dir / "checkpoint.pt", map_location="cpu", weights_only=False)
    base = resolve_base_model(recipe.base_model)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, dtype=torch.float32, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=LABEL2ID
    )
    model.load_state_dict(state["model"])
    out = run_dir / f"snapshot-{state['step']}"
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(base).save_pretrained(out)
    (out / "trained_steps.json").write_text(json.dumps({"step": state["step"]}))
    (out / "recipe.toml").write_text(Path(recipe_path).read_text(encoding="utf-8"))
    return out
