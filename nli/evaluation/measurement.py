"""How every benchmark writes its result: Markdown for people, a JSON twin for programs."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def write_measurement(result: dict | list, markdown: str, output: Path | None, as_json: bool) -> None:
    """A benchmark's result: Markdown (+ a JSON twin) to ``output``, and JSON or Markdown on stdout."""
    if output:
        output.write_text(markdown, encoding="utf-8")
        output.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    elif not output:
        sys.stdout.write(markdown)
