"""Where an article stands on a claim: agree, disagree, discuss or unrelated.

Relevance comes from sentence embeddings (the article's sentences most similar to
the claim), the decision from NLI between those sentences and the claim in both
directions, word-overlap and cue-word features, and a small learned aggregation
(logistic regression or a one-layer network, fit on FNC-1 *training* pairs) from
these features to the four stances. The aggregator is stored as plain JSON weights
beside the model, so applying it needs neither scikit-learn nor pickle.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from nli.errors import ModelError
from nli.model.backends import MAX_LENGTH, NLIBackend, SentenceEncoder, load_nli, predict_in_blocks
from nli.model.registry import STANCE_PASSAGE_FILE, resolve_model_dir
from nli.outputs import write_text_atomic
from nli.scoring.sentences import is_claim, split_article
from nli.scoring.verdicts import probs_dict

STANCES: tuple[str, str, str, str] = ("agree", "disagree", "discuss", "unrelated")
TOP_SENTENCES = 3
# Below this best-sentence cosine a body is taken as unrelated without NLI calls;
# the learned aggregator still decides, from the similarity features alone.
NLI_MIN_SIMILARITY = 0.25
AGGREGATOR_FILE = "stance_aggregator.json"
FEATURE_NAMES = (
    "max_sim",
    "mean_top_sim",
    "second_sim",
    "body_sim",
    "share_sim_over_0.5",
    "max_e_fwd",
    "max_c_fwd",
    "max_e_bwd",
    "max_c_bwd",
    "sim_weighted_e",
    "sim_weighted_c",
    "sim_weighted_n",
    "top1_e",
    "top1_c",
    "nli_skipped",
    "claim_words_in_body",
    "claim_words_in_top",
    "body_refuting",
    "top_refuting",
    "body_hedging",
    "top_hedging",
    "claim_refuting",
    "claim_hedging",
    "log_body_sentences",
)
# Word cues that the NLI model misses on FNC-1 (its sentences are long and attributed):
# "discuss" bodies report and hedge, "disagree" bodies debunk. Which cue matters how
# much is learned by the aggregator, not set here.
REFUTING_WORDS = frozenset(
    "fake fraud hoax false deny denies denied denial not despite nope doubt doubts bogus debunk debunked "
    "debunks prank pranks retract retracted retraction fabricated untrue myth rumour rumor".split()
)
HEDGING_WORDS = frozenset(
    "reportedly allegedly alleged claims claimed claim according purportedly apparently unconfirmed "
    "unverified rumoured rumored suggests suggested may might could appears appeared believed "
    "reports report speculation speculated sources".split()
)
STOPWORDS = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been has have had it its this "
    "that these those he she they his her their will would says said after over into about than".split()
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _content(words: Sequence[str]) -> set[str]:
    return {w for w in words if w not in STOPWORDS and len(w) > 2}


def sentence_words(sentences: Sequence[str]) -> list[frozenset[str]]:
    """Each sentence's lowercased words, made once per body and reused for every claim."""
    return [frozenset(_words(s)) for s in sentences]


def _share_with(word_sets: Sequence[frozenset[str]], cue: frozenset[str]) -> float:
    """Share of the sentences (as word sets) that contain a cue word."""
    return float(np.mean([bool(cue & w) for w in word_sets])) if word_sets else 0.0


def lexical_features(claim: str, words: Sequence[frozenset[str]], top: Sequence[int]) -> dict[str, float]:
    """Word-overlap and cue-word features of a claim and a body.

    ``words``: the body's :func:`sentence_words`; ``top``: indices of its best sentences.
    """
    claim_words = _words(claim)
    claim_content = _content(claim_words)
    body_vocabulary = frozenset().union(*words)
    top_words = [words[i] for i in top]
    top_vocabulary = frozenset().union(*top_words)
    return {
        "claim_words_in_body": len(claim_content & body_vocabulary) / len(claim_content) if claim_content else 0.0,
        "claim_words_in_top": len(claim_content & top_vocabulary) / len(claim_content) if claim_content else 0.0,
        "body_refuting": _share_with(words, REFUTING_WORDS),
        "top_refuting": _share_with(top_words, REFUTING_WORDS),
        "body_hedging": _share_with(words, HEDGING_WORDS),
        "top_hedging": _share_with(top_words, HEDGING_WORDS),
        "claim_refuting": float(bool(REFUTING_WORDS.intersection(claim_words))),
        "claim_hedging": float(bool(HEDGING_WORDS.intersection(claim_words))),
        "log_body_sentences": float(np.log1p(len(words))),
    }


