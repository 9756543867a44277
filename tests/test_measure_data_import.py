"""Data points in bulk through the JSON API: a CSV or XLSX file previewed (dry run) and
saved against a measure, duplicates, per-row errors, permissions, and the CSV export
that reads back as all duplicates."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl

from communities.data_files import MAX_FILE_BYTES
from communities.models import DataPoint
from core.testing import Api, run_command
from tests.factories import CycleWorld
from tests.helpers import assert_error

World = CycleWorld
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def make_measure(w: World, chart_type: str = "xmr", **extra: Any) -> int:
    body = {
        "community_id": w.community,
        "team_id": w.team_a,
        "name": f"Measure {chart_type}",
        "kind": "outcome",
        "chart_type": chart_type,
        **extra,
    }
    return (await w.mem_a.ok("POST", "/measures", body, 201))["id"]


async def send(
    api: Api, measure_id: int, content: bytes, *, as_form: bool = False, **query: Any
) -> tuple[int, Any]:
    """POST a file to the import: as the raw body (``text/csv``) or as a form's file."""
    path = f"/api/v1/measures/{measure_id}/data-import"
    params = {k: str(v).lower() for k, v in query.items()}
    if as_form:
        files = {"file": ("data.xlsx" if content[:2] == b"PK" else "data.csv", content)}
        response = await api.client.post(path, headers=api.headers, params=params, files=files)
    else:
        headers = {**api.headers, "content-type": "text/csv"}
        response = await api.client.post(path, headers=headers, params=params, content=content)
    return response.status_code, response.json()


