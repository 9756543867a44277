"""The plugin against the platform: pages, form, panel, navigation, CLI, graph, links.

Only the platform's pytest fixtures (``nic_*``) and ``plugins.api`` are used.
"""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
import yaml
from nic_learning_spaces.schemas import SessionCreate, SpaceCreate
from nic_learning_spaces.services import add_session, create_space

from core.testing import csrf_of
from plugins.api import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    community_graph,
    downstream,
    readable_graph,
)


async def test_a_member_sees_the_community_spaces_and_the_focus_of_the_month(world) -> None:
    ana = world["users"]["ana"]
    page = await ana.client.get("/communities/cedar/spaces")
    assert page.status_code == 200
    assert "Monthly data dive" in page.text and "Lee Park" in page.text
    assert "Reading attendance data" in page.text  # this month's focus
    space = await ana.client.get(f"/communities/cedar/spaces/{world['space']['id']}")
    assert space.status_code == 200
    text = space.text
    assert "Scope and sequence" in text and "Grades at the quarter" in text
    assert 'aria-current="date"' in text and "Ana Ruiz" in text
    assert "No session recorded yet." in text and "Record a session" in text


async def test_a_member_records_a_session_through_the_form(world) -> None:
    ana = world["users"]["ana"]
    url = f"/communities/cedar/spaces/{world['space']['id']}/sessions/new"
    form = await ana.client.get(url)
    assert form.status_code == 200 and "Advisory huddles" in form.text
    fields = {
        "csrf_token": csrf_of(form.text),
        "held_on": date.today().isoformat(),
        "notes": "North walked us through its huddles.",
        "cycle_ids": [str(world["cycles"]["north"])],
    }
    sent = await ana.client.post(url, data=fields)
    assert sent.status_code == 303
    space = (await ana.client.get(sent.headers["location"])).text
    assert "North walked us through its huddles." in space
    assert f'href="/cycles/{world["cycles"]["north"]}"' in space
    assert "Reading attendance data" in space  # the session shows its month's focus


async def test_the_form_checks_csrf_its_fields_and_the_role(world, nic_client) -> None:
    ana, olu = world["users"]["ana"], world["users"]["olu"]
    url = f"/communities/cedar/spaces/{world['space']['id']}/sessions/new"
    token = csrf_of((await ana.client.get(url)).text)
    forged = await ana.client.post(url, data={"held_on": "2025-01-10"})
    assert forged.status_code == 403
    bad = await ana.client.post(url, data={"csrf_token": token, "held_on": "someday"})
    assert bad.status_code == 422 and 'id="e-held_on"' in bad.text
    elsewhere = await ana.client.post(
        url, data={"csrf_token": token, "held_on": "2025-01-10", "cycle_ids": "999999"}
    )
    assert elsewhere.status_code == 422 and "no cycle 999999 in this community" in elsewhere.text
    # An observer reads the spaces but may not record a session.
    assert (await olu.client.get("/communities/cedar/spaces")).status_code == 200
    assert (await olu.client.get(url)).status_code == 403
    assert (
        "Record a session"
        not in (await olu.client.get(f"/communities/cedar/spaces/{world['space']['id']}")).text
    )
    # Signed out: to the sign-in page.
    assert (await nic_client.get("/communities/cedar/spaces")).status_code == 303


async def test_someone_outside_the_community_sees_nothing(world, nic_user) -> None:
    stranger = await nic_user("stranger@example.org")
    # No role in cedar: to the stranger it does not exist (404, as for a missing one).
    assert (await stranger.client.get("/communities/cedar/spaces")).status_code == 404
    space = await stranger.client.get(f"/communities/cedar/spaces/{world['space']['id']}")
    assert space.status_code == 404
    everything = await stranger.client.get("/spaces")
    assert everything.status_code == 200 and "Monthly data dive" not in everything.text


async def test_navigation_item_and_the_page_of_all_spaces(world, nic_client) -> None:
    ana = world["users"]["ana"]
    home = (await ana.client.get("/")).text
    assert 'href="/spaces"' in home and "Learning spaces" in home
    assert 'href="/spaces"' not in (await nic_client.get("/")).text
    spaces = (await ana.client.get("/spaces")).text
    assert "Cedar Valley" in spaces and "Monthly data dive" in spaces


