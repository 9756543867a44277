"""Load a community file through the domain services, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import ValidationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from communities import schemas as s
from communities.changes import bump, community_write
from communities.exchange.document import (
    ArtifactVersionEntry,
    CommunityDocument,
    CycleEntry,
    InnovationVersionEntry,
)
from communities.exchange.files import FORMAT, FORMATS
from communities.exchange.sections import FileKeys, FileSection, SectionError, section_contributions
from communities.services import (
    aims,
    artifacts,
    communities,
    cycles,
    innovations,
    links,
    measures,
    people,
    teams,
)
from core.auth.users import normalize_email
from core.context import ServiceContext
from core.errors import InvalidInput, ServiceError
from core.models import User

T = TypeVar("T")
V = TypeVar("V", InnovationVersionEntry, ArtifactVersionEntry)
Progress = Callable[[str], None]

# Service field names as they are spelled in the file, for error messages.
_FILE_NAMES = {
    **{
        f"plan_{n}": f"plan.{n}"
        for n in (
            "objective",
            "questions",
            "predictions",
            "who",
            "what",
            "when",
            "where",
            "measures",
        )
    },
    "do_what_happened": "do.what_happened",
    "do_observations": "do.observations",
    "study_results": "study.results",
    "study_learning": "study.learning",
    "act_decision": "act.decision",
    "act_rationale": "act.rationale",
    "act_next_steps": "act.next_steps",
    "team_id": "team",
    "organization_id": "organization",
    "parent_id": "parent",
    "change_idea_id": "change_idea",
    "builds_on_id": "builds_on",
    "author_ids": "authors",
    "measure_ids": "measures",
    "derived_from_id": "derived_from",
    "team_ids": "shared_with",
    "author_id": "author",
    "cycle_id": "cycle",
    "start_date": "start",
    "end_date": "end",
}


class LoadError(InvalidInput):
    """A community file is wrong; the message names the file, the entry and the field."""


class _Loader:
    def __init__(self, ctx: ServiceContext, doc: CommunityDocument, raw: dict, name: str) -> None:
        self.ctx = ctx
        self.doc = doc
        self.raw = raw
        self.name = name
        self.community_id = 0
        self.orgs: dict[str, int] = {}
        self.teams: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.ideas: dict[str, int] = {}
        self.measures: dict[str, int] = {}
        self.cycles: dict[str, int] = {}
        self.artifacts: dict[str, int] = {}
        self.versions: dict[str, int] = {}
        self.sections: dict[str, FileSection] = {}
        self.section_counts: dict[str, int] = {}
        self.missing_accounts: list[str] = []
        self.keys = FileKeys(name)

    # --- error reporting ------------------------------------------------------

    def entry_label(self, section: str, index: int | None) -> str:
        if index is None:
            return section
        label = f"{section}[{index}]"
        items = self.raw.get(section)
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            key = items[index].get("key") or items[index].get("name") or items[index].get("title")
            if key:
                label += f" ({'key ' if 'key' in items[index] else ''}{key})"
        return label

    def fail(self, section: str, index: int | None, field: str, problem: str) -> LoadError:
        where = self.entry_label(section, index)
        return LoadError(f"{self.name}: {where}: {field}: {problem}", {f"{where}.{field}": problem})

    @contextmanager
    def entry(self, section: str, index: int | None, prefix: str = "") -> Iterator[None]:
        try:
            yield
        except LoadError:
            raise
        except ServiceError as exc:
            field, problem = next(iter(exc.fields.items()), ("entry", exc.message))
            raise self.fail(
                section, index, prefix + _FILE_NAMES.get(field, field), problem
            ) from exc

    def ref(
        self, table: dict[str, T], key: str | None, what: str, section: str, index: int, field: str
    ) -> T | None:
        if key is None:
            return None
        if key not in table:
            raise self.fail(section, index, field, f"no {what} {key!r} in this file")
        return table[key]

    def must(
        self, table: dict[str, T], key: str, what: str, section: str, index: int, field: str
    ) -> T:
        if key not in table:
            raise self.fail(section, index, field, f"no {what} {key!r} in this file")
        return table[key]

    def numbered(self, versions: list[V], section: str, index: int) -> list[tuple[int, V]]:
        """Versions in number order; they must be numbered 1, 2, ... without gaps."""
        ordered = sorted(versions, key=lambda v: v.number)
        for j, version in enumerate(ordered):
            if version.number != j + 1:
                raise self.fail(
                    section,
                    index,
                    f"versions[{j}].number",
                    f"expected {j + 1}: versions are numbered 1, 2, ...",
                )
        return list(enumerate(ordered))

    # --- sections ---------------------------------------------------------------

    async def run(self, progress: Progress) -> dict[str, Any]:
        doc = self.doc
        with self.entry("community", None):
            community = await communities.create_community(self.ctx, doc.community)
        self.community_id = community["id"]
        await self.load_organizations_and_teams()
        progress(f"  {len(doc.organizations)} organizations, {len(doc.teams)} teams")
        await self.load_people()
        progress(f"  {len(doc.people)} people")
        await self.load_innovations_and_aims()
        await self.load_measures()
        await self.load_cycles(progress)
        points = await self.load_data_points()
        progress(f"  {len(doc.measures)} measures with {points} data points")
        await self.load_artifacts()
        progress(f"  {len(doc.artifacts)} artifacts, {len(self.versions)} versions")
        self.keys = self.file_keys()
        await self.load_sections(progress)
        await self.load_links()
        progress(f"  {len(doc.links)} learning links")
        await self.load_roles(progress)
        return {
            "community_id": self.community_id,
            "teams": len(self.teams),
            "people": len(self.people),
            "cycles": len(self.cycles),
            "artifacts": len(self.artifacts),
            "links": len(doc.links),
            "data_points": points,
            "roles": len(doc.roles) - len(self.missing_accounts),
            "missing_accounts": self.missing_accounts,
            **{f"plugins.{name}": n for name, n in self.section_counts.items()},
        }

    async def load_roles(self, progress: Progress) -> None:
        """Community roles, given to the accounts of the site with those emails; the
        roles of emails without an account are reported (``missing_accounts``)."""
        wanted = [(i, normalize_email(r.email), r.role) for i, r in enumerate(self.doc.roles)]
        found = set(
            await User.filter(email__in=[email for _, email, _ in wanted]).values_list(
                "email", flat=True
            )
        )
        for i, email, role in wanted:
            if email not in found:
                self.missing_accounts.append(email)
                continue
            with self.entry("roles", i):
                await communities.assign_role(
                    self.ctx, self.community_id, s.RoleAssign(user_email=email, role=role)
                )
        if self.doc.roles:
            progress(f"  {len(wanted) - len(self.missing_accounts)} community roles")

    def file_keys(self) -> FileKeys:
        """The file's keys of every domain record loaded, for plugin sections and links."""
        keys = FileKeys(self.name)
        for kind, table in (
            ("organization", self.orgs),
            ("team", self.teams),
            ("person", self.people),
            ("change_idea", self.ideas),
            ("measure", self.measures),
            ("cycle", self.cycles),
            ("artifact", self.artifacts),
            ("artifact_version", self.versions),
        ):
            for key, record_id in table.items():
                keys.add(kind, record_id, key)
        return keys

    async def load_sections(self, progress: Progress) -> None:
        """Each plugin section the file holds, by the plugin that writes it."""
        for name, data in self.doc.plugins.items():
            section = self.sections.get(name)
            if section is None:
                continue  # refused or skipped before the load began
            self.keys.section = name
            try:
                async with community_write(self.community_id):
                    count = await section.load(self.ctx, self.community_id, data, self.keys)
            except IntegrityError as exc:
                raise self.keys.fail("entry", f"an entry repeats another ({exc})") from None
            self.section_counts[name] = count
            progress(f"  {count} entries of plugins.{name}")
        self.keys.section = ""

    async def load_organizations_and_teams(self) -> None:
        """Organizations, then teams, then team parents (a parent may come later in the file)."""
        ctx, cid, doc = self.ctx, self.community_id, self.doc
        for i, org in enumerate(doc.organizations):
            with self.entry("organizations", i):
                row = await teams.create_organization(
                    ctx, s.OrganizationCreate(community_id=cid, name=org.name, kind=org.kind)
                )
            self.orgs[org.name] = row["id"]
        for i, team in enumerate(doc.teams):
            with self.entry("teams", i):
                org_id = self.ref(
                    self.orgs, team.organization, "organization", "teams", i, "organization"
                )
                row = await teams.create_team(
                    ctx,
                    s.TeamCreate(
                        community_id=cid,
                        name=team.name,
                        kind=team.kind,
                        organization_id=org_id,
                        description=team.description,
                    ),
                )
            self.teams[team.name] = row["id"]
        for i, team in enumerate(doc.teams):
            if team.parent is not None:
                parent = self.ref(self.teams, team.parent, "team", "teams", i, "parent")
                with self.entry("teams", i):
                    await teams.update_team(
                        ctx, self.teams[team.name], s.TeamUpdate(parent_id=parent)
                    )

    async def load_measures(self) -> None:
        """The measures without their data, which may name cycles not loaded yet."""
        for i, m in enumerate(self.doc.measures):
            self.unique(self.measures, m.key, "measures", i)
            with self.entry("measures", i):
                row = await measures.create_measure(
                    self.ctx,
                    s.MeasureCreate(
                        community_id=self.community_id,
                        name=m.name,
                        kind=m.kind,
                        unit=m.unit,
                        team_id=self.ref(self.teams, m.team, "team", "measures", i, "team"),
                        description=m.description,
                    ),
                )
            self.measures[m.key] = row["id"]

    async def load_data_points(self) -> int:
        """Every measure's data points (after the cycles they name); how many there were."""
        points = 0
        for i, m in enumerate(self.doc.measures):
            for j, point in enumerate(m.data):
                cycle_id = self.ref(
                    self.cycles, point.cycle, "cycle", "measures", i, f"data[{j}].cycle"
                )
                with self.entry("measures", i, f"data[{j}]."):
                    await measures.record_data(
                        self.ctx,
                        s.DataPointCreate(
                            measure_id=self.measures[m.key],
                            date=point.date,
                            value=point.value,
                            note=point.note,
                            cycle_id=cycle_id,
                        ),
                    )
                points += 1
        return points

    async def load_links(self) -> None:
        for i, link in enumerate(self.doc.links):
            with self.entry("links", i):
                await links.record_link(
                    self.ctx,
                    s.LinkCreate(
                        source=self.node(link.source, "links", i, "source"),
                        target=self.node(link.target, "links", i, "target"),
                        kind=link.kind,
                        date=link.date,
                        note=link.note,
                    ),
                )

    def unique(self, table: dict[str, Any], key: str, section: str, index: int) -> None:
        if key in table:
            raise self.fail(section, index, "key", f"{key!r} is used twice")

    async def load_people(self) -> None:
        for i, person in enumerate(self.doc.people):
            self.unique(self.people, person.key, "people", i)
            with self.entry("people", i):
                row = await people.create_person(
                    self.ctx,
                    s.PersonCreate(
                        community_id=self.community_id,
                        name=person.name,
                        email=person.email,
                        title=person.title,
                        organization_id=self.ref(
                            self.orgs,
                            person.organization,
                            "organization",
                            "people",
                            i,
                            "organization",
                        ),
                    ),
                )
            self.people[person.key] = row["id"]
            for j, spell in enumerate(person.memberships):
                team_id = self.ref(
                    self.teams, spell.team, "team", "people", i, f"memberships[{j}].team"
                )
                assert team_id is not None
                with self.entry("people", i, f"memberships[{j}]."):
                    await people.add_membership(
                        self.ctx,
                        s.MembershipCreate(
                            person_id=row["id"],
                            team_id=team_id,
                            role=spell.role,
                            start_date=spell.start,
                            end_date=spell.end,
                        ),
                    )

    async def load_innovations_and_aims(self) -> None:
        ctx, cid = self.ctx, self.community_id
        for i, inn in enumerate(self.doc.innovations):
            with self.entry("innovations", i):
                row = await innovations.create_innovation(
                    ctx,
                    s.InnovationCreate(
                        community_id=cid, name=inn.name, description=inn.description
                    ),
                )
                for _, version in self.numbered(inn.versions, "innovations", i):
                    await innovations.add_innovation_version(
                        ctx,
                        row["id"],
                        s.InnovationVersionCreate(
                            summary=version.summary, released_on=version.released_on
                        ),
                    )
        for i, aim in enumerate(self.doc.aims):
            with self.entry("aims", i):
                team_id = self.ref(self.teams, aim.team, "team", "aims", i, "team")
                row = await aims.create_aim(
                    ctx,
                    s.AimCreate(
                        community_id=cid,
                        title=aim.title,
                        statement=aim.statement,
                        team_id=team_id,
                        target_date=aim.target_date,
                    ),
                )
                for driver in aim.drivers:
                    primary = await aims.create_driver(
                        ctx,
                        s.DriverCreate(
                            aim_id=row["id"], title=driver.title, description=driver.description
                        ),
                    )
                    await self.load_ideas(primary["id"], driver.change_ideas, i)
                    for secondary in driver.secondary:
                        sub = await aims.create_driver(
                            ctx,
                            s.DriverCreate(
                                aim_id=row["id"],
                                title=secondary.title,
                                parent_id=primary["id"],
                                description=secondary.description,
                            ),
                        )
                        await self.load_ideas(sub["id"], secondary.change_ideas, i)

    async def load_ideas(self, driver_id: int, ideas: list[Any], aim_index: int) -> None:
        for idea in ideas:
            self.unique(self.ideas, idea.key, "aims", aim_index)
            team_id = self.ref(
                self.teams, idea.team, "team", "aims", aim_index, f"change idea {idea.key}.team"
            )
            row = await aims.create_change_idea(
                self.ctx,
                s.ChangeIdeaCreate(
                    driver_id=driver_id,
                    title=idea.title,
                    description=idea.description,
                    stage=idea.stage,
                    team_id=team_id,
                ),
            )
            self.ideas[idea.key] = row["id"]

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

    def node(self, text: str, section: str, index: int, field: str) -> str:
        """Translate ``kind:<file key>`` (``cycle:<key>``, ``artifact_version:<key>#<n>``,
        or a plugin's node) to ``kind:<database id>``."""
        kind, sep, key = text.partition(":")
        if not sep or not key:
            raise self.fail(
                section,
                index,
                field,
                "expected cycle:<key> or artifact_version:<artifact key>#<number>",
            )
        try:
            return self.keys.node(text, field)
        except SectionError:
            raise self.fail(
                section, index, field, f"no {kind.replace('_', ' ')} {key!r} in this file"
            ) from None


