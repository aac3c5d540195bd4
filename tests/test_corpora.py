"""Loaders on small fixtures written for the tests, in each set's own file format."""

import json
import zipfile

import pytest

from nli.corpora import CORPORA, evaluation_keys, in_claim_eval_split, pair_key


def rows(name, root):
    return list(CORPORA[name].rows(root))


@pytest.fixture
def root(tmp_path):
    d = tmp_path
    (d / "snli_dev_test_via_esnli").mkdir()
    (d / "snli_dev_test_via_esnli" / "s1.dev").write_text("A man sleeps .\nA dog runs .\nA cat sits .\n")
    (d / "snli_dev_test_via_esnli" / "s2.dev").write_text("A man rests .\nA dog sleeps .\nAn animal .\n")
    (d / "snli_dev_test_via_esnli" / "labels.dev").write_text("entailment\ncontradiction\n-\n")

    (d / "lingnli" / "1_Baseline_protocol").mkdir(parents=True)
    (d / "lingnli" / "1_Baseline_protocol" / "train_round1_baseline.jsonl").write_text(
        json.dumps({"premise": "P one.", "hypothesis": "H one.", "label": "neutral"}) + "\n"
    )
    (d / "lingnli" / "1_Baseline_protocol" / "val_round1_base.jsonl").write_text(
        json.dumps({"premise": "P two.", "hypothesis": "H two.", "label": "entailment"}) + "\n"
    )

    (d / "sick").mkdir()
    header = "pair_ID\tsentence_A\tsentence_B\tentailment_label\tSemEval_set\n"
    (d / "sick" / "SICK.txt").write_text(
        header
        + "1\tA kid plays.\tA child plays.\tENTAILMENT\tTRAIN\n2\tA kid plays.\tNobody plays.\tCONTRADICTION\tTEST\n"
    )

    (d / "anli" / "R1").mkdir(parents=True)
    (d / "anli" / "R1" / "dev.jsonl").write_text(json.dumps({"context": "C.", "hypothesis": "H.", "label": "c"}) + "\n")
    for r in ("R2", "R3"):
        (d / "anli" / r).mkdir()
        (d / "anli" / r / "dev.jsonl").write_text("")

    (d / "dear_watson").mkdir()
    (d / "dear_watson" / "train.csv").write_text(
        "id,premise,hypothesis,lang_abv,language,label\n1,A b.,C d.,en,English,2\n2,Un.,Deux.,fr,French,0\n"
    )

    (d / "glue_rte_resplit").mkdir()
    (d / "glue_rte_resplit" / "train.tsv").write_text(
        "index\tsentence1\tsentence2\tlabel\n0\tX won.\tX lost.\tnot_entailment\n1\tX won.\tX played.\tentailment\n"
    )

    (d / "climate_fever").mkdir()
    claims = [
        {"claim": f"Claim number {i}.", "evidences": [{"evidence": "Ev.", "evidence_label": "REFUTES"}]}
        for i in range(20)
    ]
    (d / "climate_fever" / "climate-fever.jsonl").write_text("".join(json.dumps(c) + "\n" for c in claims))

    (d / "curriculum_benchmark" / "tasks").mkdir(parents=True)
    with zipfile.ZipFile(d / "curriculum_benchmark" / "tasks" / "boolean.zip", "w") as z:
        z.writestr(
            "boolean/train.jsonl",
            json.dumps({"premise": "A and B.", "hypothesis": "A.", "gold_label": "entailment"}) + "\n",
        )
    return d


def test_snli_skips_items_without_gold(root):
    got = rows("snli-dev", root)
    assert [r["label"] for r in got] == ["entailment", "contradiction"]
    assert got[0] == {
        "premise": "A man sleeps .",
        "hypothesis": "A man rests .",
        "label": "entailment",
        "source": "snli-dev",
    }


def test_lingnli_train_and_val_are_separate(root):
    assert [r["label"] for r in rows("lingnli-train", root)] == ["neutral"]
    assert [r["label"] for r in rows("lingnli-val", root)] == ["entailment"]
    assert CORPORA["lingnli-val"].role == "select"


def test_sick_split_column(root):
    assert [r["label"] for r in rows("sick-train", root)] == ["entailment"]
    assert [r["label"] for r in rows("sick-test", root)] == ["contradiction"]


def test_anli_letters(root):
    assert rows("anli-dev", root)[0]["label"] == "contradiction"


def test_dear_watson_english_only_with_integer_labels(root):
    assert [(r["premise"], r["label"]) for r in rows("dear-watson-en", root)] == [("A b.", "contradiction")]


def test_rte_is_two_way(root):
    assert [r["label"] for r in rows("rte-train", root)] == ["not_entailment", "entailment"]
    assert CORPORA["rte-train"].two_way


def test_claim_split_is_disjoint_and_stable(root):
    train = {r["hypothesis"] for r in rows("climate-fever-train", root)}
    test = {r["hypothesis"] for r in rows("climate-fever-test", root)}
    assert train and test and not train & test
    assert all(in_claim_eval_split(c) for c in test)


def test_curriculum_zip(root):
    assert rows("curriculum-boolean-train", root)[0]["label"] == "entailment"


def test_every_corpus_has_a_role_and_licence():
    for corpus in CORPORA.values():
        assert corpus.role in {"train", "select", "eval"}
        assert corpus.licence


def test_pair_key_normalizes_case_and_punctuation():
    assert pair_key("A man, sleeping.", "He RESTS!") == pair_key("a man sleeping", "he rests")


def test_evaluation_keys_include_extra_files(root, tmp_path):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"premise": "Own P.", "hypothesis": "Own H."}) + "\n")
    # the fixture root lacks most evaluation sets: only the extra file and SICK test are read
    sick_only = {name: c for name, c in CORPORA.items() if name == "sick-test"}
    import nli.corpora as corpora

    saved = corpora.CORPORA
    corpora.CORPORA = sick_only
    try:
        keys = evaluation_keys(root, (extra,))
    finally:
        corpora.CORPORA = saved
    assert pair_key("Own P.", "Own H.") in keys
    assert pair_key("A kid plays.", "Nobody plays.") in keys
