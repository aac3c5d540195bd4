"""The terminal report through the real CLI, at a fixed width: no line wider, no article id broken."""

import pytest
from conftest import EXAMPLES, MODEL_DIR, run_cli

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")
IDS = ("bay-tv", "coastal-wire", "daily-flash", "freight-journal", "harbour-herald")


@needs_model
@pytest.mark.parametrize("columns", [80, 120])
def test_the_report_fits_the_terminal_and_keeps_ids_whole(columns):
    result = run_cli("score", str(EXAMPLES), env={"COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= columns
    legend = next(k for k, line in enumerate(lines) if "[1] bay-tv" in line)
    assert all(any(f"] {article}" in line for line in lines[legend : legend + 3]) for article in IDS)
    # a claim is one numbered line (wrapped under itself) with its stances beneath
    stances = [line for line in lines if line.lstrip().startswith(("supports", "contradicts", "mentions", "silent"))]
    assert stances and all("[" in line for line in stances)
