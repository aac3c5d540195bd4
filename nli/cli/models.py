"""``nli models`` and ``nli --version``: which models are found, where, and what each can do."""

from __future__ import annotations

import argparse
import sys

from nli.cli.common import write_json
from nli.errors import ModelError


def version_line() -> str:
    """The package, the default model and the runtime that scores with it."""
    from importlib import metadata

    import onnxruntime

    from nli import __version__
    from nli.model.registry import DEFAULT_NLI_MODEL, describe_model, locate_model

    try:
        model_dir, origin = locate_model(None)
        info = describe_model(model_dir, origin)
        model = f"{info.name} {info.version or '(no version)'}, {origin}"
    except ModelError as err:
        model = f"{DEFAULT_NLI_MODEL} not found: {err}"
    try:
        installed = metadata.version("nli")
    except metadata.PackageNotFoundError:
        installed = __version__
    return f"nli {installed} (model {model}; onnxruntime {onnxruntime.__version__})"


class VersionAction(argparse.Action):
    """Like argparse's "version", but the line is only built when asked for (it finds the model)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the version, the default model's and onnxruntime's")

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())
        parser.exit()


def models_cli(args: argparse.Namespace) -> int:
    from nli.model.registry import list_models

    models = list_models()
    if args.json:
        write_json([m.to_dict() for m in models])
        return 0
    for m in models:
        kind = {"nli": "NLI cross-encoder", "stance": "stance cross-encoder"}.get(m.kind, "sentence encoder")
        print(f"{m.name} {m.version or ''}".rstrip() + f"  ({kind})")
        print(f"  from     {m.origin}: {m.path}")
        print(f"  parity   {m.parity or '(no parity.json)'}")
        print(f"  torch    {'yes' if m.torch_backend else 'no'} ({m.torch_note})")
        print(f"  summary  {m.summary}")
    if not models:
        print("no models found (see docs, 'Models and training')", file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    models = sub.add_parser("models", help="list the models found, where each came from, and what each can do")
    models.add_argument("--json", action="store_true", help="print a JSON list on stdout")
    models.set_defaults(func=models_cli)
