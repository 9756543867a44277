"""Agreement statistics and the rank correlation against calculations done by hand."""

from __future__ import annotations

import pytest

from plugins.rubrics.stats import (
    agreement,
    cohen_kappa,
    fleiss_kappa,
    lower_median,
    pairwise,
    ranks,
    spearman,
)


def test_cohen_kappa_of_the_textbook_two_by_two_table() -> None:
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    # po = 35/50 = 0.7; A says yes 25/50, B says yes 30/50:
    # pe = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
    a = [1] * 20 + [1] * 5 + [2] * 10 + [2] * 15
    b = [1] * 20 + [2] * 5 + [1] * 10 + [2] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_of_six_indicators_on_four_levels() -> None:
    # A: 1 2 2 3 4 4   B: 1 2 3 3 4 3  -> agree on items 1, 2, 4, 5: po = 4/6.
    # A's levels: 1:1 2:2 3:1 4:2; B's: 1:1 2:1 3:3 4:1.
    # pe = (1*1 + 2*1 + 1*3 + 2*1) / 36 = 8/36; kappa = (24/36 - 8/36) / (28/36) = 16/28.
    assert cohen_kappa([1, 2, 2, 3, 4, 4], [1, 2, 3, 3, 4, 3]) == pytest.approx(16 / 28)


def test_fleiss_kappa_of_the_textbook_example() -> None:
    # Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories.
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    counts = [{k + 1: n for k, n in enumerate(row) if n} for row in table]
    # P-bar = 0.378, P-e = 0.213 -> kappa = 0.210 (to three places).
    assert fleiss_kappa(counts) == pytest.approx(0.20993, abs=1e-4)


def test_fleiss_kappa_of_three_raters_by_hand() -> None:
    # Three raters, four indicators:  (2,2,2) (1,2,2) (3,3,4) (4,4,4).
    # P_i = (sum n^2 - 3) / 6: 1, (1+4-3)/6 = 1/3, 1/3, 1 -> P-bar = 8/3 / 4 = 2/3.
    # p: level1 1/12, level2 5/12, level3 2/12, level4 4/12:
    # P-e = (1 + 25 + 4 + 16) / 144 = 46/144; kappa = (2/3 - 46/144) / (1 - 46/144) = 50/98.
    ratings = {
        "a": {1: 2, 2: 2, 3: 2},
        "b": {1: 1, 2: 2, 3: 2},
        "c": {1: 3, 2: 3, 3: 4},
        "d": {1: 4, 2: 4, 3: 4},
    }
    result = agreement(ratings)
    assert result.kappa_kind == "fleiss"
    assert result.kappa == pytest.approx(50 / 98)
    # Pairs: 3 per item, 12 in all; exact: 3 + 1 + 1 + 3 = 8 of 12; within one: all 12.
    assert (result.pairs, result.exact, result.adjacent) == (12, pytest.approx(8 / 12), 1.0)


def test_agreement_of_two_raters_uses_cohen_and_counts_items() -> None:
    ratings = {
        "a": {7: 1, 9: 1},
        "b": {7: 2, 9: 2},
        "c": {7: 2, 9: 4},
        "d": {7: 3, 9: 3},
    }
    result = agreement(ratings)
    # Agree on a, b, d: 3 of 4; c is two levels apart: adjacent 3 of 4 too.
    assert (result.raters, result.items, result.pairs) == (2, 4, 4)
    assert result.exact == pytest.approx(0.75) and result.adjacent == pytest.approx(0.75)
    # Rater 7: 1,2,2,3; rater 9: 1,2,4,3. pe = (1*1 + 2*1 + 1*1 + 0*1) / 16 = 4/16.
    # kappa = (12/16 - 4/16) / (12/16) = 2/3.
    assert result.kappa_kind == "cohen" and result.kappa == pytest.approx(2 / 3)


def test_no_kappa_where_it_does_not_apply() -> None:
    one = agreement({"a": {1: 2}, "b": {1: 3}})
    assert one.kappa is None and one.pairs == 0 and one.exact is None
    assert "two raters" in one.kappa_kind
    # Three raters, one of whom skipped an indicator: no Fleiss' kappa, agreement still.
    partial = agreement({"a": {1: 2, 2: 2, 3: 2}, "b": {1: 3, 2: 4}})
    assert partial.kappa is None and "every rater" in partial.kappa_kind
    assert partial.pairs == 4 and partial.exact == pytest.approx(0.75)
    # Everyone always at one level: chance agreement is 1, kappa undefined.
    same = agreement({"a": {1: 2, 2: 2}, "b": {1: 2, 2: 2}})
    assert same.kappa is None and same.exact == 1.0 and "undefined" in same.kappa_kind
    assert pairwise({}) == (None, 0)
    with pytest.raises(ValueError):
        fleiss_kappa([{1: 2}, {1: 3}])


def test_spearman_and_ranks_by_hand() -> None:
    assert ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]
    # x = 1..5, y = 2 1 4 3 5: d = -1 1 -1 1 0, sum d^2 = 4: rho = 1 - 6*4/(5*24) = 0.8.
    assert spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # With ties: x ranks 1 2.5 2.5 4, y ranks 1 2 3 4; Pearson of the ranks:
    # mean 2.5; sxy = (-1.5)(-1.5) + 0 + 0 + 1.5*1.5 = 4.5; sxx = 4.5; syy = 5.
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / (4.5 * 5) ** 0.5)
    assert spearman([1, 2], [1, 2]) is None and spearman([1, 1, 1], [1, 2, 3]) is None
    assert lower_median([3, 1, 4, 2]) == 2 and lower_median([2, 4, 3]) == 3
    assert lower_median([]) is None
