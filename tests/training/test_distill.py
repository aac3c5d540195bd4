import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from test_trainer import RECIPE, ROWS, _losses  # noqa: E402

from nli.training.distill import (  # noqa: E402
    PoolSettings,
    TeacherLabels,
    cached_rows_to_label,
    distillation_loss,
    label_with_teacher,
    pair_hash,
    student_rows,
)
from nli.training.mix import Recipe, target_id  # noqa: E402
from nli.training.trainer import train  # noqa: E402


class CountingTeacher:
    """A stand-in backend: p(contradiction) is the premise's length, and every pair it is asked is counted."""

    def __init__(self):
        self.asked = 0

    def predict_proba(self, pairs, batch_size=32):
        self.asked += len(pairs)
        c = np.array([len(p) / 100 for p, _ in pairs], dtype=np.float32)
        return np.stack([1 - c, np.zeros_like(c), c], axis=1)


def test_teacher_labelling_saves_chunks_and_resumes_without_asking_again(tmp_path, monkeypatch):
    import nli.training.distill as distill

    monkeypatch.setattr(distill, "LABEL_CHUNK", 4)
    rows = [{"premise": "x" * n, "hypothesis": "h"} for n in range(1, 11)]
    teacher = CountingTeacher()
    first = label_with_teacher(teacher, rows, tmp_path, log=lambda m: None)
    assert teacher.asked == 10 and len(list(tmp_path.glob("chunk-*.npy"))) == 3
    assert first.dtype == np.float16 and np.allclose(first[:, 2], [n / 100 for n in range(1, 11)], atol=1e-3)
    # An interrupted run lost its last chunk: only that one is asked again.
    sorted(tmp_path.glob("chunk-*.npy"))[-1].unlink()
    again = CountingTeacher()
    assert np.array_equal(label_with_teacher(again, rows, tmp_path, log=lambda m: None), first)
    assert again.asked == 2
    # A changed pool does not reuse a chunk whose pairs differ.
    rows[0] = {"premise": "changed", "hypothesis": "h"}
    changed = CountingTeacher()
    label_with_teacher(changed, rows, tmp_path, log=lambda m: None)
    assert changed.asked == 4


def test_rows_to_label_are_kept_and_rebuilt_only_when_their_settings_change(tmp_path, monkeypatch):
    import nli.training.distill as distill

    builds = []

    def build(recipe, settings, data_dir, log):
        builds.append(settings.seed)
        return [{"premise": f"p{settings.seed}", "hypothesis": "h", "label": "", "source": "fnc-pipeline"}]

    monkeypatch.setattr(distill, "rows_to_label", build)
    recipe_file = tmp_path / "student.toml"
    recipe_file.write_text(RECIPE.replace("[sources]", "[distillation]\nlabels = 'x.npz'\n\n[sources]"))
    recipe = Recipe.load(recipe_file)
    work = tmp_path / "work"
    first = cached_rows_to_label(recipe, PoolSettings(seed=1), work, tmp_path, log=lambda m: None)
    again = cached_rows_to_label(recipe, PoolSettings(seed=1), work, tmp_path, log=lambda m: None)
    assert first == again and builds == [1]
    other = cached_rows_to_label(recipe, PoolSettings(seed=2), work, tmp_path, log=lambda m: None)
    assert other[0]["premise"] == "p2" and builds == [1, 2]


def test_pair_hash_follows_the_deduplication_key_and_the_direction():
    assert pair_hash("The car is red.", "It is new") == pair_hash("the car is RED", "it is new!")
    assert pair_hash("The car is red.", "It is new") != pair_hash("It is new", "The car is red.")


def test_teacher_labels_round_trip_in_fp16_and_mark_unlabelled_rows(tmp_path):
    rows = [{"premise": f"p{i}", "hypothesis": f"h{i}"} for i in range(3)]
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], dtype=np.float16)
    keys = np.array([pair_hash(r["premise"], r["hypothesis"]) for r in rows[:2]], dtype=np.uint64)
    TeacherLabels(keys, probs, {"teacher": "t"}).save(tmp_path / "labels.npz")
    loaded = TeacherLabels.load(tmp_path / "labels.npz")
    assert loaded.probs.dtype == np.float16 and loaded.meta == {"teacher": "t"}
    found = loaded.lookup(rows)
    assert np.allclose(found[:2], probs.astype(np.float32))
    assert np.isnan(found[2]).all()


