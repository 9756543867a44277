"""The import page of a measure: upload, preview, confirm; nothing saved before the
confirmation; who may use it; a preview that cannot be tampered with."""

from __future__ import annotations

import re
from typing import Any

import httpx

from communities.models import DataPoint, Measure
from core.testing import csrf_of, page_clients, sign_in

CSV = b"date,value,note\n2025-01-06,91,first\n2025-01-13,92.5,\n"


async def _attendance(cedar: dict[str, Any]) -> int:
    """North SIDT's attendance measure (two stored points: 2024-09-06 and 2024-09-13)."""
    return (await Measure.get(name="Weekly attendance of the pilot group")).id


def _url(measure_id: int) -> str:
    return f"/communities/cedar-valley/measures/{measure_id}/import"


async def _upload(
    client: httpx.AsyncClient, measure_id: int, content: bytes, **fields: str
) -> httpx.Response:
    page = await client.get(_url(measure_id))
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_of(page.text, _url(measure_id)), **fields}
    files = {"file": ("points.csv", content, "text/csv")}
    return await client.post(_url(measure_id), data=data, files=files)


def _sealed(html: str) -> str:
    match = re.search(r'name="rows" value="([^"]+)"', html)
    assert match, "no confirmation form on the page"
    return match.group(1)


async def _points(measure_id: int) -> list[tuple[str, float]]:
    rows = await DataPoint.filter(measure_id=measure_id).order_by("date", "id")
    return [(p.date.isoformat(), p.value) for p in rows]


async def test_upload_preview_confirm_lands_on_the_measure_page(app: Any, cedar: Any) -> None:
    measure = await _attendance(cedar)
    before = await _points(measure)
    async with page_clients(app) as open_client:
        ana = await open_client("ana.ruiz@cedar.example")
        team = await ana.get(f"/communities/cedar-valley/teams/{cedar['teams']['North SIDT']}")
        assert _url(measure) in team.text
        preview = await _upload(ana, measure, CSV + b"2024-09-06,88.5,again\n")
        assert preview.status_code == 200, preview.text
        assert "3 rows read" in preview.text and "2 to add" in preview.text
        assert "stored: 88.5" in preview.text  # the duplicate, shown
        assert "Save 2 data points" in preview.text
        assert await _points(measure) == before  # nothing saved yet

        confirm = f"{_url(measure)}/confirm"
        token = csrf_of(preview.text, confirm)
        done = await ana.post(confirm, data={"csrf_token": token, "rows": _sealed(preview.text)})
        assert done.status_code == 303
        assert done.headers["location"] == f"/communities/cedar-valley/measures/{measure}"
        assert await _points(measure) == [*before, ("2025-01-06", 91.0), ("2025-01-13", 92.5)]
        notes = await DataPoint.filter(measure_id=measure, date="2025-01-06").values_list(
            "note", flat=True
        )
        assert notes == ["first"]


async def test_bad_rows_are_shown_and_cannot_be_confirmed(app: Any, cedar: Any) -> None:
    measure = await _attendance(cedar)
    async with page_clients(app) as open_client:
        ana = await open_client("ana.ruiz@cedar.example")
        preview = await _upload(ana, measure, CSV + b"2025-01-20,lots,\n")
        assert preview.status_code == 422
        assert "&#39;lots&#39; is not a number" in preview.text
        assert re.search(r"<td>4</td><td>value</td>", preview.text)
        assert 'name="rows"' not in preview.text  # no confirmation
        broken = await _upload(ana, measure, b"\x00\x01binary")
        assert broken.status_code == 422 and "not a CSV file" in broken.text


async def test_a_changed_or_foreign_preview_is_refused(app: Any, cedar: Any) -> None:
    measure = await _attendance(cedar)
    before = await _points(measure)
    async with page_clients(app) as open_client:
        ana = await open_client("ana.ruiz@cedar.example")
        preview = await _upload(ana, measure, CSV)
        sealed, confirm = _sealed(preview.text), f"{_url(measure)}/confirm"
        token = csrf_of(preview.text, confirm)
        tampered = sealed[:-3] + ("AAA" if not sealed.endswith("AAA") else "BBB")
        refused = await ana.post(confirm, data={"csrf_token": token, "rows": tampered})
        assert refused.status_code == 422 and "upload the file again" in refused.text
        no_token = await ana.post(confirm, data={"rows": sealed})
        assert no_token.status_code == 403
        assert await _points(measure) == before


async def test_who_may_open_the_import_page(app: Any, cedar: Any) -> None:
    measure = await _attendance(cedar)
    async with page_clients(app) as open_client:
        olu = await open_client("olu@example.org")  # an observer
        assert (await olu.get(_url(measure))).status_code == 403
        nobody = await open_client("nobody@example.org")
        assert (await nobody.get(_url(measure))).status_code == 404
        signed_out = await open_client()
        response = await signed_out.get(_url(measure))
        assert response.status_code in (302, 303, 401)
        export = await olu.get(f"/communities/cedar-valley/measures/{measure}/data.csv")
        assert export.status_code == 200
        assert export.text.splitlines()[1] == "2024-09-06,88.5,,,"


async def test_an_oversized_upload_is_a_clear_error(app: Any, cedar: Any, client: Any) -> None:
    measure = await _attendance(cedar)
    await sign_in(client, "ana.ruiz@cedar.example")
    big = b"date,value\n" + b"2025-01-01,1\n" * 200_000
    response = await _upload(client, measure, big)
    assert response.status_code == 422 and "over 2 MB" in response.text


async def test_a_file_of_duplicates_only_has_nothing_to_confirm(app: Any, cedar: Any) -> None:
    measure = await _attendance(cedar)
    async with page_clients(app) as open_client:
        ana = await open_client("ana.ruiz@cedar.example")
        preview = await _upload(ana, measure, b"date,value\n2024-09-06,88.5\n2024-09-13,90\n")
        assert preview.status_code == 200
        assert "Nothing to save" in preview.text and 'name="rows"' not in preview.text
        replacing = await _upload(
            ana, measure, b"date,value\n2024-09-06,88.5\n", duplicates="replace"
        )
        assert "Save 1 data points" in replacing.text and "replaces stored: 88.5" in replacing.text
