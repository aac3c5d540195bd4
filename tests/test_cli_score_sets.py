"""`nli score-sets` through the real CLI: order, error lines, resume, workers and the Ray engine."""

import importlib.util
import json
import shutil

import pytest
from conftest import EXAMPLES, MODEL_DIR, run_cli

pytestmark = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")

ARSON = "Police said the warehouse fire on Dock Road was started deliberately by an arsonist on Tuesday."
ACCIDENT = "Police said the warehouse fire on Dock Road was not started deliberately and was an accident on Tuesday."
EXAMPLE = [{"id": p.stem, "text": p.read_text()} for p in sorted(EXAMPLES.glob("*.txt"))]
LINES = [
    {"set": "dock", "articles": EXAMPLE},
    {"set": "wire", "articles": [{"id": "a", "text": ARSON}, {"id": "b", "text": ACCIDENT}]},
    "not json",
    {"set": "single", "articles": [{"id": "a", "text": ARSON}]},
    {"articles": []},
    {"set": "wire", "articles": [{"id": "a", "text": ARSON}]},
    {"set": 7, "articles": [{"text": ACCIDENT}, {"text": ARSON}]},
]


def write_sets(path, lines=LINES):
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def results(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def comparable(document):
    """A result without its timings, the only fields that differ between runs."""
    return {k: v for k, v in document.items() if k != "stats"} | {
        "stats": {k: v for k, v in document.get("stats", {}).items() if k not in ("seconds", "stage_seconds")}
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sets")
    out = folder / "out.jsonl"
    result = run_cli(
        "score-sets", str(write_sets(folder / "in.jsonl")), "--output", str(out), "--summary", str(folder / "s.json")
    )
    return folder, out, result


def test_every_set_gets_one_line_in_input_order_and_bad_sets_are_error_lines(reference):
    folder, out, result = reference
    assert result.returncode == 4, result.stderr  # some sets failed
    assert "Traceback" not in result.stderr
    lines = results(out)
    assert [line["set"] for line in lines] == ["dock", "wire", None, "single", None, "wire", "7"]
    assert [("error" in line) for line in lines] == [False, False, True, True, True, True, False]
    assert "in.jsonl:3: not valid JSON" in lines[2]["error"][0]
    assert "only one article" in lines[3]["error"][0]
    assert "'set' must be a non-empty string" in lines[4]["error"][0]
    assert "duplicate set id 'wire'" in lines[5]["error"][0]
    assert lines[0]["schema_version"] == "1.4" and lines[0]["contradictions"]
    assert len(lines[1]["contradictions"]) == 1
    summary = json.loads((folder / "s.json").read_text())
    assert (summary["sets"], summary["scored"], summary["failed"]) == (7, 3, 4)
    assert "3 scored, 4 failed" in result.stderr


def test_the_same_document_as_nli_score_json(reference, tmp_path):
    _, out, _ = reference
    for article in EXAMPLE:
        (tmp_path / f"{article['id']}.txt").write_text(article["text"])
    single = run_cli("score", str(tmp_path), "--json")
    document = json.loads(single.stdout)
    from_sets = results(out)[0]
    assert from_sets.pop("set") == "dock"
    assert comparable(from_sets)["contradictions"] == comparable(document)["contradictions"]
    assert comparable(from_sets)["claims"] == comparable(document)["claims"]


def test_resume_redoes_a_cut_last_line_and_matches_an_uninterrupted_run(reference, tmp_path):
    folder, out, _ = reference
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(out.read_bytes()[:-150])  # killed while writing the last line
    result = run_cli("score-sets", str(folder / "in.jsonl"), "--output", str(cut), "--resume")
    assert result.returncode == 0, result.stderr  # the only set left was scored
    assert "6 already done" in result.stderr
    assert [comparable(d) for d in results(cut)] == [comparable(d) for d in results(out)]


def test_an_existing_output_needs_resume_and_resume_needs_the_same_input(reference, tmp_path):
    folder, out, _ = reference
    copy = tmp_path / "out.jsonl"
    shutil.copy(out, copy)
    refused = run_cli("score-sets", str(folder / "in.jsonl"), "--output", str(copy))
    assert refused.returncode == 2 and "pass --resume" in refused.stderr
    other = write_sets(tmp_path / "other.jsonl", list(reversed(LINES)))
    mismatch = run_cli("score-sets", str(other), "--output", str(copy), "--resume")
    assert mismatch.returncode == 2 and "--resume needs the same input" in mismatch.stderr
    assert copy.read_bytes() == out.read_bytes()


def test_two_workers_give_the_same_results(reference, tmp_path):
    folder, out, _ = reference
    two = tmp_path / "two.jsonl"
    result = run_cli("score-sets", str(folder / "in.jsonl"), "--output", str(two), "--workers", "2")
    assert result.returncode == 4, result.stderr
    assert [comparable(d) for d in results(two)] == [comparable(d) for d in results(out)]


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed (extra 'ray')")
def test_the_ray_engine_gives_the_same_results(reference, tmp_path):
    folder, out, _ = reference
    on_ray = tmp_path / "ray.jsonl"
    result = run_cli("score-sets", str(folder / "in.jsonl"), "--output", str(on_ray), "--engine", "ray", timeout=600)
    assert result.returncode == 4, result.stderr[-3000:]
    assert [comparable(d) for d in results(on_ray)] == [comparable(d) for d in results(out)]


def test_a_folder_of_set_folders(tmp_path):
    for name in ("b-set", "a-set"):
        shutil.copytree(EXAMPLES, tmp_path / "sets" / name)
    out = tmp_path / "out.jsonl"
    result = run_cli("score-sets", str(tmp_path / "sets"), "--output", str(out), "--top", "2")
    assert result.returncode == 0, result.stderr
    lines = results(out)
    assert [line["set"] for line in lines] == ["a-set", "b-set"]
    assert all(len(line["contradictions"]) == 2 for line in lines)


@pytest.mark.parametrize(
    "content, phrase",
    [(b"", "no sets"), (b"\n\n", "no sets")],
)
def test_an_empty_input_is_one_clear_line(tmp_path, content, phrase):
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    result = run_cli("score-sets", str(path), "--output", str(tmp_path / "out.jsonl"))
    assert result.returncode == 2 and phrase in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_missing_or_broken_model_is_exit_3_before_any_set(tmp_path, workers):
    sets = str(write_sets(tmp_path / "in.jsonl"))
    result = run_cli("score-sets", sets, "--output", str(tmp_path / "o.jsonl"), "--model", "nope", "--workers", workers)
    assert result.returncode == 3 and "not found; tried" in result.stderr
    broken = tmp_path / "broken"
    shutil.copytree(MODEL_DIR, broken, ignore=shutil.ignore_patterns("*.safetensors", "training"))
    (broken / "thresholds.json").write_text("{}")
    result = run_cli(
        "score-sets", sets, "--output", str(tmp_path / "b.jsonl"), "--model", str(broken), "--workers", workers
    )
    assert result.returncode == 3 and "thresholds.json: not a thresholds file" in result.stderr
    assert "Traceback" not in result.stderr
