"""A real server and Debian's Chromium, driven by Playwright, for the browser tests.

CI installs the ``chromium`` package; locally run ``apt-get install chromium`` (or set
``NIC_CHROMIUM`` to another Chromium binary).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.pages import policy_violations
from tests.helpers import PASSWORD, SMALL
from tests.scratch import SECRET, run_nic, scratch_database

CHROMIUM = os.environ.get("NIC_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    url: str,
    folder: Path,
    *,
    port: int | None = None,
    environ: dict[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[str]:
    """The database at ``url`` served by ``nic serve`` (run in ``folder``, so a ``nic.toml``
    there is read) on ``port`` (a free one by default), with ``environ`` added to the
    environment: its base URL.

    With ``log``, the server's standard error (its log, with the mail it sends under the
    default ``NIC_MAIL_URL=log:``) is written to that file."""
    port = port or _free_port()
    env = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": SECRET}
    for name in ("NIC_DEBUG", "NIC_SETTINGS_FILE", "NIC_MAIL_URL", "NIC_BASE_URL"):
        env.pop(name, None)
    env.update(environ or {})
    errors = log.open("wb") if log is not None else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--no-access-log"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a loaded 2-core machine takes 20 s and more
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        if log is not None:
            errors.close()  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def prepared_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The small community loaded, with the admin's and Ana's accounts, once per session:
    ``(database URL, admin's API token)``; each module serves a copy of it."""
    folder = tmp_path_factory.mktemp("browser-template")
    with scratch_database(folder) as url:
        run_nic("migrate", database=url, cwd=folder)
        run_nic("load", str(SMALL), database=url, cwd=folder)
        for email, extra in (("admin@example.org", ["--admin"]), ("ana.ruiz@cedar.example", [])):
            run_nic("user", "add", email, "--password", PASSWORD, *extra, database=url, cwd=folder)
        run_nic(
            "user",
            "role",
            "ana.ruiz@cedar.example",
            "cedar-valley",
            "member",
            database=url,
            cwd=folder,
        )
        token = run_nic("user", "token", "admin@example.org", database=url, cwd=folder)
        yield url, token.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def site(prepared_site: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small community served by ``nic serve``; Ana is a member of North SIDT and the DIDT.
    Each module gets its own copy of the database, so what one module's tests post stays
    out of the next module's."""
    template, token = prepared_site
    folder = tmp_path_factory.mktemp("browser")
    with scratch_database(folder, copy_of=template) as url, served(url, folder) as base:
        api = httpx.Client(
            base_url=base + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
        )
        people = api.get("/people", params={"per_page": 200}).json()["items"]
        ana_person = next(p for p in people if p["email"] == "ana.ruiz@cedar.example")
        users = api.get("/me").json()
        assert users["is_admin"]
        ana_user = api.get("/communities/1/roles").json()["items"][0]["user_id"]
        api.patch(f"/people/{ana_person['id']}", json={"user_id": ana_user}).raise_for_status()
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Browser tests use their own served database, not the suite's; nothing to empty.

    (The suite's async version cannot run here: Playwright's sync API keeps an event loop
    running in this thread.)
    """


@pytest.fixture(autouse=True)
def no_content_security_policy_violations() -> Iterator[None]:
    """Every page a test opens keeps working under the site's Content-Security-Policy: the
    browser reports nothing it refused (an inline script, a style element, a framed page)."""
    policy_violations.clear()
    yield
    assert policy_violations == []
