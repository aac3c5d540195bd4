import pytest

from nli.model.labels import LabelError, normalize_label


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("entailment", "entailment"),
        ("E", "entailment"),
        ("SUPPORTS", "entailment"),
        ("True", "entailment"),
        ("n", "neutral"),
        ("NOT_ENOUGH_INFO", "neutral"),
        ("Neither", "neutral"),
        ("c", "contradiction"),
        ("REFUTES", "contradiction"),
        ("False", "contradiction"),
        ("not_entailment", "not_entailment"),
        ("0", "entailment"),
        ("1", "neutral"),
        ("2", "contradiction"),
    ],
)
def test_aliases(raw, expected):
    assert normalize_label(raw) == expected


def test_declared_integer_order():
    order = ("contradiction", "neutral", "entailment")
    assert normalize_label(0, order) == "contradiction"
    assert normalize_label("2", order) == "entailment"


def test_unknown_label_lists_what_is_allowed():
    with pytest.raises(LabelError) as err:
        normalize_label("maybe")
    assert "entailment, neutral, contradiction" in str(err.value)
    assert "supports" in str(err.value)


def test_integer_outside_order():
    with pytest.raises(LabelError):
        normalize_label(7)
