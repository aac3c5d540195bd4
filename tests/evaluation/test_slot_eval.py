"""nli eval-slots through the real CLI: the hand-written typed pairs and the number phrases."""

from __future__ import annotations

import json

import pytest
from conftest import MODEL_DIR, run_cli


@pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")
def test_eval_slots_finds_each_conflict_type_and_flags_no_compatible_difference(tmp_path):
    out = tmp_path / "slots.md"
    result = run_cli("eval-slots", "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    per_expected = document["pairs"]["per_expected"]
    for kind in ("none", "number", "date_time", "polarity", "attribution"):
        assert per_expected[kind]["correct"] == per_expected[kind]["n"], kind
    assert set(document["decisions"]["per_expected"]) == set(per_expected)
    wrapped = next(v for k, v in document["numbers"].items() if k.startswith("nli.scoring.slots.parse_number"))
    assert wrapped["correct"] == wrapped["n"]
    assert "## Number parsers" in out.read_text()


def test_a_bad_pairs_file_names_its_line(tmp_path):
    bad = tmp_path / "pairs.jsonl"
    bad.write_text('{"a": "x", "b": "y", "expected": "none"}\n{"a": "x"}\n')
    result = run_cli("eval-slots", "--pairs", str(bad))
    assert result.returncode == 2
    assert f"{bad}:2: missing b, expected" in result.stderr
