"""The decision's threshold: best mean balanced accuracy, false alarms capped (nli tune-decision)."""

import numpy as np

from nli.training.decision import EDIT_SET, OUTLET_SET, choose_threshold


def scored(edits: list[tuple[bool, float]], news: list[tuple[bool, float]], outlets: list[float]) -> dict:
    def arrays(rows):
        return np.array([g for g, _ in rows]), np.array([s for _, s in rows])

    return {
        EDIT_SET: arrays(edits),
        "news-pairs": arrays(news),
        OUTLET_SET: arrays([(False, s) for s in outlets]),
    }


def test_a_threshold_that_flags_over_a_tenth_of_faithful_summaries_is_not_chosen():
    # At 0.3 both contradictions are caught, with 2 of 10 faithful summaries flagged
    # (balanced accuracy 90); from 0.325 to 0.6 one is caught and none flagged (75).
    edits = [(True, 0.6), (True, 0.31)] + [(False, 0.31)] * 2 + [(False, 0.1)] * 8
    news = [(True, 0.6), (False, 0.1)]
    chosen, table = choose_threshold(scored(edits, news, [0.0] * 20))
    assert table[0.3][EDIT_SET] == 90.0 and table[0.3]["edit_false_alarms"] == 0.2
    assert table[0.325][EDIT_SET] == 75.0 and table[0.325]["edit_false_alarms"] == 0.0
    assert chosen == 0.5


def test_false_alarms_between_outlets_cap_it_as_well():
    edits = [(True, 0.6), (True, 0.3), (False, 0.1)]
    news = [(True, 0.6), (False, 0.1)]
    outlets = [0.3] * 2 + [0.0] * 18  # 10% flagged below 0.325
    chosen, table = choose_threshold(scored(edits, news, outlets))
    assert table[0.3][EDIT_SET] == 100.0 and table[0.3]["outlet_false_alarms"] == 0.1
    assert chosen > 0.3


def test_where_no_threshold_qualifies_the_best_balanced_accuracy_still_decides():
    edits = [(True, 0.9)] + [(False, 0.9)] * 5 + [(False, 0.1)] * 5
    news = [(True, 0.6), (False, 0.1)]
    chosen, table = choose_threshold(scored(edits, news, [0.0] * 10))
    assert all(row["edit_false_alarms"] == 0.5 for t, row in table.items() if t <= 0.8)
    # Every threshold up to 0.6 reads alike on both sets: the middle of the grid.
    assert chosen == 0.5