@dataclass
class Evidence:
    text: str
    similarity: float
    probs_sentence_to_claim: dict[str, float]
    probs_claim_to_sentence: dict[str, float]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class StanceResult:
    article: str
    stance: str
    probs: dict[str, float]
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "article": self.article,
            "stance": self.stance,
            "probs": self.probs,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def body_sentences(text: str) -> list[str]:
    sentences = split_article(text)
    return [s for s in sentences if is_claim(s)] or sentences


@dataclass
class EmbeddedBody:
    sentences: list[str]
    vectors: np.ndarray  # (n, 384), unit length
    mean: np.ndarray  # (384,), unit length
    words: list[frozenset[str]]  # each sentence's words (sentence_words)


def embedded_body(sentences: list[str], vectors: np.ndarray) -> EmbeddedBody:
    """A body from sentences already embedded (unit-length rows of ``vectors``)."""
    mean = vectors.mean(axis=0) if len(vectors) else np.zeros(vectors.shape[1] if vectors.ndim == 2 else 384)
    norm = np.linalg.norm(mean)
    return EmbeddedBody(sentences, vectors, mean / norm if norm else mean, sentence_words(sentences))


def embed_bodies(texts: Sequence[str], encoder: SentenceEncoder) -> list[EmbeddedBody]:
    """Split and embed every body once; all sentences go through the encoder together."""
    split = [body_sentences(t) for t in texts]
    flat = [s for sentences in split for s in sentences]
    vectors = encoder.encode(flat) if flat else np.zeros((0, 384), dtype=np.float32)
    bodies, start = [], 0
    for sentences in split:
        bodies.append(embedded_body(sentences, vectors[start : start + len(sentences)]))
        start += len(sentences)
    return bodies


@dataclass(frozen=True)
class PassageSpec:
    """Which of a body's sentences a stance model reads against a claim, and at what length.

    ``opening`` first sentences always (a report's lede states what it makes of the
    story: "... is a hoax"), then the sentences most similar to the claim, best first,
    while the passage stays within ``max_words``; ``nearest`` caps those (0: no cap).
    Joined in the body's order and read at up to ``max_tokens`` tokens with the claim.
    A stance model's folder records the spec it was trained with
    (:data:`STANCE_PASSAGE_FILE`); without one, a model reads the three nearest
    sentences at the NLI model's 128 tokens (the first stance model).
    """

    opening: int = 0
    nearest: int = TOP_SENTENCES
    max_words: int = 0  # 0: no limit
    max_tokens: int = MAX_LENGTH

    @classmethod
    def from_dict(cls, raw: dict) -> PassageSpec:
        known = {"opening", "nearest", "max_words", "max_tokens"}
        if set(raw) - known or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in raw.values()):
            raise ValueError(f"a passage spec takes non-negative integers {sorted(known)}, not {raw}")
        return cls(**raw)

    @classmethod
    def of_model(cls, model_dir: Path) -> PassageSpec:
        """The spec recorded in a stance model's folder, or the first stance model's."""
        path = model_dir / STANCE_PASSAGE_FILE
        if not path.exists():
            return cls()
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as err:
            raise ModelError(f"{path}: not a readable passage spec ({err})") from None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class StanceModel:
    """A stance cross-encoder (agree, discuss, disagree as entailment, neutral, contradiction)
    and the passage it was trained to read, loaded once from its folder."""

    backend: NLIBackend
    passage: PassageSpec

    @classmethod
    def load(cls, model: str | Path, backend: str = "onnx", threads: int | None = None) -> StanceModel:
        model_dir = resolve_model_dir(model)
        passage = PassageSpec.of_model(model_dir)
        return cls(load_nli(model_dir, backend, threads=threads, max_length=passage.max_tokens), passage)

    @property
    def model_dir(self) -> Path:
        return self.backend.model_dir

    def read(self, passages_and_claims: Sequence[tuple[str, str]]) -> np.ndarray:
        """(agree, discuss, disagree) probabilities of each (passage, claim), in blocks."""
        return predict_in_blocks(self.backend, passages_and_claims, 2048)