async def test_team_page_panel_lists_spaces_its_members_take_part_in(world) -> None:
    olu = world["users"]["olu"]
    north = _panel(await olu.client.get(f"/communities/cedar/teams/{world['teams']['north']}"))
    assert "Monthly data dive" in north and "Ana Ruiz" in north and "Lee Park" not in north
    # The district team's Lee facilitates it.
    didt = _panel(await olu.client.get(f"/communities/cedar/teams/{world['teams']['didt']}"))
    assert "Monthly data dive" in didt and "Lee Park" in didt and "Ana Ruiz" not in didt
    # A team none of whose members take part.
    team = await world["admin"].api.ok(
        "POST",
        "/teams",
        {"community_id": world["community_id"], "name": "South SIDT", "kind": "school_design_team"},
        201,
    )
    south = _panel(await olu.client.get(f"/communities/cedar/teams/{team['id']}"))
    assert "No member of this team takes part in a learning space." in south
    community = _panel(await olu.client.get("/communities/cedar"))
    assert "Monthly data dive" in community and "All learning spaces" in community


def _panel(page: httpx.Response) -> str:
    """The learning spaces panel of a page."""
    assert page.status_code == 200
    match = re.search(r">Learning spaces</h2>(.*?)</section>", page.text, re.S)
    assert match, "no learning spaces panel on the page"
    return match.group(1)


async def test_services_check_people_cycles_names_and_roles(world, nic_admin, nic_user) -> None:
    other = await nic_admin.api.ok(
        "POST", "/communities", {"slug": "elsewhere", "name": "Elsewhere"}, 201
    )
    outsider = await nic_admin.api.ok(
        "POST", "/people", {"community_id": other["id"], "name": "Out Sider"}, 201
    )
    base = {"community_id": world["community_id"], "kind": "onboarding", "cadence": "weekly"}
    with pytest.raises(InvalidInput) as problem:
        await create_space(
            nic_admin.ctx, SpaceCreate(**base, name="New staff", facilitator_id=outsider["id"])
        )
    assert "facilitator_id" in problem.value.fields
    with pytest.raises(Conflict):
        await create_space(nic_admin.ctx, SpaceCreate(**base, name="Monthly data dive"))
    olu = world["users"]["olu"]
    with pytest.raises(PermissionDenied):
        await add_session(olu.ctx, world["space"]["id"], SessionCreate(held_on=date.today()))
    with pytest.raises(PermissionDenied):
        await create_space(olu.ctx, SpaceCreate(**base, name="Observers club"))


async def test_sessions_with_shared_cycles_are_graph_nodes_and_carry_learning(
    world, nic_app
) -> None:
    ana = world["users"]["ana"]
    cid, plugins = world["community_id"], nic_app.state.plugins
    before = await community_graph(plugins, [cid])
    assert not [n for n, kind in before.nodes(data="kind") if kind == "learning_session"]
    session = await add_session(
        ana.ctx,
        world["space"]["id"],
        SessionCreate(held_on=date(2024, 10, 3), cycle_ids=[world["cycles"]["north"]]),
    )
    # The write raised the community's change counter: the cached graph is rebuilt.
    graph = await readable_graph(ana.ctx, "cedar")
    node = f"learning_session:{session['id']}"
    cycle = f"cycle:{world['cycles']['north']}"
    assert graph.nodes[node]["kind"] == "learning_session"
    assert graph.nodes[node]["label"] == "Monthly data dive, 2024-10-03"
    assert graph.nodes[node]["community"] == cid
    edge = graph.get_edge_data(cycle, node)["shared_at"]
    assert edge["flow"] is True and edge["date"] == date(2024, 10, 3)
    assert node in downstream(graph, cycle).work
    # As of a date before the session, the graph leaves it out.
    earlier = await community_graph(plugins, [cid], date(2024, 10, 1))
    assert node not in earlier


async def test_learning_links_may_start_at_a_session(world) -> None:
    ana = world["users"]["ana"]
    held_on = date(2024, 8, 20)  # before the cycle it informed: learning flows forward
    session = await add_session(ana.ctx, world["space"]["id"], SessionCreate(held_on=held_on))
    link = await ana.api.ok(
        "POST",
        "/links",
        {
            "source": f"learning_session:{session['id']}",
            "target": f"cycle:{world['cycles']['north']}",
            "kind": "informed",
        },
        201,
    )
    assert link["source"] == f"learning_session:{session['id']}"
    status, body = await ana.api.post(
        "/links",
        {"source": "learning_session:999999", "target": f"cycle:{world['cycles']['north']}"},
    )
    assert status == 422 and "source" in body["error"]["fields"]


