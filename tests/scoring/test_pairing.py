import numpy as np

from nli.scoring.pairing import Sentence, propose_pairs


def unit(vectors):
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


SENTENCES = [
    Sentence("a", 0, "Five rockets were fired."),
    Sentence("a", 1, "Five rockets hit."),
    Sentence("b", 0, "Three rockets were fired."),
    Sentence("b", 1, "The weather was fine."),
    Sentence("c", 0, "Five rockets were fired."),
]
EMBEDDINGS = unit([[1, 0.1, 0], [1, 0.12, 0], [1, 0.6, 0], [0, 0, 1], [1, 0.1, 0]])


def test_pairs_cross_articles_only_by_default():
    pairs = propose_pairs(SENTENCES, EMBEDDINGS, min_similarity=0.5, top_k=2)
    assert pairs
    for pair in pairs:
        assert SENTENCES[pair.a].article != SENTENCES[pair.b].article
        assert pair.a < pair.b
    assert (0, 1) not in {(p.a, p.b) for p in pairs}
    within = propose_pairs(SENTENCES, EMBEDDINGS, min_similarity=0.5, top_k=2, within_article=True)
    assert (0, 1) in {(p.a, p.b) for p in within}


def test_threshold_and_near_identical():
    pairs = {(p.a, p.b): p for p in propose_pairs(SENTENCES, EMBEDDINGS, min_similarity=0.5, top_k=3)}
    assert all(3 not in key for key in pairs)  # the unrelated sentence is never paired
    assert pairs[(0, 4)].near_identical
    assert not pairs[(0, 2)].near_identical


def test_chunking_gives_the_same_pairs():
    rng = np.random.default_rng(0)
    sentences = [Sentence(f"art{i % 7}", i, f"s{i}") for i in range(60)]
    embeddings = unit(rng.normal(size=(60, 16)))
    whole = propose_pairs(sentences, embeddings, min_similarity=0.1, top_k=3, chunk_rows=1000)
    chunked = propose_pairs(sentences, embeddings, min_similarity=0.1, top_k=3, chunk_rows=7)
    assert whole == chunked


def test_pairs_grow_with_top_k_times_n_not_n_squared():
    rng = np.random.default_rng(1)
    base = unit(rng.normal(size=(8, 32)))
    for articles in (10, 40):
        # every article repeats the same eight claims, slightly perturbed
        sentences, rows = [], []
        for a in range(articles):
            for i in range(8):
                sentences.append(Sentence(f"a{a}", i, f"c{i}"))
                rows.append(base[i] + rng.normal(scale=0.01, size=32))
        pairs = propose_pairs(sentences, unit(rows), min_similarity=0.5, top_k=3)
        assert len(pairs) <= 3 * len(sentences)
