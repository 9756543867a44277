"""The demo: a year of held quarterly convenings with agendas, minutes and decisions."""

from __future__ import annotations

from communities.examples.demo import demo_communities
from communities.exchange import load_community
from core.context import Actor, ServiceContext
from plugins.api import Page, community_graph, community_id_for_slug, downstream
from plugins.convenings import services
from plugins.convenings.demo import demo_data


async def test_demo_data_is_a_year_of_convenings_with_minutes(nic_app) -> None:
    ctx = ServiceContext(Actor.system(), nic_app.state.plugins)
    document = demo_communities()[0]
    await load_community(ctx, document, "demo")
    cid = await community_id_for_slug(document["community"]["slug"])
    await demo_data(ctx, [cid])
    listed, total = await services.list_convenings(ctx, cid, Page(1, 20))
    # Four held, quarter by quarter, and the next one being planned (dates still open).
    assert total == 5 and sorted(r["status"] for r in listed) == ["held"] * 4 + ["planning"]
    rows = [r for r in listed if r["status"] == "held"]
    dates = sorted(r["starts_at"] for r in rows)
    assert (dates[-1] - dates[0]).days > 250  # about a year, quarter by quarter
    decisions = []
    for row in rows:
        conv = await services.get_convening(ctx, row["id"])
        assert conv["agenda"] and any(e["notes"] for e in conv["agenda"])
        assert any(i["attended"] for i in conv["invitees"])
        decisions += conv["decisions"]
    assert decisions and all(d["cycle_ids"] for d in decisions)
    graph = await community_graph(ctx.plugins, [cid])
    first = decisions[0]
    assert f"decision:{first['id']}" in downstream(graph, f"cycle:{first['cycle_ids'][0]}").work
