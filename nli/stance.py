"""Where an article stands on a claim: agree, disagree, discuss or unrelated.

Relevance comes from sentence embeddings (the article's sentences most similar to
the claim), the decision from NLI between those sentences and the claim in both
directions, and a small learned aggregation (multinomial logistic regression, fit
on FNC-1 *training* pairs) from these features to the four stances. The aggregator
is stored as plain JSON coefficients beside the model, so applying it needs neither
scikit-learn nor pickle.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from nli.backends import NLIBackend, SentenceEncoder, predict_in_blocks
from nli.sentences import is_claim, split_article
from nli.verdicts import probs_dict

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
)


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


def embed_bodies(texts: Sequence[str], encoder: SentenceEncoder) -> list[EmbeddedBody]:
    """Split and embed every body once; all sentences go through the encoder together."""
    split = [body_sentences(t) for t in texts]
    flat = [s for sentences in split for s in sentences]
    vectors = encoder.encode(flat) if flat else np.zeros((0, 384), dtype=np.float32)
    bodies, start = [], 0
    for sentences in split:
        part = vectors[start : start + len(sentences)]
        start += len(sentences)
        mean = part.mean(axis=0) if len(part) else np.zeros(vectors.shape[1] if vectors.ndim == 2 else 384)
        norm = np.linalg.norm(mean)
        bodies.append(EmbeddedBody(sentences, part, mean / norm if norm else mean))
    return bodies


@dataclass
class PairFeatures:
    features: np.ndarray  # (len(FEATURE_NAMES),)
    evidence: list[Evidence]


def featurize(
    claims: Sequence[str],
    claim_vectors: np.ndarray,
    bodies: Sequence[EmbeddedBody],
    nli: NLIBackend,
    top: int = TOP_SENTENCES,
    progress: Callable[[int, int], None] | None = None,
) -> list[PairFeatures]:
    """Features for each (claim, body) pair; the NLI calls of all pairs are batched together."""
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
    for (sims, order, use_nli, body_sim), body in zip(selections, bodies, strict=True):
        top_sims = sims[order] if len(order) else np.zeros(1)
        f = {
            "max_sim": float(top_sims[0]) if len(order) else 0.0,
            "mean_top_sim": float(top_sims.mean()),
            "second_sim": float(top_sims[1]) if len(order) > 1 else 0.0,
            "body_sim": body_sim,
            "share_sim_over_0.5": float((sims > 0.5).mean()) if len(sims) else 0.0,
            "nli_skipped": 0.0 if use_nli else 1.0,
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
    return out


@dataclass
class Aggregator:
    """Multinomial logistic regression over standardized features, as JSON."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (4, n_features)
    intercept: np.ndarray  # (4,)
    info: dict = field(default_factory=dict)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        document = {
            "stances": list(STANCES),
            "features": list(FEATURE_NAMES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "info": self.info,
        }
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Aggregator:
        from nli.backends import ModelError

        if not path.exists():
            raise ModelError(f"{path} is missing: build it with `nli stance-train` (make stance-model)")
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["features"] != list(FEATURE_NAMES) or document["stances"] != list(STANCES):
            raise ModelError(f"{path} was made for other features or stances; rebuild it with `nli stance-train`")
        return cls(
            np.array(document["mean"]),
            np.array(document["scale"]),
            np.array(document["coef"]),
            np.array(document["intercept"]),
            document.get("info", {}),
        )


def fit_aggregator(features: np.ndarray, labels: Sequence[str], seed: int = 0) -> Aggregator:
    """Fit a class-balanced multinomial logistic regression (scikit-learn)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(features)
    y = np.array([STANCES.index(label) for label in labels])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)
    model.fit(scaler.transform(features), y)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return Aggregator(scaler.mean_, scale, model.coef_, model.intercept_, {"n": int(len(y))})


def stance_of_articles(
    claim: str,
    texts: Sequence[str],
    ids: Sequence[str],
    nli: NLIBackend,
    encoder: SentenceEncoder,
    aggregator: Aggregator,
) -> list[StanceResult]:
    """Each article's stance on one claim, with the sentences that decide it."""
    bodies = embed_bodies(texts, encoder)
    claim_vector = encoder.encode([claim])[0]
    feats = featurize([claim] * len(bodies), np.tile(claim_vector, (len(bodies), 1)), bodies, nli)
    probs = aggregator.predict_proba(np.stack([f.features for f in feats]))
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
