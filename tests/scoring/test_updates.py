"""Update or contradiction: a revised toll between dated reports."""

from __future__ import annotations

import datetime

from nli.scoring.articles import parse_article_date
from nli.scoring.report import SentenceRef
from nli.scoring.slots import compare_pairs
from nli.scoring.stages import revised_figure

A = SentenceRef("a", 0, "Twelve people were killed in the blast.")
B = SentenceRef("b", 0, "Twenty people were killed in the blast.")


def dated(date_a, date_b):
    return {"a": (date_a, parse_article_date(date_a)), "b": (date_b, parse_article_date(date_b))}


def test_article_dates_in_iso_and_in_words():
    assert parse_article_date("2026-03-01T08:00:00Z") == datetime.datetime(2026, 3, 1, 8, 0)
    assert parse_article_date("1 March 2026") == datetime.datetime(2026, 3, 1)
    assert parse_article_date("") is None and parse_article_date(None) is None


def test_the_earlier_report_comes_first_whichever_side_it_is_on():
    comparison = compare_pairs([(A.text, B.text)])[0]
    update = revised_figure(comparison, A, B, dated("2026-03-02", "2026-03-01"))
    assert update["earlier"] == {"article": "b", "date": "2026-03-01", "figure": "Twenty people"}
    assert update["later"]["article"] == "a"


def test_no_update_without_two_different_dates():
    comparison = compare_pairs([(A.text, B.text)])[0]
    assert revised_figure(comparison, A, B, dated(None, "2026-03-01")) is None
    assert revised_figure(comparison, A, B, dated("2026-03-01", "2026-03-01")) is None


def test_a_figure_that_is_not_a_toll_is_no_update():
    a = SentenceRef("a", 0, "Two rockets hit the base.")
    b = SentenceRef("b", 0, "Six rockets hit the base.")
    comparison = compare_pairs([(a.text, b.text)])[0]
    assert [c.type for c in comparison.conflicts] == ["number"]
    assert revised_figure(comparison, a, b, dated("2026-03-01", "2026-03-02")) is None
