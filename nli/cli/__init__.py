"""The ``nli`` command: a thin shell of one module per command family over typed functions.

Each module's ``add_commands`` declares its commands; each command's ``*_cli``
function reads the parsed arguments and calls plain functions that Python can
import too. Nothing below this package takes an ``argparse.Namespace``. Exit codes
are in :mod:`nli.cli.common`.
"""

from __future__ import annotations

import argparse
import signal
import sys

from nli.cli import bench, evaluate, measure, models, score, score_sets, stance, train
from nli.cli.common import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_MODEL, error
from nli.errors import InputError, ModelError

COMMAND_MODULES = (models, score, score_sets, stance, evaluate, measure, train, bench)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nli", description="Contradiction and stance classifier for news.")
    parser.add_argument("--version", action=models.VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.add_commands(sub)
    return parser


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # SIGTERM ends a run as Ctrl-C does, through the same clean-up: no temporary file
    # is left beside an output, and score-sets keeps only whole lines.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.func(args)
    except InputError as err:
        return error(str(err), EXIT_INPUT)
    except ModelError as err:
        return error(str(err), EXIT_MODEL)
    except KeyboardInterrupt:
        return error("interrupted", EXIT_INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
