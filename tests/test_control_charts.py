"""Control chart limits and special-cause rules against worked examples computed by hand.

Sources of the formulas:
* XmR: Provost & Murray, The Health Care Data Guide (2011), ch. 6 "I chart": centre = mean,
  MR-bar = mean moving range, limits = mean +/- 2.66 MR-bar; Montgomery, Introduction to
  Statistical Quality Control (7th ed., 2013), sec. 6.4 (2.66 = 3 / d2, d2 = 1.128).
* p: Provost & Murray ch. 6 "p chart"; Montgomery sec. 7.2.2 (variable sample size):
  p-bar = sum(num) / sum(den), limits p-bar +/- 3 sqrt(p-bar (1 - p-bar) / n_i).
* u: Provost & Murray ch. 6 "u chart"; Montgomery sec. 7.3.1: u-bar = sum(c) / sum(n),
  limits u-bar +/- 3 sqrt(u-bar / n_i).
* c: Provost & Murray ch. 6 "c chart"; Montgomery sec. 7.3.1: c-bar +/- 3 sqrt(c-bar).
* Rules: Provost & Murray ch. 5, "Rules for determining a special cause".
Every expected number below is worked by hand in the comment above it.
"""

from __future__ import annotations

import datetime

import pytest

from communities.charts import ChartError, PhaseSplit, Sample, control_chart


def day(n: int) -> datetime.date:
    """The n-th week from 6 January 2025."""
    return datetime.date(2025, 1, 6) + datetime.timedelta(weeks=n)


def series(values: list[float]) -> list[Sample]:
    return [Sample(day(i), v) for i, v in enumerate(values)]


def test_xmr_centre_and_limits() -> None:
    # values 10 12 11 13 14: mean = 60 / 5 = 12; moving ranges 2 1 2 1, MR-bar = 6 / 4 = 1.5;
    # limits 12 +/- 2.66 * 1.5 = 12 +/- 3.99 -> 8.01 and 15.99; sigma = 3.99 / 3 = 1.33.
    chart = control_chart("xmr", series([10, 12, 11, 13, 14]))
    assert [p.value for p in chart.points] == [10, 12, 11, 13, 14]
    (phase,) = chart.phases
    assert phase.label == "Baseline" and (phase.first, phase.last) == (0, 4)
    assert phase.centre == pytest.approx(12)
    assert phase.lower == pytest.approx(8.01) and phase.upper == pytest.approx(15.99)
    assert chart.points[0].sigma == pytest.approx(1.33)
    assert chart.signals == []


def test_xmr_lower_limit_floored_only_when_asked() -> None:
    # values 1 5 1 5: mean 3, MR-bar 4, limits 3 +/- 10.64 -> -7.64 and 13.64.
    free = control_chart("xmr", series([1, 5, 1, 5]))
    assert free.phases[0].lower == pytest.approx(-7.64)
    floored = control_chart("xmr", series([1, 5, 1, 5]), floor=0.0)
    assert floored.phases[0].lower == 0.0 and floored.phases[0].upper == pytest.approx(13.64)


def test_two_phase_xmr_each_phase_its_own_limits() -> None:
    # Phase 1 (Baseline): 10 12 11 13 14 -> centre 12, limits 8.01 / 15.99 (as above).
    # Phase 2 from week 5: 20 22 21 -> mean 21, moving ranges 2 1 (the 14 -> 20 jump between
    # phases is not a moving range of either), MR-bar 1.5, limits 21 +/- 3.99 -> 17.01 / 24.99.
    chart = control_chart(
        "xmr", series([10, 12, 11, 13, 14, 20, 22, 21]), [PhaseSplit(day(5), "New timetable")]
    )
    first, second = chart.phases
    assert (first.centre, second.centre) == (pytest.approx(12), pytest.approx(21))
    assert second.label == "New timetable" and second.start == day(5)
    assert (second.first, second.last, second.frozen, second.limits_from) == (5, 7, False, 1)
    assert second.lower == pytest.approx(17.01) and second.upper == pytest.approx(24.99)
    assert [p.phase for p in chart.points] == [0, 0, 0, 0, 0, 1, 1, 1]
    assert chart.signals == []  # judged against its own phase, 20 is ordinary


def test_frozen_baseline_judges_later_points() -> None:
    # Baseline 10 12 11 13 14 frozen: limits 8.01 / 15.99 from those five points only;
    # the later 20 and 12 are judged against them: 20 > 15.99 is outside.
    chart = control_chart(
        "xmr", series([10, 12, 11, 13, 14, 20, 12]), [PhaseSplit(day(5), "After", frozen=True)]
    )
    assert chart.phases[1].frozen and chart.phases[1].limits_from == 0
    assert chart.phases[1].upper == pytest.approx(15.99)
    assert [(s.rule, s.points) for s in chart.signals] == [("outside", (5,))]
    assert "above the upper control limit" in chart.signals[0].explanation


