"""Option types for the command line: out-of-range values are refused up front (exit 2).

argparse turns the ``ArgumentTypeError`` into ``nli <command>: error: argument
--name: ...``, before anything is read or loaded.
"""

from __future__ import annotations

import argparse
import math


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def probability(text: str) -> float:
    """A number from 0 to 1."""
    value = _number(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is out of range; expected a number from 0 to 1")
    return value


def cosine(text: str) -> float:
    """A cosine similarity, from -1 to 1."""
    value = _number(text)
    if not -1.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is out of range; expected a cosine from -1 to 1")
    return value


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"{text} is out of range; expected {minimum} or more")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    """A whole number of at least 0."""
    return _whole_number(text, 0)
