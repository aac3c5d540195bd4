"""How every benchmark writes its result: Markdown for people, a JSON twin for programs."""

from __future__ import annotations

import sys
from pathlib import Path

from nli.outputs import check_outputs, json_text, output_file_problems, write_text_atomic


def write_measurement(result: dict | list, markdown: str, output: Path | None, as_json: bool) -> None:
    """A benchmark's result: Markdown (+ a JSON twin) to ``output``, and JSON or Markdown on stdout."""
    if output:
        write_text_atomic(output, markdown)
        write_text_atomic(output.with_suffix(".json"), json_text(result) + "\n")
        print(f"wrote {output}", file=sys.stderr)
    if as_json:
        sys.stdout.write(json_text(result) + "\n")
    elif not output:
        sys.stdout.write(markdown)


def check_measurement_output(output: Path | None) -> None:
    """Before a benchmark runs: its Markdown and JSON twin can be written."""
    check_outputs(
        output_file_problems(output, "--output")
        + (output_file_problems(output.with_suffix(".json"), "--output (its .json twin)") if output else [])
    )
