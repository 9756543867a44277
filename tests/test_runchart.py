"""Run chart rules (Perla, Provost & Murray 2011) on hand-computed series, and the SVG."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from communities.charts.run import Point, Signals, analyse
from communities.web.runchart import Marker, render_svg

SVG = "{http://www.w3.org/2000/svg}"
START = datetime.date(2024, 1, 1)


def series(*values: float, start: datetime.date = START, step: int = 7) -> list[Point]:
    """Points ``step`` days apart, in date order."""
    return [Point(start + datetime.timedelta(days=step * i), v) for i, v in enumerate(values)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def circles(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}circle")


# --- median --------------------------------------------------------------------------


def test_median_of_an_odd_count() -> None:
    assert analyse(series(7, 1, 3)).median == 3


def test_median_of_an_even_count() -> None:
    assert analyse(series(4, 1, 3, 2)).median == 2.5


def test_median_of_a_baseline_uses_the_first_points_by_date() -> None:
    points = series(10, 20, 30, 100, 200)
    shuffled = [points[3], points[0], points[4], points[2], points[1]]
    assert analyse(shuffled, baseline=3).median == 20
    assert analyse(shuffled, baseline=4).median == 25
    assert analyse(shuffled, baseline=50).median == 30  # longer than the data: all points


def test_no_points_and_one_point() -> None:
    assert analyse([]) == Signals(None, [], [], [], None)
    assert analyse(series(4.5)) == Signals(4.5, [], [], [], None)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        analyse(series(1, 2, 3), baseline=0)
    with pytest.raises(ValueError):
        analyse(series(1, float("nan"), 3))


# --- shifts --------------------------------------------------------------------------

# A baseline of four points, median (9 + 11) / 2 = 10, ending below the median so the
# points after it start a new run.
BASE = (11, 9, 11, 9)


def test_a_shift_of_exactly_six_points_is_found() -> None:
    signals = analyse(series(*BASE, 12, 13, 12, 14, 12, 13, 8), baseline=4)
    assert signals.median == 10
    assert signals.shifts == [[4, 5, 6, 7, 8, 9]]


def test_five_points_on_one_side_are_no_shift() -> None:
    signals = analyse(series(*BASE, 12, 13, 12, 14, 12, 8), baseline=4)
    assert signals.shifts == []


def test_a_shift_below_the_median_is_found() -> None:
    signals = analyse(series(*reversed(BASE), 8, 7, 8, 6, 8, 7), baseline=4)
    assert signals.shifts == [[4, 5, 6, 7, 8, 9]]


def test_points_on_the_median_neither_break_nor_add_to_a_shift() -> None:
    # six points above with one on the median among them: still a shift, without it
    signals = analyse(series(*BASE, 12, 13, 12, 10, 14, 12, 13), baseline=4)
    assert signals.shifts == [[4, 5, 6, 8, 9, 10]]
    # five points above plus one on the median: not six, so no shift
    signals = analyse(series(*BASE, 12, 13, 10, 12, 14, 12), baseline=4)
    assert signals.shifts == []


# --- trends --------------------------------------------------------------------------


def test_five_points_going_up_are_a_trend() -> None:
    assert analyse(series(3, 1, 2, 4, 6, 9)).trends == [[1, 2, 3, 4, 5]]


def test_four_points_going_up_are_no_trend() -> None:
    assert analyse(series(3, 1, 2, 4, 6, 5)).trends == []


def test_five_points_going_down_are_a_trend() -> None:
    assert analyse(series(9, 8, 6, 5, 1)).trends == [[0, 1, 2, 3, 4]]


def test_a_turning_point_belongs_to_both_trends() -> None:
    signals = analyse(series(1, 2, 3, 4, 5, 4, 3, 2, 1))
    assert signals.trends == [[0, 1, 2, 3, 4], [4, 5, 6, 7, 8]]


def test_equal_values_neither_break_nor_add_to_a_trend() -> None:
    # 1 2 2 3 4 5: the repeated 2 is skipped, five points remain going up
    assert analyse(series(1, 2, 2, 3, 4, 5)).trends == [[0, 1, 3, 4, 5]]
    # 1 2 2 3 4: only four points count
    assert analyse(series(1, 2, 2, 3, 4)).trends == []


# --- astronomical points -------------------------------------------------------------


def test_astronomical_point_beyond_three_interquartile_ranges() -> None:
    # sorted: 1 2 3 4 5 6 7 8 x (x the largest); n = 9, inclusive quartiles at
    # positions 2 and 6 (0-based): Q1 = 3, Q3 = 7, IQR = 4, fences -9 and 19
    assert analyse(series(1, 2, 3, 4, 20, 5, 6, 7, 8)).astronomical == [4]
    assert analyse(series(1, 2, 3, 4, 19, 5, 6, 7, 8)).astronomical == []


def test_astronomical_point_below_the_lower_fence() -> None:
    # sorted: x 12 13 ... 19: Q1 = 13, Q3 = 17, IQR = 4, lower fence 1
    assert analyse(series(15, 12, 13, 0.5, 14, 16, 17, 18, 19)).astronomical == [3]
    assert analyse(series(15, 12, 13, 1, 14, 16, 17, 18, 19)).astronomical == []


def test_quartiles_interpolate_between_points() -> None:
    # sorted 10..18 and x: n = 10, Q1 = 12 + 0.25 = 12.25, Q3 = 16 + 0.75 = 16.75,
    # IQR = 4.5, upper fence 16.75 + 13.5 = 30.25
    assert analyse(series(*range(10, 19), 31)).astronomical == [9]
    assert analyse(series(*range(10, 19), 30)).astronomical == []


# --- runs ----------------------------------------------------------------------------


def test_runs_are_counted_skipping_points_on_the_median() -> None:
    # median 5; sides - + + - (on) - +: runs [0] [1 2] [3 5] [6]
    signals = analyse(series(1, 9, 9, 1, 5, 1, 9))
    assert signals.median == 5
    assert signals.runs == 4


def test_a_steady_rise_has_two_runs_one_trend_and_no_shift() -> None:
    signals = analyse(series(*range(1, 11)))
    assert signals.median == 5.5
    assert signals.runs == 2
    assert signals.shifts == []
    assert signals.trends == [list(range(10))]


# --- SVG -----------------------------------------------------------------------------


def chart() -> str:
    points = series(*BASE, 12, 13, 12, 14, 12, 13, 60)
    markers = [
        Marker(START + datetime.timedelta(days=20), "Cycle 1: A & B <i>"),
        Marker(START + datetime.timedelta(days=40), "Cycle 2", current=True),
    ]
    return render_svg(points, title="Reading", unit="%", markers=markers, baseline=4)


def test_svg_is_well_formed_and_accessible() -> None:
    root = parse(chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Reading"
    assert desc.text is not None
    assert "Median 10 %" in desc.text
    assert "Shift: 7 points above the median" in desc.text
    assert "Astronomical point: 60 %" in desc.text


def test_svg_has_a_median_line_and_a_circle_per_point() -> None:
    root = parse(chart())
    medians = [e for e in root.iter(f"{SVG}line") if "nic-median" in classes(e)]
    assert len(medians) == 1
    assert medians[0].get("stroke-dasharray")
    labels = [e.text for e in root.iter(f"{SVG}text") if "nic-median-label" in classes(e)]
    assert labels == ["median 10"]
    assert len(circles(root)) == 11
    assert root.find(f".//{SVG}polyline") is not None


def test_signal_points_differ_in_class_and_shape_not_only_colour() -> None:
    root = parse(chart())
    points = circles(root)
    plain, shifted, astro = points[0], points[5], points[10]
    assert classes(plain) == {"nic-point"}
    assert "nic-shift" in classes(shifted)
    assert {"nic-shift", "nic-astro"} <= classes(astro)
    assert shifted.get("r") != plain.get("r")
    assert shifted.get("stroke-width") != plain.get("stroke-width")
    assert any("nic-astro-mark" in classes(e) for e in root.iter(f"{SVG}path"))
    trend = circles(parse(render_svg(series(1, 2, 3, 4, 5), title="Up")))
    assert all("nic-trend" in classes(c) for c in trend)
    assert trend[0].get("stroke-width") != plain.get("stroke-width")


def test_markers_are_drawn_with_escaped_labels() -> None:
    svg = chart()
    assert "A &amp; B &lt;i&gt;" in svg
    assert "<i>" not in svg
    groups = [g for g in parse(svg).iter(f"{SVG}g") if "nic-marker" in classes(g)]
    assert len(groups) == 2
    texts = [g.find(f"{SVG}text") for g in groups]
    assert [t.text for t in texts if t is not None] == ["Cycle 1: A & B <i>", "Cycle 2"]
    assert "nic-marker-current" in classes(groups[1])
    lines = [g.find(f"{SVG}line") for g in groups]
    widths = [float(line.get("stroke-width", "0")) for line in lines if line is not None]
    assert widths[1] > widths[0]


def test_long_marker_labels_are_shortened_with_the_full_label_as_tooltip() -> None:
    label = "Cycle 3: a rather long description of the change"
    svg = render_svg(series(1, 2), title="T", markers=[Marker(START, label)])
    group = next(g for g in parse(svg).iter(f"{SVG}g") if "nic-marker" in classes(g))
    text, tip = group.find(f"{SVG}text"), group.find(f".//{SVG}title")
    assert text is not None and text.text is not None and text.text.endswith("\u2026")
    assert tip is not None and tip.text is not None and tip.text.startswith(label)


def test_title_and_unit_are_escaped() -> None:
    title = '<script>alert("x")</script> & co'
    svg = render_svg(series(1, 2, 3), title=title, unit="<b>")
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(svg)
    heading = root.find(f"{SVG}title")
    assert heading is not None and heading.text == title


def test_control_characters_are_dropped_so_the_xml_stays_well_formed() -> None:
    root = parse(render_svg(series(1, 2), title="a\x00b\x1bc", markers=[Marker(START, "x\x0c")]))
    heading = root.find(f"{SVG}title")
    assert heading is not None and heading.text == "abc"


def test_too_small_a_chart_is_refused() -> None:
    with pytest.raises(ValueError):
        render_svg(series(1, 2), title="T", width=100)


def test_empty_state() -> None:
    svg = render_svg([], title="Reading & writing", markers=[Marker(START, "Cycle 1")])
    root = parse(svg)
    assert root.get("role") == "img"
    assert "No data yet" in "".join(root.itertext())
    assert circles(root) == []


def test_single_point_and_output_is_deterministic() -> None:
    root = parse(render_svg(series(5), title="One"))
    assert len(circles(root)) == 1
    assert chart() == chart()


def test_date_ticks_are_iso_for_short_spans_and_months_for_long_ones() -> None:
    short = "".join(parse(render_svg(series(1, 2, 3), title="T")).itertext())
    assert "2024-01-01" in short
    long = render_svg(series(1, 2, 3, 4, 5, 6, 7, step=61), title="T")
    assert "Jan 2024" in "".join(parse(long).itertext())
