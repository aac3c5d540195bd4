"""Quantization-aware fine-tuning: the int8 ONNX path simulated in torch.

The export (``nli/model/export.py``) quantizes every MatMul dynamically: each input
tensor to uint8 with one scale over the whole tensor (onnxruntime's
DynamicQuantizeLinear), each weight to int8 with one scale per output channel,
and each layer's widest feed-forward channels kept in fp32. Near ties between two
labels then flip on a few percent of pairs. Training with that rounding simulated
in the forward pass (straight-through gradients), next to the plain fp32 pass and
a term that pulls the two towards each other, aims at weights whose int8 labels
match their fp32 labels. Measured so far (``nli/training/recipes/experiments/``): a few
hundred CPU steps left the int8/fp32 gap where it was; the straight-through
gradient sees each rounding error as fixed noise, so it can lower the model's
sensitivity to it but not the error itself.

The simulation models the export as it was for those runs. The export has since
smoothed the LayerNorm outputs read by Q/K/V and the first feed-forward projection
(``nli.model.export.smooth_activations``), which halved the int8 error without any
training; the simulation does not model that step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import torch
from torch import nn

WEIGHT_LEVELS = 127  # symmetric int8 weights, as onnxruntime's QInt8 per-channel quantization


def fake_quantize_activations(x: torch.Tensor) -> torch.Tensor:
    """Round ``x`` as DynamicQuantizeLinear does (uint8, one scale over the tensor, zero in range).

    QEmbedLayerNormalization rounds its tables and its scale and shift the same way.
    """
    low = torch.clamp(x.detach().min(), max=0.0)
    high = torch.clamp(x.detach().max(), min=0.0)
    scale = torch.clamp((high - low) / 255.0, min=torch.finfo(x.dtype).tiny)
    zero_point = torch.clamp(torch.round(-low / scale), 0, 255)
    rounded = (torch.clamp(torch.round(x.detach() / scale) + zero_point, 0, 255) - zero_point) * scale
    return x + (rounded - x.detach())


def fake_quantize_weights(weight: torch.Tensor) -> torch.Tensor:
    """Round a ``[out, in]`` weight to symmetric int8 with one scale per output channel."""
    scale = weight.detach().abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / WEIGHT_LEVELS
    rounded = torch.round(weight.detach() / scale) * scale
    return weight + (rounded - weight.detach())


class SimulatedInt8Linear(nn.Module):
    """A Linear whose forward pass, when ``enabled``, rounds as the int8 ONNX graph does.

    ``fp32_inputs`` are input channels the export keeps in an fp32 branch (the
    widest feed-forward channels); they are left out of the rounded product.
    """

    def __init__(self, linear: nn.Linear, fp32_inputs: torch.Tensor | None = None):
        super().__init__()
        self.linear = linear
        self.enabled = False
        # The channel mask is fixed for the run, so it is built once, not on every pass.
        self.rounded_inputs: torch.Tensor | None = None
        if fp32_inputs is not None:
            self.rounded_inputs = torch.ones(linear.in_features, dtype=torch.bool, device=linear.weight.device)
            self.rounded_inputs[fp32_inputs] = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.enabled:
            return self.linear(x)
        if self.rounded_inputs is None:
            return nn.functional.linear(
                fake_quantize_activations(x), fake_quantize_weights(self.linear.weight), self.linear.bias
            )
        keep = self.rounded_inputs
        quantized = nn.functional.linear(
            fake_quantize_activations(x[..., keep]),
            fake_quantize_weights(self.linear.weight[:, keep]),
            self.linear.bias,
        )
        return quantized + nn.functional.linear(x[..., ~keep], self.linear.weight[:, ~keep])


class SimulatedInt8Embedding(nn.Module):
    """An Embedding whose table, when ``enabled``, is rounded to uint8 as QEmbedLayerNormalization's is."""

    def __init__(self, embedding: nn.Embedding):
        super().__init__()
        self.embedding = embedding
        self.enabled = False

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        if not self.enabled:
            return self.embedding(ids)
        return nn.functional.embedding(ids, fake_quantize_activations(self.embedding.weight))


class SimulatedInt8LayerNorm(nn.Module):
    """The embeddings' LayerNorm, whose scale and shift QEmbedLayerNormalization also rounds to uint8."""

    def __init__(self, norm: nn.LayerNorm):
        super().__init__()
        self.norm = norm
        self.enabled = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.enabled:
            return self.norm(x)
        weight, bias = (fake_quantize_activations(t) for t in (self.norm.weight, self.norm.bias))
        return nn.functional.layer_norm(x, self.norm.normalized_shape, weight, bias, self.norm.eps)


