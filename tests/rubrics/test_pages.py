"""The pages: library and import form, a rubric and its export, opening an assessment,
the scoring form (draft, come back, submit), consensus, progress heat map and targets,
the roll-up, the team panel and the navigation item; permissions on each."""

from __future__ import annotations

import re

import httpx

from core.testing import csrf_of
from plugins.rubrics import definitions
from tests.helpers import count_queries
from tests.rubrics.helpers import open_assessment

KEYS = [i["key"] for i in definitions.indicators_of(definitions.DEFAULT_FRAMEWORK)]
BASE = "/communities/cedar/rubrics"


async def test_library_lists_rubrics_and_facilitators_import_yaml(world) -> None:
    fay, olu = world["users"]["fay"], world["users"]["olu"]
    page = await olu.client.get(BASE)
    assert page.status_code == 200
    assert "Implementation framework" in page.text and "Not Yet Begun → Initial" in page.text
    assert "Add a rubric" not in page.text and "No assessment yet." in page.text
    page = await fay.client.get(BASE)
    token = csrf_of(page.text)
    bad = await fay.client.post(
        BASE, data={"csrf_token": token, "action": "import", "yaml": "name: X\nlevels: [A]\n"}
    )
    assert bad.status_code == 422
    assert (
        'id="e-yaml"' in bad.text and "line 2: levels: expected 2 to 10 levels, got 1" in bad.text
    )
    assert "name: X" in bad.text  # the text is kept to fix
    yaml_text = definitions.to_yaml({**definitions.DEFAULT_FRAMEWORK, "name": "Pilot <rubric>"})
    made = await fay.client.post(
        BASE, data={"csrf_token": token, "action": "import", "yaml": yaml_text, "note": "pilot"}
    )
    assert made.status_code == 303 and "saved=created" in made.headers["location"]
    rubric = await fay.client.get(made.headers["location"])
    assert "Pilot &lt;rubric&gt;" in rubric.text and "Rubric added." in rubric.text
    assert "Pilot <rubric>" not in rubric.text  # escaped
    rid = re.search(r"/rubrics/(\d+)\?", made.headers["location"]).group(1)
    export = await olu.client.get(f"{BASE}/{rid}/export.yaml")
    assert export.status_code == 200 and export.headers["content-type"].startswith(
        "application/yaml"
    )
    assert definitions.parse_yaml(export.text)["name"] == "Pilot <rubric>"
    # Not a facilitator: no import, however the form is sent.
    ana = world["users"]["ana"]
    token = csrf_of((await ana.client.get(BASE)).text)
    denied = await ana.client.post(BASE, data={"csrf_token": token, "action": "default"})
    assert denied.status_code == 403
    forged = await fay.client.post(BASE, data={"action": "default"})
    assert forged.status_code == 403


async def test_a_rater_opens_scores_a_draft_comes_back_and_submits(world) -> None:
    ana = world["users"]["ana"]
    new = await ana.client.get(f"{BASE}/assessments/new")
    assert new.status_code == 200 and "North SIDT" in new.text
    form = {
        "csrf_token": csrf_of(new.text),
        "subject": f"team:{world['teams']['north']}",
        "rubric_id": str(world["rubric_id"]),
        "kind": "self_review",
        "period": "2025 Q1",
        "held_on": "2025-02-14",
    }
    bad = await ana.client.post(f"{BASE}/assessments/new", data=form)
    assert bad.status_code == 422 and 'id="e-period"' in bad.text
    made = await ana.client.post(f"{BASE}/assessments/new", data={**form, "period": "2025-Q1"})
    assert made.status_code == 303
    score_url = made.headers["location"]
    page = await ana.client.get(score_url)
    assert page.status_code == 200 and page.text.count('type="radio"') == 4 * len(KEYS)
    token = csrf_of(page.text)
    draft = await ana.client.post(
        score_url,
        data={
            "csrf_token": token,
            "action": "draft",
            f"level-{KEYS[0]}": "2",
            f"evidence-{KEYS[0]}": "Vision <b>drafted</b>",
        },
    )
    assert draft.status_code == 303 and "saved=draft" in draft.headers["location"]
    back = await ana.client.get(draft.headers["location"])
    assert "Draft saved." in back.text
    assert f'name="level-{KEYS[0]}" value="2" checked' in back.text
    assert "Vision &lt;b&gt;drafted&lt;/b&gt;" in back.text
    # Submitting with indicators unscored: the form comes back with a message per indicator.
    early = await ana.client.post(
        score_url, data={"csrf_token": token, "action": "submit", f"level-{KEYS[0]}": "2"}
    )
    assert early.status_code == 422
    assert (
        f'id="e-level-{KEYS[1]}"' in early.text and "choose a level before submitting" in early.text
    )
    full = {f"level-{k}": str(v) for k, v in zip(KEYS, [2, 2, 3, 3, 1], strict=True)}
    sent = await ana.client.post(score_url, data={"csrf_token": token, "action": "submit", **full})
    assert sent.status_code == 303
    shown = await ana.client.get(sent.headers["location"])
    assert "Your scores are submitted." in shown.text and "Ana Ruiz" in shown.text
    assert "Agreement is shown once two raters have submitted scores." in shown.text


