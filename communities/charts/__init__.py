"""Shewhart control charts of a measure: limits per phase and the special-cause rules.

Pure computation (standard library only): the API and, later, the page's SVG draw from it.
"""

from communities.charts.limits import (
    CHART_TYPES,
    Chart,
    ChartError,
    ChartPoint,
    Phase,
    PhaseSplit,
    Sample,
    control_chart,
)
from communities.charts.rules import Signal, special_causes
from communities.charts.run import run_chart

__all__ = [
    "CHART_TYPES",
    "Chart",
    "ChartError",
    "ChartPoint",
    "Phase",
    "PhaseSplit",
    "Sample",
    "Signal",
    "control_chart",
    "run_chart",
    "special_causes",
]