Simulated = SimulatedInt8Linear | SimulatedInt8Embedding | SimulatedInt8LayerNorm


def widest_ffn_channels(model: nn.Module, batches: Iterable[dict], channels: int) -> list[torch.Tensor]:
    """Per layer, the ``channels`` feed-forward channels with the largest |GELU output| on real tokens.

    The choice the export makes (``nli.model.export.input_channel_ranges``) on the same pairs,
    before the export began smoothing the LayerNorm outputs (see the module docstring).
    """
    layers = model.bert.encoder.layer
    largest: list[torch.Tensor | None] = [None] * len(layers)
    mask: list[torch.Tensor] = []

    def recorder(index: int):
        def hook(_module, _inputs, output):
            widest = output.detach().abs()[mask[0].bool()].amax(0)
            largest[index] = widest if largest[index] is None else torch.maximum(largest[index], widest)

        return hook

    handles = [layer.intermediate.register_forward_hook(recorder(i)) for i, layer in enumerate(layers)]
    try:
        with torch.no_grad():
            for batch in batches:
                mask[:] = [batch["attention_mask"]]
                model(**batch)
    finally:
        for handle in handles:
            handle.remove()
    return [torch.sort(torch.argsort(-values)[:channels]).values for values in largest]


def attach_int8_simulation(model: nn.Module, wide_channels: Sequence[torch.Tensor]) -> list[Simulated]:
    """Wrap every Linear, embedding table and the embedding LayerNorm that the export quantizes; returns the wrappers."""
    wrappers: list[Simulated] = []
    embeddings = model.bert.embeddings
    for name in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
        wrappers.append(SimulatedInt8Embedding(getattr(embeddings, name)))
        setattr(embeddings, name, wrappers[-1])
    wrappers.append(SimulatedInt8LayerNorm(embeddings.LayerNorm))
    embeddings.LayerNorm = wrappers[-1]
    for index, layer in enumerate(model.bert.encoder.layer):
        attention = layer.attention
        for parent, name in (
            (attention.self, "query"),
            (attention.self, "key"),
            (attention.self, "value"),
            (attention.output, "dense"),
            (layer.intermediate, "dense"),
        ):
            wrappers.append(SimulatedInt8Linear(getattr(parent, name)))
            setattr(parent, name, wrappers[-1])
        wrappers.append(SimulatedInt8Linear(layer.output.dense, wide_channels[index]))
        layer.output.dense = wrappers[-1]
    for parent, name in ((model.bert.pooler, "dense"), (model, "classifier")):
        wrappers.append(SimulatedInt8Linear(getattr(parent, name)))
        setattr(parent, name, wrappers[-1])
    return wrappers


def detach_int8_simulation(model: nn.Module) -> None:
    """Put the plain modules back, so the model saves and loads as an ordinary BERT classifier."""
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, SimulatedInt8Linear):
                setattr(module, name, child.linear)
            elif isinstance(child, SimulatedInt8Embedding):
                setattr(module, name, child.embedding)
            elif isinstance(child, SimulatedInt8LayerNorm):
                setattr(module, name, child.norm)


def plain_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """``model.state_dict()`` under the names it has without the simulation attached.

    Checkpoints keep these names, so that a snapshot loads into an ordinary classifier
    and a resumed run loads before it attaches the simulation again.
    """
    wrapped = {
        f"{path}.{inner}.": f"{path}."
        for path, module in model.named_modules()
        for inner, kind in (
            ("linear", SimulatedInt8Linear),
            ("embedding", SimulatedInt8Embedding),
            ("norm", SimulatedInt8LayerNorm),
        )
        if isinstance(module, kind)
    }
    plain = {}
    for key, value in model.state_dict().items():
        prefix = next((p for p in wrapped if key.startswith(p)), None)
        plain[wrapped[prefix] + key[len(prefix) :] if prefix else key] = value
    return plain


@contextmanager
def simulated_int8(wrappers: Sequence[Simulated]) -> Iterator[None]:
    for wrapper in wrappers:
        wrapper.enabled = True
    try:
        yield
    finally:
        for wrapper in wrappers:
            wrapper.enabled = False


def consistency_loss(fp32_logits: torch.Tensor, int8_logits: torch.Tensor) -> torch.Tensor:
    """Symmetric KL divergence between the two passes' label distributions, per pair."""
    log_p = torch.log_softmax(fp32_logits, dim=-1)
    log_q = torch.log_softmax(int8_logits, dim=-1)
    kl_pq = (log_p.exp() * (log_p - log_q)).sum(-1)
    kl_qp = (log_q.exp() * (log_q - log_p)).sum(-1)
    return (kl_pq + kl_qp).mean() / 2