async def test_assessment_page_shows_agreement_and_takes_consensus(world) -> None:
    from plugins.rubrics import services
    from plugins.rubrics.schemas import ScoreIn, ScoresIn

    a = await open_assessment(world)
    for who, levels in (("ana", [2, 2, 3, 4, 4]), ("ben", [2, 3, 3, 4, 3])):
        await services.save_scores(
            world["users"][who].ctx,
            a["id"],
            ScoresIn(
                scores=[ScoreIn(indicator=k, level=v) for k, v in zip(KEYS, levels, strict=True)],
                submit=True,
            ),
        )
    url = f"{BASE}/assessments/{a['id']}"
    rae = world["users"]["rae"]
    page = await rae.client.get(url)
    assert page.status_code == 200
    assert "60%" in page.text and "100%" in page.text and "0.44" in page.text
    assert "Cohen&#39;s kappa, two raters" in page.text
    assert "Save consensus" not in page.text  # researchers read
    assert (await rae.client.get(f"{url}/score")).status_code == 403
    ben = world["users"]["ben"]
    token = csrf_of((await ben.client.get(url)).text)
    form = {
        "csrf_token": token,
        f"consensus-{KEYS[1]}": "3",
        f"consensus_note-{KEYS[1]}": "after discussion",
    }
    saved = await ben.client.post(url, data=form)
    assert saved.status_code == 303
    page = await ben.client.get(saved.headers["location"])
    assert "Consensus saved." in page.text and "after discussion" in page.text
    bad = await ben.client.post(url, data={"csrf_token": token, f"consensus-{KEYS[1]}": "9"})
    assert bad.status_code == 422 and "choose a level from 1 to 4" in bad.text
    dee = world["users"]["dee"]  # South's member
    token = csrf_of((await dee.client.get("/")).text)  # the sign-out form's
    assert (await dee.client.post(url, data={"csrf_token": token})).status_code == 403


async def test_progress_heat_map_targets_rollup_panel_and_navigation(world) -> None:
    from plugins.rubrics import services
    from plugins.rubrics.schemas import ConsensusIn, ConsensusSet

    for period, levels in (("2025-Q1", [1, 2, 2, 3, 1]), ("2025-Q2", [2, 2, 3, 3, 1])):
        a = await open_assessment(world, period=period)
        await services.set_consensus(
            world["users"]["fay"].ctx,
            a["id"],
            ConsensusSet(
                consensus=[
                    ConsensusIn(indicator=k, level=v) for k, v in zip(KEYS, levels, strict=True)
                ]
            ),
        )
    north = world["teams"]["north"]
    olu = world["users"]["olu"]
    page = await olu.client.get(f"{BASE}/teams/{north}")
    assert page.status_code == 200
    assert "2025-Q1" in page.text and "2025-Q2" in page.text and 'class="heat"' in page.text
    assert "▲ 2 up" in page.text and "▲ +1" in page.text and "= stalled" in page.text
    assert "Set targets" not in page.text
    ben = world["users"]["ben"]
    page = await ben.client.get(f"{BASE}/teams/{north}")
    form = {
        "csrf_token": csrf_of(page.text),
        "rubric_id": str(world["rubric_id"]),
        "year": "2025",
        f"target-{KEYS[0]}": "3",
        f"target-{KEYS[2]}": "3",
    }
    saved = await ben.client.post(f"{BASE}/teams/{north}", data=form)
    assert saved.status_code == 303
    page = await ben.client.get(saved.headers["location"])
    assert "Targets for 2025: 1 of 2 met." in page.text
    bad = await ben.client.post(f"{BASE}/teams/{north}", data={**form, "target-nope": "2"})
    assert bad.status_code == 422 and "nope: no such indicator in this rubric" in bad.text
    huge = await ben.client.post(f"{BASE}/teams/{north}", data={**form, f"target-{KEYS[1]}": "999"})
    assert huge.status_code == 422 and f'id="e-target-{KEYS[1]}"' in huge.text
    south = world["teams"]["south"]
    assert (
        "South SIDT has not been assessed yet."
        in (await olu.client.get(f"{BASE}/teams/{south}")).text
    )
    rollup = await olu.client.get(f"{BASE}/roll-up")
    assert rollup.status_code == 200 and "North SIDT" in rollup.text
    assert "Only 1 team(s) have been assessed in two periods or more" in rollup.text
    panel = _panel(await olu.client.get(f"/communities/cedar/teams/{north}"))
    assert "2025-Q2: mean level 2.2 of 4" in panel and f"{BASE}/teams/{north}" in panel
    assert "not been assessed" in _panel(await olu.client.get(f"/communities/cedar/teams/{south}"))
    home = await olu.client.get("/")
    assert 'href="/rubrics"' in home.text
    index = await olu.client.get("/rubrics")
    assert index.status_code == 200 and f'href="{BASE}"' in index.text


