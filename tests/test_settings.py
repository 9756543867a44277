"""Settings come from the environment and nic.toml; bad ones name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.app import create_app
from core.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings


def test_defaults_without_file_or_environment(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "missing.toml")
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_kind == "sqlite"
    assert settings.debug is False and settings.secret_key is None


def test_environment_wins_over_file(tmp_path: Path) -> None:
    path = tmp_path / "nic.toml"
    path.write_text(
        'database_url = "sqlite://file.sqlite3"\nsecret_key = "from-the-file-0123456789"\n'
        'debug = true\n[plugins]\ndisabled = ["forums"]\n[plugin.rubrics]\nscale = 4\n'
    )
    settings = load_settings(
        {"NIC_DATABASE_URL": "postgresql://u@db.example/nic", "NIC_DEBUG": "no"}, path
    )
    assert settings.database_url == "postgres://u@db.example/nic"
    assert settings.database_kind == "postgres"
    assert settings.secret_key == "from-the-file-0123456789"
    assert settings.debug is False
    assert settings.plugins_disabled == ("forums",)
    assert settings.plugin_config == {"rubrics": {"scale": 4}}


@pytest.mark.parametrize(
    ("environ", "toml", "names"),
    [
        ({"NIC_DATABASE_URL": "mysql://x/y"}, "", "NIC_DATABASE_URL"),
        ({"NIC_DATABASE_URL": "postgres://hostonly"}, "", "NIC_DATABASE_URL"),
        ({"NIC_DEBUG": "maybe"}, "", "NIC_DEBUG"),
        ({"NIC_SECRET_KEY": "short"}, "", "NIC_SECRET_KEY"),
        ({}, "debug = [1]\n", "NIC_DEBUG"),
        ({}, "colour = 'blue'\n", "unknown setting 'colour'"),
        ({}, "database_url = \n", "not valid TOML"),
        ({}, "plugins = 3\n", "plugins"),
        ({}, "plugin = {rubrics = 3}\n", "plugin"),
    ],
)
def test_invalid_settings_name_the_setting(
    tmp_path: Path, environ: dict[str, str], toml: str, names: str
) -> None:
    path = tmp_path / "nic.toml"
    path.write_text(toml)
    with pytest.raises(SettingsError, match=names):
        load_settings(environ, path)


def test_missing_secret_key_stops_the_app_unless_debug() -> None:
    with pytest.raises(SettingsError, match="NIC_SECRET_KEY is not set"):
        create_app(Settings(database_url="sqlite://:memory:"), autoload=False)
    assert create_app(Settings(database_url="sqlite://:memory:", debug=True), autoload=False)
