"""End-to-end: the real CLI on the bundled example set, and its bad-input cases."""

import json

import pytest
from conftest import EXAMPLES, MODEL_DIR, run_cli

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")

# (article, words in its sentence) pairs planted in examples/dock-road-fire (see examples/README.md)
PLANTED = {
    "number": {("harbour-herald", "Three firefighters"), ("daily-flash", "Eleven firefighters")},
    "attribution": {("coastal-wire", "port authority said"), ("bay-tv", "port authority denied")},
    "denial": {("harbour-herald", "Police confirmed"), ("daily-flash", "Police denied")},
    "cause": {("coastal-wire", "electrical fault"), ("freight-journal", "started deliberately")},
}
FALSE_ALARM = {("coastal-wire", "About 60 workers"), ("bay-tv", "40 workers")}


def matches(pair, planted):
    a, b = pair["a"], pair["b"]
    found = {
        (art, words)
        for art, words in planted
        if (a["article"] == art and words in a["text"]) or (b["article"] == art and words in b["text"])
    }
    return found == planted


@pytest.fixture(scope="module")
def report():
    result = run_cli("score", str(EXAMPLES), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_model
def test_json_document_has_the_documented_fields(report):
    assert report["schema_version"] == "1.4"
    assert [a["id"] for a in report["articles"]] == [
        "bay-tv",
        "coastal-wire",
        "daily-flash",
        "freight-journal",
        "harbour-herald",
    ]
    for key in ("articles", "contradictions", "claims", "agreement", "pairs", "stats"):
        assert key in report
    first = report["contradictions"][0]
    assert set(first) >= {"score", "a", "b", "probs", "similarity", "type", "conflicts", "compatible"}
    for pair in report["pairs"]:
        assert (pair["type"] is None) == (pair["verdict"] != "contradiction")
        for conflict in pair["conflicts"]:
            for side in ("a", "b"):
                span = conflict[side]
                assert pair[side]["text"][span["start"] : span["end"]] == span["text"]
    assert set(first["probs"]) == {"a_to_b", "b_to_a"}
    scores = [c["score"] for c in report["contradictions"]]
    assert scores == sorted(scores, reverse=True)
    assert len(report["agreement"]["matrix"]) == 5
    assert any(d["reason"] == "byline" for a in report["articles"] for d in a["dropped"])


CAUSE_WEAKNESS = (
    "known weakness of models/minilm-nli-news, v1.3 and v2 (MODEL_CARD.md): 'an electrical fault' against "
    "'started deliberately' needs world knowledge it lacks, and the pair's cosine (0.443) is under the 0.45 "
    "pairing threshold; nli/training/recipes/experiments/cause-scenes.toml teaches it at a cost elsewhere"
)


@needs_model
@pytest.mark.parametrize(
    "name",
    [
        "number",
        "attribution",
        "denial",
        pytest.param("cause", marks=pytest.mark.xfail(reason=CAUSE_WEAKNESS, strict=True)),
    ],
)
def test_planted_contradictions_come_first(report, name):
    top = report["contradictions"][: len(PLANTED)]
    assert any(matches(pair, PLANTED[name]) for pair in top), f"planted {name} contradiction not in the top {len(top)}"


@needs_model
@pytest.mark.parametrize(("name", "kind"), [("number", "number"), ("attribution", "attribution")])
def test_planted_contradictions_carry_their_type(report, name, kind):
    (pair,) = [p for p in report["contradictions"] if matches(p, PLANTED[name])][:1]
    assert pair["type"] == kind
    assert pair["conflicts"], "the conflicting spans are given"


@needs_model
def test_model_only_skips_the_slot_comparison():
    result = run_cli("score", str(EXAMPLES), "--json", "--model-only")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["thresholds"]["combiner"] is None
    assert all(p["conflicts"] == [] and p["compatible"] == [] for p in document["pairs"])
    assert all(p["type"] == "other" for p in document["contradictions"])


@needs_model
def test_false_alarm_is_not_among_the_top_results(report):
    assert not any(matches(pair, FALSE_ALARM) for pair in report["contradictions"][:6])


@needs_model
def test_claims_give_every_article_a_stance(report):
    assert report["claims"]
    for claim in report["claims"]:
        assert set(claim["stances"]) == {a["id"] for a in report["articles"]}
        assert {s["stance"] for s in claim["stances"].values()} <= {
            "supports",
            "contradicts",
            "mentions",
            "not_mentioned",
        }


@needs_model
def test_terminal_report_and_output_file(tmp_path):
    out = tmp_path / "report.json"
    result = run_cli("score", str(EXAMPLES), "--output", str(out), "--top", "3")
    assert result.returncode == 0, result.stderr
    assert "contradictions" in result.stdout
    assert len(json.loads(out.read_text())["contradictions"]) == 3


def test_empty_directory(tmp_path):
    result = run_cli("score", str(tmp_path))
    assert result.returncode == 2
    assert f"nli: error: {tmp_path}: directory has no" in result.stderr


def test_single_article_needs_allow_single(tmp_path):
    (tmp_path / "only.txt").write_text("The bridge over the river was closed on Monday after the storm.\n")
    result = run_cli("score", str(tmp_path))
    assert result.returncode == 2
    assert "only one article" in result.stderr and "--allow-single" in result.stderr


def test_bad_jsonl_line_names_file_and_line(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "One sentence here for the test."}) + "\nnot json\n")
    result = run_cli("score", str(path))
    assert result.returncode == 2
    assert f"{path}:2: not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_article_empty_after_cleaning(tmp_path):
    (tmp_path / "a.txt").write_text("The bridge over the river was closed on Monday after the storm.\n")
    (tmp_path / "b.txt").write_text("Follow us on Facebook\nhttps://example.org/x\n")
    result = run_cli("score", str(tmp_path))
    assert result.returncode == 2
    assert "b.txt: nothing left after removing boilerplate" in result.stderr


