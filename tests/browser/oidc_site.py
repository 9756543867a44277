"""A real OpenID provider (``tests/oidc/provider.mjs``, the certified ``oidc-provider``
package from npm) and a site served by ``nic serve`` that signs in through it.

The package is installed at test time into ``tests/oidc/node_modules`` (git ignores it)
from the lock file, once (``npm ci``; ``.ci/run`` does it before the suite). The provider's
sign-in form takes any login: the login is the account's email, verified unless it
starts with ``unverified.``.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

from tests.browser.conftest import _free_port, served
from tests.scratch import scratch_database

PROVIDER_DIR = Path(__file__).parent.parent / "oidc"
CLIENT_ID = "nic-test-client"
CLIENT_SECRET = "a-client-secret-of-the-tests"
SECRET_VARIABLE = "NIC_OIDC_TEST_SECRET"
STARTUP_SECONDS: list[float] = []
"""How long each provider took from start to its first answer (reported by the tests)."""

SITE_TOML = """{head}
[oidc.local]
issuer = "{issuer}"
client_id = "{client_id}"
client_secret_env = "{variable}"
allowed_email_domains = ["cedar.example"]
label = "Sign in with Cedar Valley schools"

[oidc.joiner]
issuer = "{issuer}"
client_id = "{client_id}"
client_secret_env = "{variable}"
allowed_email_domains = ["maple.example"]
label = "Maple district"
join_community = "cedar-valley"
"""


def install_provider() -> None:
    """``npm ci`` in tests/oidc unless the package is there (one process at a time)."""
    with open(PROVIDER_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund"],
                cwd=PROVIDER_DIR,
                check=True,
                capture_output=True,
                timeout=300,
            )


@contextmanager
def openid_provider(redirect_uris: list[str]) -> Iterator[str]:
    """The provider, started for one client with these redirect URIs: its issuer URL."""
    install_provider()
    port = _free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
    }
    started = time.monotonic()
    process = subprocess.Popen(
        ["node", "provider.mjs"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://localhost:{port}"
    try:
        deadline = started + 30
        while True:
            try:
                httpx.get(issuer + "/.well-known/openid-configuration", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        STARTUP_SECONDS.append(time.monotonic() - started)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass(frozen=True)
class OidcSite:
    base: str
    issuer: str
    database: str
    folder: Path


@contextmanager
def oidc_site(template: str, folder: Path, *, passwords: bool = True) -> Iterator[OidcSite]:
    """A copy of the database ``template`` served with the providers ``local`` (cedar.example
    addresses) and ``joiner`` (maple.example addresses join cedar-valley as observers),
    both the one client of a provider started for this site."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    uris = [f"{base}/sign-in/oidc/{name}/callback" for name in ("local", "joiner")]
    with openid_provider(uris) as issuer, scratch_database(folder, copy_of=template) as url:
        head = "" if passwords else "[auth]\npasswords = false\n"
        (folder / "nic.toml").write_text(
            SITE_TOML.format(
                head=head, issuer=issuer, client_id=CLIENT_ID, variable=SECRET_VARIABLE
            )
        )
        with served(url, folder, port=port, environ={SECRET_VARIABLE: CLIENT_SECRET}):
            yield OidcSite(base, issuer, url, folder)


def provider_answer(
    client: httpx.Client, site: OidcSite, provider: str, login: str, next_page: str = "/"
) -> str:
    """Start signing in through ``provider`` and sign in on its form as ``login``: the URL
    the provider sends the browser back to (the site's callback), not yet followed."""
    response = client.get(f"{site.base}/sign-in/oidc/{provider}", params={"next": next_page})
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(site.issuer + "/auth?"), location
    assert "code_challenge_method=S256" in location and "nonce=" in location
    answer = client.get(location)
    while "location" not in answer.headers or not answer.headers["location"].startswith(site.base):
        if answer.status_code == 200:  # the provider's sign-in form
            action = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
            assert action, answer.text
            answer = client.post(
                urljoin(str(answer.url), action.group(1)),
                data={"prompt": "login", "login": login, "password": "any password"},
            )
        else:
            answer = client.get(urljoin(str(answer.url), answer.headers["location"]))
    return str(answer.headers["location"])


def provider_cancel(client: httpx.Client, site: OidcSite, provider: str) -> str:
    """Start signing in and press the provider's Cancel: the URL it sends the browser to."""
    start = client.get(f"{site.base}/sign-in/oidc/{provider}")
    form = client.get(start.headers["location"], follow_redirects=True)
    abort = re.search(r'href="([^"]*/abort)"', form.text)
    assert abort, form.text
    answer = client.get(urljoin(str(form.url), abort.group(1)))
    while not answer.headers["location"].startswith(site.base):
        answer = client.get(urljoin(str(answer.url), answer.headers["location"]))
    return str(answer.headers["location"])
