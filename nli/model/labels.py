"""The three-way label scheme and the spellings of it that data sets use."""

from __future__ import annotations

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
# Two-way sets say only "entailed or not"; training gives them a loss on p(entailment) alone.
NOT_ENTAILMENT = "not_entailment"

ALIASES: dict[str, str] = {
    "entailment": "entailment",
    "entailed": "entailment",
    "entails": "entailment",
    "e": "entailment",
    "supports": "entailment",
    "supported": "entailment",
    "true": "entailment",
    "neutral": "neutral",
    "n": "neutral",
    "not_enough_info": "neutral",
    "nei": "neutral",
    "neither": "neutral",
    "unknown": "neutral",
    "contradiction": "contradiction",
    "contradicts": "contradiction",
    "c": "contradiction",
    "refutes": "contradiction",
    "refuted": "contradiction",
    "false": "contradiction",
    "not_entailment": NOT_ENTAILMENT,
    "not-entailment": NOT_ENTAILMENT,
    "non-entailment": NOT_ENTAILMENT,
    "not_entailed": NOT_ENTAILMENT,
    "not-entailed": NOT_ENTAILMENT,
}

# The order most NLI releases use for integer labels (SNLI/MNLI, Kaggle, GLUE-style).
DEFAULT_INT_ORDER: tuple[str, str, str] = LABELS


class LabelError(ValueError):
    """A label that no known spelling maps to."""


def allowed_spellings() -> str:
    return ", ".join(sorted(ALIASES))


def normalize_label(raw: object, int_order: tuple[str, ...] = DEFAULT_INT_ORDER) -> str:
    """Map any known spelling (``E``, ``SUPPORTS``, ``2``, ...) to a canonical label.

    Returns one of :data:`LABELS` or :data:`NOT_ENTAILMENT`.
    """
    text = str(raw).strip()
    if text.lstrip("-").isdigit():
        index = int(text)
        if 0 <= index < len(int_order):
            return normalize_label(int_order[index])
        raise LabelError(f"integer label {text} is outside the declared order {list(int_order)}")
    key = text.lower().replace(" ", "_")
    if key in ALIASES:
        return ALIASES[key]
    raise LabelError(
        f"unknown label {text!r}; labels are {', '.join(LABELS)} or {NOT_ENTAILMENT}, "
        f"aliases understood: {allowed_spellings()}, or integers in the order {list(int_order)}"
    )