def test_missing_model_directory(tmp_path):
    result = run_cli("score", str(EXAMPLES), "--model", str(tmp_path / "no-model"))
    assert result.returncode == 3
    assert f"not found; tried {tmp_path / 'no-model'} (argument)" in result.stderr
    assert "Traceback" not in result.stderr


BLAST_REPORTS = [
    {
        "id": "early",
        "date": "2026-03-01T08:00:00Z",
        "text": "A gas explosion tore through the central market in Varel on Saturday morning.\n\n"
        "Twelve people were killed in the blast at the market, police said.",
    },
    {
        "id": "late",
        "date": "2026-03-02T18:00:00Z",
        "text": "Rescue teams in Varel ended their search of the collapsed central market on Sunday.\n\n"
        "Twenty-three people were killed in the blast at the market, police said.",
    },
]


def score_jsonl(tmp_path, records):
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = run_cli("score", str(path), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def toll_pairs(document, key):
    return [p for p in document[key] if "killed" in p["a"]["text"] and "killed" in p["b"]["text"]]


@needs_model
def test_a_revised_toll_between_dated_reports_is_an_update_not_a_contradiction(tmp_path):
    document = score_jsonl(tmp_path, BLAST_REPORTS)
    assert not toll_pairs(document, "contradictions")
    (update,) = toll_pairs(document, "updates")
    assert update["verdict"] == "update"
    assert update["update"]["earlier"] == {
        "article": "early",
        "date": "2026-03-01T08:00:00Z",
        "figure": "Twelve people",
    }
    assert update["update"]["later"]["figure"] == "Twenty-three people"


@needs_model
def test_without_dates_a_different_toll_stays_a_number_contradiction(tmp_path):
    document = score_jsonl(tmp_path, [{k: v for k, v in r.items() if k != "date"} for r in BLAST_REPORTS])
    assert not document["updates"]
    (pair,) = toll_pairs(document, "contradictions")
    assert pair["type"] == "number" and pair["update"] is None


@needs_model
def test_the_html_report_lists_updates_apart(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in BLAST_REPORTS))
    out = tmp_path / "report.html"
    result = run_cli("score", str(path), "--html", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert 'id="updates"' in html
    assert "(2026-03-01T08:00:00Z): Twelve people" in html and "Twenty-three people" in html


@needs_model
@pytest.mark.parametrize(
    ("word", "edit", "kind"), [("secretly", "publicly", "polarity"), ("billions", "millions", "number")]
)
def test_a_copied_sentence_with_one_fact_turned_is_a_contradiction(tmp_path, word, edit, kind):
    # The model reads the edited copy as a paraphrase; the near copy's slot conflict decides.
    sentence = (
        "The exchange {word} moved the funds meant to back customer deposits to a trading firm run by its "
        "founder, according to records seen by reporters in Hong Kong last week."
    )
    if kind == "number":
        sentence = "The administration will seek the most bang for the {word} it has to rebuild roads and bridges."
    document = score_jsonl(
        tmp_path,
        [{"id": "wire", "text": sentence.format(word=word)}, {"id": "copy", "text": sentence.format(word=edit)}],
    )
    (pair,) = document["contradictions"]
    assert pair["decided_by"] == "near_copy_conflict" and pair["type"] == kind
    assert document["thresholds"]["near_copy"] == {"similarity": 0.9, "changed_words": 4}
    assert pair["model_contradiction"] < document["thresholds"]["contradiction_threshold"]