def _validation_error(exc: ValidationError, raw: dict[str, Any], name: str) -> LoadError:
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = str(loc.pop(0)) if loc else "file"
    if loc and isinstance(loc[0], int):
        index = int(loc.pop(0))
        items = raw.get(where)
        where += f"[{index}]"
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            key = items[index].get("key") or items[index].get("name") or items[index].get("title")
            if key:
                where += f" ({'key ' if 'key' in items[index] else ''}{key})"
    field = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    field = field or "entry"
    return LoadError(f"{name}: {where}: {field}: {err['msg']}", {f"{where}.{field}": err["msg"]})


async def load_community(
    ctx: ServiceContext,
    raw: dict[str, Any],
    name: str = "<file>",
    progress: Progress = lambda _: None,
    skip_missing_plugins: bool = False,
) -> dict[str, Any]:
    """Create a whole community from a file's data in one transaction.

    Every entry is validated by the same services the API uses; the first error
    aborts the load and nothing is written. A plugin section that no installed plugin
    reads is an error, or, with ``skip_missing_plugins``, left out and reported
    (``summary["skipped"]``).
    """
    if raw.get("format") not in FORMATS:
        raise LoadError(
            f"{name}: format: expected {FORMAT!r}, got {raw.get('format')!r}",
            {"format": f"expected {FORMAT}"},
        )
    try:
        doc = CommunityDocument.model_validate(raw)
    except ValidationError as exc:
        raise _validation_error(exc, raw, name) from None
    sections, failed = await section_contributions(ctx)
    missing = [section for section in doc.plugins if section not in sections]
    if missing and not skip_missing_plugins:
        installed = ", ".join(sorted(sections)) or "none"
        broken = f"; plugin {', '.join(failed)} failed to say which it reads" if failed else ""
        raise LoadError(
            f"{name}: plugins.{missing[0]}: no installed plugin reads this section "
            f"(sections read here: {installed}{broken}); install and enable the plugin, or "
            "load with --skip-missing-plugins to leave the section out",
            {f"plugins.{m}": "no installed plugin reads this section" for m in missing},
        )
    for section in missing:
        progress(f"  skipped plugins.{section}: no installed plugin reads it")
    batch = ctx.deferring()
    # Not community_write(): the community does not exist before the transaction.
    # The services raise its change counter as they write; the explicit bump at the
    # end keeps "a load raises the loaded community's counter" true on its own.
    async with in_transaction():
        loader = _Loader(batch, doc, raw, name)
        loader.sections = sections
        summary: dict[str, Any] = await loader.run(progress)
        await bump(loader.community_id)
    await batch.flush()
    summary["skipped"] = [f"plugins.{section}" for section in missing]
    return summary
