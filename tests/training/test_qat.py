"""The int8 simulation used for quantization-aware training (nli/training/qat.py)."""

import pytest

torch = pytest.importorskip("torch")

from nli.training.qat import (  # noqa: E402
    SimulatedInt8Linear,
    attach_int8_simulation,
    consistency_loss,
    detach_int8_simulation,
    fake_quantize_activations,
    fake_quantize_weights,
    plain_state_dict,
    simulated_int8,
)


def test_activations_round_to_256_levels_with_zero_exact_and_straight_through_gradient():
    x = torch.linspace(-1.0, 3.0, 2000).reshape(40, 50).requires_grad_()
    rounded = fake_quantize_activations(x)
    scale = 4.0 / 255
    assert len(torch.unique(rounded.detach())) <= 256
    assert (rounded - x).abs().max().item() <= scale / 2 + 1e-6
    assert fake_quantize_activations(torch.tensor([0.0, -1.0, 3.0]))[0].item() == 0.0
    rounded.sum().backward()
    assert torch.equal(x.grad, torch.ones_like(x))


def test_all_positive_activations_keep_zero_in_range():
    x = torch.tensor([0.5, 1.0, 2.0])
    assert (fake_quantize_activations(x) - x).abs().max().item() <= 2.0 / 255 / 2 + 1e-6


def test_weights_round_per_output_channel_and_keep_each_channels_largest_value():
    weight = torch.randn(8, 64) * torch.logspace(-2, 1, 8)[:, None]
    rounded = fake_quantize_weights(weight)
    for row, original in zip(rounded, weight, strict=True):
        assert len(torch.unique(row)) <= 255
        step = original.abs().max() / 127
        assert (row - original).abs().max() <= step / 2 + 1e-7
        assert torch.isclose(row.abs().max(), original.abs().max())


def test_simulated_linear_is_the_plain_linear_when_disabled_and_keeps_fp32_channels_exact():
    torch.manual_seed(0)
    linear = torch.nn.Linear(16, 4)
    wrapper = SimulatedInt8Linear(linear, fp32_inputs=torch.tensor([3, 7]))
    x = torch.randn(5, 16)
    assert torch.equal(wrapper(x), linear(x))
    with simulated_int8([wrapper]):
        rounded = wrapper(x)
        only_wide = torch.zeros(5, 16)
        only_wide[:, [3, 7]] = 100.0 * torch.randn(5, 2)
        exact = wrapper(only_wide)
    assert not torch.equal(rounded, linear(x))
    assert (rounded - linear(x)).abs().max() < 0.05
    assert torch.allclose(exact, linear(only_wide), atol=1e-4)
    assert not wrapper.enabled


def test_consistency_loss_is_zero_for_equal_logits_and_symmetric():
    a, b = torch.tensor([[2.0, 0.0, -1.0]]), torch.tensor([[0.0, 1.0, 0.5]])
    assert consistency_loss(a, a).item() == pytest.approx(0.0, abs=1e-7)
    assert consistency_loss(a, b).item() == pytest.approx(consistency_loss(b, a).item())
    assert consistency_loss(a, b).item() > 0


def test_attach_and_detach_leave_an_ordinary_bert_classifier():
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig(
        vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32, num_labels=3
    )
    model = BertForSequenceClassification(config).eval()
    keys = set(model.state_dict())
    ids = torch.tensor([[2, 5, 9, 3, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 0]])
    before = model(input_ids=ids, attention_mask=mask).logits
    wrappers = attach_int8_simulation(model, [torch.tensor([0, 1]), torch.tensor([4, 5])])
    assert len(wrappers) == 3 + 1 + 2 * 6 + 2
    assert set(model.state_dict()) != keys and set(plain_state_dict(model)) == keys
    assert torch.allclose(model(input_ids=ids, attention_mask=mask).logits, before)
    with simulated_int8(wrappers):
        assert not torch.allclose(model(input_ids=ids, attention_mask=mask).logits, before, atol=1e-7)
    detach_int8_simulation(model)
    assert set(model.state_dict()) == keys
    assert torch.allclose(model(input_ids=ids, attention_mask=mask).logits, before)
