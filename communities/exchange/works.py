"""Loading the cycles and artifacts of a community file (each after what it builds on)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from communities import schemas as s
from communities.exchange.document import (
    CycleEntry,
)
from communities.exchange.loader_base import LoaderBase, Progress
from communities.services import (
    artifacts,
    cycles,
)


class WorksLoader(LoaderBase):
    """Cycles (ordered so each comes after the one it builds on) and artifacts (after the
    one each derives from), with their versions and shares."""

    def _ordered(
        self, entries: list[Any], parent_of: Callable[[Any], str | None], section: str
    ) -> list[tuple[int, Any]]:
        """Entries ordered so that each comes after the one it refers to."""
        index = {e.key: i for i, e in enumerate(entries)}
        done: set[str] = set()
        ordered: list[tuple[int, Any]] = []
        for i, entry in enumerate(entries):
            chain: list[tuple[int, Any]] = []
            current: Any = entry
            while current.key not in done:
                chain.append((index[current.key], current))
                parent = parent_of(current)
                if parent is None or parent not in index:
                    break
                if any(c.key == parent for _, c in chain):
                    raise self.fail(
                        section,
                        i,
                        "builds_on" if section == "cycles" else "derived_from",
                        "refers back to itself",
                    )
                current = entries[index[parent]]
            for item in reversed(chain):
                if item[1].key not in done:
                    done.add(item[1].key)
                    ordered.append(item)
        return ordered

    async def load_cycles(self, progress: Progress) -> None:
        entries = self.doc.cycles
        for i, c in enumerate(entries):
            self.unique(self.cycles, c.key, "cycles", i)
            self.cycles[c.key] = 0
        self.cycles.clear()
        for n, (i, c) in enumerate(self._ordered(entries, lambda c: c.builds_on, "cycles"), 1):
            with self.entry("cycles", i):
                row = await cycles.post_cycle(self.ctx, self.cycle_input(c, i))
            self.cycles[c.key] = row["id"]
            if n % 100 == 0:
                progress(f"  {n} of {len(entries)} cycles")
        progress(f"  {len(entries)} cycles")

    def cycle_input(self, c: CycleEntry, i: int) -> s.CycleCreate:
        team_id = self.ref(self.teams, c.team, "team", "cycles", i, "team")
        assert team_id is not None
        return s.CycleCreate(
            team_id=team_id,
            title=c.title,
            status=c.status,
            change_idea_id=self.ref(
                self.ideas, c.change_idea, "change idea", "cycles", i, "change_idea"
            ),
            builds_on_id=self.ref(self.cycles, c.builds_on, "cycle", "cycles", i, "builds_on"),
            plan_objective=c.plan.objective,
            plan_questions=c.plan.questions,
            plan_predictions=c.plan.predictions,
            plan_who=c.plan.who,
            plan_what=c.plan.what,
            plan_when=c.plan.when,
            plan_where=c.plan.where,
            plan_measures=c.plan.measures,
            do_what_happened=c.do.what_happened,
            do_observations=c.do.observations,
            study_results=c.study.results,
            study_learning=c.study.learning,
            act_decision=c.act.decision,
            act_rationale=c.act.rationale,
            act_next_steps=c.act.next_steps,
            planned_start=c.planned_start,
            planned_end=c.planned_end,
            actual_start=c.actual_start,
            actual_end=c.actual_end,
            author_ids=[
                self.must(self.people, a, "person", "cycles", i, "authors") for a in c.authors
            ],
            measure_ids=[
                self.must(self.measures, m, "measure", "cycles", i, "measures") for m in c.measures
            ],
        )

    async def load_artifacts(self) -> None:
        ctx, cid = self.ctx, self.community_id
        entries = self.doc.artifacts
        keys = set()
        for i, a in enumerate(entries):
            if a.key in keys:
                raise self.fail("artifacts", i, "key", f"{a.key!r} is used twice")
            keys.add(a.key)
        for i, a in self._ordered(entries, lambda a: a.derived_from, "artifacts"):
            with self.entry("artifacts", i):
                row = await artifacts.create_artifact(
                    ctx,
                    s.ArtifactCreate(
                        community_id=cid,
                        title=a.title,
                        kind=a.kind,
                        description=a.description,
                        team_id=self.ref(self.teams, a.team, "team", "artifacts", i, "team"),
                        vetting="draft",
                        derived_from_id=self.ref(
                            self.artifacts,
                            a.derived_from,
                            "artifact",
                            "artifacts",
                            i,
                            "derived_from",
                        ),
                    ),
                )
                self.artifacts[a.key] = row["id"]
                for j, v in self.numbered(a.versions, "artifacts", i):
                    version = await artifacts.add_artifact_version(
                        ctx,
                        row["id"],
                        s.ArtifactVersionCreate(
                            summary=v.summary,
                            content=v.content,
                            url=v.url,
                            created_on=v.created_on,
                            author_id=self.ref(
                                self.people,
                                v.author,
                                "person",
                                "artifacts",
                                i,
                                f"versions[{j}].author",
                            ),
                        ),
                    )
                    self.versions[f"{a.key}#{v.number}"] = version["id"]
                if a.shared_with:
                    team_ids = [
                        self.ref(self.teams, t, "team", "artifacts", i, "shared_with")
                        for t in a.shared_with
                    ]
                    await artifacts.share_artifact(
                        ctx,
                        row["id"],
                        s.ArtifactShare(team_ids=[t for t in team_ids if t is not None]),
                    )
                if a.vetting != "draft" or a.shared_with:
                    await artifacts.update_artifact(
                        ctx, row["id"], s.ArtifactUpdate(vetting=a.vetting)
                    )