def evidence_passage(body: EmbeddedBody, claim_vector: np.ndarray, spec: PassageSpec = PassageSpec()) -> str:
    """The passage of ``body`` that a stance model reads against the claim (:class:`PassageSpec`).

    The same function makes the passages in training and in use.
    """
    if not body.sentences:
        return ""
    lengths = [len(s.split()) for s in body.sentences]
    picked = list(range(min(spec.opening, len(body.sentences))))
    words = sum(lengths[i] for i in picked)
    nearest = 0
    for i in np.argsort(-(body.vectors @ claim_vector)):
        if spec.nearest and nearest >= spec.nearest:
            break
        if i in picked:
            continue
        if spec.max_words and words + lengths[i] > spec.max_words and picked:
            continue
        picked.append(int(i))
        words += lengths[i]
        nearest += 1
    return " ".join(body.sentences[i] for i in sorted(picked))


@dataclass
class PairFeatures:
    features: np.ndarray  # (len(FEATURE_NAMES),)
    evidence: list[Evidence]
    # A stance model's (entailment, neutral, contradiction) = (agree, discuss, disagree)
    # on the body's evidence passage against the claim; None without a stance model.
    passage_stance: np.ndarray | None = None


def featurize(
    claims: Sequence[str],
    claim_vectors: np.ndarray,
    bodies: Sequence[EmbeddedBody],
    nli: NLIBackend,
    top: int = TOP_SENTENCES,
    progress: Callable[[int, int], None] | None = None,
    stance_model: StanceModel | None = None,
) -> list[PairFeatures]:
    """Features for each (claim, body) pair; the NLI calls of all pairs are batched together.

    With a ``stance_model`` (``nli train`` with a ``[stance]`` recipe), it reads each
    related-looking body's evidence passage against the claim too (one call a pair).
    """
    selections = []
    nli_pairs: list[tuple[str, str]] = []
    for claim, vector, body in zip(claims, claim_vectors, bodies, strict=True):
        sims = body.vectors @ vector if len(body.sentences) else np.zeros(0)
        order = np.argsort(-sims)[:top]
        use_nli = len(order) > 0 and sims[order[0]] >= NLI_MIN_SIMILARITY
        selections.append((sims, order, use_nli, float(body.mean @ vector)))
        if use_nli:
            for i in order:
                nli_pairs.append((body.sentences[i], claim))
                nli_pairs.append((claim, body.sentences[i]))
    probs = predict_in_blocks(nli, nli_pairs, 2048, progress)
    out, cursor = [], 0
    for (sims, order, use_nli, body_sim), body, claim in zip(selections, bodies, claims, strict=True):
        top_sims = sims[order] if len(order) else np.zeros(1)
        f = {
            "max_sim": float(top_sims[0]) if len(order) else 0.0,
            "mean_top_sim": float(top_sims.mean()),
            "second_sim": float(top_sims[1]) if len(order) > 1 else 0.0,
            "body_sim": body_sim,
            "share_sim_over_0.5": float((sims > 0.5).mean()) if len(sims) else 0.0,
            "nli_skipped": 0.0 if use_nli else 1.0,
            **lexical_features(claim, body.words, order),
        }
        evidence = []
        if use_nli:
            fwd = probs[cursor : cursor + 2 * len(order) : 2]
            bwd = probs[cursor + 1 : cursor + 2 * len(order) : 2]
            cursor += 2 * len(order)
            weights = np.clip(top_sims, 1e-3, None) / np.clip(top_sims, 1e-3, None).sum()
            f.update(
                {
                    "max_e_fwd": float(fwd[:, 0].max()),
                    "max_c_fwd": float(fwd[:, 2].max()),
                    "max_e_bwd": float(bwd[:, 0].max()),
                    "max_c_bwd": float(bwd[:, 2].max()),
                    "sim_weighted_e": float(weights @ np.maximum(fwd[:, 0], bwd[:, 0])),
                    "sim_weighted_c": float(weights @ np.maximum(fwd[:, 2], bwd[:, 2])),
                    "sim_weighted_n": float(weights @ np.minimum(fwd[:, 1], bwd[:, 1])),
                    "top1_e": float(fwd[0, 0]),
                    "top1_c": float(max(fwd[0, 2], bwd[0, 2])),
                }
            )
            evidence = [
                Evidence(body.sentences[i], round(float(sims[i]), 4), probs_dict(fwd[k]), probs_dict(bwd[k]))
                for k, i in enumerate(order)
            ]
        vector = np.array([f.get(name, 0.0) for name in FEATURE_NAMES], dtype=np.float64)
        out.append(PairFeatures(vector, evidence))
    if stance_model is not None:
        add_passage_stances(out, claims, claim_vectors, bodies, stance_model)
    return out


