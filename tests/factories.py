"""Worlds the tests start from: communities with their teams (a DIDT and SIDTs), people,
memberships and roles. Each factory builds through a public surface (the JSON API or
the domain services) on the test's empty database; ``tests/conftest.py`` has fixtures
that call them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from communities.exchange import load_community, read_document
from communities.models import Cycle, Person, Team
from communities.schemas import PersonUpdate, RoleAssign
from communities.services.communities import assign_role
from communities.services.people import update_person
from core.auth.users import create_user, issue_token
from core.context import Actor, ServiceContext
from core.models import User
from core.testing import Api, NicUser
from core.testing import UserFactory as NicUserFactory
from tests.helpers import PASSWORD, SMALL

UserFactory = Callable[..., Awaitable[Api]]
"""``await make_user(email, admin=False)``: a new account as an :class:`Api` (the
``make_user`` fixture)."""


# --- the small community, loaded from its YAML document -----------------------------


async def load_small(app: Any) -> dict[str, Any]:
    """Load the small community (Cedar Valley) as the system; the loader's summary."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    return await load_community(ctx, read_document(SMALL), str(SMALL))


async def build_cedar(app: Any) -> dict[str, Any]:
    """The small community, with Ana (North SIDT coordinator) as a member user, Olu as an
    observer and nobody@example.org with no role; ids of its teams and cycles by name."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    cid = (await load_small(app))["community_id"]
    ana, _ = await create_user("ana.ruiz@cedar.example", PASSWORD, name="Ana Ruiz")
    await create_user("olu@example.org", PASSWORD, name="Olu Observer")
    await create_user("nobody@example.org", PASSWORD)
    await assign_role(ctx, cid, RoleAssign(user_email="ana.ruiz@cedar.example", role="member"))
    await assign_role(ctx, cid, RoleAssign(user_email="olu@example.org", role="observer"))
    person = await Person.get(community_id=cid, email="ana.ruiz@cedar.example")
    await update_person(ctx, person.id, PersonUpdate(user_id=ana["id"]))
    teams = {t.name: t.id for t in await Team.filter(community_id=cid)}
    cycles = {c.title: c.id for c in await Cycle.filter(community_id=cid)}
    return {"community_id": cid, "teams": teams, "cycles": cycles}


# --- a community and one API user for each role -------------------------------------

ROLE_NAMES = ("facilitator", "member", "researcher", "observer")


@dataclass
class RoleWorld:
    """One community and an API client for each of its roles (and the site admin)."""

    id: int
    slug: str
    admin: Api
    facilitator: Api
    member: Api
    researcher: Api
    observer: Api

    @property
    def non_managers(self) -> list[Api]:
        return [self.member, self.researcher, self.observer]


async def build_community(admin: Api, make_user: UserFactory, slug: str = "lakeview") -> RoleWorld:
    """A community with a facilitator, a member, a researcher and an observer, given their
    roles through ``PUT /communities/{id}/roles``."""
    community = await admin.ok("POST", "/communities", {"slug": slug, "name": slug.title()}, 201)
    users: dict[str, Api] = {}
    for role in ROLE_NAMES:
        api = await make_user(f"{role}@{slug}.example.org")
        row = await admin.ok(
            "PUT", f"/communities/{community['id']}/roles", {"user_email": api.email, "role": role}
        )
        assert (row["user_id"], row["role"]) == (api.user_id, role)
        users[role] = api
    return RoleWorld(community["id"], slug, admin, **users)


# --- a community with a DIDT, two SIDTs, people and memberships ---------------------


@dataclass
class CycleWorld:
    """Lakeview (a DIDT, SIDTs A and B, people linked to users, memberships) and
    Riverside, a second community for cross-community checks."""

    admin: Api
    anon: Api
    fac: Api  # facilitator of the community
    mem_a: Api  # member, currently in SIDT A
    mem_b: Api  # member, currently in SIDT B
    mem_didt: Api  # member, currently in the DIDT only
    former: Api  # member whose SIDT A membership has ended
    researcher: Api
    observer: Api
    outsider: Api  # a user with no role in the community
    other_fac: Api  # facilitator of the other community only
    community: int
    other_community: int
    didt: int
    team_a: int
    team_b: int
    other_team: int
    p_fac: int
    p_a: int
    p_b: int
    p_former: int
    p_other: int


async def quick_user(admin: Api, email: str) -> Api:
    """A user with a token, like ``make_user`` but without the (slow) password hash."""
    user = await User.create(email=email, password_hash="!no-password")
    return Api(admin.client, await issue_token(user.id), user_id=user.id)


async def _person(admin: Api, community: int, name: str, user: Api | None) -> int:
    body: dict[str, Any] = {"community_id": community, "name": name}
    if user is not None:
        body["user_id"] = user.user_id
    return (await admin.ok("POST", "/people", body, 201))["id"]


async def _member(admin: Api, person: int, team: int, start: str, end: str | None = None) -> None:
    body = {"person_id": person, "team_id": team, "role": "member", "start_date": start}
    if end is not None:
        body["end_date"] = end
    await admin.ok("POST", "/memberships", body, 201)


async def build_cycle_world(admin: Api) -> CycleWorld:
    """Build :class:`CycleWorld` through the JSON API, as ``admin``."""
    users = {}
    for name in (
        "fac",
        "mem_a",
        "mem_b",
        "mem_didt",
        "former",
        "researcher",
        "observer",
        "outsider",
        "other_fac",
    ):
        users[name] = await quick_user(admin, f"{name}@example.org")
    community = (
        await admin.ok("POST", "/communities", {"slug": "lakeview", "name": "Lakeview NIC"}, 201)
    )["id"]
    other = (
        await admin.ok("POST", "/communities", {"slug": "riverside", "name": "Riverside"}, 201)
    )["id"]
    roles = {
        "fac": "facilitator",
        "mem_a": "member",
        "mem_b": "member",
        "mem_didt": "member",
        "former": "member",
        "researcher": "researcher",
        "observer": "observer",
    }
    for name, role in roles.items():
        body = {"user_email": f"{name}@example.org", "role": role}
        await admin.ok("PUT", f"/communities/{community}/roles", body)
    await admin.ok(
        "PUT",
        f"/communities/{other}/roles",
        {"user_email": "other_fac@example.org", "role": "facilitator"},
    )

    async def team(community_id: int, name: str, kind: str) -> int:
        body = {"community_id": community_id, "name": name, "kind": kind}
        return (await admin.ok("POST", "/teams", body, 201))["id"]

    didt = await team(community, "Lakeview DIDT", "district_design_team")
    team_a = await team(community, "Adams SIDT", "school_design_team")
    team_b = await team(community, "Baker SIDT", "school_design_team")
    other_team = await team(other, "Riverside SIDT", "school_design_team")
    p_fac = await _person(admin, community, "Fran Facilitator", users["fac"])
    p_a = await _person(admin, community, "Ann Adams", users["mem_a"])
    p_b = await _person(admin, community, "Bob Baker", users["mem_b"])
    p_didt = await _person(admin, community, "Dee District", users["mem_didt"])
    p_former = await _person(admin, community, "Fred Former", users["former"])
    p_other = await _person(admin, other, "Rita Riverside", users["other_fac"])
    await _member(admin, p_a, team_a, "2024-01-01")
    await _member(admin, p_b, team_b, "2024-01-01")
    await _member(admin, p_didt, didt, "2024-01-01")
    await _member(admin, p_former, team_a, "2023-01-01", "2024-06-30")
    return CycleWorld(
        admin=admin,
        anon=Api(admin.client, None),
        community=community,
        other_community=other,
        didt=didt,
        team_a=team_a,
        team_b=team_b,
        other_team=other_team,
        p_fac=p_fac,
        p_a=p_a,
        p_b=p_b,
        p_former=p_former,
        p_other=p_other,
        **users,
    )


async def measure(w: CycleWorld, team: int | None = None, name: str = "Attendance") -> int:
    """A measure of ``w``'s community (of ``team`` if given), made by its facilitator."""
    body: dict[str, Any] = {
        "community_id": w.community,
        "name": name,
        "kind": "outcome",
        "unit": "%",
    }
    if team is not None:
        body["team_id"] = team
    return (await w.fac.ok("POST", "/measures", body, 201))["id"]


