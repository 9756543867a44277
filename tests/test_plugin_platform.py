"""Loading, configuring and listing plugins, as a site operator meets them.

Outside plugins here are real installed distributions: packages with a
``*.dist-info`` folder whose ``entry_points.txt`` names them in the ``nic``
group, written to a temporary folder on the path. ``nic`` runs as a process of
its own; the admin page and the plugins' files are fetched over HTTP.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, SecretStr

from communities.agenda import AgendaItem
from core.app import create_app
from core.hookspecs import hookimpl
from core.plugin_config import REDACTED
from core.plugins import PluginHost
from core.settings import Settings, SettingsError, load_settings
from core.testing import TEST_SECRET
from plugins.convenings.agenda import agenda_items
from tests.helpers import as_admin, make_account, submit_sign_in
from tests.scratch import SECRET, run_nic, scratch_database

PACKAGES = {
    "nicfake_good/__init__.py": "",
    "nicfake_good/plugin.py": """
        import os
        from pathlib import Path

        from pydantic import BaseModel, SecretStr
        from starlette.routing import Route

        from core.hookspecs import hookimpl
        from core.web.render import render

        if os.environ.get("NICFAKE_IMPORTS"):
            with open(os.environ["NICFAKE_IMPORTS"], "a") as log:
                log.write("good\\n")


        class GoodConfig(BaseModel):
            smtp_host: str = "localhost"
            smtp_password: SecretStr | None = None
            api_token: str = ""
            retries: int = 3


        @hookimpl
        def nic_plugin_config():
            return GoodConfig


        async def hello(request):
            config = request.app.state.plugins.config("good")
            return await render(request, "good/hello.html", {"retries": config.retries})


        @hookimpl
        def nic_routes():
            return [Route("/good/hello", hello)]


        @hookimpl
        def nic_template_dirs():  # its own folder, found by convention too: listed once
            return [str(Path(__file__).parent / "templates")]


        @hookimpl
        def nic_static_dirs():  # the same for "good"
            here = Path(__file__).parent
            return {"good-extra": str(here / "extra"), "good": str(here / "static")}


        @hookimpl
        async def nic_startup(app, settings):
            if os.environ.get("NICFAKE_STARTED"):
                Path(os.environ["NICFAKE_STARTED"]).write_text(f"good {len(app.routes)}")
    """,
    "nicfake_good/templates/good/hello.html": """
        {% extends "base.html" %}
        {% block content %}<p id="good">Hello from good: {{ retries }} retries</p>{% endblock %}
    """,
    "nicfake_good/static/good.css": ".good { color: green }\n",
    "nicfake_good/extra/good.js": "console.log('good');\n",
    "nicfake_broken/__init__.py": "",
    "nicfake_broken/plugin.py": """
        raise ImportError("nicfake_broken needs a library that is not installed")
    """,
    "nicfake_typo/__init__.py": "",
    "nicfake_typo/plugin.py": """
        from core.hookspecs import hookimpl


        @hookimpl
        def nic_statrup(app):
            pass
    """,
    "nicfake_other/__init__.py": "",
    "nicfake_other/plugin.py": """
        import json
        import os
        from pathlib import Path

        from core.hookspecs import hookimpl

        if os.environ.get("NICFAKE_IMPORTS"):
            with open(os.environ["NICFAKE_IMPORTS"], "a") as log:
                log.write("other\\n")


        @hookimpl
        def nic_startup():
            raise RuntimeError("other cannot start today")


        @hookimpl
        async def nic_demo_data(ctx, community_ids):
            from communities.models import Community

            found = await Community.filter(id__in=community_ids).count()
            Path(os.environ["NICFAKE_DEMO"]).write_text(
                json.dumps({"ids": community_ids, "found": found, "actor": ctx.actor.email})
            )
    """,
    "nicfake_demo_raises/__init__.py": "",
    "nicfake_demo_raises/plugin.py": """
        from core.hookspecs import hookimpl


        @hookimpl
        def nic_demo_data(ctx, community_ids):
            raise RuntimeError("no demo data today")
    """,
}
ENTRY_POINTS = {
    "good": "nicfake_good.plugin",
    "broken": "nicfake_broken.plugin",
    "typo": "nicfake_typo.plugin",
    "other": "nicfake_other.plugin",
    "demo-raises": "nicfake_demo_raises.plugin",
}


def install(site: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """Leave in ``site`` what pip leaves: the packages and a ``*.dist-info`` folder."""
    for relative, text in PACKAGES.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = [f"{key} = {value}" for key, value in entry_points.items()]
    (info / "entry_points.txt").write_text("[nic]\n" + "\n".join(lines) + "\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fake distribution, importable here and in ``nic`` processes started by a test."""
    folder = tmp_path / "site"
    install(folder, "nic-fake", "1.2.3", ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    )
    for name in (
        "NICFAKE_IMPORTS",
        "NICFAKE_STARTED",
        "NICFAKE_DEMO",
        "NIC_PLUGINS_AUTOLOAD",
        "NIC_PLUGINS_BLOCKED",
        "NIC_PLUGINS_DISABLED",
        "NIC_PLUGINS_ENABLED",
    ):
        monkeypatch.delenv(name, raising=False)
    yield folder
    for module in [m for m in sys.modules if m.startswith("nicfake_")]:
        del sys.modules[module]


