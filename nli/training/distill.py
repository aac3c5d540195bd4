"""Distilling the teacher into the student (model v2): the news pool, the teacher's labels, the loss.

The student learns from the teacher's probabilities as well as from the gold labels,
on the training mix and on a pool of *unlabelled* news sentence pairs that the teacher
labels:

- ``fnc-pipeline``: the pairs ``nli score``'s own pairing proposes between the FNC-1
  *training* bodies of one story (a headline's related bodies);
- ``fnc-similar``: further similar sentences across those bodies, past the pipeline's
  top-k or below its threshold (mostly neutral: the boundary the pipeline lives on);
- ``semi-nli-premises``: the news premises of semi-automatic-nli *train*, each with
  its nearest other premises (different stories written alike; a recipe may give
  them a gold label as well, ``cross_story_label``).

The pool is rebuilt from the recipe's ``[distillation.pool]`` settings and seed, so the
teacher's labels are stored as one small file: a 64-bit hash of each pair's
normalized text (the key of DATA.md's de-duplication rule), the teacher's
probabilities in fp16, and the settings that rebuild the pairs. The student can then
be retrained without the teacher.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nli.data.corpora import default_data_dir, evaluation_keys, pair_key
from nli.model.labels import LABELS
from nli.paths import NEWS_PAIRS

if TYPE_CHECKING:
    from nli.model.backends import NLIBackend

POOL_ORIGINS = ("fnc-pipeline", "fnc-similar", "semi-nli-premises")
# FNC-1 stances whose body is about the headline's story.
RELATED = ("agree", "disagree", "discuss")
# Bodies drawn per story: stories with dozens of related bodies would otherwise fill the pool.
STORY_BODIES = 6
SIMILAR_MIN = 0.35
SIMILAR_TOP_K = 8
PREMISE_TOP_K = 2
LABEL_CHUNK = 2048


@dataclass(frozen=True)
class PoolSettings:
    """How many pairs of each origin, and the seed that draws them."""

    seed: int = 17
    fnc_pipeline: int = 40000
    fnc_similar: int = 15000
    semi_nli_premises: int = 10000
    # The gold label of a semi-nli premise pair ("" leaves it to the teacher alone). Its
    # two premises come from different Gigaword documents: different stories, which
    # a reader calls neutral, where a teacher trained on NLI's same-scene convention
    # called 22% of 300 such pairs contradiction at step 5,000 (40% at step 1,600).
    cross_story_label: str = ""

    @classmethod
    def from_recipe(cls, section: dict) -> PoolSettings:
        unknown = set(section) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"[distillation.pool]: unknown settings {sorted(unknown)}")
        if section.get("cross_story_label", "") not in ("", *LABELS):
            raise ValueError(f'[distillation.pool] cross_story_label: expected one of {", ".join(LABELS)} or ""')
        return cls(**section)

    def size_of(self, origin: str) -> int:
        return getattr(self, origin.replace("-", "_"))


def pair_hash(premise: str, hypothesis: str) -> int:
    """A 64-bit hash of the pair's de-duplication key (direction matters)."""
    digest = hashlib.blake2b(pair_key(premise, hypothesis).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _story_bodies(root: Path, rng: random.Random) -> tuple[list[list[str]], dict[str, str]]:
    """FNC-1 training stories (up to STORY_BODIES related bodies per headline) and the bodies' text."""
    from nli.evaluation.fnc import read_fnc

    pairs = read_fnc(root / "fnc-1" / "train_stances.csv", root / "fnc-1" / "train_bodies.csv")
    by_headline: dict[str, list[str]] = {}
    for headline, body_id, stance in zip(pairs.headlines, pairs.body_ids, pairs.stances, strict=True):
        bodies = by_headline.setdefault(headline, [])
        if stance in RELATED and body_id not in bodies:
            bodies.append(body_id)
    stories, seen = [], set()
    for bodies in by_headline.values():
        drawn = tuple(sorted(rng.sample(bodies, min(len(bodies), STORY_BODIES))))
        if len(drawn) >= 2 and drawn not in seen:
            seen.add(drawn)
            stories.append(list(drawn))
    return stories, pairs.bodies


def _body_claims(text: str) -> list[str]:
    from nli.scoring.articles import Article, clean_article
    from nli.scoring.sentences import article_claims

    return article_claims(clean_article(Article(id="body", text=text)).body).claims


def _fnc_pairs(root: Path, encoder, rng: random.Random, log: Callable[[str], None]) -> dict[str, list]:
    from nli.scoring.pairing import Sentence, candidate_pairs, propose_pairs

    stories, texts = _story_bodies(root, rng)
    used = sorted({b for story in stories for b in story})
    claims = {b: _body_claims(texts[b]) for b in used}
    flat = [(b, s) for b in used for s in claims[b]]
    log(f"  pool: {len(stories)} FNC-1 training stories, {len(used)} bodies, {len(flat)} claims to embed")
    vectors = encoder.encode([s for _, s in flat])
    start: dict[str, int] = {}
    for i, (b, _) in enumerate(flat):
        start.setdefault(b, i)
    found: dict[str, list] = {"fnc-pipeline": [], "fnc-similar": []}
    for story in stories:
        sentences = [Sentence(b, i, s) for b in story for i, s in enumerate(claims[b])]
        if len(sentences) < 2:
            continue
        rows = [start[b] + i for b in story for i in range(len(claims[b]))]
        embeddings = vectors[rows]
        proposed = {(c.a, c.b) for c in candidate_pairs(sentences, embeddings).proposed if not c.near_identical}
        similar = {
            (c.a, c.b)
            for c in propose_pairs(sentences, embeddings, SIMILAR_MIN, SIMILAR_TOP_K)
            if not c.near_identical and (c.a, c.b) not in proposed
        }
        for origin, chosen in (("fnc-pipeline", proposed), ("fnc-similar", similar)):
            found[origin] += [(sentences[a].text, sentences[b].text) for a, b in sorted(chosen)]
    return found


def _semi_nli_premise_pairs(root: Path, encoder, log: Callable[[str], None]) -> list[tuple[str, str]]:
    from nli.scoring.pairing import Sentence, propose_pairs

    folder = root / "semi_automatic_nli_nyu"
    test_premises = {
        json.loads(line)["premise"] for path in folder.glob("*/test.jsonl") for line in path.open(encoding="utf-8")
    }
    premises: dict[str, str] = {}  # premise -> its source document
    for path in sorted(folder.glob("*_news/train.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            if row["premise"] not in test_premises:
                premises.setdefault(row["premise"], row.get("cid") or row["premise"])
    texts = sorted(premises)
    log(f"  pool: {len(texts)} semi-automatic-nli train news premises to embed")
    sentences = [Sentence(premises[t], i, t) for i, t in enumerate(texts)]
    return [
        (texts[c.a], texts[c.b])
        for c in propose_pairs(sentences, encoder.encode(texts), top_k=PREMISE_TOP_K)
        if not c.near_identical
    ]


def news_pool(
    settings: PoolSettings, data_dir: Path | None = None, encoder=None, log: Callable[[str], None] = print
) -> list[dict]:
    """The unlabelled pool: ``{premise, hypothesis, label: "", source: origin}`` rows, rebuilt from the seed.

    Pairs in any evaluation split (or in the project's news_pairs), in either
    direction, are dropped; a pair found under two origins is kept under the first;
    each pair's direction is drawn at random (the pipeline asks both directions, the
    student sees either).
    """
    from nli.model.backends import load_encoder

    root = data_dir or default_data_dir()
    rng = random.Random(settings.seed)
    encoder = encoder or load_encoder()
    found = _fnc_pairs(root, encoder, rng, log)
    found["semi-nli-premises"] = _semi_nli_premise_pairs(root, encoder, log)
    blocked = evaluation_keys(root, (NEWS_PAIRS,) if NEWS_PAIRS.exists() else ())
    seen: set[str] = set()
    rows: list[dict] = []
    for origin in POOL_ORIGINS:
        candidates = []
        for a, b in found[origin]:
            premise, hypothesis = (a, b) if rng.random() < 0.5 else (b, a)
            key = pair_key(premise, hypothesis)
            reverse = pair_key(hypothesis, premise)
            if key in blocked or reverse in blocked or key in seen or reverse in seen:
                continue
            seen.add(key)
            label = settings.cross_story_label if origin == "semi-nli-premises" else ""
            candidates.append({"premise": premise, "hypothesis": hypothesis, "label": label, "source": origin})
        rng.shuffle(candidates)
        picked = candidates[: settings.size_of(origin)]
        log(f"  pool: {origin:18s} {len(candidates):6d} pairs found, {len(picked):6d} drawn")
        rows += picked
    return rows


@dataclass
class TeacherLabels:
    """The teacher's probabilities (fp16) by pair hash, and how they were made."""

    keys: np.ndarray  # uint64
    probs: np.ndarray  # float16, (n, 3) in nli.model.labels.LABELS order
    meta: dict

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, keys=self.keys, probs=self.probs, meta=np.array(json.dumps(self.meta, indent=1)))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TeacherLabels:
        if not path.exists():
            raise ValueError(f"{path}: no teacher labels; make them with `nli teacher-labels` (see the recipe)")
        with np.load(path) as data:
            return cls(data["keys"], data["probs"], json.loads(str(data["meta"])))

    @cached_property
    def _index(self) -> dict[int, int]:
        return {int(k): i for i, k in enumerate(self.keys.tolist())}

    def lookup(self, rows: list[dict]) -> np.ndarray:
        """Probabilities (float32) for each row; NaN where the teacher did not label it."""
        index = self._index
        found = np.full((len(rows), self.probs.shape[1]), np.nan, dtype=np.float32)
        for r, row in enumerate(rows):
            i = index.get(pair_hash(row["premise"], row["hypothesis"]))
            if i is not None:
                found[r] = self.probs[i]
        return found


def rows_to_label(
    recipe, settings: PoolSettings, data_dir: Path | None = None, log: Callable[[str], None] = print
) -> list[dict]:
    """The pool and a sample of the student recipe's training mix, one row per distinct pair."""
    from nli.training.mix import build_mix

    section = recipe.distillation
    pool = news_pool(settings, data_dir, log=log)
    train, _, _ = build_mix(recipe, data_dir, log=lambda m: None)
    rng = random.Random(settings.seed)
    distinct = list({pair_key(r["premise"], r["hypothesis"]): r for r in train}.values())
    rng.shuffle(distinct)
    mix = distinct[: section.get("mix_labelled", len(distinct))]
    log(f"  {len(pool)} pool pairs and {len(mix)} of {len(distinct)} distinct training-mix pairs to label")
    return pool + mix


def cached_rows_to_label(
    recipe, settings: PoolSettings, work_dir: Path, data_dir: Path | None = None, log: Callable[[str], None] = print
) -> list[dict]:
    """``rows_to_label``, kept in ``work_dir`` so that a resumed labelling run skips the pool's 20 minutes.

    The kept rows are reused only for the same recipe, pool settings, mix sample and
    data directory.
    """
    root = data_dir or default_data_dir()
    fingerprint = json.dumps(
        {
            "recipe": recipe.name,
            "pool": asdict(settings),
            "mix_labelled": recipe.distillation.get("mix_labelled"),
            "seed": recipe.seed,
            "sources": recipe.sources,
            "news": recipe.news,
            "data_dir": str(Path(root).resolve()),
        },
        sort_keys=True,
    )
    kept, kept_for = work_dir / "rows.jsonl", work_dir / "rows.fingerprint.json"
    if kept.exists() and kept_for.exists() and kept_for.read_text() == fingerprint:
        log(f"  rows to label: reusing {kept}")
        return [json.loads(line) for line in kept.read_text().splitlines()]
    rows = rows_to_label(recipe, settings, data_dir, log=log)
    work_dir.mkdir(parents=True, exist_ok=True)
    tmp = kept.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    tmp.replace(kept)
    kept_for.write_text(fingerprint)
    return rows


def label_with_teacher(
    teacher: NLIBackend, rows: list[dict], work_dir: Path, batch_size: int = 64, log: Callable[[str], None] = print
) -> np.ndarray:
    """The teacher's probabilities for ``rows`` (fp16), from either backend.

    Works through chunks of LABEL_CHUNK rows, each saved under ``work_dir`` as it is
    done, so an interrupted run goes on where it stopped (the chunks are named by the
    hash of their pairs, so a changed pool never reuses a stale chunk).
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    out = np.zeros((len(rows), len(LABELS)), dtype=np.float16)
    started, done_now = time.time(), 0
    for start in range(0, len(rows), LABEL_CHUNK):
        chunk = rows[start : start + LABEL_CHUNK]
        digest = hashlib.blake2b(
            "\n".join(pair_key(r["premise"], r["hypothesis"]) for r in chunk).encode(), digest_size=10
        ).hexdigest()
        saved = work_dir / f"chunk-{start:07d}-{digest}.npy"
        if saved.exists():
            out[start : start + len(chunk)] = np.load(saved)
            continue
        probs = teacher.predict_proba([(r["premise"], r["hypothesis"]) for r in chunk], batch_size=batch_size)
        np.save(saved.with_suffix(".tmp.npy"), probs.astype(np.float16))
        saved.with_suffix(".tmp.npy").replace(saved)
        out[start : start + len(chunk)] = probs
        done_now += len(chunk)
        rate = done_now / (time.time() - started)
        left = len(rows) - start - len(chunk)
        log(f"  labelled {start + len(chunk)}/{len(rows)}  {rate:.1f} pairs/s  ETA {left / rate / 60:.0f} min")
    return out


def make_teacher_labels(
    recipe_path: Path,
    teacher_dir: Path,
    out: Path,
    data_dir: Path | None = None,
    limit: int | None = None,
    backend: str = "onnx",
) -> TeacherLabels:
    """Build the pool and mix sample of a student recipe, label them with the teacher, write ``out``.

    ``backend`` ``onnx`` labels with the teacher's int8 graph (``nli export`` of it;
    about three times the speed of torch in bf16 here), ``torch`` with its weights in
    bf16 autocast where the CPU has it.
    """
    from nli.model.backends import load_nli
    from nli.model.export import TRAINING_RECORD_DIR
    from nli.paths import cache_root
    from nli.training.mix import Recipe
    from nli.training.numerics import cpu_has_bf16

    def log_stderr(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    recipe = Recipe.load(recipe_path)
    if not recipe.distillation:
        raise ValueError(f"{recipe_path}: the recipe has no [distillation] section")
    settings = PoolSettings.from_recipe(recipe.distillation.get("pool", {}))
    work = cache_root() / "teacher-labels" / out.stem
    rows = cached_rows_to_label(recipe, settings, work, data_dir, log=log_stderr)[:limit]
    teacher = load_nli(teacher_dir, backend, bf16=backend == "torch" and cpu_has_bf16())
    probs = label_with_teacher(teacher, rows, work, log=log_stderr)
    # A run's final/ keeps trained_steps.json at the top; nli export moves it into its training record.
    record_files = (teacher_dir / "trained_steps.json", teacher_dir / TRAINING_RECORD_DIR / "trained_steps.json")
    trained = next((path for path in record_files if path.exists()), None)
    meta = {
        "teacher": str(teacher_dir),
        "teacher_steps": json.loads(trained.read_text()) if trained else None,
        "backend": backend,
        "recipe": recipe.name,
        "pool": asdict(settings),
        "mix_labelled": recipe.distillation.get("mix_labelled"),
        "rows": {origin: sum(r["source"] == origin for r in rows) for origin in POOL_ORIGINS}
        | {"training-mix": sum(r["source"] not in POOL_ORIGINS for r in rows)},
        "labels": "entailment, neutral, contradiction",
    }
    labels = TeacherLabels(
        np.array([pair_hash(r["premise"], r["hypothesis"]) for r in rows], dtype=np.uint64), probs, meta
    )
    labels.save(out)
    print(f"wrote {out}: {len(rows)} pairs", file=sys.stderr)
    return labels


def distillation_loss(logits, targets, soft, temperature: float, soft_weight: float):
    """Per row: KL to the teacher's temperature-scaled probabilities (times T^2) and the gold loss.

    Rows with both are weighted ``soft_weight`` : ``1 - soft_weight``; a row with only
    the teacher's label (the pool) or only a gold label gets that loss alone. ``soft``
    is NaN where the teacher gave none; ``targets`` is -1 where there is no gold label.
    """
    import torch
    import torch.nn.functional as F

    from nli.training.numerics import row_losses

    has_soft = ~torch.isnan(soft[:, 0])
    has_gold = targets >= 0
    gold = row_losses(logits, targets)
    # Uniform stand-ins where there is no teacher label: a NaN would poison the gradient through torch.where.
    soft = torch.where(has_soft[:, None], soft, torch.full_like(soft, 1 / soft.shape[1]))
    # softmax(teacher logits / T) from probabilities: p^(1/T), renormalized.
    teacher_log = torch.log_softmax(torch.log(soft.clamp_min(1e-6)) / temperature, dim=-1)
    student_log = F.log_softmax(logits.float() / temperature, dim=-1)
    kl = (teacher_log.exp() * (teacher_log - student_log)).sum(-1) * temperature**2
    kl = torch.where(has_soft, kl, torch.zeros_like(kl))
    both = has_soft & has_gold
    losses = torch.where(both, soft_weight * kl + (1 - soft_weight) * gold, torch.where(has_soft, kl, gold))
    return losses.mean()


def student_rows(
    recipe, train_rows: list[dict], run_dir: Path, data_dir: Path | None = None, log: Callable[[str], None] = print
) -> tuple[list[dict], np.ndarray, dict]:
    """The student's rows (the training mix and the pool, shuffled together) and their teacher labels.

    The pool is rebuilt once per run and kept in ``run_dir/pool.jsonl``, so a resumed
    run trains on exactly the same rows. Raises ValueError when the labels file does
    not cover the pool (it was made from other settings).
    """
    from nli.paths import PROJECT_ROOT
    from nli.training.mix import sample_rows

    section = recipe.distillation
    labels = TeacherLabels.load(PROJECT_ROOT / section["labels"])
    kept = run_dir / "pool.jsonl"
    if kept.exists():
        pool = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    else:
        pool = news_pool(PoolSettings.from_recipe(section.get("pool", {})), data_dir, log=log)
        tmp = kept.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(row) + "\n" for row in pool), encoding="utf-8")
        tmp.replace(kept)
    # Embeddings differ in the last bits between machines, so a pair at the threshold may
    # come and go: a few unlabelled pool pairs are left out, many mean the wrong file.
    labelled = ~np.isnan(labels.lookup(pool)[:, 0])
    if labelled.mean() < 0.99:
        raise ValueError(
            f"{section['labels']}: {int((~labelled).sum())} of {len(pool)} pool pairs have no teacher label; the file "
            "was made from other pool settings (make it again with `nli teacher-labels`)"
        )
    pool = [row for row, ok in zip(pool, labelled, strict=True) if ok]
    rng = random.Random(recipe.seed)
    rows = train_rows + sample_rows(pool, section.get("pool_rate", 1.0), rng)
    rng.shuffle(rows)
    soft = labels.lookup(rows)
    with_soft = ~np.isnan(soft[:, 0])
    stats = {
        "labels": section["labels"],
        "teacher": labels.meta.get("teacher_steps"),
        "pool_rows": len(rows) - len(train_rows),
        "mix_rows_with_teacher_label": int(with_soft.sum()) - (len(rows) - len(train_rows)),
        "mix_rows": len(train_rows),
        "temperature": section["temperature"],
        "soft_weight": section["soft_weight"],
    }
    log(
        f"  distillation: {stats['pool_rows']} pool rows, {stats['mix_rows_with_teacher_label']} of "
        f"{len(train_rows)} mix rows with a teacher label"
    )
    return rows, soft, stats
