"""Templated pairs for one disagreement the news rules cannot make: accident or intent.

Reports of one fire, crash or explosion often differ on whether it was an accident
("caused by an electrical fault") or deliberate ("started deliberately"). Saying
which is a matter of world knowledge (a fault is not a deliberate act), and the
rule-based rewrites of :mod:`nli.training.newsgen` cannot make such pairs: the FNC-1 training
bodies hold a few dozen sentences that state a cause at all. This module writes
small scenes from hand-made phrase lists instead, each a set of sentences about
one event by two sources, with the labels that follow from them:

- an accidental cause against a deliberate act: contradiction, both directions;
- two wordings of a deliberate act by one source: entailment, both directions;
- an accidental cause against "was an accident": entailment (the reverse, neutral);
- an accidental cause against "still trying to establish whether it was
  deliberate": neutral, both directions, so that the word "deliberately" alone is
  no sign of contradiction.

Two accidental causes are not set against each other: "faulty wiring" and "a short
circuit" can both be true (the cause-swapping rule of :mod:`nli.training.newsgen` makes such
contradictions from real sentences).

Every scene is reproducible from the seed. The phrase lists are this project's own.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class EventKind:
    nouns: tuple[str, ...]  # how a report names the event, after "the"
    accidental: tuple[str, ...]  # causes that make it an accident
    deliberate: tuple[str, ...]  # predicates saying someone meant it ("the fire was ...")


EVENT_KINDS = (
    EventKind(
        ("fire", "blaze", "warehouse fire", "factory fire", "house fire", "fire at the depot"),
        (
            "an electrical fault",
            "faulty wiring",
            "a discarded cigarette",
            "an overheated battery",
            "a short circuit",
            "a lightning strike",
            "a faulty heater",
        ),
        ("started deliberately", "set deliberately", "an act of arson", "started on purpose", "arson"),
    ),
    EventKind(
        ("explosion", "blast", "explosion at the plant", "blast at the refinery"),
        ("a gas leak", "a faulty boiler", "an industrial accident", "a build-up of gas", "a faulty valve"),
        ("caused by a bomb", "a deliberate attack", "set off deliberately", "an act of sabotage"),
    ),
    EventKind(
        ("crash", "bus crash", "plane crash", "collision", "helicopter crash"),
        ("engine failure", "brake failure", "bad weather", "a mechanical fault", "a burst tyre", "icy roads"),
        ("deliberate", "caused deliberately", "an act of sabotage", "carried out on purpose"),
    ),
    EventKind(
        ("derailment", "train derailment"),
        ("a broken rail", "a signal fault", "excessive speed", "a landslide on the line"),
        ("an act of sabotage", "caused deliberately", "the result of sabotage"),
    ),
    EventKind(
        ("power cut", "blackout", "outage"),
        ("a technical fault", "a storm", "equipment failure", "a software error"),
        ("caused by sabotage", "a deliberate attack", "the result of a cyber attack"),
    ),
    EventKind(
        ("chemical spill", "oil spill", "leak"),
        ("a corroded pipe", "a faulty valve", "human error", "a cracked tank"),
        ("deliberate", "carried out on purpose", "an act of sabotage"),
    ),
)
SOURCES = (
    "Fire officials",
    "Investigators",
    "Police",
    "The fire service",
    "Officials",
    "A company spokesman",
    "Local authorities",
    "The regional governor",
    "Prosecutors",
    "The transport ministry",
    "Emergency services",
    "A police spokeswoman",
    "The owners",
    "Safety inspectors",
)
WHEN = ("", " on Monday", " on Tuesday", " last week", " overnight", " on Friday", " early on Sunday")


def _said(source: str, clause: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{source} said {clause}."
    return f"{clause[0].upper()}{clause[1:]}, {source[0].lower()}{source[1:]} said."


def _caused(noun: str, cause: str, rng: random.Random) -> str:
    return rng.choice(
        (
            f"the {noun} was caused by {cause}",
            f"the {noun} had been caused by {cause}",
            f"{cause} caused the {noun}",
            f"the {noun} was blamed on {cause}",
        )
    )


def cause_scene_pairs(seed: int, scenes: int) -> Iterator[dict[str, str]]:
    """Yield ``{premise, hypothesis, label, rule}`` pairs from ``scenes`` accident-or-intent scenes."""
    rng = random.Random(seed)
    for _ in range(scenes):
        kind = rng.choice(EVENT_KINDS)
        noun = rng.choice(kind.nouns) + rng.choice(WHEN)
        first, second = rng.sample(SOURCES, 2)
        cause = rng.choice(kind.accidental)
        intent, other_intent = rng.sample(kind.deliberate, 2)
        accident = _said(first, _caused(noun, cause, rng), rng)
        deliberate = _said(second, f"the {noun} was {intent}", rng)
        yield from _both_ways(accident, deliberate, "contradiction", "accident_vs_intent")
        same_source = _said(second, f"the {noun} was {other_intent}", rng)
        yield from _both_ways(deliberate, same_source, "entailment", "intent_reworded")
        called_accident = _said(first, f"the {noun} was an accident", rng)
        yield {"premise": accident, "hypothesis": called_accident, "label": "entailment", "rule": "cause_is_accident"}
        yield {
            "premise": called_accident,
            "hypothesis": accident,
            "label": "neutral",
            "rule": "accident_gives_no_cause",
        }
        open_question = _said(second, f"they were still trying to establish whether the {noun} was {intent}", rng)
        yield from _both_ways(accident, open_question, "neutral", "intent_unsettled")


def _both_ways(a: str, b: str, label: str, rule: str) -> Iterator[dict[str, str]]:
    yield {"premise": a, "hypothesis": b, "label": label, "rule": rule}
    yield {"premise": b, "hypothesis": a, "label": label, "rule": rule}