def test_p_chart_with_varying_denominators() -> None:
    # num/den: 5/25 15/75 10/100 45/150 25/150; p-bar = 100 / 500 = 0.2.
    # sigma_i = sqrt(0.2 * 0.8 / n_i) = 0.4 / sqrt(n_i):
    #   n=25: 0.08, limits 0.2 -/+ 0.24 -> -0.04 clipped to 0, and 0.44
    #   n=75: 0.046188, 3 sigma 0.138564 -> 0.061436 / 0.338564
    #   n=100: 0.04 -> 0.08 / 0.32
    #   n=150: 0.032660, 3 sigma 0.097980 -> 0.102020 / 0.297980
    # 45/150 = 0.3 > 0.29798: outside (it would be inside with n = 100, whose UCL is 0.32).
    samples = [
        Sample(day(i), 0, num, den)
        for i, (num, den) in enumerate([(5, 25), (15, 75), (10, 100), (45, 150), (25, 150)])
    ]
    chart = control_chart("p", samples)
    assert chart.phases[0].centre == pytest.approx(0.2)
    assert chart.phases[0].lower is None  # limits vary by point on a p chart
    limits = [(p.lower, p.upper) for p in chart.points]
    expected = [(0, 0.44), (0.061436, 0.338564), (0.08, 0.32), (0.10202, 0.29798)]
    expected.append((0.10202, 0.29798))
    assert limits == [
        (pytest.approx(lo, abs=1e-6), pytest.approx(hi, abs=1e-6)) for lo, hi in expected
    ]
    assert [p.value for p in chart.points] == pytest.approx([0.2, 0.2, 0.1, 0.3, 25 / 150])
    assert [(s.rule, s.points) for s in chart.signals] == [("outside", (3,))]


def test_p_chart_upper_limit_clipped_at_one() -> None:
    # 9/10 and 1/10: p-bar 0.5, sigma 0.158114, limits 0.5 +/- 0.474342 -> 0.025658 / 0.974342;
    # 1/2 and 0/2 appended: p-bar 11 / 24 = 0.458333; for n = 2 the sigma is
    # sqrt(0.458333 * 0.541667 / 2) = 0.352324, 3 sigma 1.056971
    # -> -0.598 clipped to 0 and 1.515 clipped to 1.
    chart = control_chart("p", [Sample(day(0), 0, 9, 10), Sample(day(1), 0, 1, 10)])
    assert chart.points[0].upper == pytest.approx(0.974342, abs=1e-6)
    wider = [Sample(day(0), 0, 9, 10), Sample(day(1), 0, 1, 10), Sample(day(2), 0, 1, 2)]
    wider.append(Sample(day(3), 0, 0, 2))
    assert control_chart("p", wider).points[2].upper == 1.0
    assert control_chart("p", wider).points[2].lower == 0.0


def test_u_chart() -> None:
    # counts/areas 2/10 6/20 4/10: u-bar = 12 / 40 = 0.3.
    #   n=10: sigma sqrt(0.03) = 0.173205, limits 0.3 -/+ 0.519615 -> 0 (floored) / 0.819615
    #   n=20: sigma sqrt(0.015) = 0.122474, limits 0.3 -/+ 0.367423 -> 0 / 0.667423
    samples = [Sample(day(0), 0, 2, 10), Sample(day(1), 0, 6, 20), Sample(day(2), 0, 4, 10)]
    chart = control_chart("u", samples)
    assert chart.phases[0].centre == pytest.approx(0.3)
    assert [p.upper for p in chart.points] == pytest.approx([0.819615, 0.667423, 0.819615])
    assert [p.lower for p in chart.points] == [0.0, 0.0, 0.0]
    assert [p.value for p in chart.points] == pytest.approx([0.2, 0.3, 0.4])


def test_c_chart() -> None:
    # counts 3 5 4 4 14: c-bar = 30 / 5 = 6; sigma sqrt(6) = 2.449490;
    # limits 6 +/- 7.348469 -> -1.348 floored to 0, and 13.348469; 14 is outside.
    chart = control_chart("c", series([3, 5, 4, 4, 14]))
    assert chart.phases[0].centre == pytest.approx(6)
    assert chart.phases[0].lower == 0.0 and chart.phases[0].upper == pytest.approx(13.348469)
    assert [(s.rule, s.points) for s in chart.signals] == [("outside", (4,))]