def test_pool_settings_reject_unknown_keys():
    with pytest.raises(ValueError, match="unknown settings"):
        PoolSettings.from_recipe({"seed": 1, "fnc_pipline": 5})
    assert PoolSettings.from_recipe({"fnc_similar": 3}).size_of("fnc-similar") == 3
    with pytest.raises(ValueError, match="cross_story_label"):
        PoolSettings.from_recipe({"cross_story_label": "unrelated"})


def test_distillation_loss_is_the_gold_loss_the_kl_or_their_mix():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0], [0.5, 0.5, 3.0]], requires_grad=True)
    gold = torch.tensor([0, -1, 2])
    nan = float("nan")
    soft = torch.tensor([[nan, nan, nan], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]])
    loss = distillation_loss(logits, gold, soft, temperature=2.0, soft_weight=0.25)
    loss.backward()
    assert torch.isfinite(logits.grad).all()  # no NaN from the rows the teacher did not label

    log_p = torch.log_softmax(logits.detach(), -1)
    ce0, ce2 = -log_p[0, 0], -log_p[2, 2]

    def kl(row):
        teacher = torch.log_softmax(torch.log(soft[row]) / 2.0, -1)
        student = torch.log_softmax(logits.detach()[row] / 2.0, -1)
        return (teacher.exp() * (teacher - student)).sum() * 4.0

    expected = (ce0 + kl(1) + 0.25 * kl(2) + 0.75 * ce2) / 3
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    # A student that already matches the teacher has no KL to pay.
    matched = torch.log(soft[1:2])
    assert distillation_loss(matched, torch.tensor([-1]), soft[1:2], 2.0, 0.5).item() == pytest.approx(0, abs=1e-6)


def test_a_row_without_gold_label_has_target_minus_one():
    assert target_id("") == -1


POOL = [
    {"premise": f"The {thing} is blue.", "hypothesis": f"The {thing} is green.", "label": "", "source": "fnc-pipeline"}
    for thing in ("car", "door", "house", "ball", "hat", "cup", "bag", "pen")
]
CONTRADICTION = [0.05, 0.05, 0.9]


def _distillation_run(tmp_path, labelled_pool):
    labels = tmp_path / "labels.npz"
    taught = POOL[:labelled_pool] + ROWS[:4]
    TeacherLabels(
        np.array([pair_hash(r["premise"], r["hypothesis"]) for r in taught], dtype=np.uint64),
        np.array([CONTRADICTION] * len(taught), dtype=np.float16),
        {},
    ).save(labels)
    recipe = tmp_path / "student.toml"
    recipe.write_text(
        RECIPE.replace("epochs = 1", "epochs = 3").replace(
            "[sources]",
            f'[distillation]\nlabels = "{labels}"\ntemperature = 2.0\nsoft_weight = 0.5\n\n[sources]',
        )
    )
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    # The pool as a run keeps it once built: rebuilding it from FNC-1 is the slow part.
    (run_dir / "pool.jsonl").write_text("".join(json.dumps(r) + "\n" for r in POOL))
    return recipe, run_dir


def test_student_rows_join_pool_and_mix_with_the_teacher_labels(tmp_path):
    recipe, run_dir = _distillation_run(tmp_path, labelled_pool=8)
    rows, soft, stats = student_rows(Recipe.load(recipe), ROWS, run_dir, log=lambda m: None)
    assert len(rows) == len(ROWS) + len(POOL)
    assert stats["pool_rows"] == 8 and stats["mix_rows_with_teacher_label"] == 4
    for row, probs in zip(rows, soft, strict=True):
        assert np.isnan(probs[0]) == (row not in POOL and row not in ROWS[:4])


def test_student_rows_refuse_labels_made_for_another_pool(tmp_path):
    recipe, run_dir = _distillation_run(tmp_path, labelled_pool=4)
    with pytest.raises(ValueError, match="4 of 8 pool pairs have no teacher label"):
        student_rows(Recipe.load(recipe), ROWS, run_dir, log=lambda m: None)