async def test_cli_lists_adds_and_records(world, nic_cli) -> None:
    code, out = await nic_cli("spaces", "list", "cedar")
    assert code == 0 and "Monthly data dive" in out and "Lee Park" in out
    assert "focus this month: Reading attendance data" in out
    code, out = await nic_cli(
        "spaces",
        "add",
        "cedar",
        "New staff onboarding",
        "--kind",
        "onboarding",
        "--cadence",
        "biweekly",
        "--facilitator",
        "lee@cedar.example",
        "--participant",
        "ana@cedar.example",
        "--focus",
        "9=Our improvement method",
    )
    assert code == 0 and "Created learning space" in out
    space_id = out.split()[3].rstrip(":")
    code, out = await nic_cli(
        "spaces",
        "add-session",
        space_id,
        "--date",
        "2024-09-12",
        "--cycle",
        str(world["cycles"]["didt"]),
    )
    assert code == 0 and f"cycle:{world['cycles']['didt']}" in out
    code, out = await nic_cli("spaces", "list", "cedar")
    assert "New staff onboarding" in out and "last 2024-09-12" in out
    code, out = await nic_cli(
        "spaces",
        "add",
        "cedar",
        "X",
        "--kind",
        "onboarding",
        "--cadence",
        "weekly",
        "--facilitator",
        "nobody@cedar.example",
    )
    assert code == 1 and "no person with email nobody@cedar.example" in out
    code, out = await nic_cli("graph", "report", "cedar")
    assert code == 0 and "'learning_session': 1" in out and "'shared_at': 1" in out


async def test_switched_off_in_a_community_its_pages_panels_and_nodes_are_gone(world) -> None:
    """A facilitator switches the plugin off for Cedar Valley (the plugin is named as it
    was registered: its module here, its entry-point name on a site)."""
    api, cid = world["admin"].api, world["community_id"]
    await add_session(
        world["users"]["ana"].ctx,
        world["space"]["id"],
        SessionCreate(held_on=date(2024, 10, 3), cycle_ids=[world["cycles"]["north"]]),
    )
    nodes = (await api.ok("GET", "/communities/cedar/flow"))["nodes"]
    assert nodes["learning_session"] == 1
    listing = (await api.ok("GET", f"/communities/{cid}/plugins"))["items"]
    name = next(row["plugin"] for row in listing if "learning_spaces" in row["plugin"])
    await api.ok("PUT", f"/communities/{cid}/plugins", {"plugin": name, "enabled": False})
    olu = world["users"]["olu"]
    assert (await olu.client.get("/communities/cedar/spaces")).status_code == 404
    space = await olu.client.get(f"/communities/cedar/spaces/{world['space']['id']}")
    assert space.status_code == 404
    team = (await olu.client.get(f"/communities/cedar/teams/{world['teams']['north']}")).text
    assert ">Learning spaces</h2>" not in team and 'href="/spaces"' not in team
    summary = await api.ok("GET", "/communities/cedar/flow")
    assert "learning_session" not in summary["nodes"]
    await api.ok("PUT", f"/communities/{cid}/plugins", {"plugin": name, "enabled": True})
    assert (await olu.client.get("/communities/cedar/spaces")).status_code == 200
    assert (await api.ok("GET", "/communities/cedar/flow"))["nodes"]["learning_session"] == 1


async def test_community_files_carry_the_spaces_and_their_sessions(
    world, nic_cli, nic_app, tmp_path
) -> None:
    """``nic export`` writes the section ``plugins.learning_spaces`` (people and cycles by
    the file's keys); loaded as another community and exported again, it is the same."""
    ana = world["users"]["ana"]
    session = await add_session(
        ana.ctx,
        world["space"]["id"],
        SessionCreate(
            held_on=date(2024, 8, 20), notes="Huddles", cycle_ids=[world["cycles"]["north"]]
        ),
    )
    await ana.api.ok(
        "POST",
        "/links",
        {
            "source": f"learning_session:{session['id']}",
            "target": f"cycle:{world['cycles']['north']}",
        },
        201,
    )
    first = tmp_path / "cedar.yaml"
    code, out = await nic_cli("export", "cedar", "-o", str(first))
    assert code == 0, out
    document = yaml.safe_load(first.read_text())
    [space] = document["plugins"]["learning_spaces"]
    assert space["name"] == "Monthly data dive" and len(space["focus"]) == 2
    [entry] = space["sessions"]
    north = next(c["key"] for c in document["cycles"] if c["title"] == "Advisory huddles")
    assert entry["shared_cycles"] == [north] and entry["notes"] == "Huddles"
    assert [link["source"] for link in document["links"]] == [f"learning_session:{entry['key']}"]

    copy = tmp_path / "copy.yaml"
    copy.write_text(
        "".join(
            line.replace("slug: cedar", "slug: cedar-copy")
            for line in first.read_text().splitlines(True)
            if not line.startswith("digest:")
        )
    )
    code, out = await nic_cli("load", str(copy))
    assert code == 0 and "1 entries of plugins.learning_spaces" in out, out
    again = tmp_path / "again.yaml"
    assert (await nic_cli("export", "cedar-copy", "-o", str(again)))[0] == 0
    exported = yaml.safe_load(again.read_text())
    assert exported["plugins"] == document["plugins"] and exported["links"] == document["links"]
