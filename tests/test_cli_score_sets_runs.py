"""score-sets around its run: one writer per output, no leftovers, resume only on the same input."""

import fcntl
import json
import os

import pytest
from conftest import EXAMPLES, MODEL_DIR, run_cli

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")


def sets_file(path, count):
    text = (EXAMPLES / "bay-tv.txt").read_text()
    other = (EXAMPLES / "coastal-wire.txt").read_text()
    lines = [
        json.dumps({"set": f"s{k}", "articles": [{"id": "a", "text": text}, {"id": "b", "text": other}]})
        for k in range(count)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_second_writer_of_the_same_output_is_refused(tmp_path):
    source = sets_file(tmp_path / "sets.jsonl", 1)
    out = tmp_path / "out.jsonl"
    lock = os.open(out.with_name("out.jsonl.lock"), os.O_WRONLY | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as a run in progress holds it
    try:
        result = run_cli("score-sets", str(source), "--output", str(out))
    finally:
        os.close(lock)
    assert result.returncode == 2 and "another nli score-sets is writing it" in result.stderr
    assert not out.exists()


def test_an_output_below_an_input_folder_is_refused(tmp_path):
    folder = tmp_path / "sets"
    (folder / "s1").mkdir(parents=True)
    result = run_cli("score-sets", str(folder), "--output", str(folder / "s1" / "out.jsonl"))
    assert result.returncode == 2 and "would read it as an article" in result.stderr


def test_a_broken_model_leaves_no_empty_output(tmp_path):
    source = sets_file(tmp_path / "sets.jsonl", 1)
    out = tmp_path / "out.jsonl"
    result = run_cli("score-sets", str(source), "--output", str(out), "--model", str(tmp_path / "missing"))
    assert result.returncode == 3
    assert not out.exists() and not (tmp_path / "out.jsonl.lock").exists()


@needs_model
def test_resume_refuses_an_output_that_holds_more_sets_than_the_input(tmp_path):
    source = sets_file(tmp_path / "sets.jsonl", 1)
    out = tmp_path / "out.jsonl"
    out.write_text("".join(json.dumps({"set": f"s{k}"}) + "\n" for k in range(3)))
    result = run_cli("score-sets", str(source), "--output", str(out), "--resume")
    assert result.returncode == 2 and "holds 3 sets" in result.stderr
    assert len(out.read_text().splitlines()) == 3