def test_shift_of_eight_on_each_side() -> None:
    # 5 6 5 6 5 6 5 6 then 9 8 9 8 9 8 9 8: mean 112 / 16 = 7; moving ranges fourteen 1s and one 3,
    # MR-bar 17 / 15 = 1.133333, sigma 2.66 * 1.133333 / 3 = 1.004889, limits 3.985 / 10.015.
    # Eight below then eight above the centre: two shifts. Beyond 2 sigma is > 9.00978 or
    # < 4.99022: no point; within 1 sigma only the 6s and 8s, never 15 in a row; no trend.
    chart = control_chart("xmr", series([5, 6] * 4 + [9, 8] * 4))
    assert chart.points[0].sigma == pytest.approx(1.004889, abs=1e-6)
    assert [(s.rule, s.points) for s in chart.signals] == [
        ("shift", tuple(range(8))),
        ("shift", tuple(range(8, 16))),
    ]
    assert "8 points in a row below the centre line" in chart.signals[0].explanation


def test_trend_two_of_three_and_outside() -> None:
    # 10 11 12 12 13 14 15: mean 87 / 7 = 12.428571; moving ranges 1 1 0 1 1 1, MR-bar 5 / 6,
    # limits 12.428571 +/- 2.216667 -> 10.211905 / 14.645238: 10 and 15 are outside.
    # Sigma 0.738889, 2 sigma 1.477778: above 13.906349 are 14 and 15 (points 5, 6) -> 2 of 3.
    # Ties skipped, 10 11 12 13 14 15 rise six times in a row (points 0 1 2 4 5 6) -> trend.
    chart = control_chart("xmr", series([10, 11, 12, 12, 13, 14, 15]))
    assert [(s.rule, s.points) for s in chart.signals] == [
        ("outside", (0,)),
        ("trend", (0, 1, 2, 4, 5, 6)),
        ("two_of_three", (5, 6)),
        ("outside", (6,)),
    ]


def test_fifteen_points_hugging_the_centre() -> None:
    # 10 11 alternating, 15 points: mean 157 / 15 = 10.466667; MR-bar 1, sigma 0.886667;
    # every point is within 0.533334 of the centre, under 1 sigma: 15 in a row hug it.
    chart = control_chart("xmr", series([10, 11] * 7 + [10]))
    assert [(s.rule, s.points) for s in chart.signals] == [("hugging", tuple(range(15)))]
    fourteen = control_chart("xmr", series([10, 11] * 7))
    assert fourteen.signals == []


def test_five_in_a_row_is_not_yet_a_trend_and_seven_is_not_a_shift() -> None:
    assert [s.rule for s in control_chart("xmr", series([1, 2, 3, 4, 5, 3])).signals] == []
    values = [5, 6] * 3 + [5, 9, 8, 9, 8, 9, 8, 9, 5]
    assert "shift" not in [s.rule for s in control_chart("xmr", series(values)).signals]


def test_phases_break_the_rules() -> None:
    # The two shifts of test_shift_of_eight_on_each_side vanish when the chart is split where
    # the process changed: each phase's own centre (5.5, then 8.5) has its points on both sides.
    values = [5, 6] * 4 + [9, 8] * 4
    whole = control_chart("xmr", series(values))
    assert "shift" in [s.rule for s in whole.signals]
    split = control_chart("xmr", series(values), [PhaseSplit(day(8), "Phase 2")])
    assert [p.centre for p in split.points] == [5.5] * 8 + [8.5] * 8
    assert "shift" not in [s.rule for s in split.signals]


@pytest.mark.parametrize(
    ("chart_type", "sample", "field"),
    [
        ("p", Sample(day(0), 0.5), "denominator"),
        ("p", Sample(day(0), 0.5, 1), "denominator"),
        ("u", Sample(day(0), 0.5, None, 4), "numerator"),
        ("p", Sample(day(0), 0.5, 3, 2), "numerator"),
        ("u", Sample(day(0), 0.5, 3, 0), "denominator"),
        ("u", Sample(day(0), 0.5, -1, 4), "numerator"),
        ("c", Sample(day(0), -1), "value"),
        ("bar", Sample(day(0), 1), "type"),
    ],
)
def test_bad_data_names_the_field(chart_type: str, sample: Sample, field: str) -> None:
    with pytest.raises(ChartError) as caught:
        control_chart(chart_type, [sample])
    assert caught.value.field == field


def test_empty_and_single_point() -> None:
    assert control_chart("xmr", []).points == []
    one = control_chart("xmr", series([4]))
    assert one.points[0].centre == 4 and one.points[0].upper is None and one.signals == []
