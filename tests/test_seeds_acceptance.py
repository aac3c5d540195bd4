"""Acceptance on the real seed articles in ../shared/seeds (skipped where absent)."""

import difflib
import json

import pytest
from conftest import MODEL_DIR, SEEDS, needs_seeds, run_cli

pytestmark = [needs_seeds, pytest.mark.skipif(not MODEL_DIR.is_dir(), reason="the shipped model is not built")]


@pytest.fixture(scope="module")
def report():
    result = run_cli("score", str(SEEDS), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def is_announcement_dispute(pair):
    """One side says the faction announced a resumption of attacks, the other that it denied doing so."""
    texts = (pair["a"]["text"].lower(), pair["b"]["text"].lower())
    about_resuming = all("resum" in t for t in texts)
    one_denial = sum(("denied" in t or "no official" in t or "yet to issue" in t) for t in texts) == 1
    return about_resuming and one_denial


def test_the_announcement_dispute_is_in_the_top_five(report):
    assert any(is_announcement_dispute(pair) for pair in report["contradictions"][:5])


def test_the_dispute_comes_first_and_the_top_five_hold_no_false_alarm(report):
    top = report["contradictions"][:5]
    assert top and all(is_announcement_dispute(pair) for pair in top), [
        (pair["a"]["text"], pair["b"]["text"]) for pair in top if not is_announcement_dispute(pair)
    ]


def test_a_denial_and_yet_to_issue_are_not_a_contradiction(report):
    """ "Denied issuing a statement" and "had yet to issue an official statement" say the same thing."""
    for pair in report["contradictions"]:
        texts = (pair["a"]["text"].lower(), pair["b"]["text"].lower())
        assert not (any("denied issuing" in t for t in texts) and any("yet to issue" in t for t in texts)), texts


def test_no_near_identical_pair_is_reported_as_a_contradiction(report):
    for pair in report["contradictions"]:
        ratio = difflib.SequenceMatcher(None, pair["a"]["text"].lower(), pair["b"]["text"].lower()).ratio()
        assert ratio < 0.9, (pair["a"]["text"], pair["b"]["text"])


def test_boilerplate_is_dropped(report):
    dropped = {d["reason"] for a in report["articles"] for d in a["dropped"]}
    assert {"byline", "follow us", "bare URL", "reporting credit"} <= dropped
