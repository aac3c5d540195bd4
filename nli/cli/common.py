"""What the commands share: exit codes, option types, option groups, and writing results.

Out-of-range option values are refused by argparse before anything is read or loaded
(``nli <command>: error: argument --name: ...``, exit 2).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from nli.model.backends import BACKENDS
from nli.model.registry import ACCURATE_NLI_MODEL
from nli.outputs import json_text, write_text_atomic

# Exit codes, the one list of them (README, "Exit codes").
EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # a check the command makes failed (an export's parity)
EXIT_INPUT = 2  # bad input or usage
EXIT_MODEL = 3  # a missing or broken model
EXIT_SOME_FAILED = 4  # score-sets finished, but some sets could not be scored
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM


def error(message: str, code: int) -> int:
    """Print each line of ``message`` as ``nli: error: ...`` on stderr; return ``code``."""
    for line in message.splitlines():
        print(f"nli: error: {line}", file=sys.stderr)
    return code


def warn(message: str) -> None:
    print(f"nli: warning: {message}", file=sys.stderr)


def write_json(document: object, output: Path | None = None) -> None:
    """A JSON document to ``output`` (atomically) or to stdout."""
    text = json_text(document) + "\n"
    if output:
        write_text_atomic(output, text)
    else:
        sys.stdout.write(text)


def stderr_progress():
    """A progress line on stderr for long jobs (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        return None

    def report(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total else "\r"
        print(f"  {stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report


# --- option types -----------------------------------------------------------------------


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


# --- option groups ----------------------------------------------------------------------


def add_model_options(parser: argparse.ArgumentParser, accurate: bool = False, backend_help: str | None = None) -> None:
    """``--model`` and ``--backend`` (and ``--accurate``, where a command scores articles)."""
    parser.add_argument("--backend", choices=BACKENDS, default="onnx", help=backend_help)
    if not accurate:
        parser.add_argument("--model", help="model directory or name (default: minilm-nli-news; see `nli models`)")
        return
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--model", help="model directory or name (default: minilm-nli-news; see `nli models`)")
    # Withdrawn (issue 33): kept so that a script that passes it gets the reason, not "unrecognized arguments".
    which.add_argument("--accurate", action="store_true", help=argparse.SUPPRESS)


def add_stance_model_option(parser: argparse.ArgumentParser) -> None:
    """``--stance-model DIR`` or ``--no-stance-model`` (default: the shipped stance model)."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--stance-model",
        default=True,
        help="a stance model folder or name, which splits the articles that bear on a claim between agree, "
        "disagree and discuss (default: the shipped minilm-stance-v2)",
    )
    which.add_argument(
        "--no-stance-model",
        dest="stance_model",
        action="store_false",
        help="no stance model: the stance aggregator alone decides (faster, finds fewer disagreeing articles)",
    )


def model_name(args: argparse.Namespace) -> str | None:
    """The model that ``--model`` names (None: the default); ``--accurate`` is refused with the reason."""
    from nli.errors import InputError

    if getattr(args, "accurate", False):
        raise InputError(
            [
                f"--accurate is withdrawn: on real news the larger model ({ACCURATE_NLI_MODEL}) decides worse than "
                f"the default (eval/RESULTS.md); to score with it anyway, pass --model {ACCURATE_NLI_MODEL}"
            ]
        )
    return args.model


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="the shared data folder (default ../shared/data)")


def add_report_outputs(parser: argparse.ArgumentParser, example: str | None = None) -> None:
    """``--json`` (stdout) and ``--output`` (a Markdown report with its JSON twin) of a measurement."""
    parser.add_argument("--json", action="store_true", help="print the JSON result on stdout")
    where = f" (e.g. {example})" if example else ""
    parser.add_argument("--output", type=Path, help=f"write Markdown here{where} and its JSON twin beside it")
