"""Settings come from the environment and nic.toml; bad ones name the setting."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pydantic
import pytest
from pydantic import BaseModel

from core.app import create_app
from core.cli import main
from core.hookspecs import hookimpl
from core.plugins import PluginHost
from core.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings

SECRET = "a-secret-of-enough-length"


def test_defaults_without_file_or_environment(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "missing.toml")
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_kind == "sqlite"
    assert settings.debug is False and settings.secret_key is None
    assert settings == Settings()


def test_environment_wins_over_file(tmp_path: Path) -> None:
    path = tmp_path / "nic.toml"
    path.write_text(
        'database_url = "sqlite://file.sqlite3"\nsecret_key = "from-the-file-0123456789"\n'
        'debug = true\nmail_url = "memory:"\nmail_from = "File <f@example.org>"\n'
        '[plugins]\nblocked = ["forums"]\nautoload = false\nenabled = ["x"]\n'
        "[plugin.rubrics]\nscale = 4\n"
    )
    settings = load_settings(
        {
            "NIC_DATABASE_URL": "postgresql://u@db.example/nic",
            "NIC_DEBUG": "no",
            "NIC_MAIL_FROM": "Env <e@example.org>",
            "NIC_PLUGINS_BLOCKED": "rubrics, convenings",
            "NIC_PLUGINS_AUTOLOAD": "on",
            "NIC_PLUGIN_RUBRICS_SCALE": "5",
            "NIC_SETTINGS_FILE": "ignored, as the path is given",
        },
        path,
    )
    assert settings.database_url == "postgres://u@db.example/nic"
    assert settings.database_kind == "postgres"
    assert settings.secret_key == "from-the-file-0123456789"  # not in the environment
    assert settings.debug is False
    assert settings.mail_url == "memory:"
    assert settings.mail_from == "Env <e@example.org>"
    assert settings.plugins_blocked == ("rubrics", "convenings")
    assert settings.plugins_autoload is True and settings.plugins_enabled == ("x",)
    assert settings.plugin_config == {"rubrics": {"scale": 4}}
    assert settings.plugin_env == {"NIC_PLUGIN_RUBRICS_SCALE": "5"}


def test_the_settings_file_is_chosen_by_nic_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text("debug = true\n")
    assert load_settings({"NIC_SETTINGS_FILE": str(path)}).debug is True


def test_an_empty_variable_is_unset_but_an_empty_list_is_none(tmp_path: Path) -> None:
    path = tmp_path / "nic.toml"
    path.write_text('debug = true\nmail_url = "memory:"\n[plugins]\nblocked = ["forums"]\n')
    settings = load_settings({"NIC_DEBUG": "", "NIC_MAIL_URL": "", "NIC_PLUGINS_BLOCKED": ""}, path)
    assert settings.debug is True and settings.mail_url == "memory:"
    assert settings.plugins_blocked == ()


@pytest.mark.parametrize(
    ("environ", "toml", "message"),
    [
        ({"NIC_DATABASE_URL": "mysql://x/y"}, "", "NIC_DATABASE_URL: unsupported database URL"),
        ({}, "database_url = 'mysql://x/y'\n", "database_url: unsupported database URL"),
        ({"NIC_DATABASE_URL": "postgres://hostonly"}, "", "NIC_DATABASE_URL: a PostgreSQL URL"),
        ({"NIC_SECRET_KEY": "short"}, "", "NIC_SECRET_KEY: must be a string of at least 16"),
        ({}, "secret_key = 'short'\n", "secret_key: must be a string of at least 16"),
        ({"NIC_DEBUG": "maybe"}, "", "NIC_DEBUG: expected true or false"),
        ({}, "debug = [1]\n", "debug: expected true or false"),
        ({"NIC_SECURE_COOKIES": "2"}, "", "NIC_SECURE_COOKIES: expected true or false"),
        ({"NIC_MAIL_URL": "ftp://x"}, "", "NIC_MAIL_URL: expected log:, memory:"),
        ({}, "mail_url = 'smtp://'\n", "mail_url: an SMTP URL needs a host"),
        ({"NIC_MAIL_FROM": "nobody"}, "", "NIC_MAIL_FROM: expected an address"),
        ({"NIC_PLUGINS_ENABLED": "a b"}, "", "NIC_PLUGINS_ENABLED: 'a b' is not a plugin name"),
        ({}, "[plugins]\nblocked = 'x y'\n", "plugins.blocked: 'x y' is not a plugin name"),
        ({}, "[plugins]\nblocked = 3\n", "plugins.blocked: expected a list of plugin names"),
        ({"NIC_PLUGINS_DISABLED": "!"}, "", "NIC_PLUGINS_DISABLED: '!' is not a plugin name"),
        ({"NIC_PLUGINS_AUTOLOAD": "sometimes"}, "", "NIC_PLUGINS_AUTOLOAD: expected true or"),
        ({}, "[plugins]\nautoload = 'sometimes'\n", "plugins.autoload: expected true or false"),
        ({}, "plugins = 3\n", "plugins: expected a table"),
        ({}, "plugin = {rubrics = 3}\n", "plugin.rubrics: Input should be a valid dictionary"),
        ({}, "database_url = \n", "nic.toml: not valid TOML"),
    ],
)
def test_each_bad_value_names_its_setting(
    tmp_path: Path, environ: dict[str, str], toml: str, message: str
) -> None:
    path = tmp_path / "nic.toml"
    path.write_text(toml)
    with pytest.raises(SettingsError) as raised:
        load_settings(environ, path)
    assert str(raised.value).startswith(message) or f"/{message}" in str(raised.value)


def test_two_bad_values_are_both_named_and_no_value_is_quoted(tmp_path: Path) -> None:
    path = tmp_path / "nic.toml"
    path.write_text("debug = 'not-a-bool-secret'\n")
    with pytest.raises(SettingsError) as raised:
        load_settings({"NIC_SECRET_KEY": "tiny-secret"}, path)
    assert "secret_key" not in str(raised.value)  # it came from the environment
    assert "NIC_SECRET_KEY: must be" in str(raised.value) and "debug: expected" in str(raised.value)
    assert "tiny-secret" not in str(raised.value) and "not-a-bool" not in str(raised.value)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("colour = 'blue'\n", "'colour'"),
        ("plugin_env = {}\n", "'plugin_env'"),
        ("[plugins]\nautolaod = false\n", "'plugins.autolaod'"),
        ("[plugins]\nallowed = ['x']\n", "'plugins.allowed'"),
    ],
)
def test_unknown_keys_in_the_file_are_refused_naming_the_key(
    tmp_path: Path, toml: str, key: str
) -> None:
    path = tmp_path / "nic.toml"
    path.write_text(toml)
    with pytest.raises(SettingsError, match=f"nic.toml: unknown setting {key}"):
        load_settings({}, path)


def test_disabled_is_a_deprecated_alias_that_warns_and_still_blocks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "nic.toml"
    path.write_text('[plugins]\ndisabled = ["rubrics"]\n')
    from_env = ({"NIC_PLUGINS_DISABLED": "forums"}, tmp_path / "none.toml", "forums")
    for environ, file, blocked in (from_env, ({}, path, "rubrics")):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="core.settings"):
            settings = load_settings(environ, file)
        assert "NIC_PLUGINS_DISABLED ([plugins] disabled) is deprecated" in caplog.text
        assert "use NIC_PLUGINS_BLOCKED" in caplog.text
        assert settings.plugins_blocked == (blocked,)
        host = PluginHost.from_settings(settings, autoload=False)
        assert blocked not in host.plugin_names()
        row = next(row for row in host.describe()["plugins"] if row["name"] == blocked)
        assert row["state"] == "blocked"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="core.settings"):
        load_settings({"NIC_PLUGINS_BLOCKED": "forums"}, tmp_path / "none.toml")
    assert "deprecated" not in caplog.text


def test_settings_built_by_keyword_read_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "nic.toml").write_text("debug = true\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NIC_SECURE_COOKIES", "1")
    settings = Settings(database_url="postgresql://u@h/db", secret_key=SECRET)
    assert settings.debug is False and settings.secure_cookies is False
    assert settings.database_url == "postgres://u@h/db"  # validated as loaded ones are
    assert SECRET not in repr(settings)
    with pytest.raises(pydantic.ValidationError):
        settings.debug = True  # type: ignore[misc]
    assert settings.model_copy(update={"debug": True}).debug is True
    with pytest.raises(SettingsError, match=r"^colour: unknown setting$"):
        Settings(colour="blue")  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match=r"^database_url: a PostgreSQL URL needs a host"):
        Settings(database_url="postgres://hostonly")


def test_a_bad_setting_stops_nic_at_start_up_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NIC_SETTINGS_FILE", raising=False)
    monkeypatch.setenv("NIC_MAIL_URL", "pigeon://coop")
    assert main(["plugins"]) == 2
    assert "nic: configuration error: NIC_MAIL_URL: expected log:" in capsys.readouterr().err


def test_missing_secret_key_stops_the_app_unless_debug() -> None:
    with pytest.raises(SettingsError, match="NIC_SECRET_KEY is not set"):
        create_app(Settings(database_url="sqlite://:memory:"), autoload=False)
    assert create_app(Settings(database_url="sqlite://:memory:", debug=True), autoload=False)


class Tuned:
    """A plugin with settings, to show they are read and worded as the kernel's are."""

    @hookimpl
    def nic_plugin_config(self) -> type[BaseModel]:
        class Config(BaseModel):
            loud: bool = False
            levels: list[int] = []

        return Config


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"NIC_PLUGIN_TUNED_LOUD": "very-loud"},
            "plugin Tuned: loud: expected true or false (1/0, yes/no, on/off) "
            "(from NIC_PLUGIN_TUNED_LOUD)",
        ),
        (
            {"NIC_PLUGIN_TUNED_LEVELS": "1,2"},
            "plugin Tuned: NIC_PLUGIN_TUNED_LEVELS: expected JSON",
        ),
    ],
)
def test_plugin_settings_come_through_the_same_sources_and_words(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    path = tmp_path / "nic.toml"
    path.write_text("[plugin.Tuned]\nloud = true\nlevels = [1]\n")
    good = load_settings({"NIC_PLUGIN_TUNED_LEVELS": "[2, 3]", "NIC_PLUGIN_TUNED_LOUD": ""}, path)
    config = PluginHost.from_settings(good, [Tuned()], autoload=False).config("Tuned")
    assert config is not None and config.model_dump() == {"loud": True, "levels": [2, 3]}
    with pytest.raises(SettingsError) as raised:
        PluginHost.from_settings(load_settings(environ, path), [Tuned()], autoload=False)
    assert str(raised.value).startswith(message)
    assert "very-loud" not in str(raised.value) and "1,2" not in str(raised.value)


# --- identity providers ([oidc.NAME]) and [auth] passwords --------------------------------

GOOGLE = """
[oidc.google]
issuer = "https://accounts.google.com/"
client_id = "1234-abc.apps.googleusercontent.com"
client_secret_env = "NIC_OIDC_GOOGLE_SECRET"
allowed_email_domains = ["CedarValley.k12.example"]
label = "Sign in with Google"
"""


def test_a_provider_takes_its_secret_from_the_variable_it_names(tmp_path: Path) -> None:
    path = tmp_path / "nic.toml"
    path.write_text("[auth]\npasswords = false\n" + GOOGLE)
    settings = load_settings({"NIC_OIDC_GOOGLE_SECRET": "GOCSPX-not-a-real-one"}, path)
    google = settings.oidc["google"]
    assert google.issuer == "https://accounts.google.com"
    assert google.allowed_email_domains == ("cedarvalley.k12.example",)
    assert google.client_secret is not None
    assert google.client_secret.get_secret_value() == "GOCSPX-not-a-real-one"
    assert "GOCSPX" not in repr(settings) and settings.auth_passwords is False
    assert load_settings({"NIC_AUTH_PASSWORDS": "true", "NIC_OIDC_GOOGLE_SECRET": "x"}, path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("", "oidc.google: client_secret_env: set it to the name of an environment variable"),
        ('issuer = "http://accounts.google.com"', "oidc.google.issuer: expected the provider's"),
        ('allowed_email_domains = ["not a domain"]', "oidc.google.allowed_email_domains: "),
        ("allowed_email_domains = []", "oidc.google.allowed_email_domains: expected a list"),
        ("colour = 1", "oidc.google.colour: unknown setting"),
        ('allowed_email_domains = ["*"]\njoin_community = "x"', "join_community needs"),
    ],
)
def test_each_bad_provider_value_names_its_key(tmp_path: Path, change: str, message: str) -> None:
    lines = [line for line in GOOGLE.splitlines() if line.split(" ")[0] not in change]
    path = tmp_path / "nic.toml"
    path.write_text("\n".join([*lines, change]))
    environ = {"NIC_OIDC_GOOGLE_SECRET": "s"} if change else {}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, path)
    assert message in str(caught.value)


def test_passwords_cannot_be_switched_off_without_a_provider(tmp_path: Path) -> None:
    path = tmp_path / "nic.toml"
    path.write_text("[auth]\npasswords = false\n")
    with pytest.raises(SettingsError, match=re.escape("needs at least one [oidc.NAME] identity")):
        load_settings({}, path)
    path.write_text("[auth]\npasword = false\n")
    with pytest.raises(SettingsError, match=re.escape("unknown setting 'auth.pasword'")):
        load_settings({}, path)
