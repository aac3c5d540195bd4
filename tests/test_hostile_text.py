"""Hardening, second pass (#36): hostile text, file names, outputs and large sets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from conftest import run_cli

import nli
from nli.scoring import stages
from nli.scoring.articles import clean_article
from nli.scoring.report import DENSE_ARTICLES, Agreement, ArticleStance, Claim, SentenceRef, StanceMap

ONE = "The council approved the budget of five million dollars on Tuesday. The mayor said the bridge opens in March."
TWO = "The council rejected the budget on Tuesday. The mayor said the bridge will not open until next year."


def test_lone_surrogates_invisible_characters_and_nul_are_normalised_away(model):
    articles = [
        nli.Article(
            "a\u200b\u202e", "The council \ud800approved the bud\u200bget of five mil\x00lion dollars on Tuesday."
        ),
        nli.Article("b", TWO, title="Vote \udcff"),
    ]
    report = nli.score_articles(articles, model=model)
    assert [a.id for a in report.articles] == ["a", "b"]
    sentence = report.articles[0].sentences[0]
    assert "budget" in sentence and "million" in sentence and "\ufffd" in sentence
    assert report.articles[1].title == "Vote \ufffd"
    json.dumps(report.to_dict()).encode("utf-8")  # valid UTF-8 throughout
    stance = nli.stance_on_claim("The budget was \ud800 approved", articles, model=model)
    assert stance.claim == "The budget was \ufffd approved"


def test_ids_that_differ_only_in_invisible_characters_are_duplicates():
    with pytest.raises(nli.InputError, match="duplicate article id 'a'"):
        nli.score_articles([nli.Article("a", ONE), nli.Article("a\u200b", TWO)])


def test_any_finite_number_is_an_id_taken_as_its_text(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"id": 1.5, "text": ONE}) + "\n" + json.dumps({"id": 2, "text": TWO}) + "\n")
    assert [a.id for a in nli.read_articles([path]).articles] == ["1.5", "2"]
    path.write_text('{"id": NaN, "text": "x y z."}\n')
    with pytest.raises(nli.InputError, match="finite number"):
        nli.read_articles([path])


def test_wordpress_media_shortcodes_and_images_are_dropped_not_read():
    text = (
        "The council approved the budget on Tuesday.\n"
        '[caption id="attachment_7" align="alignleft"]<img src="a.jpg" /> The mayor denied it all.[/caption]\n'
        'Critics said the vote was rushed [sic] and unlawful. [gallery ids="1,2"]'
    )
    cleaned = clean_article(nli.Article("a", text))
    assert "denied" not in cleaned.body and "gallery" not in cleaned.body and "[sic]" in cleaned.body
    assert [(d.line, d.reason) for d in cleaned.dropped] == [(2, "media shortcode"), (3, "media shortcode")]


def test_predict_and_encode_refuse_what_is_not_text(onnx_model, encoder):
    for given, phrase in (("text", "not a str"), ([(None, "x")], "pair 0"), ([("a",)], "pair 0"), (5, "not a int")):
        with pytest.raises(nli.InputError, match=phrase):
            onnx_model.predict_proba(given)
    assert onnx_model.predict_proba(iter([("a \ud800", "b")])).shape == (1, 3)
    with pytest.raises(nli.InputError, match="list of sentences"):
        encoder.encode("one sentence")


def test_options_may_be_a_dict_of_their_fields(model):
    report = nli.score_articles([nli.Article("a", ONE), nli.Article("b", TWO)], model=model, options={"threshold": 0.9})
    assert report.thresholds["contradiction_threshold"] == 0.9
    with pytest.raises(nli.InputError, match="unknown option"):
        nli.score_articles([nli.Article("a", ONE), nli.Article("b", TWO)], model=model, options={"contradiction": 0.5})


def _copies_agreement(model, texts: list[str]) -> Agreement:
    articles = [nli.Article(f"x{k}", text) for k, text in enumerate(texts)]
    return nli.score_articles(articles, model=model).agreement


def test_copies_agree_in_every_cell_they_share(model):
    eight = _copies_agreement(model, [ONE] * 8)
    assert all(eight.score(i, j) == 1.0 for i in range(8) for j in range(8) if i != j)
    # The model as users load it, with the stance model. The aggregator alone (v2.2)
    # reads "the bridge will not open until next year" as merely mentioning "the bridge
    # opens in March", and both v2 and v2.2 read ONE as supporting the first: a wrong
    # agreement that then cancels the budget dispute (cells at 0.0, not below).
    with_stances = nli.Model.load()
    four_four = _copies_agreement(with_stances, [ONE] * 4 + [TWO] * 4)
    across = {four_four.score(i, j) for i in range(4) for j in range(4, 8)}
    within = {four_four.score(i, j) for i in range(4) for j in range(4) if i != j}
    assert len(across) == 1 and across.pop() < 0 and within == {1.0}


def test_large_sets_hold_only_what_was_found():
    n = DENSE_ARTICLES + 1
    articles = [f"a{k}" for k in range(n)]
    agreement = Agreement(articles, {(0, 5): (2, 1)})
    document = agreement.to_dict()
    assert document["matrix"] is None and document["cells"] == [[0, 5, 2, 1]]
    assert agreement.count(5, 0) == (2, 1) and agreement.score(1, 2) is None
    ref = SentenceRef("a0", 0, "A claim.")
    claim = Claim(1, "A claim.", ref, [ref], StanceMap(a0=ArticleStance("supports", ref)))
    assert claim.stances["a9"].stance == "not_mentioned"
    assert list(claim.to_dict()["stances"]) == ["a0"]
    assert list(claim.to_dict(articles[:3])["stances"]) == ["a0", "a1", "a2"]


def test_a_group_of_copies_past_the_cell_limit_counts_through_its_first_article():
    from nli.scoring.report import LabelledPair

    ids = [f"a{k}" for k in range(200)]
    first = SentenceRef("a0", 0, "Same.")
    pairs = [
        LabelledPair(
            first, SentenceRef(a, 0, "Same."), 1.0, "identical", 1.0, {}, {"a": [], "b": []}, decided_by="copy"
        )
        for a in ids[1:]
    ]
    agreement = stages.matrix(ids, pairs, [])
    assert agreement.count(0, 199) == (1, 0) and agreement.count(1, 2) == (0, 0)
    small = stages.matrix(ids[:10], pairs[:9], [])
    assert small.count(3, 7) == (1, 0)


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path):
    from nli.cli import _interrupt
    from nli.outputs import atomic_path

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "out.json") as temporary:
            temporary.write_text("half")
            os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []


def test_the_result_writer_counts_whole_lines(tmp_path):
    from nli.batch.sets import ResultWriter

    writer = ResultWriter(tmp_path / "out.jsonl", append=False)
    writer.write({"set": "s1"})
    writer.write({"set": "s2"})
    writer.close()
    assert writer.written == 2 == len((tmp_path / "out.jsonl").read_text().splitlines())


def test_an_existing_output_that_cannot_be_written_is_refused_before_any_work(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("{}")
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a filesystem that supports it)")
    try:
        result = run_cli("score", "examples/dock-road-fire", "--output", str(target))
    finally:
        subprocess.run(["chattr", "-i", str(target)])
    assert result.returncode == 2 and "exists and cannot be written" in result.stderr
    assert "Traceback" not in result.stderr and target.read_text() == "{}"


def test_file_names_that_are_not_utf8_surrogates_and_folders_through_the_cli(tmp_path):
    folder = os.fsencode(tmp_path / "set")
    os.mkdir(folder)
    with open(os.path.join(folder, b"caf\xe9.txt"), "w") as handle:
        handle.write(ONE)
    with open(os.path.join(folder, b"b.txt"), "w") as handle:
        handle.write(TWO + "\nFollow us on Twitter\n")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "c", "text": "Follow us on Twitter"}) + "\n")
    html = os.path.join(os.fsencode(tmp_path), b"r\xe9port.html")
    completed = subprocess.run(
        [sys.executable, "-m", "nli.cli", "score", folder, os.fsencode(tmp_path / "c.jsonl"), "--json", "--html", html],
        capture_output=True,
    )
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout.decode("utf-8"))  # strict UTF-8
    assert "caf\ufffd" in [a["id"] for a in document["articles"]]
    assert b"nothing left after removing boilerplate" in completed.stderr  # warnings on stderr only
    assert b"nli: warning" not in completed.stdout
    assert os.path.exists(html)
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"premise": "A man \ud800 runs.", "hypothesis": "A man moves.", "label": 0}) + "\n")
    assert run_cli("eval", str(pairs)).returncode == 0
    refused = run_cli("eval", str(tmp_path))
    assert refused.returncode == 2 and "is a folder" in refused.stderr and "Traceback" not in refused.stderr


def test_the_medoid_is_the_sentence_most_similar_to_all_others():
    rng = np.random.default_rng(0)
    sub = rng.normal(size=(7, 5))
    assert int(np.argmax(sub @ sub.sum(axis=0))) == int(np.argmax((sub @ sub.T).sum(axis=1)))