def add_passage_stances(
    features: Sequence[PairFeatures],
    claims: Sequence[str],
    claim_vectors: np.ndarray,
    bodies: Sequence[EmbeddedBody],
    stance_model: StanceModel,
) -> int:
    """Let ``stance_model`` read the passage of each body that the NLI features found related-looking
    (it had evidence sentences); sets ``passage_stance`` in place and returns the pairs read."""
    jobs = [
        (k, evidence_passage(body, vector, stance_model.passage))
        for k, (body, vector, found) in enumerate(zip(bodies, claim_vectors, features, strict=True))
        if found.evidence
    ]
    read = stance_model.read([(passage, claims[k]) for k, passage in jobs])
    for (k, _), row in zip(jobs, read, strict=True):
        features[k].passage_stance = row
    return len(jobs)


def decide_stances(aggregator: Aggregator, features: Sequence[PairFeatures]) -> np.ndarray:
    """Probabilities over :data:`STANCES` for each pair, (n, 4).

    The aggregator decides whether a body bears on the claim at all; where a stance
    model read the body's passage, that model splits the related share between
    agree, disagree and discuss.
    """
    probs = aggregator.predict_proba(np.stack([f.features for f in features]))
    for row, f in zip(probs, features, strict=True):
        if f.passage_stance is not None:
            entailment, neutral, contradiction = f.passage_stance
            row[:3] = (1.0 - row[3]) * np.array([entailment, contradiction, neutral])
    return probs


@dataclass
class Aggregator:
    """A small network over standardized features (no hidden layer: logistic regression), as JSON.

    ``layers`` are (weight, bias) pairs, weight shaped (out, in); hidden layers use ReLU
    and the last a softmax over :data:`STANCES`.
    """

    mean: np.ndarray
    scale: np.ndarray
    layers: list[tuple[np.ndarray, np.ndarray]]
    info: dict = field(default_factory=dict)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        z = (features - self.mean) / self.scale
        for k, (weight, bias) in enumerate(self.layers):
            z = z @ weight.T + bias
            if k < len(self.layers) - 1:
                z = np.maximum(z, 0.0)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        document = {
            "stances": list(STANCES),
            "features": list(FEATURE_NAMES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "layers": [{"weight": w.tolist(), "bias": b.tolist()} for w, b in self.layers],
            "info": self.info,
        }
        write_text_atomic(path, json.dumps(document, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Aggregator:
        if not path.exists():
            raise ModelError(f"{path} is missing: build it with `nli stance-train` (make stance-model)")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise ModelError(f"{path}: not valid JSON ({err}); rebuild it with `nli stance-train`") from None
        if not isinstance(document, dict) or (
            document.get("features") != list(FEATURE_NAMES)
            or document.get("stances") != list(STANCES)
            or "layers" not in document
        ):
            raise ModelError(f"{path} was made for other features or stances; rebuild it with `nli stance-train`")
        return cls(
            np.array(document["mean"]),
            np.array(document["scale"]),
            [(np.array(layer["weight"]), np.array(layer["bias"])) for layer in document["layers"]],
            document.get("info", {}),
        )


def stance_of_articles(
    claim: str,
    texts: Sequence[str],
    ids: Sequence[str],
    nli: NLIBackend,
    encoder: SentenceEncoder,
    aggregator: Aggregator,
    stance_model: StanceModel | None = None,
) -> list[StanceResult]:
    """Each article's stance on one claim, with the sentences that decide it."""
    bodies = embed_bodies(texts, encoder)
    claim_vector = encoder.encode([claim])[0]
    feats = featurize(
        [claim] * len(bodies), np.tile(claim_vector, (len(bodies), 1)), bodies, nli, stance_model=stance_model
    )
    probs = decide_stances(aggregator, feats)
    results = []
    for article, row, f in zip(ids, probs, feats, strict=True):
        results.append(
            StanceResult(
                article,
                STANCES[int(row.argmax())],
                {s: round(float(p), 4) for s, p in zip(STANCES, row, strict=True)},
                f.evidence,
            )
        )
    return results