async def test_strangers_and_the_signed_out(world, nic_user, nic_client) -> None:
    stranger = await nic_user("stranger@example.org")
    a = await open_assessment(world)
    for url in (
        BASE,
        f"{BASE}/roll-up",
        f"{BASE}/assessments/{a['id']}",
        f"{BASE}/teams/{world['teams']['north']}",
    ):
        assert (await stranger.client.get(url)).status_code == 404  # no role: none there
        assert (await nic_client.get(url)).status_code == 303
    assert f'href="{BASE}"' not in (await stranger.client.get("/rubrics")).text
    assert (await world["users"]["olu"].client.get(f"{BASE}/assessments/999999")).status_code == 404


def _panel(page: httpx.Response) -> str:
    assert page.status_code == 200
    match = re.search(r">Implementation rubric</h2>(.*?)</section>", page.text, re.S)
    assert match, "no rubric panel on the page"
    return match.group(1)


async def test_the_team_is_told_an_assessment_waits_for_scores(world) -> None:
    await open_assessment(world)  # opened by Fay
    for who in ("ana", "ben", "cal"):
        page = await world["users"][who].client.get("/notifications")
        assert "Self-review of North SIDT for 2025-Q1: your scores are welcome." in page.text
    for who in ("dee", "fay", "olu"):
        page = await world["users"][who].client.get("/notifications")
        assert "your scores are welcome" not in page.text


async def test_query_counts_do_not_grow_with_teams_or_raters(world) -> None:
    from plugins.rubrics import services
    from plugins.rubrics.schemas import ScoreIn, ScoresIn

    async def rate(a: dict, who: str) -> None:
        await services.save_scores(
            world["users"][who].ctx,
            a["id"],
            ScoresIn(scores=[ScoreIn(indicator=k, level=2) for k in KEYS], submit=True),
        )

    olu = world["users"]["olu"]
    north = await open_assessment(world)
    await rate(north, "ana")
    pages = (
        f"{BASE}/roll-up",
        f"{BASE}/assessments/{north['id']}",
        f"{BASE}/teams/{world['teams']['north']}",
        BASE,
    )
    before = {}
    for url in pages:
        await olu.client.get(url)  # warm the caches of the core
        with count_queries() as queries:
            assert (await olu.client.get(url)).status_code == 200
        before[url] = len(queries)
    await rate(north, "ben")
    await rate(north, "fay")
    await open_assessment(world, period="2025-Q2")
    for team in ("south", "didt"):
        for period in ("2025-Q1", "2025-Q2"):
            await rate(await open_assessment(world, team=team, period=period), "fay")
    for url in pages:
        await olu.client.get(url)  # the same warm caches as before
        with count_queries() as queries:
            assert (await olu.client.get(url)).status_code == 200
        assert len(queries) == before[url], url


async def test_out_of_range_form_values_are_errors_beside_their_fields(world) -> None:
    a = await open_assessment(world)
    ana = world["users"]["ana"]
    url = f"{BASE}/assessments/{a['id']}/score"
    token = csrf_of((await ana.client.get(url)).text)
    sent = await ana.client.post(
        url,
        data={
            "csrf_token": token,
            "action": "draft",
            f"level-{KEYS[0]}": "99999999999",
            f"cycles-{KEYS[1]}": "99999999999",
        },
    )
    assert sent.status_code == 422
    assert 'id="e-level-vision"' in sent.text and "less than or equal to 100" in sent.text
    assert "less than or equal to 2147483647" in sent.text
    consensus = await ana.client.post(
        f"{BASE}/assessments/{a['id']}",
        data={"csrf_token": token, f"consensus-{KEYS[2]}": "99999999999"},
    )
    assert consensus.status_code == 422 and f'id="e-consensus-{KEYS[2]}"' in consensus.text
