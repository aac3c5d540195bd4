"""A model as one object: loaded once from a name or folder, with everything its folder holds.

A model folder carries the NLI cross-encoder (ONNX int8, or fp16 weights for the torch
backend) and the side files that make its decisions: ``thresholds.json`` (verdict
thresholds), ``combiner.json`` (the contradiction decision over the model and the slot
comparison) and ``stance_aggregator.json`` (article stances). :class:`Model` loads them
all at once, with the sentence encoder that pairs claims, and says where it came from,
so that ``nli score``, ``nli stance``, the evaluation harness and the Python API put a
model together in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nli.errors import ModelError
from nli.model.backends import BACKENDS, NLIBackend, SentenceEncoder, display_path, load_encoder, load_nli
from nli.model.registry import DEFAULT_STANCE_MODEL, locate_model
from nli.scoring.combiner import Combiner
from nli.scoring.stance import AGGREGATOR_FILE, Aggregator, StanceModel
from nli.scoring.verdicts import Thresholds


@dataclass
class Model:
    """The NLI backend with its thresholds, combiner, stance aggregator and sentence encoder.

    ``warnings`` says what the folder lacks that a user would miss (a stance aggregator:
    no article-level stances). Build one with :meth:`load`; :meth:`from_backend` wraps a
    backend that is already loaded.
    """

    nli: NLIBackend
    encoder: SentenceEncoder
    thresholds: Thresholds
    combiner: Combiner | None
    aggregator: Aggregator | None
    origin: str
    stance_model: StanceModel | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def directory(self) -> Path | None:
        return Path(self.nli.model_dir) if self.nli.model_dir else None

    @property
    def name(self) -> str:
        return self.directory.name if self.directory else self.nli.name

    @property
    def backend(self) -> str:
        return self.nli.name

    @classmethod
    def load(
        cls,
        model: str | Path | None = None,
        backend: str = "onnx",
        threads: int | None = None,
        stance_model: str | Path | bool = True,
    ) -> Model:
        """The model named by a folder or a name (default: the shipped default), on ``onnx`` or ``torch``.

        ``stance_model``: True for the shipped stance model (:data:`DEFAULT_STANCE_MODEL`),
        a name or folder for another, False for none (the aggregator alone splits
        agree, disagree and discuss). Raises :class:`ModelError` for a missing or
        broken model, ``ValueError`` for an unknown backend, before anything is loaded.
        """
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; choose {' or '.join(BACKENDS)}")
        if model is not None and not isinstance(model, str | Path):
            raise TypeError(f"model must be a name or a folder, not {type(model).__name__}")
        directory, origin = locate_model(model)
        nli = load_nli(directory, backend, threads=threads)
        return cls.from_backend(
            nli,
            load_encoder(backend=backend, threads=threads),
            origin=origin,
            stance_model=_stance_model(stance_model, backend, threads),
        )

    @classmethod
    def from_backend(
        cls,
        nli: NLIBackend,
        encoder: SentenceEncoder | None = None,
        origin: str = "argument",
        stance_model: StanceModel | None = None,
    ) -> Model:
        """A model around an NLI backend already loaded, reading the side files of its folder."""
        directory = Path(nli.model_dir) if nli.model_dir else None
        aggregator_path = directory / AGGREGATOR_FILE if directory else None
        warnings = []
        aggregator = None
        if aggregator_path and aggregator_path.exists():
            aggregator = Aggregator.load(aggregator_path)
        elif directory is not None:
            warnings.append(
                f"{display_path(directory)} has no {AGGREGATOR_FILE}: article-level stances are left out "
                "(stances come from labelled sentence pairs only)"
            )
        return cls(
            nli=nli,
            encoder=encoder or load_encoder(backend=nli.name if nli.name in BACKENDS else "onnx"),
            thresholds=Thresholds.for_model(directory),
            combiner=Combiner.load(directory),
            aggregator=aggregator,
            origin=origin,
            stance_model=stance_model,
            warnings=warnings,
        )

    def require_aggregator(self) -> Aggregator:
        """The stance aggregator, or a :class:`ModelError` that says how to make one."""
        if self.aggregator is None:
            raise ModelError(
                f"{display_path(self.directory or self.name)} has no {AGGREGATOR_FILE}; "
                "fit one with `nli stance-train` (make stance-model)"
            )
        return self.aggregator

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "path": display_path(self.directory) if self.directory else None,
            "origin": self.origin,
            "backend": self.backend,
        }


def _stance_model(given: str | Path | bool, backend: str, threads: int | None) -> StanceModel | None:
    if given is False:
        return None
    if given is True:
        return StanceModel.load(DEFAULT_STANCE_MODEL, "onnx", threads=threads)
    if not isinstance(given, str | Path):
        raise TypeError(f"stance_model must be True, False, a name or a folder, not {type(given).__name__}")
    return StanceModel.load(given, backend, threads=threads)
