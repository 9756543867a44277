"""The measure page over HTTP: its control chart (drawn from the chart API's numbers), the
data table, phases and notes from its forms, annotations linked, and who may see what."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import httpx

from communities.charts.schemas import MeasurePhaseCreate
from communities.examples.demo import demo_communities
from communities.exchange import load_community
from communities.models import Cycle, Measure, MeasureNote, MeasurePhase
from communities.schemas import DataPointCreate, MeasureCreate, MeasureUpdate
from communities.services.base import community_id_for_slug
from communities.services.measures import (
    add_phase,
    create_measure,
    record_data,
    update_measure,
)
from core.context import Actor, ServiceContext
from core.testing import BASE_URL, csrf_of, make_api_user, sign_in

SVG = "{http://www.w3.org/2000/svg}"
START = date(2024, 9, 6)
# Baseline 10 12 11 13 14: centre 12, limits 8.01 / 15.99 (tests/test_control_charts.py);
# 20 22 21 after a frozen split are judged on the baseline: outside, and 2 of 3.
VALUES = (10, 12, 11, 13, 14, 20, 22, 21)
SPLIT = START + timedelta(days=7 * 5)


async def _attendance(app: Any, cedar: dict[str, Any]) -> tuple[int, str]:
    """Cedar's attendance measure as an XmR chart with a goal and eight weekly points; its
    id and page."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    measure = await Measure.get(community_id=cedar["community_id"], name__startswith="Weekly")
    await update_measure(
        ctx,
        measure.id,
        MeasureUpdate(chart_type="xmr", goal=18, goal_date=date(2025, 6, 1), direction="up"),
    )
    await measure.data_points.all().delete()
    for i, value in enumerate(VALUES):
        day = START + timedelta(days=7 * i)
        await record_data(ctx, DataPointCreate(measure_id=measure.id, date=day, value=value))
    return measure.id, f"/communities/cedar-valley/measures/{measure.id}"


async def _chart_api(app: Any, measure_id: int) -> dict[str, Any]:
    """What ``GET /api/v1/measures/{id}/chart`` answers, as JSON."""
    admin = await make_api_user(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL),
        "api-admin@example.org",
        admin=True,
    )
    async with admin.client:
        return await admin.ok("GET", f"/measures/{measure_id}/chart")


def _svg(page: str) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", page, re.S)
    assert found, page
    return ET.fromstring(found.group(0))


async def _post(client: httpx.AsyncClient, page: str, action: str, **data: str) -> httpx.Response:
    token = csrf_of((await client.get(page)).text)
    return await client.post(action, data={"csrf_token": token, **data})


