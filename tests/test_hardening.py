"""Bad and unusual input through the real CLI and the API: one clear line, the right exit, no traceback."""

import json
import os
import shutil

import pytest
from conftest import EXAMPLES, MODEL_DIR, ROOT, run_cli

import nli
from nli.errors import InputError

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")

ARSON = "Police said the warehouse fire on Dock Road was started deliberately by an arsonist on Tuesday."
ACCIDENT = "Police said the warehouse fire on Dock Road was not started deliberately and was an accident on Tuesday."


def assert_refused(result, code: int, *phrases: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)


def two_sides(folder, per_side=1, a=ARSON, b=ACCIDENT):
    folder.mkdir(exist_ok=True)
    for i in range(per_side):
        (folder / f"arson-{i}.txt").write_text(a + "\n")
        (folder / f"accident-{i}.txt").write_text(b + "\n")
    return folder


# --- 1. square brackets reach rich escaped -----------------------------------------


@needs_model
def test_square_brackets_in_text_ids_and_claims_are_printed_as_they_are(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "[wire].txt").write_text("Fire [/] [/x]\n\n" + ARSON.replace("fire", "fire [sic]") + "\n")
    (folder / "b.txt").write_text('[caption id="7"]A photo[/caption]\n\n' + ACCIDENT + "\n")
    result = run_cli("score", str(folder))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "[sic]" in result.stdout and "[wire]" in result.stdout
    stance = run_cli("stance", "--claim", "The [/] fire was set.", str(folder))
    assert stance.returncode == 0 and "Traceback" not in stance.stderr, stance.stderr
    assert "[/]" in stance.stdout


# --- 2. output paths are checked first and written atomically -------------------------


@pytest.mark.parametrize(
    "option, target, phrase",
    [
        ("--output", "missing/report.json", "its folder"),
        ("--output", ".", "is a folder"),
        ("--output", "/proc/nli-report.json", "not writable"),
        ("--html", "missing/report.html", "its folder"),
    ],
)
def test_unwritable_score_outputs_are_refused_before_any_work(tmp_path, option, target, phrase):
    out = tmp_path / target if not target.startswith("/") else target
    json_out = tmp_path / "report.json"
    args = ["score", str(EXAMPLES), option, str(out)] + (["--output", str(json_out)] if option == "--html" else [])
    # A model that does not exist: the output check must come first, or this would say exit 3.
    result = run_cli(*args, "--model", str(tmp_path / "no-model"))
    assert_refused(result, 2, option, phrase)
    assert not json_out.exists()


def test_an_output_that_is_an_input_is_refused(tmp_path):
    folder = two_sides(tmp_path / "set")
    assert_refused(run_cli("score", str(folder), "--output", str(folder / "arson-0.txt")), 2, "is one of the inputs")
    assert_refused(run_cli("score", str(folder), "--output", str(folder / "r.json")), 2, "input folder")
    assert (folder / "arson-0.txt").read_text() == ARSON + "\n"


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["--errors", "missing/e.jsonl"], "--errors"),
        (["--html", "missing/e.html"], "--html"),
        (["--save", "eval/data/news_pairs.jsonl"], "is a file; expected a folder"),
    ],
)
def test_unwritable_eval_outputs_are_refused(args, phrase):
    result = run_cli("eval", "eval/data/news_pairs.jsonl", "--limit", "5", *args)
    assert_refused(result, 2, phrase)


