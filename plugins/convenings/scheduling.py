"""Choosing the best of a convening's proposed dates: a pure function, no database.

An option *covers* a participating team when at least one invitee who belongs to
the team on that date answered yes or "if need be". The best option is the one that
covers every team, then has the most yeses, then the most "if need be", then the
fewest noes, then comes first. Every option gets a plain-language reason, so the
facilitator sees why one was preferred.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OptionScore:
    option_id: int
    starts_at: datetime
    yes: int
    maybe: int
    no: int
    unanswered: int
    covered: tuple[int, ...]
    missing: tuple[int, ...]

    @property
    def covers_all(self) -> bool:
        return not self.missing

    def rank(self) -> tuple[int, int, int, int, datetime]:
        return (0 if self.covers_all else 1, -self.yes, -self.maybe, self.no, self.starts_at)


@dataclass(frozen=True)
class Choice:
    best: OptionScore | None
    scores: list[OptionScore]
    reason: str


def score_options(
    options: Mapping[int, datetime],
    answers: Mapping[int, Mapping[int, str]],
    invitees: set[int],
    team_members: Mapping[int, Mapping[int, set[int]]],
    teams: list[int],
) -> list[OptionScore]:
    """Score every option.

    ``options`` maps option id to its start; ``answers`` option id to ``{person id:
    "yes" | "maybe" | "no"}``; ``team_members`` option id to ``{team id: people who
    belong to the team on that option's date}``; ``teams`` are the participating teams.
    """
    scores = []
    for option_id, starts_at in options.items():
        given = {p: a for p, a in answers.get(option_id, {}).items() if p in invitees}
        available = {p for p, a in given.items() if a in ("yes", "maybe")}
        members = team_members.get(option_id, {})
        covered = tuple(t for t in teams if members.get(t, set()) & available)
        missing = tuple(t for t in teams if t not in covered)
        values = list(given.values())
        scores.append(
            OptionScore(
                option_id=option_id,
                starts_at=starts_at,
                yes=values.count("yes"),
                maybe=values.count("maybe"),
                no=values.count("no"),
                unanswered=len(invitees) - len(given),
                covered=covered,
                missing=missing,
            )
        )
    return sorted(scores, key=OptionScore.rank)


def choose(scores: list[OptionScore], team_names: Mapping[int, str]) -> Choice:
    """The best option and why (``scores`` as :func:`score_options` sorted them)."""
    if not scores:
        return Choice(None, [], "No date has been proposed yet.")
    best = scores[0]
    if best.yes + best.maybe == 0:
        return Choice(None, scores, "Nobody has said they can come on any proposed date yet.")
    people = f"{best.yes} can come and {best.maybe} can if need be"
    if best.covers_all:
        others = [s for s in scores[1:] if s.covers_all]
        if not others:
            why = "it is the only date on which every participating team has someone available"
        elif others[0].yes == best.yes and others[0].maybe == best.maybe:
            why = "every team has someone available, as on another date, and it comes first"
        else:
            why = "every team has someone available and it has the most people available"
        return Choice(best, scores, f"{people}; chosen because {why}.")
    names = ", ".join(team_names.get(t, f"team {t}") for t in best.missing)
    return Choice(
        best,
        scores,
        f"{people}, the most of any date, but no date covers every team: "
        f"nobody from {names} is available then.",
    )
