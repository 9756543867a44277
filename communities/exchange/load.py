"""Load a community file through the domain services, all or nothing."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from communities import schemas as s
from communities.changes import bump, community_write
from communities.charts.schemas import MeasureNoteCreate, MeasurePhaseCreate
from communities.exchange.document import (
    CommunityDocument,
)
from communities.exchange.files import FORMAT, FORMATS
from communities.exchange.loader_base import LoadError, Progress
from communities.exchange.sections import FileKeys, section_contributions
from communities.exchange.works import WorksLoader
from communities.models import CommunityPlugin
from communities.services import (
    aims,
    communities,
    innovations,
    links,
    measures,
    people,
    teams,
)
from core.auth.users import normalize_email
from core.context import ServiceContext
from core.models import User

__all__ = ["LoadError", "load_community"]


class _Loader(WorksLoader):
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
        await CommunityPlugin.bulk_create(
            [
                CommunityPlugin(community_id=self.community_id, plugin=name, enabled=on)
                for name, on in doc.plugin_switches.items()
            ]
        )
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
                        operational_definition=m.operational_definition,
                        data_source=m.data_source,
                        collection_frequency=m.collection_frequency,
                        goal=m.goal,
                        goal_date=m.goal_date,
                        direction=m.direction,
                        chart_type=m.chart_type,
                    ),
                )
            self.measures[m.key] = row["id"]
            for j, phase in enumerate(m.phases):
                with self.entry("measures", i, f"phases[{j}]."):
                    await measures.add_phase(
                        self.ctx,
                        MeasurePhaseCreate(
                            measure_id=row["id"],
                            start=phase.start,
                            label=phase.label,
                            frozen=phase.frozen,
                        ),
                    )
            for j, note in enumerate(m.notes):
                where = f"notes[{j}]."
                author = self.ref(
                    self.people, note.author, "person", "measures", i, where + "author"
                )
                with self.entry("measures", i, where):
                    await measures.add_note(
                        self.ctx,
                        MeasureNoteCreate(
                            measure_id=row["id"], date=note.date, text=note.text, author_id=author
                        ),
                        default_author=False,
                    )

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
                            numerator=point.numerator,
                            denominator=point.denominator,
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
