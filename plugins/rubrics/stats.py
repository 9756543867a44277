"""Agreement between raters, and a rank correlation: small, exact, and ours.

Ratings are a table ``{item: {rater: level}}`` of whole-number levels. Definitions
(checked in ``tests/rubrics/test_stats.py`` against calculations by hand):

- **Exact agreement**: of every pair of raters who both scored an item, the share
  who gave the same level (over all items). With two raters it is the share of items
  on which they agree.
- **Adjacent agreement**: the same, counting levels at most one apart as agreeing.
- **Cohen's kappa** (two raters, items both scored): ``(po - pe) / (1 - pe)``, with
  ``po`` the observed share of agreement and ``pe = sum_k p1(k) * p2(k)`` the agreement
  expected from each rater's own distribution of levels.
- **Fleiss' kappa** (three or more raters, every rater scored every item):
  ``(P̄ - P̄e) / (1 - P̄e)`` with ``P_i = (sum_k n_ik^2 - n) / (n (n - 1))``, ``P̄`` their
  mean and ``P̄e = sum_k p_k^2``, ``p_k`` the share of all ratings in level ``k``.
- **Spearman's rho**: Pearson's correlation of the ranks (ties get their mean rank).

Kappa is ``None`` where it does not apply or is undefined (``pe = 1``: every rating in
one level).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

Ratings = dict[str, dict[int, int]]
"""``{item: {rater: level}}``"""


@dataclass(frozen=True)
class Agreement:
    raters: int
    items: int
    pairs: int
    exact: float | None
    adjacent: float | None
    kappa: float | None
    kappa_kind: str
    """``cohen``, ``fleiss``, or a plain reason why no kappa is shown."""


def pairwise(ratings: Ratings, within: int = 0) -> tuple[float | None, int]:
    """Share of rater pairs (over all items) whose levels are at most ``within`` apart,
    and the number of pairs."""
    agree = pairs = 0
    for levels in ratings.values():
        for a, b in combinations(sorted(levels.values()), 2):
            pairs += 1
            agree += abs(a - b) <= within
    return (agree / pairs if pairs else None), pairs


def cohen_kappa(first: list[int], second: list[int]) -> float | None:
    """Cohen's kappa of two raters' levels on the same items (in the same order)."""
    if len(first) != len(second) or not first:
        raise ValueError("two equally long, non-empty lists of ratings are needed")
    n = len(first)
    po = sum(a == b for a, b in zip(first, second, strict=True)) / n
    c1, c2 = Counter(first), Counter(second)
    pe = sum(c1[k] * c2[k] for k in set(c1) | set(c2)) / (n * n)
    if math.isclose(pe, 1.0):
        return None
    return (po - pe) / (1 - pe)


def fleiss_kappa(counts: list[dict[int, int]]) -> float | None:
    """Fleiss' kappa from per-item counts ``{level: how many raters chose it}``; every
    item must have the same number of raters (at least two)."""
    if not counts:
        raise ValueError("no items")
    n = sum(counts[0].values())
    if n < 2 or any(sum(c.values()) != n for c in counts):
        raise ValueError("every item needs the same number of raters, at least two")
    items = len(counts)
    p_i = [(sum(v * v for v in c.values()) - n) / (n * (n - 1)) for c in counts]
    p_bar = sum(p_i) / items
    totals: Counter[int] = Counter()
    for c in counts:
        totals.update(c)
    pe = sum((v / (items * n)) ** 2 for v in totals.values())
    if math.isclose(pe, 1.0):
        return None
    return (p_bar - pe) / (1 - pe)


def agreement(ratings: Ratings) -> Agreement:
    """Exact and adjacent agreement, and Cohen's or Fleiss' kappa where it applies."""
    raters = sorted({r for levels in ratings.values() for r in levels})
    scored = {item: levels for item, levels in ratings.items() if levels}
    exact, pairs = pairwise(scored)
    adjacent, _ = pairwise(scored, within=1)
    kappa: float | None = None
    if len(raters) < 2:
        kind = "needs two raters or more"
    elif len(raters) == 2:
        both = [levels for levels in scored.values() if len(levels) == 2]
        if both:
            a, b = raters
            kappa = cohen_kappa([lv[a] for lv in both], [lv[b] for lv in both])
            kind = "cohen" if kappa is not None else "undefined: every score is the same level"
        else:
            kind = "no item scored by both raters"
    elif scored and all(len(levels) == len(raters) for levels in scored.values()):
        kappa = fleiss_kappa([dict(Counter(levels.values())) for levels in scored.values()])
        kind = "fleiss" if kappa is not None else "undefined: every score is the same level"
    else:
        kind = "Fleiss' kappa needs every rater to score every indicator"
    return Agreement(len(raters), len(scored), pairs, exact, adjacent, kappa, kind)


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties given the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(x: list[float], y: list[float]) -> float | None:
    """Spearman's rank correlation; ``None`` with fewer than three pairs or when one
    variable does not vary."""
    if len(x) != len(y):
        raise ValueError("two equally long lists are needed")
    if len(x) < 3:
        return None
    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def lower_median(levels: list[int]) -> int | None:
    """The median level, the lower of the two middle ones for an even count (a level
    the raters actually gave, never halfway between two)."""
    if not levels:
        return None
    ordered = sorted(levels)
    return ordered[(len(ordered) - 1) // 2]
