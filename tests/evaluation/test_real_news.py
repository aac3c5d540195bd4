"""nli eval --real-news: readers, figures, and the CLI scoring pairs through nli score's decision."""

import json

import numpy as np
import pytest
from conftest import DATA, MODEL_DIR, needs_data, run_cli

from nli.evaluation.real_news import binary_figures, read_claimdiff, read_real_news, read_summedits

needs_model = pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")
GUIDED = "The company reported a fourth quarter decline in vaccine sales and guided for sales of $5bn in {year}."


def summedits_folder(root, records):
    folder = root / "summedits_news"
    folder.mkdir(parents=True)
    (folder / "summedits_news_dev.json").write_text(json.dumps(records))
    return root


def record(i, summary, label, edits):
    return {
        "id": f"art{i // 2}_{i}",
        "original_summary": GUIDED.format(year=2023),
        "summary": summary,
        "label": label,
        "edit_types": edits,
    }


def test_binary_figures():
    gold = np.array([True, True, False, False])
    figures = binary_figures(gold, np.array([True, False, True, False]))
    assert figures == {
        "n": 4,
        "contradictions": 2,
        "balanced_accuracy": 50.0,
        "recall": 0.5,
        "precision": 0.5,
        "false_alarms": 0.5,
    }
    assert binary_figures(np.array([False]), np.array([False]))["recall"] is None


def test_summedits_pairs_leave_out_inserted_facts_and_unchanged_summaries(tmp_path):
    root = summedits_folder(
        tmp_path,
        [
            record(0, GUIDED.format(year=2024), 0, ["entity_modification"]),
            record(1, GUIDED.format(year=2023).replace("guided for", "forecast"), "1", []),
            record(2, GUIDED.format(year=2023) + " Shares rose.", 0, ["hallucinated_fact_insertion"]),
            record(3, GUIDED.format(year=2023), 1, []),
        ],
    )
    pairs = list(read_summedits(root))
    assert [(p.contradiction, p.kind, p.group) for p in pairs] == [
        (True, "entity_modification", "art0"),
        (False, "", "art0"),
    ]


def test_a_missing_set_is_one_clear_error(tmp_path):
    from nli.errors import InputError

    with pytest.raises(InputError, match="summedits_news_dev.json is missing"):
        read_real_news("summedits-dev", tmp_path)
    with pytest.raises(InputError, match="not a real-news set"):
        read_real_news("mnli", tmp_path)


@needs_data
def test_claimdiff_counts_each_pair_once_and_a_weakening_as_the_contradiction():
    pairs = list(read_claimdiff(DATA))
    assert len({p.id for p in pairs}) == len(pairs)
    assert all(p.contradiction == (p.kind == "weakens") for p in pairs)


@needs_model
def test_the_cli_reports_a_near_identical_pair_that_differs_in_a_year_as_a_contradiction(tmp_path):
    root = summedits_folder(
        tmp_path / "data",
        [
            record(0, GUIDED.format(year=2024), 0, ["entity_modification"]),
            record(1, GUIDED.format(year=2023).replace("guided for sales", "guided sales"), 1, []),
        ],
    )
    result = run_cli("eval", "--real-news", "summedits-dev", "--data-dir", str(root), "--json")
    assert result.returncode == 0, result.stderr
    [figures] = json.loads(result.stdout)
    assert figures["modes"]["decision"]["flags"] == [1, 0]
    assert figures["modes"]["decision"]["recall"] == 1.0
    assert figures["modes"]["decision"]["false_alarms"] == 0.0
    assert set(figures["modes"]) == {"model", "decision"}


@needs_model
def test_the_cli_writes_the_markdown_table_and_its_json_twin(tmp_path):
    root = summedits_folder(tmp_path / "data", [record(0, GUIDED.format(year=2024), 0, ["entity_modification"])])
    out = tmp_path / "RESULTS.md"
    result = run_cli(
        "eval", "--real-news", "summedits-dev", "--data-dir", str(root), "--modes", "decision", "--results", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "| summedits-dev | minilm-nli-news | decision | 1 | 1 |" in out.read_text()
    assert json.loads(out.with_suffix(".json").read_text())[0]["set"] == "summedits-dev"


def test_the_cli_refuses_an_unknown_set_before_loading_anything(tmp_path):
    result = run_cli("eval", "--real-news", "nope", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "nope: not a real-news set" in result.stderr


def test_mrpc_paraphrases_are_read_by_name_and_never_by_default(tmp_path):
    from nli.evaluation.real_news import REAL_NEWS_SETS

    folder = tmp_path / "mrpc"
    folder.mkdir()
    (folder / "msr_paraphrase_test.txt").write_text(
        "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
        "1\t1\t2\tThe firm sold the chain for $2.5 billion.\tThe chain was sold for $2.5 billion.\n"
        '0\t3\t4\tIt sold for $2.5 billion.\tIt sold for $1.8 billion, "sources" said.\n',
        encoding="utf-8",
    )
    pairs = read_real_news("mrpc-test-paraphrases", tmp_path)
    assert [(p.id, p.contradiction, p.kind) for p in pairs] == [("1", False, "paraphrase")]
    assert "mrpc-test-paraphrases" not in REAL_NEWS_SETS  # evaluation only: not in make eval


def _mrpc_train(root):
    """Eight MRPC train pairs, the third judged no paraphrase."""
    folder = root / "mrpc"
    folder.mkdir()
    rows = [f"{int(k != 2)}\t{k}\t{k + 100}\tIt rose {k}%.\tIt went up {k}%." for k in range(8)]
    (folder / "msr_paraphrase_train.txt").write_text(
        "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )


def test_mrpc_train_paraphrases_are_a_default_set_of_every_third_paraphrase(tmp_path):
    from nli.evaluation.real_news import REAL_NEWS_SETS

    _mrpc_train(tmp_path)
    pairs = read_real_news("mrpc-train-paraphrases", tmp_path)
    # Paraphrases 0, 1, 3, 4, 5, 6, 7 (pair 2 is judged no paraphrase): the 1st, 4th and 7th.
    assert [p.id for p in pairs] == ["0", "4", "7"] and not any(p.contradiction for p in pairs)
    assert "mrpc-train-paraphrases" in REAL_NEWS_SETS


def test_the_unmeasured_mrpc_training_corpus_is_the_rest_of_the_paraphrases(tmp_path):
    from nli.data.corpora import CORPORA

    _mrpc_train(tmp_path)
    measured = {(p.premise, p.hypothesis) for p in read_real_news("mrpc-train-paraphrases", tmp_path)}
    trained = list(CORPORA["mrpc-train-unmeasured"].rows(tmp_path))
    # Paraphrases 1, 3, 5, 6 in both orders; none of the measured 0, 4, 7 in either.
    assert sorted({r["premise"] for r in trained}) == sorted(
        f"It {verb} {k}%." for k in (1, 3, 5, 6) for verb in ("rose", "went up")
    )
    assert {r["label"] for r in trained} == {"entailment"}
    assert not {(r["premise"], r["hypothesis"]) for r in trained} & measured
    assert not {(r["hypothesis"], r["premise"]) for r in trained} & measured
    assert len(list(CORPORA["mrpc-train"].rows(tmp_path))) == 14
