"""Loaders on small fixtures written for the tests, in each set's own file format."""

import json
import zipfile

import pytest
from conftest import needs_data

from nli.data.corpora import CORPORA, evaluation_keys, in_claim_eval_split, pair_key


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
    import nli.data.corpora as corpora

    saved = corpora.CORPORA
    corpora.CORPORA = sick_only
    try:
        keys = evaluation_keys(root, (extra,))
    finally:
        corpora.CORPORA = saved
    assert pair_key("Own P.", "Own H.") in keys
    assert pair_key("A kid plays.", "Nobody plays.") in keys


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)


@pytest.fixture
def more(tmp_path):
    d = tmp_path
    write(
        d / "semi_automatic_nli_nyu/base_news/train.jsonl",
        json.dumps({"premise": "P.", "hypothesis": "H.", "label": "n"}) + "\n",
    )
    write(d / "conjnli/adversarial_train_15k.tsv", "\ufeffPremise\tHypothesis\tLabel\nA and B.\tA.\tentailment\n")
    write(
        d / "cad_nli/all_combined/train.tsv", 'sentence1\tsentence2\tgold_label\nA "quoted" man.\tA man.\tentailment\n'
    )
    write(
        d / "mpe/mpe_train.txt",
        "ID\tpremise1\tpremise2\tpremise3\tpremise4\thypothesis\tentailment_judgments\tneutral_judgments\t"
        "contradiction_judgments\tgold_label\n1\t1.jpg#0/A boy.\t1.jpg#1/A kid.\t1.jpg#2/He runs.\t1.jpg#3/Outside.\t"
        "A child.\t5\t0\t0\tentailment\n",
    )
    write(d / "taxinli/taxinli10k_MNLIDev.tsv", "prem\thyp\tlabel\tpairID\nDev p.\tDev h.\tneutral\t1n\n")
    write(
        d / "taxinli/taxinli10k.tsv",
        "prem\thyp\tlabel\tpairID\nDev p.\tDev h.\tneutral\t1n\nTrain p.\tTrain h.\tcontradiction\t2c\n",
    )
    write(
        d / "covidfact/COVIDFACT_dataset.jsonl",
        "".join(
            json.dumps({"claim": f"Claim {i}.", "label": "REFUTED", "evidence": ["E1.", "E2."]}) + "\n"
            for i in range(10)
        ),
    )
    write(
        d / "med_monotonicity/MED.tsv",
        "index\tsentence1\tsentence2\tgold_label\n1\tNo dog ran.\tNo small dog ran.\tentailment\n2\tSome dog ran.\tSome small dog ran.\tneutral\n",
    )
    write(d / "mnli_samples_textfooler/mnli_matched", "contradiction\tP .\tH .\n")
    write(
        d / "chaosnli/chaosNLI_mnli_m.jsonl",
        json.dumps({"majority_label": "e", "example": {"premise": "P.", "hypothesis": "H."}}) + "\n",
    )
    write(d / "xnli_en_dev/dev-en.tsv", "P.\tH.\tneutral\n")
    write(
        d / "negation_nli_hossain2020/MNLI.txt",
        "index\tText\tHypothesis\tgold_label\n0\tCaf\xe9 not open.\tIt is open.\tcontradiction\n",
        "cp1252",
    )
    write(
        d / "control_nli/data/test.jsonl", json.dumps({"premise": "Long P.", "hypothesis": "H.", "label": "c"}) + "\n"
    )
    write(
        d / "fever_symmetric/symmetric_v0.2/fever_symmetric_test.jsonl",
        json.dumps({"claim": "C.", "evidence": "E.", "gold_label": "REFUTES"}) + "\n",
    )
    write(d / "nope/nli_corpus.main.jsonl", json.dumps({"premise": "P.", "hypothesis": "H.", "label": "E"}) + "\n")
    write(
        d / "ambient/test.jsonl",
        json.dumps({"premise": "P.", "hypothesis": "H.", "labels": "neutral"})
        + "\n"
        + json.dumps({"premise": "P2.", "hypothesis": "H2.", "labels": "entailment, neutral"})
        + "\n",
    )
    return d


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("semi-nli-train", [("P.", "H.", "neutral")]),
        ("conjnli-train", [("A and B.", "A.", "entailment")]),
        ("cad-train", [('A "quoted" man.', "A man.", "entailment")]),
        ("mpe-train", [("A boy. A kid. He runs. Outside.", "A child.", "entailment")]),
        ("taxinli-train", [("Train p.", "Train h.", "contradiction")]),
        ("taxinli-mnli-dev", [("Dev p.", "Dev h.", "neutral")]),
        (
            "med",
            [
                ("No dog ran.", "No small dog ran.", "entailment"),
                ("Some dog ran.", "Some small dog ran.", "not_entailment"),
            ],
        ),
        ("mnli-m-sample", [("P .", "H .", "contradiction")]),
        ("chaosnli-mnli", [("P.", "H.", "entailment")]),
        ("xnli-en-dev", [("P.", "H.", "neutral")]),
        ("negation-mnli", [("Café not open.", "It is open.", "contradiction")]),
        ("control-test", [("Long P.", "H.", "contradiction")]),
        ("fever-symmetric", [("E.", "C.", "contradiction")]),
        ("nope", [("P.", "H.", "entailment")]),
        ("ambient", [("P.", "H.", "neutral")]),
    ],
)
def test_loader_formats(more, name, expected):
    assert [(r["premise"], r["hypothesis"], r["label"]) for r in rows(name, more)] == expected


def test_covidfact_joins_evidence_and_splits_by_claim(more):
    train, test = rows("covidfact-train", more), rows("covidfact-test", more)
    assert len(train) + len(test) == 10
    assert all(r["premise"] == "E1. E2." and r["label"] == "contradiction" for r in train + test)


@needs_data
@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_loader_reads_the_real_files(name):
    got = list(CORPORA[name].rows())
    assert got, name
    allowed = {"entailment", "not_entailment"} if CORPORA[name].two_way else {"entailment", "neutral", "contradiction"}
    assert {r["label"] for r in got} <= allowed
