"""Every response carries the security headers: pages, API, static files, errors."""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.routing import Route

from core.app import create_app
from core.hookspecs import hookimpl
from core.testing import BASE_URL
from core.web.security_headers import CONTENT_SECURITY_POLICY

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def assert_headers(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.url, name)


async def test_pages_api_static_and_errors_carry_the_headers(client) -> None:
    for path in ("/", "/sign-in", "/static/nic.css", "/api/v1/openapi.json", "/no-such-page"):
        response = await client.get(path)
        assert_headers(response)
        assert "strict-transport-security" not in response.headers
    assert (await client.get("/api/v1/me")).status_code == 401
    assert_headers(await client.get("/api/v1/me"))


def test_the_policy_forbids_inline_scripts_and_framing() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


class Broken:
    @hookimpl
    def nic_routes(self) -> list[Route]:
        async def fail(request: Request) -> None:
            raise RuntimeError("a bug")

        return [Route("/broken", fail)]


async def test_a_server_error_and_hsts_behind_tls(settings) -> None:
    secure = settings.model_copy(update={"secure_cookies": True})
    app = create_app(secure, extra_plugins=[Broken()], autoload=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        failed = await client.get("/broken")
        assert failed.status_code == 500
        assert_headers(failed)
        assert failed.headers["strict-transport-security"].startswith("max-age=31536000")
        assert_headers(await client.get("/healthz"))