def test_distilled_training_learns_the_teachers_pool_labels_and_resumes_exactly(tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    recipe, run_dir = _distillation_run(tmp_path, labelled_pool=8)
    final = train(recipe, run_dir, rows_override=ROWS)
    losses = _losses(run_dir)
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3
    tokenizer = AutoTokenizer.from_pretrained(final)
    model = AutoModelForSequenceClassification.from_pretrained(final).eval()
    with torch.no_grad():
        probs = model(**tokenizer(["The cup is blue."], ["The cup is green."], return_tensors="pt")).logits.softmax(-1)
    assert probs[0].argmax().item() == 2  # the teacher's label, which no gold row gives

    resumed = tmp_path / "resumed"
    resumed.mkdir()
    (resumed / "pool.jsonl").write_text((run_dir / "pool.jsonl").read_text())
    train(recipe, resumed, rows_override=ROWS, max_steps=10)
    train(recipe, resumed, rows_override=ROWS)
    assert _losses(resumed) == pytest.approx(losses, abs=1e-3)


class WordEncoder:
    """Bag-of-words unit vectors: sentences sharing words are near, enough to exercise the pairing."""

    def encode(self, sentences, batch_size=64):
        vectors = np.zeros((len(sentences), 64), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            for word in sentence.lower().strip(".").split():
                vectors[row, sum(map(ord, word)) % 64] += 1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _tiny_shared_data(root):
    import csv

    bodies = {
        "1": "Storm floods the harbour town of Dale overnight. Three boats sank in the harbour of Dale. The mayor asked residents to stay indoors today.",
        "2": "Storm floods the harbour town of Dale on Monday. Five boats sank in the harbour of Dale. Schools in Dale stay closed until Friday.",
        "3": "A new bakery opened in the capital city this week. The bakery sells bread and cakes to many customers.",
    }
    (root / "fnc-1").mkdir(parents=True)
    with (root / "fnc-1" / "train_bodies.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows(bodies.items())
    with (root / "fnc-1" / "train_stances.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(
            [
                ["Storm hits Dale", "1", "agree"],
                ["Storm hits Dale", "2", "discuss"],
                ["Storm hits Dale", "3", "unrelated"],
            ]
        )
    semi = root / "semi_automatic_nli_nyu" / "base_news"
    semi.mkdir(parents=True)
    premises = [
        "The central bank raised its interest rate by half a point on Tuesday.",
        "The central bank kept its interest rate unchanged on Tuesday.",
        "Heavy rain delayed the final match of the tennis tournament.",
    ]
    rows = [
        {"premise": p, "hypothesis": "Something happened.", "label": "n", "cid": f"doc{i}"}
        for i, p in enumerate(premises)
    ]
    (semi / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    # A premise of the test split never enters the pool, even when a train row repeats it.
    test_row = {**rows[2], "label1": "n"}
    (semi / "test.jsonl").write_text(json.dumps(test_row) + "\n")


def test_the_news_pool_pairs_across_bodies_of_one_story_and_is_rebuilt_exactly_from_its_seed(tmp_path, monkeypatch):
    from nli.data.corpora import pair_key
    from nli.training import distill

    _tiny_shared_data(tmp_path)
    blocked: set[str] = set()
    monkeypatch.setattr(distill, "evaluation_keys", lambda root, extra: blocked)
    settings = PoolSettings(seed=3, fnc_pipeline=100, fnc_similar=100, semi_nli_premises=100)

    def pool_of(settings):
        return distill.news_pool(settings, tmp_path, encoder=WordEncoder(), log=lambda m: None)

    pool = pool_of(settings)
    assert pool == pool_of(settings) and pool
    texts = " ".join(r["premise"] + r["hypothesis"] for r in pool)
    assert "bakery" not in texts  # an unrelated body is another story
    assert "tennis" not in texts  # a premise of the semi-nli test split
    assert all(r["label"] == "" for r in pool)
    sank = [r for r in pool if "boats sank" in r["premise"] and "boats sank" in r["hypothesis"]]
    assert len(sank) == 1 and sank[0]["source"] == "fnc-pipeline"  # three boats against five: across bodies
    bank = [r for r in pool if r["source"] == "semi-nli-premises"]
    assert len(bank) == 1 and "interest rate" in bank[0]["premise"] + bank[0]["hypothesis"]
    keys = [pair_hash(r["premise"], r["hypothesis"]) for r in pool]
    keys += [pair_hash(r["hypothesis"], r["premise"]) for r in pool]
    assert len(set(keys)) == 2 * len(pool)  # no pair twice, in either direction
    assert [r["source"] for r in pool_of(PoolSettings(3, 1, 0, 0))] == ["fnc-pipeline"]

    crossed = pool_of(
        PoolSettings(seed=3, fnc_pipeline=100, fnc_similar=100, semi_nli_premises=100, cross_story_label="neutral")
    )
    assert [(r["premise"], r["label"]) for r in crossed if r["source"] == "semi-nli-premises"] == [
        (bank[0]["premise"], "neutral")
    ]
    assert all(r["label"] == "" for r in crossed if r["source"] != "semi-nli-premises")

    blocked.add(pair_key(sank[0]["hypothesis"], sank[0]["premise"]))  # as if an evaluation split held it
    assert sank[0] not in pool_of(settings)