async def test_the_page_draws_the_chart_with_a_phase_split_signals_and_a_table(
    app: Any, client: httpx.AsyncClient, cedar: dict[str, Any]
) -> None:
    measure_id, page = await _attendance(app, cedar)
    await sign_in(client, "ana.ruiz@cedar.example")
    north = cedar["teams"]["North SIDT"]
    team_page = (await client.get(f"/communities/cedar-valley/teams/{north}")).text
    assert f'href="{page}"' in team_page
    added = await _post(
        client, page, f"{page}/phases", start=SPLIT.isoformat(), label="After huddles",
        frozen="on",
    )  # fmt: skip
    assert added.status_code == 303 and added.headers["location"].endswith("#phases")

    shown = await client.get(page)
    assert shown.status_code == 200
    root = _svg(shown.text)
    # A group, not an image: it holds links to its cycles and notes (axe: nested-interactive).
    assert root.get("role") == "group" and root.get("viewBox")
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id
    assert "XmR (individuals) chart of 8 points" in desc.text
    assert "Baseline: centre 12, limits 8.01 to 15.99." in desc.text
    assert "After huddles: centre 12, limits 8.01 to 15.99 (judged on the baseline)." in desc.text
    split = root.find(f".//{SVG}g[@class='nic-phase-split']")
    assert "After huddles" in "".join(split.itertext())
    signals = [c for c in root.iter(f"{SVG}circle") if "nic-signal" in c.get("class", "")]
    assert len(signals) == 3  # 20, 22 and 21 are above the baseline's upper limit
    tip = signals[0].find(f"{SVG}title").text
    assert "above the upper control limit" in tip and "signal 1" in tip
    assert root.find(f".//{SVG}g[@class='nic-goal-line']") is not None

    api = await _chart_api(app, measure_id)
    text = shown.text
    for number, signal in enumerate(api["signals"], start=1):
        assert f"{signal['explanation']}" in text.replace("&#39;", "'"), number
    rows = re.findall(r"<tr( class=\"is-signal\")?><td>(\d{4}-\d\d-\d\d)</td>", text)
    assert [day for _, day in rows] == [p["date"] for p in api["points"]]
    assert [bool(mark) for mark, _ in rows] == [False] * 5 + [True] * 3
    assert "<td>15.99</td>" in text and "<td>8.01</td>" in text

    run = await client.get(f"{page}?type=run")
    assert "Run chart of 8 points" in _svg(run.text).find(f"{SVG}desc").text
    wrong = await client.get(f"{page}?type=p")
    assert wrong.status_code == 200
    assert "cannot make a p chart" in wrong.text and "denominator" in wrong.text


async def test_cycles_and_notes_are_drawn_and_linked(
    app: Any, client: httpx.AsyncClient, cedar: dict[str, Any]
) -> None:
    measure_id, page = await _attendance(app, cedar)
    await sign_in(client, "ana.ruiz@cedar.example")
    added = await _post(
        client, page, f"{page}/notes", date="2024-10-04", text="Picture day <2 periods lost>"
    )
    assert added.status_code == 303
    note = await MeasureNote.get(measure_id=measure_id)
    assert added.headers["location"] == f"{page}#note-{note.id}"
    text = (await client.get(page)).text
    root = _svg(text)
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    north_cycles = await Cycle.filter(team_id=cedar["teams"]["North SIDT"]).values_list(
        "id", flat=True
    )
    assert {f"/cycles/{c}" for c in north_cycles} <= links
    assert f"{page}#note-{note.id}" in links
    assert f'<li id="note-{note.id}"><strong>2024-10-04</strong>: Picture day &lt;2 periods' in text
    assert "Ana Ruiz" in text  # the note's author: the signed-in user's person
    tips = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert any(t.startswith("Cycle: Huddle with three advisors (planned") for t in tips)
    api = await _chart_api(app, measure_id)
    drawn = {(a["kind"], a["id"]) for a in api["annotations"]}
    assert ("note", note.id) in drawn and {("cycle", c) for c in north_cycles} <= drawn

    cycle_page = (await client.get(f"/cycles/{cedar['cycles']['Huddle with three advisors']}")).text
    assert f'href="{page}"' in cycle_page
    kept = await _post(client, page, f"{page}/notes/{note.id}/delete")
    assert kept.status_code == 422 and "delete this note" in kept.text
    assert await MeasureNote.exists(id=note.id)  # not without the confirmation box
    gone = await _post(client, page, f"{page}/notes/{note.id}/delete", confirm="yes")
    assert gone.status_code == 303 and not await MeasureNote.exists(id=note.id)
    assert "The note is deleted." in (await client.get(page)).text


