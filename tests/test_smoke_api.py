from __future__ import annotations


async def test_openapi_is_public(client):
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/cycles" in doc["paths"]


async def test_admin_creates_community(admin):
    status, body = await admin.post("/communities", {"slug": "lakeview", "name": "Lakeview"})
    assert status == 201, body
    assert body["slug"] == "lakeview"