def workbook(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def stored(measure_id: int) -> list[tuple[str, float]]:
    rows = await DataPoint.filter(measure_id=measure_id).order_by("date", "id")
    return [(p.date.isoformat(), p.value) for p in rows]


CSV = b"date,value,note\r\n2025-01-06,10,first\r\n2025-01-13,12.5,\r\n2025-01-20,11,third\r\n"


async def test_a_dry_run_previews_and_saves_nothing_then_the_import_saves(
    cycle_world: World,
) -> None:
    w = cycle_world
    measure = await make_measure(w)
    status, preview = await send(w.mem_a, measure, CSV, dry_run=True)
    assert status == 200, preview
    assert preview["saved"] is False and preview["errors"] == []
    assert preview["counts"] == {"rows": 3, "add": 3, "replace": 0, "skip": 0, "errors": 0}
    assert [(r["row"], r["date"], r["value"], r["action"]) for r in preview["rows"]] == [
        (2, "2025-01-06", 10.0, "add"),
        (3, "2025-01-13", 12.5, "add"),
        (4, "2025-01-20", 11.0, "add"),
    ]
    assert preview["columns"] == {"date": "date", "value": "value", "note": "note"}
    assert await stored(measure) == []

    status, saved = await send(w.mem_a, measure, CSV, as_form=True)
    assert status == 200, saved
    assert saved["saved"] is True and saved["counts"]["add"] == 3
    assert await stored(measure) == [
        ("2025-01-06", 10.0),
        ("2025-01-13", 12.5),
        ("2025-01-20", 11.0),
    ]
    notes = (
        await DataPoint.filter(measure_id=measure).order_by("date").values_list("note", flat=True)
    )
    assert notes == ["first", "", "third"]


async def test_bom_semicolons_decimal_commas_and_header_aliases(cycle_world: World) -> None:
    w = cycle_world
    measure = await make_measure(w)
    content = "\ufeffDay ; Result (%);Comments\n2025-02-03;88,5;ok\n2025-02-10;90;\n".encode()
    status, preview = await send(w.mem_a, measure, content, dry_run=True)
    assert status == 200, preview
    assert preview["errors"] == []
    assert [(r["date"], r["value"], r["note"]) for r in preview["rows"]] == [
        ("2025-02-03", 88.5, "ok"),
        ("2025-02-10", 90.0, ""),
    ]
    assert preview["columns"] == {"date": "Day", "value": "Result (%)", "note": "Comments"}


async def test_each_bad_row_is_named_with_its_column_and_nothing_is_saved(
    cycle_world: World,
) -> None:
    w = cycle_world
    measure = await make_measure(w, "p")
    content = (
        b"date,numerator,denominator,extra\n"
        b"2025-03-03,5,10,x\n"  # row 2: fine
        b"03/10/2025,5,10,\n"  # row 3: not an ISO date
        b"2025-03-17,abc,10,\n"  # row 4: not a number
        b"2025-03-24,12,10,\n"  # row 5: numerator above denominator
        b"2025-03-31,4,,\n"  # row 6: no denominator
        b"2025-04-07,4,0,\n"  # row 7: denominator 0
        b",,,\n"  # row 8: blank, passed over
        b"2025-04-14,,,\n"  # row 9: neither numerator nor denominator for a p chart
    )
    status, preview = await send(w.mem_a, measure, content, dry_run=True)
    assert status == 200, preview
    found = {(e["row"], e["column"]) for e in preview["errors"]}
    assert found == {
        (3, "date"),
        (4, "numerator"),
        (5, "numerator"),
        (6, "denominator"),
        (7, "denominator"),
        (9, "numerator"),
        (9, "denominator"),
    }, preview["errors"]
    messages = {(e["row"], e["column"]): e["message"] for e in preview["errors"]}
    assert "YYYY-MM-DD" in messages[(3, "date")]
    assert "'abc' is not a number" in messages[(4, "numerator")]
    assert "more than the denominator" in messages[(5, "numerator")]
    assert "above 0" in messages[(7, "denominator")]
    assert preview["ignored_columns"] == ["extra"]
    assert [r["row"] for r in preview["rows"]] == [2]
    assert preview["rows"][0]["value"] == 0.5  # numerator / denominator

    status, body = await send(w.mem_a, measure, content)
    assert_error(status, body, 422, "row 3 date")
    assert "nothing was saved" in body["error"]["message"]
    assert {(e["row"], e["column"]) for e in body["error"]["rows"]} == found
    assert await stored(measure) == []


async def test_duplicates_are_skipped_by_default_or_replace_the_stored_points(
    cycle_world: World,
) -> None:
    w = cycle_world
    measure = await make_measure(w)
    await w.mem_a.ok(
        "POST", "/data-points", {"measure_id": measure, "date": "2025-01-13", "value": 99}, 201
    )
    content = b"date,value\n2025-01-06,1\n2025-01-13,2\n2025-01-06,3\n"
    status, preview = await send(w.mem_a, measure, content, dry_run=True)
    assert status == 200, preview
    assert preview["duplicates"] == "skip"
    assert [(r["row"], r["action"], r["duplicate"]) for r in preview["rows"]] == [
        (2, "add", None),
        (3, "skip", "stored: 99"),
        (4, "skip", "row 2"),
    ]
    status, replacing = await send(w.mem_a, measure, content, dry_run=True, duplicates="replace")
    assert [(r["row"], r["action"], r["duplicate"]) for r in replacing["rows"]] == [
        (2, "skip", "row 4"),
        (3, "replace", "stored: 99"),
        (4, "add", None),
    ]
    assert await stored(measure) == [("2025-01-13", 99.0)]

    status, saved = await send(w.mem_a, measure, content)  # skip
    assert status == 200 and saved["counts"]["add"] == 1
    assert await stored(measure) == [("2025-01-06", 1.0), ("2025-01-13", 99.0)]
    status, saved = await send(w.mem_a, measure, content, duplicates="replace")
    assert status == 200, saved
    assert await stored(measure) == [("2025-01-06", 3.0), ("2025-01-13", 2.0)]


async def test_an_xlsx_file_with_real_dates_and_iso_text(cycle_world: World) -> None:
    w = cycle_world
    measure = await make_measure(w, "u")
    content = workbook(
        [
            ["Date", "Numerator", "Denominator", "Note"],
            [date(2025, 1, 6), 4, 200, "=HYPERLINK(1)"],
            [datetime(2025, 1, 13, 0, 0), 6, 180, None],
            ["2025-01-20", 3.0, 190, 42],
            [None, None, None, None],
            ["not a date", 1, 1, None],
        ]
    )
    status, preview = await send(w.mem_a, measure, content, dry_run=True, as_form=True)
    assert status == 200, preview
    assert [(r["row"], r["date"], r["value"]) for r in preview["rows"]] == [
        (2, "2025-01-06", 4 / 200),
        (3, "2025-01-13", 6 / 180),
        (4, "2025-01-20", 3 / 190),
    ]
    assert preview["rows"][2]["note"] == "42"
    assert [(e["row"], e["column"]) for e in preview["errors"]] == [(6, "date")]
    headers = {**w.mem_a.headers, "content-type": XLSX}
    response = await w.mem_a.client.post(
        f"/api/v1/measures/{measure}/data-import?dry_run=true", headers=headers, content=content
    )
    assert response.status_code == 200 and len(response.json()["rows"]) == 3


async def test_bad_files_are_clear_422s(cycle_world: World) -> None:
    w = cycle_world
    measure = await make_measure(w)
    damaged = workbook([["date", "value"], ["2025-01-06", 1]])[:400]
    cases = {
        b"": "empty",
        b"\x00\x01\x02binary\xff\xfe": "not a CSV",
        b"PK\x03\x04 not really a zip": "damaged",
        damaged: "damaged",
        b"\xd0\xcf\x11\xe0old": ".xls",
        b"when,how much\n2025-01-01,1\n": "no date column",
        b"date,note\n2025-01-01,x\n": "no value column",
        b"date,value\n": "no data rows",
        b'date,value\n"2025-01-01,1\n': "not valid CSV",
    }
    for content, words in cases.items():
        status, body = await send(w.mem_a, measure, content, dry_run=True)
        assert_error(status, body, 422, "file")
        assert words in body["error"]["fields"]["file"], (content, body)
    too_big = b"date,value\n" + b"2025-01-01,1\n" * (MAX_FILE_BYTES // 13 + 1)
    for as_form in (False, True):
        status, body = await send(w.mem_a, measure, too_big, dry_run=True, as_form=as_form)
        assert_error(status, body, 422, "file")
        assert "over 2 MB" in body["error"]["fields"]["file"]
    status, body = await send(w.mem_a, measure, CSV, dry_run=True, duplicates="maybe")
    assert_error(status, body, 422, "duplicates")
    response = await w.mem_a.client.post(
        f"/api/v1/measures/{measure}/data-import",
        headers=w.mem_a.headers,
        data={"other": "field"},
    )
    assert_error(response.status_code, response.json(), 422, "file")


async def test_who_may_import(cycle_world: World) -> None:
    w = cycle_world
    measure = await make_measure(w)
    for api in (w.observer, w.researcher, w.mem_b):
        assert_error(*await send(api, measure, CSV, dry_run=True), 403)
        assert_error(*await send(api, measure, CSV), 403)
    for api in (w.outsider, w.other_fac):
        assert_error(*await send(api, measure, CSV, dry_run=True), 404)
    assert_error(*await send(w.mem_a, 987_654, CSV, dry_run=True), 404)
    status, _ = await send(w.fac, measure, CSV)
    assert status == 200
    assert len(await stored(measure)) == 3


async def test_the_export_is_formula_safe_and_reads_back_as_all_duplicates(
    cycle_world: World,
) -> None:
    w = cycle_world
    measure = await make_measure(w, "p")
    content = (
        b"date,numerator,denominator,note\n"
        b"2025-01-06,1,3,=cmd|' /C calc'!A0\n"
        b"2025-01-13,2,7,plain\n"
        b"2025-01-20,0.1,0.3,-5\n"
    )
    status, saved = await send(w.mem_a, measure, content)
    assert status == 200, saved
    response = await w.observer.client.get(
        f"/api/v1/measures/{measure}/data.csv", headers=w.observer.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "date,value,numerator,denominator,note"
    assert lines[1].startswith("2025-01-06,0.3333333333333333,1,3,")
    assert "'=cmd" in lines[1]
    assert lines[3].endswith(",-5")  # a plain number stays as it is
    status, again = await send(w.mem_a, measure, response.content, dry_run=True)
    assert status == 200, again
    assert again["errors"] == [] and again["counts"]["skip"] == 3 and again["counts"]["add"] == 0
    status, replaced = await send(w.mem_a, measure, response.content, duplicates="replace")
    assert status == 200, replaced
    points = (
        await DataPoint.filter(measure_id=measure)
        .order_by("date")
        .values("value", "numerator", "denominator", "note")
    )
    assert points[0] == {
        "value": 1 / 3,
        "numerator": 1.0,
        "denominator": 3.0,
        "note": "=cmd|' /C calc'!A0",
    }
    assert [p["note"] for p in points[1:]] == ["plain", "-5"]
    assert_error(*await w.outsider.get(f"/measures/{measure}/data.csv"), 404)


# --- nic data import / export ---------------------------------------------------------


async def test_nic_data_import_dry_run_errors_and_save(
    app: Any, cycle_world: World, tmp_path: Any
) -> None:
    w = cycle_world
    measure = await make_measure(w)
    await w.mem_a.ok(
        "POST", "/data-points", {"measure_id": measure, "date": "2025-01-13", "value": 99}, 201
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(CSV + b"2025-01-27,lots,\n")
    code, out = await run_command(app, "data", "import", "lakeview", str(measure), str(bad))
    assert code == 1
    assert "row 5, value: 'lots' is not a number" in out
    assert "Nothing was saved" in out
    assert await stored(measure) == [("2025-01-13", 99.0)]

    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook([["date", "value"], ["2025-01-06", 10], ["2025-01-13", 12.5]]))
    args = ("data", "import", "lakeview", str(measure), str(good))
    code, out = await run_command(app, *args, "--dry-run")
    assert code == 0, out
    assert "row 3 (2025-01-13): skipped, same date as stored: 99" in out
    assert "2 rows read: 1 to add, 0 replacing stored points, 1 duplicates skipped" in out
    assert "Dry run" in out and await stored(measure) == [("2025-01-13", 99.0)]
    code, out = await run_command(app, *args, "--replace-duplicates")
    assert code == 0 and "Saved 2 data points" in out
    assert await stored(measure) == [("2025-01-06", 10.0), ("2025-01-13", 12.5)]

    exported = tmp_path / "out.csv"
    code, out = await run_command(
        app, "data", "export", "lakeview", str(measure), "-o", str(exported)
    )
    assert code == 0
    assert exported.read_text().splitlines() == [
        "date,value,numerator,denominator,note",
        "2025-01-06,10,,,",
        "2025-01-13,12.5,,,",
    ]
    code, out = await run_command(app, "data", "import", "riverside", str(measure), str(good))
    assert code == 1 and "no measure" in out
    code, out = await run_command(app, "data", "import", "lakeview", str(measure), "nowhere.csv")
    assert code == 1 and "cannot read nowhere.csv" in out
