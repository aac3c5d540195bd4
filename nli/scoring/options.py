"""How an article set is scored: every option of ``nli score`` in one place, with its default.

The command line, ``nli score-sets`` and the Python API all build a
:class:`ScoreOptions`; its values are checked when it is made, so a wrong value is
refused before anything is read or loaded, with the same words wherever it came from.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from nli.errors import InputError
from nli.scoring.pairing import DEFAULT_MIN_SIMILARITY, DEFAULT_TOP_K
from nli.scoring.verdicts import RULES, Thresholds


@dataclass(frozen=True)
class ScoreOptions:
    """What to compare and how to decide.

    threshold: the contradiction threshold of the decision in force: the combiner's
        probability where the model has a combiner and slots are compared, else the
        model's contradiction strength (None: the model's own).
    entailment_threshold, rule: the model's agreement threshold and how both directions
        make a contradiction strength (None: the model's own).
    min_similarity, top_k: which sentence pairs are compared (cosine, neighbours in other articles).
    within_article: also pair sentences of one article.
    allow_single: accept a set of one article.
    compare_slots: compare numbers, dates, names and polarity, and let them decide with the model.
    article_stances: decide each article's stance on the top claims from the whole article.
    """

    threshold: float | None = None
    entailment_threshold: float | None = None
    rule: str | None = None
    min_similarity: float = DEFAULT_MIN_SIMILARITY
    top_k: int = DEFAULT_TOP_K
    within_article: bool = False
    allow_single: bool = False
    compare_slots: bool = True
    article_stances: bool = True

    @classmethod
    def given(cls, options: ScoreOptions | dict | None) -> ScoreOptions:
        """``options`` as given to the API: a ScoreOptions, a dict of its fields, or None (the defaults)."""
        if options is None:
            return cls()
        if isinstance(options, cls):
            return options
        if isinstance(options, dict):
            known = {f.name for f in fields(cls)}
            unknown = sorted(str(key) for key in options if key not in known)
            if unknown:
                raise InputError([f"unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"])
            return cls(**options)
        raise InputError(
            [f"options must be an nli.ScoreOptions or a dict of its fields, not a {type(options).__name__}"]
        )

    def __post_init__(self) -> None:
        problems = []
        for name in ("threshold", "entailment_threshold"):
            value = getattr(self, name)
            if value is not None and not (_is_number(value) and 0.0 <= value <= 1.0):
                problems.append(f"{name}={value!r}: expected a number from 0 to 1")
        if not (_is_number(self.min_similarity) and -1.0 <= self.min_similarity <= 1.0):
            problems.append(f"min_similarity={self.min_similarity!r}: expected a cosine from -1 to 1")
        if isinstance(self.top_k, bool) or not isinstance(self.top_k, int) or self.top_k < 1:
            problems.append(f"top_k={self.top_k!r}: expected a whole number of 1 or more")
        if self.rule is not None and self.rule not in RULES:
            problems.append(f"rule={self.rule!r}: expected one of {', '.join(RULES)}")
        if problems:
            raise InputError(problems)

    def thresholds_for(self, model_thresholds: Thresholds) -> Thresholds:
        """The model's verdict thresholds with these options' overrides."""
        return model_thresholds.overridden(self.threshold, self.entailment_threshold, self.rule)

    def to_dict(self) -> dict:
        return asdict(self)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