def test_atomic_writes_leave_the_old_file_or_the_new_one(tmp_path):
    from nli.outputs import atomic_path, write_text_atomic

    target = tmp_path / "report.json"
    write_text_atomic(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]
    write_text_atomic(target, "new")
    assert target.read_text() == "new" and len(list(tmp_path.iterdir())) == 1
    fresh = tmp_path / "fresh.json"
    write_text_atomic(fresh, "{}")
    mask = os.umask(0)
    os.umask(mask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~mask  # the mode of an ordinary write, not mkstemp's 0600


def test_json_never_holds_nan():
    from nli.outputs import json_text

    assert json.loads(json_text({"a": float("nan"), "b": [float("inf"), 1.5]})) == {"a": None, "b": [None, 1.5]}


# --- 3. a broken model is exit 3 with the file named ----------------------------------


def _model_copy(tmp_path):
    copy = tmp_path / "model"
    (copy / "onnx").mkdir(parents=True)
    for item in MODEL_DIR.iterdir():
        if item.is_file():
            shutil.copy(item, copy / item.name) if item.suffix != ".safetensors" else None
    os.symlink(MODEL_DIR / "onnx" / "model_int8.onnx", copy / "onnx" / "model_int8.onnx")
    return copy


@needs_model
@pytest.mark.parametrize(
    "breakage, phrase",
    [
        ("truncated onnx", "not a usable ONNX model"),
        ("empty onnx", "not a usable ONNX model"),
        ("empty thresholds", "thresholds.json: not a thresholds file"),
        ("thresholds without contradiction", "thresholds.json: not a thresholds file"),
        ("corrupt tokenizer", "tokenizer.json: not a readable tokenizer file"),
    ],
)
def test_a_broken_model_file_is_named_with_exit_3(tmp_path, breakage, phrase):
    model = _model_copy(tmp_path)
    onnx = model / "onnx" / "model_int8.onnx"
    if "onnx" in breakage:
        onnx.unlink()
        onnx.write_bytes(
            b"" if breakage == "empty onnx" else (MODEL_DIR / "onnx" / "model_int8.onnx").read_bytes()[:5000]
        )
    elif breakage == "empty thresholds":
        (model / "thresholds.json").write_text("")
    elif breakage == "thresholds without contradiction":
        (model / "thresholds.json").write_text('{"entailment": 0.3}')
    else:
        (model / "tokenizer.json").write_text('{"version": "1.0", "model": ')
    assert_refused(run_cli("score", str(EXAMPLES), "--model", str(model)), 3, phrase)


@needs_model
def test_the_sentence_encoder_is_not_taken_for_an_nli_model():
    result = run_cli("score", str(EXAMPLES), "--model", str(ROOT / "models" / "all-minilm-l6-v2"))
    assert_refused(result, 3, "not an NLI cross-encoder", "sentence encoder")


# --- 4. copies of a wire story ----------------------------------------------------------


@needs_model
@pytest.mark.parametrize("per_side", [1, 4])
def test_wire_copies_keep_the_contradiction_and_every_copy_in_the_report(tmp_path, per_side):
    folder = two_sides(tmp_path / "set", per_side)
    result = run_cli("score", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["contradictions"]) == 1
    first = report["contradictions"][0]
    sides = [{first[s]["article"]} | {c["article"] for c in first["copies"][s]} for s in ("a", "b")]
    expected = [{f"{kind}-{i}" for i in range(per_side)} for kind in ("accident", "arson")]
    assert sorted(sides, key=sorted) == expected
    agreement = report["agreement"]
    position = {a: i for i, a in enumerate(agreement["articles"])}
    for x in expected[0]:
        for y in expected[1]:
            assert agreement["contradict"][position[x]][position[y]] == 1
    assert report["stats"]["nli_pairs"] == 1


# --- 5, 6, 7, 11. reading -------------------------------------------------------------------


def _jsonl(path, *records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "record, phrase",
    [
        ({"id": "a", "text": ARSON, "title": 7}, "'title' must be a string or absent, not a int"),
        ({"id": "", "text": ARSON}, "'id' is empty"),
        ({"id": False, "text": ARSON}, "'id' must be a string or a number, not false"),
        ({"id": "a", "text": 12}, "'text' must be the article's text, not a int"),
        ({"id": "a"}, "missing 'text'"),
    ],
)
def test_jsonl_fields_of_the_wrong_type_are_named_with_their_line(tmp_path, record, phrase):
    path = _jsonl(tmp_path / "set.jsonl", {"id": "b", "text": ACCIDENT}, record)
    assert_refused(run_cli("score", str(path)), 2, f"{path}:2: {phrase}")


def test_reading_accepts_id_zero_line_separators_and_utf16(tmp_path):
    from nli.scoring.articles import read_articles

    jsonl = _jsonl(tmp_path / "set.jsonl", {"id": 0, "text": "One\u2028two\u2029three\u0085four, all in one record."})
    utf16 = tmp_path / "wide.txt"
    utf16.write_bytes(ACCIDENT.encode("utf-16"))
    read = read_articles([jsonl, utf16])
    assert [a.id for a in read.articles] == ["0", "wide"]
    assert read.articles[1].text == ACCIDENT and "\u2028" in read.articles[0].text


@pytest.mark.parametrize(
    "name, content, phrase",
    [
        ("noise.txt", bytes(range(1, 32)) * 50 + b"text", "looks binary"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("empty.jsonl", b"\n\n", "no article records"),
        ("answer.json", b"42", "expected a list of article objects"),
    ],
)
def test_unreadable_files_are_named(tmp_path, name, content, phrase):
    (tmp_path / name).write_bytes(content)
    assert_refused(run_cli("score", str(tmp_path / name)), 2, str(tmp_path / name), phrase)


@needs_model
def test_a_named_pipe_is_skipped_with_a_warning(tmp_path):
    folder = two_sides(tmp_path / "set")
    os.mkfifo(folder / "pipe.txt")
    result = run_cli("score", str(folder), "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    assert any("pipe.txt: skipped, not a regular file" in w for w in json.loads(result.stdout)["warnings"])


@needs_model
def test_a_set_without_claims_says_so(model):
    report = nli.score_articles(
        [nli.Article("a", "Breaking news tonight.\n\nMore soon."), nli.Article("b", "What happened? Nobody knows.")],
        model=model,
    )
    assert len([w for w in report.warnings if "no sentence is a claim" in w]) == 2


@needs_model
def test_an_article_that_is_only_boilerplate_is_left_out_with_a_warning_not_labelled(tmp_path):
    folder = two_sides(tmp_path / "set")
    (folder / "promo.txt").write_text("Follow us on Facebook\nhttps://example.org/x\n")
    stance = run_cli("stance", "--claim", "The fire was arson.", str(folder), "--json")
    assert stance.returncode == 0, stance.stderr
    document = json.loads(stance.stdout)
    assert [a["article"] for a in document["articles"]] == ["accident-0", "arson-0"]
    assert any("promo.txt: nothing left after removing boilerplate; left out" in w for w in document["warnings"])
    score = run_cli("score", str(folder), "--json")
    assert score.returncode == 0, score.stderr
    report = json.loads(score.stdout)
    assert [a["id"] for a in report["articles"]] == ["accident-0", "arson-0"] and report["contradictions"]
    assert any("promo.txt" in w for w in report["warnings"])
    assert [(s["id"], s["reason"]) for s in report["skipped"]] == [("promo", "nothing left after removing boilerplate")]
    assert [s["id"] for s in document["skipped"]] == ["promo"]


def test_a_set_left_with_one_usable_article_is_refused_naming_the_empty_ones(tmp_path):
    folder = two_sides(tmp_path / "set")
    (folder / "accident-0.txt").write_text("Follow us on Facebook\nhttps://example.org/x\n")
    assert_refused(
        run_cli("score", str(folder)), 2, "accident-0.txt: nothing left after removing", "1 usable article(s) left"
    )


# --- 8. options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value",
    [
        ("--top", "-1"),
        ("--threshold", "nan"),
        ("--threshold", "1.5"),
        ("--entailment-threshold", "-0.1"),
        ("--min-similarity", "2"),
        ("--top-k", "0"),
        ("--top-k", "-1"),
    ],
)
def test_out_of_range_options_are_refused(option, value):
    result = run_cli("score", str(EXAMPLES), option, value)
    assert_refused(result, 2, f"argument {option}")


def test_eval_refuses_a_zero_batch_size():
    assert_refused(run_cli("eval", "eval/data/news_pairs.jsonl", "--batch-size", "0"), 2, "argument --batch-size")


# --- 9. the Python API ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, phrase",
    [
        (None, "no articles given"),
        (42, "not a int"),
        ([{"id": "a", "text": ARSON}], "item 0: expected a path or an nli.Article, not a dict"),
        ([nli.Article("a", ARSON), 7], "item 1: expected a path or an nli.Article, not a int"),
        ([nli.Article("a", None), nli.Article("b", ACCIDENT)], "missing 'text'"),  # type: ignore[arg-type]
        ([nli.Article("a", 3.5), nli.Article("b", ACCIDENT)], "not a float"),  # type: ignore[arg-type]
        ([nli.Article("a", ARSON), nli.Article("a", ACCIDENT)], "duplicate article id 'a'"),
        ([], "no articles given"),
    ],
)
def test_the_api_raises_input_error_for_what_it_cannot_use(given, phrase):
    with pytest.raises(InputError, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        nli.score_articles(given)


@needs_model
def test_the_api_accepts_one_path_a_string_or_any_iterable(tmp_path, model):
    folder = two_sides(tmp_path / "set")
    for given in (folder, str(folder), (p for p in [folder]), [str(folder / "arson-0.txt"), folder / "accident-0.txt"]):
        report = nli.score_articles(given, model=model)
        assert sorted(a.id for a in report.articles) == ["accident-0", "arson-0"]


# --- 10. nli eval files ---------------------------------------------------------------------------


@needs_model
def test_eval_reads_a_latin1_csv_with_a_warning(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes("premise,hypothesis,label\nLe café est fermé.,The café is open.,contradiction\n".encode("latin-1"))
    result = run_cli("eval", str(path), "--json", "--bootstrap", "0")
    assert result.returncode == 0, result.stderr
    assert "not valid UTF-8" in result.stderr and json.loads(result.stdout)["n"] == 1


@pytest.mark.parametrize(
    "content, phrase",
    [
        ("42", "expected a list of pair objects"),
        ('[{"premise": "a", "hypothesis": "b", "label": "e"}, 3, "x"]', "(record 2): expected an object"),
    ],
)
def test_eval_json_of_the_wrong_shape_is_named(tmp_path, content, phrase):
    path = tmp_path / "pairs.json"
    path.write_text(content)
    assert_refused(run_cli("eval", str(path)), 2, phrase)