async def cycle(api: Api, team: int, title: str = "Exit tickets", **fields: Any) -> dict:
    """A cycle of ``team`` posted by ``api``; its JSON."""
    body = {"team_id": team, "title": title, "plan_objective": "Try it in one class", **fields}
    return await api.ok("POST", "/cycles", body, 201)


# --- a community built as core.testing's NicUser accounts (the plugins' tests) ------------

TeamRow = tuple[str, str, str]
"""``(key, name, kind)``."""
Account = tuple[str, str, str, str]
"""``(key, email, name, role in the community)``."""
PersonRow = tuple[str, str, str, str | None]
"""``(key, name, email, key of the account it is, or None)``."""
Seat = tuple[str, str, str, str, str | None]
"""``(person key, team key, role on the team, start date, end date or None)``."""


@dataclass
class District:
    """A community made by :func:`build_district`: ids and accounts by key."""

    community_id: int
    teams: dict[str, int]
    users: dict[str, NicUser]
    people: dict[str, int]


async def build_district(
    admin: NicUser,
    nic_user: NicUserFactory,
    *,
    teams: Sequence[TeamRow],
    accounts: Sequence[Account],
    people: Sequence[PersonRow] = (),
    memberships: Sequence[Seat] = (),
    slug: str = "cedar",
    name: str = "Cedar Valley",
    **community: Any,
) -> District:
    """A community (``slug``, ``name`` and any other ``community`` fields) with its teams
    (a DIDT and SIDTs, say), accounts given their roles, people (linked to accounts or
    not) and dated memberships, made in that order through the JSON API as ``admin``."""
    api = admin.api
    body = {"slug": slug, "name": name, **community}
    cid = (await api.ok("POST", "/communities", body, 201))["id"]
    team_ids: dict[str, int] = {}
    for key, team_name, kind in teams:
        body = {"community_id": cid, "name": team_name, "kind": kind}
        team_ids[key] = (await api.ok("POST", "/teams", body, 201))["id"]
    users: dict[str, NicUser] = {}
    for key, email, full_name, role in accounts:
        users[key] = await nic_user(email, name=full_name)
        await api.ok("PUT", f"/communities/{cid}/roles", {"user_email": email, "role": role})
    person_ids: dict[str, int] = {}
    for key, full_name, email, account in people:
        body = {"community_id": cid, "name": full_name, "email": email}
        if account is not None:
            body["user_id"] = users[account].id
        person_ids[key] = (await api.ok("POST", "/people", body, 201))["id"]
    for person, team, role, start, end in memberships:
        body = {
            "person_id": person_ids[person],
            "team_id": team_ids[team],
            "role": role,
            "start_date": start,
        }
        if end is not None:
            body["end_date"] = end
        await api.ok("POST", "/memberships", body, 201)
    return District(cid, team_ids, users, person_ids)