async def test_forms_validate_and_deleting_a_phase_asks_first(
    app: Any, client: httpx.AsyncClient, cedar: dict[str, Any]
) -> None:
    measure_id, page = await _attendance(app, cedar)
    await sign_in(client, "ana.ruiz@cedar.example")
    empty = await _post(client, page, f"{page}/notes", date="", text="  ")
    assert empty.status_code == 422
    assert 'id="e-date"' in empty.text and 'id="e-text"' in empty.text
    assert not await MeasureNote.exists(measure_id=measure_id)
    bad = await _post(client, page, f"{page}/notes", date="2024-13-40", text="Kept text")
    assert bad.status_code == 422 and 'value="Kept text"' in bad.text
    no_label = await _post(client, page, f"{page}/phases", start="2024-10-04", label="")
    assert no_label.status_code == 422 and 'id="e-label"' in no_label.text
    await _post(client, page, f"{page}/phases", start="2024-10-04", label="First")
    twice = await _post(client, page, f"{page}/phases", start="2024-10-04", label="Again")
    assert twice.status_code == 422 and "already has a phase from 2024-10-04" in twice.text
    (phase,) = await MeasurePhase.filter(measure_id=measure_id)

    confirm = await client.get(f"{page}/phases/{phase.id}/delete")
    assert confirm.status_code == 200 and "Delete the phase “First”?" in confirm.text
    assert await MeasurePhase.exists(id=phase.id)  # asking deletes nothing
    deleted = await client.post(
        f"{page}/phases/{phase.id}/delete", data={"csrf_token": csrf_of(confirm.text)}
    )
    assert deleted.status_code == 303 and not await MeasurePhase.exists(id=phase.id)
    no_token = await client.post(f"{page}/notes", data={"date": "2024-10-04", "text": "x"})
    assert no_token.status_code == 403


async def test_who_sees_the_page_and_its_forms(
    app: Any, client: httpx.AsyncClient, cedar: dict[str, Any]
) -> None:
    measure_id, page = await _attendance(app, cedar)
    await sign_in(client, "olu@example.org")  # an observer: reads, writes nothing
    shown = await client.get(page)
    assert shown.status_code == 200 and "Add the note" not in shown.text
    refused = await _post(client, page, f"{page}/notes", date="2024-10-04", text="x")
    assert refused.status_code == 403
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    phase = await add_phase(ctx, MeasurePhaseCreate(measure_id=measure_id, start=SPLIT, label="L"))
    assert (await client.get(f"{page}/phases/{phase['id']}/delete")).status_code == 403
    other = await load_community(ctx, _other_community(), "other.yaml")
    foreign = await create_measure(
        ctx, MeasureCreate(community_id=other["community_id"], name="Elsewhere", kind="outcome")
    )
    assert (
        await client.get(f"/communities/cedar-valley/measures/{foreign['id']}")
    ).status_code == 404
    assert (await client.get("/communities/cedar-valley/measures/987654")).status_code == 404
    outsider = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=client.base_url)
    async with outsider:
        await sign_in(outsider, "nobody@example.org")
        assert (await outsider.get(page)).status_code == 404
    assert measure_id


def _other_community() -> dict[str, Any]:
    return {"format": "nic-community/2", "community": {"slug": "elsewhere", "name": "Elsewhere"}}


async def test_the_demo_measures_show_a_phase_split_and_a_special_cause(
    app: Any, client: httpx.AsyncClient, admin: Any
) -> None:
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    document = demo_communities()[0]
    await load_community(ctx, document, "demo")
    slug = document["community"]["slug"]
    community_id = await community_id_for_slug(slug)
    await app.state.plugins.call("nic_demo_data", ctx=ctx, community_ids=[community_id])
    measures = await Measure.filter(community_id=community_id).values_list("id", flat=True)
    await sign_in(client, admin.email)
    split = signal = notes = 0
    for measure_id in measures:
        page = await client.get(f"/communities/{slug}/measures/{measure_id}")
        assert page.status_code == 200, page.text
        root = _svg(page.text)
        split += len(root.findall(f".//{SVG}g[@class='nic-phase-split']"))
        signal += sum("nic-signal" in c.get("class", "") for c in root.iter(f"{SVG}circle"))
        notes += sum(a.get("class") == "nic-note" for a in root.iter(f"{SVG}a"))
    assert split >= 1 and signal >= 1 and notes >= 2, (split, signal, notes)
