from nli.evaluation.splitters import boundaries, compare_splitters, read_cases, score_splitter


def test_boundaries_are_sentence_end_offsets():
    text = "One two. Three four. Five."
    assert boundaries(text, ["One two.", "Three four.", "Five."]) == {8, 20}
    assert boundaries(text, [text]) == set()


def test_a_perfect_splitter_is_exact_and_a_lazy_one_loses_recall():
    cases = read_cases()
    gold = {c["text"]: c["sentences"] for c in cases}
    perfect = score_splitter(lambda text: gold[text], cases)
    assert perfect["exact"] == len(cases) and perfect["boundary_f1"] == 1.0
    lazy = score_splitter(lambda text: [text], cases)
    assert lazy["boundary_recall"] == 0.0 and lazy["exact"] < len(cases)


def test_the_shipped_splitter_beats_the_punctuation_regex():
    result = compare_splitters()["case_sets"]["sentence_splits.jsonl"]
    shipped, regex = result["unwrap + pysbd + glue repair (shipped)"], result["punctuation regex"]
    assert shipped["boundary_f1"] > regex["boundary_f1"]
    assert shipped["exact"] > regex["exact"]


def test_the_glue_repair_finds_the_glued_boundaries_and_costs_nothing_elsewhere():
    result = compare_splitters()["case_sets"]
    glued = result["glued_splits.jsonl"]
    assert (
        glued["unwrap + pysbd + glue repair (shipped)"]["boundary_recall"]
        > glued["pysbd alone"]["boundary_recall"] + 0.5
    )
    plain = result["sentence_splits.jsonl"]
    assert plain["unwrap + pysbd + glue repair (shipped)"]["boundary_f1"] >= plain["pysbd alone"]["boundary_f1"]


def test_hard_wrapped_paragraphs_split_as_the_unwrapped_ones_do():
    result = compare_splitters(wrap_widths=(38, 72))["case_sets"]
    shipped = "unwrap + pysbd + glue repair (shipped)"
    plain = result["sentence_splits.jsonl"][shipped]
    for width in (38, 72):
        wrapped = result[f"sentence_splits.jsonl, hard-wrapped at {width} columns"]
        assert wrapped[shipped]["exact"] >= plain["exact"] - 2
        assert wrapped["pysbd alone"]["exact"] < wrapped[shipped]["exact"] - 10, "the wrapped cases are not hard"