def nic_plugins(tmp_path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_nic(
        "plugins",
        *args,
        database=f"sqlite://{tmp_path / 'unused.sqlite3'}",
        cwd=tmp_path,
        check=check,
    )


def listing(tmp_path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], str]:
    """``nic plugins --json``: rows by name, failures by name, and what was logged."""
    result = nic_plugins(tmp_path, "--json")
    data = json.loads(result.stdout)
    rows = {row["name"]: row for row in data["plugins"]}
    failures = {failure["name"]: failure for failure in data["failures"]}
    return rows, failures, result.stderr


def row_of(host: PluginHost, name: str) -> dict[str, Any]:
    return next(row for row in host.describe()["plugins"] if row["name"] == name)


def imported(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


# --- loading ----------------------------------------------------------------------


def test_an_import_failure_is_reported_and_the_other_plugins_load(
    site: Path, tmp_path: Path
) -> None:
    rows, failures, logged = listing(tmp_path)
    assert rows["communities"]["version"] == "built-in"
    assert rows["good"]["state"] == rows["other"]["state"] == "enabled"
    assert rows["good"]["version"] == "1.2.3" and rows["good"]["module"] == "nicfake_good.plugin"
    assert set(failures) == {"broken", "typo"}
    assert failures["broken"]["version"] == "1.2.3"
    assert failures["broken"]["error"] == (
        "failed to import: ImportError: nicfake_broken needs a library that is not installed"
    )
    assert failures["typo"]["error"] == "implements unknown hooks: nic_statrup"
    assert "plugin broken is not loaded" in logged and "plugin typo is not loaded" in logged

    table = nic_plugins(tmp_path).stdout
    assert table.splitlines()[0].split() == [
        "NAME",
        "VERSION",
        "STATE",
        "HOOKS",
        "TEMPLATES",
        "STATIC",
        "MODELS",
        "CONFIG",
    ]
    assert "Failed to load:\n  broken 1.2.3: failed to import: ImportError" in table
    good = next(line for line in table.splitlines() if line.startswith("good "))
    assert good.split()[:4] == ["good", "1.2.3", "enabled", "nic_plugin_config"]


def test_autoload_off_loads_no_outside_plugin(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NICFAKE_IMPORTS", str(tmp_path / "imports.txt"))
    monkeypatch.setenv("NIC_PLUGINS_AUTOLOAD", "0")
    rows, failures, _ = listing(tmp_path)
    assert rows["communities"]["state"] == "enabled"
    assert rows["good"]["state"] == rows["broken"]["state"] == "autoload off"
    assert rows["good"]["hooks"] == [] and failures == {}
    assert imported(tmp_path / "imports.txt") == []

    monkeypatch.setenv("NIC_PLUGINS_AUTOLOAD", "1")
    rows, _, _ = listing(tmp_path)
    assert rows["good"]["state"] == "enabled"
    assert sorted(imported(tmp_path / "imports.txt")) == ["good", "other"]


def test_with_autoload_off_only_the_enabled_outside_plugins_load(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``NIC_PLUGINS_ENABLED`` is the site's allowlist when autoload is off: those load, the
    rest are not even imported, and blocking still wins."""
    monkeypatch.setenv("NICFAKE_IMPORTS", str(tmp_path / "imports.txt"))
    monkeypatch.setenv("NIC_PLUGINS_AUTOLOAD", "0")
    monkeypatch.setenv("NIC_PLUGINS_ENABLED", "Good, other")
    rows, failures, _ = listing(tmp_path)
    assert rows["good"]["state"] == rows["other"]["state"] == "enabled"
    assert rows["broken"]["state"] == rows["typo"]["state"] == "autoload off"
    assert failures == {} and sorted(imported(tmp_path / "imports.txt")) == ["good", "other"]

    (tmp_path / "imports.txt").unlink()
    monkeypatch.setenv("NIC_PLUGINS_BLOCKED", "other")
    rows, _, _ = listing(tmp_path)
    assert rows["good"]["state"] == "enabled" and rows["other"]["state"] == "blocked"
    assert imported(tmp_path / "imports.txt") == ["good"]


def test_blocked_plugins_are_not_even_imported(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NICFAKE_IMPORTS", str(tmp_path / "imports.txt"))
    monkeypatch.setenv("NIC_PLUGINS_BLOCKED", "good, broken")
    rows, failures, _ = listing(tmp_path)
    assert rows["good"]["state"] == rows["broken"]["state"] == "blocked"
    assert rows["good"]["version"] == "1.2.3"
    assert rows["other"]["state"] == "enabled"
    assert set(failures) == {"typo"}
    assert imported(tmp_path / "imports.txt") == ["other"]


def test_a_built_in_plugin_can_be_blocked_unless_essential(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "core.plugins.host.BUILTIN_PLUGINS", ("communities.plugin", "nicfake_good.plugin")
    )
    host = PluginHost.from_settings(Settings(), autoload=False)
    assert row_of(host, "nicfake_good")["version"] == "built-in"
    assert row_of(host, "nicfake_good")["state"] == "enabled"
    host = PluginHost.from_settings(Settings(plugins_blocked=("nicfake-good",)), autoload=False)
    assert "nicfake_good" not in host.plugin_names()
    assert row_of(host, "nicfake_good")["state"] == "blocked"
    with pytest.raises(SettingsError, match="NIC_PLUGINS_BLOCKED: 'communities' is essential"):
        PluginHost.from_settings(Settings(plugins_blocked=("communities",)), autoload=False)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NIC_PLUGINS_AUTOLOAD", "maybe", "NIC_PLUGINS_AUTOLOAD: expected true or false"),
        (
            "NIC_PLUGINS_BLOCKED",
            "good,bad name",
            "NIC_PLUGINS_BLOCKED: 'bad name' is not a plugin name",
        ),
        ("NIC_PLUGINS_BLOCKED", "communities", "NIC_PLUGINS_BLOCKED: 'communities' is essential"),
    ],
)
def test_a_bad_switch_stops_nic_and_names_the_variable(
    site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(variable, value)
    result = nic_plugins(tmp_path, check=False)
    assert result.returncode == 2
    assert f"nic: configuration error: {message}" in result.stderr


def test_switches_also_come_from_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "nic.toml"
    path.write_text('[plugins]\nautoload = false\nblocked = ["rubrics"]\n')
    settings = load_settings({}, path)
    assert settings.plugins_autoload is False and settings.plugins_blocked == ("rubrics",)
    settings = load_settings({"NIC_PLUGINS_AUTOLOAD": "yes", "NIC_PLUGINS_BLOCKED": ""}, path)
    assert settings.plugins_autoload is True and settings.plugins_blocked == ()
    path.write_text("[plugins]\nautolaod = false\n")
    with pytest.raises(SettingsError, match=r"unknown setting 'plugins\.autolaod'"):
        load_settings({}, path)


# --- config -----------------------------------------------------------------------

GOOD_TOML = (
    '[plugin.good]\nsmtp_host = "mail.example.org"\napi_token = "tok-from-file-123"\nretries = 5\n'
)
PASSWORD = "hunter2-in-the-environment"


def test_config_is_validated_overridden_from_the_environment_and_redacted(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "nic.toml").write_text(GOOD_TOML)
    monkeypatch.setenv("NIC_PLUGIN_GOOD_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("NIC_PLUGIN_GOOD_RETRIES", "7")
    rows, _, _ = listing(tmp_path)
    assert rows["good"]["config"] == {
        "smtp_host": "mail.example.org",
        "smtp_password": REDACTED,
        "api_token": REDACTED,
        "retries": 7,
    }
    assert rows["other"]["config"] is None
    for output in (nic_plugins(tmp_path, "--json"), nic_plugins(tmp_path)):
        assert PASSWORD not in output.stdout + output.stderr
        assert "tok-from-file-123" not in output.stdout + output.stderr
    assert "smtp_password = ********" in nic_plugins(tmp_path).stdout

    settings = load_settings(dict(os.environ), tmp_path / "nic.toml")
    host = PluginHost.from_settings(settings)
    config = host.config("good")
    assert isinstance(config, BaseModel) and config.retries == 7  # type: ignore[attr-defined]
    assert config.smtp_password.get_secret_value() == PASSWORD  # type: ignore[attr-defined]
    assert host.config("other") is None
    with pytest.raises(KeyError, match="no plugin named 'broken'"):
        host.config("broken")


@pytest.mark.parametrize(
    ("toml", "environ", "message"),
    [
        (
            "[plugin.good]\nretries = 'lots'\n",
            {},
            "plugin good: retries: Input should be a valid integer, unable to parse string as an "
            "integer (from [plugin.good])",
        ),
        (
            "",
            {"NIC_PLUGIN_GOOD_RETRIES": "many"},
            "plugin good: retries: Input should be a valid integer, unable to parse string as an "
            "integer (from NIC_PLUGIN_GOOD_RETRIES)",
        ),
        ("[plugin.good]\ncolour = 'blue'\n", {}, "plugin good: colour: unknown setting"),
    ],
)
def test_a_bad_config_value_stops_start_up_naming_plugin_and_field(
    site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    toml: str,
    environ: dict[str, str],
    message: str,
) -> None:
    (tmp_path / "nic.toml").write_text(toml + "[plugin.unused]\nx = 1\n")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    result = nic_plugins(tmp_path, check=False)
    assert result.returncode == 2
    assert f"nic: configuration error: {message}" in result.stderr
    assert "many" not in result.stderr and "lots" not in result.stderr


def test_redaction_by_type_and_by_name() -> None:
    class Nested(BaseModel):
        webhook_secret: str = "s3"
        url: str = "https://example.org"

    class Config(BaseModel):
        password: SecretStr = SecretStr("p")
        signing: SecretStr | None = None
        license_key: str = "k"
        nested: Nested = Nested()
        rate: int = 1

    class Declares:
        @hookimpl
        def nic_plugin_config(self) -> type[BaseModel]:
            return Config

    host = PluginHost.from_settings(
        Settings(plugin_env={"NIC_PLUGIN_DECLARES_NESTED": '{"webhook_secret": "from-env"}'}),
        [Declares()],
        autoload=False,
    )
    row = row_of(host, "Declares")
    assert row["config"] == {
        "password": REDACTED,
        "signing": None,
        "license_key": REDACTED,
        "nested": {"webhook_secret": REDACTED, "url": "https://example.org"},
        "rate": 1,
    }
    assert host.config("Declares").nested.webhook_secret == "from-env"  # type: ignore[union-attr]


# --- the admin page and the plugins' own files, over HTTP -------------------------------


@pytest.fixture
async def plugin_app(app: Any, settings: Settings, site: Path, tmp_path: Path) -> Any:
    """An app with the fake plugins loaded, on the test database (the session app's ORM)."""
    (tmp_path / "nic.toml").write_text(GOOD_TOML)
    environ = {"NIC_PLUGIN_GOOD_SMTP_PASSWORD": PASSWORD, "NIC_PLUGIN_GOOD_RETRIES": "7"}
    loaded = load_settings(environ, tmp_path / "nic.toml")
    return create_app(
        Settings(
            database_url=settings.database_url,
            secret_key=TEST_SECRET,
            plugin_config=loaded.plugin_config,
            plugin_env=loaded.plugin_env,
        )
    )


@pytest.fixture
async def web(plugin_app: Any) -> Any:
    transport = httpx.ASGITransport(app=plugin_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_admin_page_lists_plugins_failures_and_redacted_config(web: Any) -> None:
    await as_admin(web)
    users = await web.get("/admin/users")
    assert '<a href="/admin/plugins">Plugins</a>' in users.text
    page = await web.get("/admin/plugins")
    assert page.status_code == 200
    text = page.text
    assert '<a href="/admin/users">Users</a>' in text
    assert '<tr id="plugin-good">' in text and '<tr id="plugin-communities">' in text
    assert "<td>1.2.3</td>" in text and "<td>built-in</td>" in text
    assert "<code>nic_static_dirs</code>" in text
    assert (
        "<strong>broken</strong> 1.2.3: <code>failed to import: ImportError: nicfake_broken" in text
    )
    assert "implements unknown hooks: nic_statrup" in text
    assert "<dt>retries</dt><dd><code>7</code></dd>" in text
    assert "<dt>smtp_password</dt><dd><code>********</code></dd>" in text
    assert PASSWORD not in text and "tok-from-file-123" not in text
    assert "/static/plugins/good/" in text and "/static/plugins/good-extra/" in text


async def test_only_site_admins_see_the_plugins_page(web: Any) -> None:
    signed_out = await web.get("/admin/plugins")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/sign-in?next=/admin/plugins"
    await make_account("member@example.org")
    assert (await submit_sign_in(web, "member@example.org")).status_code == 303
    page = await web.get("/admin/plugins")
    assert page.status_code == 403
    assert "Only site admins may see the installed plugins." in page.text
    assert "nicfake" not in page.text


async def test_a_plugins_own_templates_and_static_files_are_served(
    web: Any, plugin_app: Any, site: Path
) -> None:
    page = await web.get("/good/hello")
    assert page.status_code == 200
    assert '<p id="good">Hello from good: 7 retries</p>' in page.text
    assert '<link rel="stylesheet" href="/static/nic.css">' in page.text  # the core's base.html
    css = await web.get("/static/plugins/good/good.css")
    assert css.status_code == 200 and css.text == ".good { color: green }\n"
    js = await web.get("/static/plugins/good-extra/good.js")
    assert js.status_code == 200 and "console.log" in js.text
    assert (await web.get("/static/plugins/good/../good/plugin.py")).status_code == 404
    assert (await web.get("/static/nic.css")).status_code == 200
    row = row_of(plugin_app.state.plugins, "good")
    assert row["templates"] == [str(site / "nicfake_good" / "templates")]
    assert row["static"] == {
        "good": str(site / "nicfake_good" / "static"),
        "good-extra": str(site / "nicfake_good" / "extra"),
    }


def test_static_mount_names_must_be_unique_and_folders_exist(tmp_path: Path) -> None:
    class One:
        @hookimpl
        def nic_static_dirs(self) -> dict[str, str]:
            return {"shared": str(tmp_path)}

    class Two(One):
        pass

    class Missing:
        @hookimpl
        def nic_static_dirs(self) -> dict[str, str]:
            return {"missing": str(tmp_path / "nowhere")}

    settings = Settings(database_url="sqlite://:memory:", secret_key=TEST_SECRET)
    with pytest.raises(
        SettingsError, match="plugins One and Two both serve static files as 'shared'"
    ):
        create_app(settings, extra_plugins=[One(), Two()], autoload=False)
    with pytest.raises(
        SettingsError, match=r"plugin Missing: static folder .*nowhere does not exist"
    ):
        create_app(settings, extra_plugins=[Missing()], autoload=False)


# --- start-up and demo data ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_plugin_raising_in_nic_startup_does_not_stop_the_site(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = tmp_path / "started.txt"
    port = _free_port()
    with scratch_database(tmp_path) as database:
        run_nic("migrate", database=database, cwd=tmp_path)  # nic serve refuses an empty one
        environment = {
            **os.environ,
            "NIC_DATABASE_URL": database,
            "NIC_SECRET_KEY": SECRET,
            "NICFAKE_STARTED": str(started),
        }
        environment.pop("NIC_SETTINGS_FILE", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--no-access-log"],
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.communicate()[0]
                    assert time.monotonic() < deadline, "the site did not start"
                    time.sleep(0.2)
            assert response.json() == {"status": "ok"}
            assert started.read_text().startswith("good ")
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0]
    assert "plugin other failed in nic_startup" in output
    assert "RuntimeError: other cannot start today" in output
    assert "plugin broken is not loaded" in output


def test_nic_demo_calls_nic_demo_data_with_the_demo_communities(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NICFAKE_DEMO", str(tmp_path / "demo.json"))
    result = run_nic(
        "demo",
        "--no-serve",
        "--database",
        str(tmp_path / "demo.sqlite3"),
        database=f"sqlite://{tmp_path / 'unused.sqlite3'}",
        cwd=tmp_path,
    )
    assert "Demo ready" in result.stdout
    seen = json.loads((tmp_path / "demo.json").read_text())
    assert seen["found"] == len(seen["ids"]) == 2 and seen["actor"] == "system"
    assert "plugin demo-raises failed in nic_demo_data" in result.stderr


# --- agenda items ---------------------------------------------------------------------


async def test_agenda_items_are_gathered_with_their_source() -> None:
    class Cycles:
        @hookimpl
        async def nic_agenda_items(
            self, community_id: int, since: date | None, until: date
        ) -> list[AgendaItem]:
            return [
                AgendaItem(
                    f"Cycles finished in community {community_id} since {since}",
                    "cycle_completed",
                    refs=["cycle:3", "cycle:4"],  # type: ignore[arg-type]
                    links=[("Team flow", "/communities/c1/flow")],  # type: ignore[arg-type]
                    minutes=20,
                )
            ]

    class Rubrics:
        @hookimpl
        def nic_agenda_items(self, until: date) -> list[AgendaItem]:
            return [AgendaItem("Rubric movement", "rubric_movement", source="rubrics")]

    class Raises:
        @hookimpl
        def nic_agenda_items(self) -> list[AgendaItem]:
            raise RuntimeError("no agenda")

    class Junk:
        @hookimpl
        def nic_agenda_items(self) -> list[str]:
            return ["not an item"]

    host = PluginHost.from_settings(
        Settings(), [Cycles(), Raises(), Junk(), Rubrics()], autoload=False
    )
    items = await agenda_items(host, 7, date(2025, 1, 10), date(2025, 4, 10))
    assert [(i.title, i.source) for i in items] == [
        ("Cycles finished in community 7 since 2025-01-10", "Cycles"),
        ("Rubric movement", "rubrics"),
    ]
    assert items[0].refs == ("cycle:3", "cycle:4") and items[0].minutes == 20
    assert items[0].links == (("Team flow", "/communities/c1/flow"),)
    with pytest.raises(ValueError, match="needs a title"):
        AgendaItem(" ", "x")
    with pytest.raises(ValueError, match="kind must be a slug"):
        AgendaItem("Title", "Not A Slug")
    with pytest.raises(ValueError, match="expected kind:id"):
        AgendaItem("Title", "x", refs=("cycle",))
    with pytest.raises(ValueError, match="positive whole number"):
        AgendaItem("Title", "x", minutes=0)


class Wrapping:
    """A plugin that tries to wrap another hook's implementations."""

    @hookimpl(wrapper=True)
    def nic_nav_items(self) -> Any:
        items = yield
        return items


def test_a_hook_wrapper_is_refused_at_registration_naming_plugin_and_hook() -> None:
    with pytest.raises(SettingsError) as refused:
        PluginHost.from_settings(Settings(secret_key=TEST_SECRET), [Wrapping()], autoload=False)
    assert "plugin Wrapping: hook wrappers are not supported" in str(refused.value)
    assert "nic_nav_items" in str(refused.value)
