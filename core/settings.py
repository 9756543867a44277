"""Settings from environment variables and an optional ``nic.toml``.

Environment variables win over the file. Every problem is reported as a
:class:`SettingsError` that names the setting, so a bad deployment fails at
start-up with a message an operator can act on.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "sqlite://nic.sqlite3"
SETTINGS_FILE = "nic.toml"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_PLUGIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PLUGIN_ENV_PREFIX = "NIC_PLUGIN_"
"""``NIC_PLUGIN_<NAME>_<FIELD>`` overrides one field of a plugin's config (see
:mod:`core.plugin_config`)."""


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    debug: bool = False
    secure_cookies: bool = False
    mail_url: str = "log:"
    """Where mail goes: ``log:``, ``memory:``, ``smtp://…`` or ``smtps://…`` (``NIC_MAIL_URL``)."""
    mail_from: str = "NIC Platform <nic@localhost>"
    """The From address of mail the site sends (``NIC_MAIL_FROM``)."""
    plugins_enabled: tuple[str, ...] = ()
    """Outside plugins loaded even with autoload off (``NIC_PLUGINS_ENABLED``): an allowlist."""
    plugins_disabled: tuple[str, ...] = ()
    plugins_blocked: tuple[str, ...] = ()
    """Plugins never loaded: outside ones and non-essential built-ins (``NIC_PLUGINS_BLOCKED``)."""
    plugins_autoload: bool = True
    """Load outside plugins from the ``nic`` entry-point group (``NIC_PLUGINS_AUTOLOAD``)."""
    plugin_config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    """``[plugin.<name>]`` tables of nic.toml, validated by the plugin host."""
    plugin_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """``NIC_PLUGIN_*`` environment variables, read when settings were loaded."""

    @property
    def database_kind(self) -> str:
        """``sqlite`` or ``postgres``."""
        scheme = urlsplit(self.database_url).scheme
        return "postgres" if scheme in {"postgres", "postgresql", "asyncpg"} else "sqlite"

    def database_label(self) -> str:
        """The database URL without its user and password, for messages."""
        parts = urlsplit(self.database_url)
        if parts.scheme == "sqlite" or parts.hostname is None:
            return self.database_url
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))

    def require_secret_key(self) -> str:
        """The secret key, or a clear error when a non-debug site has none."""
        if self.secret_key:
            return self.secret_key
        if self.debug:
            return "debug-only-insecure-secret-key"
        raise SettingsError(
            "NIC_SECRET_KEY is not set: set the environment variable or `secret_key` in "
            "nic.toml (`nic init` writes one), or run with NIC_DEBUG=1 for local development"
        )


def _parse_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"{name}: expected true or false, got {value!r}")


def _parse_list(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, list | tuple):
        items = [str(part).strip() for part in value]
    else:
        raise SettingsError(f"{name}: expected a list of plugin names, got {value!r}")
    names = tuple(item for item in items if item)
    for item in names:
        if not _PLUGIN_NAME.match(item):
            raise SettingsError(
                f"{name}: {item!r} is not a plugin name (letters, digits, '_', '-' and '.')"
            )
    return names


def _check_database_url(name: str, url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return url
    if scheme in {"postgres", "postgresql", "asyncpg"}:
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            raise SettingsError(f"{name}: a PostgreSQL URL needs a host and a database name")
        return "postgres" + url[len(scheme) :]
    raise SettingsError(
        f"{name}: unsupported database URL {url!r}; use sqlite://PATH or postgres://USER@HOST/DB"
    )


MAIL_SCHEMES = ("log", "memory", "smtp", "smtps")


def check_mail_url(name: str, url: str) -> str:
    """Raise :class:`SettingsError` naming the setting unless ``url`` is a mail URL."""
    parts = urlsplit(url)
    if parts.scheme not in MAIL_SCHEMES:
        raise SettingsError(
            f"{name}: expected log:, memory:, smtp://host:port or smtps://host:port"
        )
    if parts.scheme in ("smtp", "smtps") and not parts.hostname:
        raise SettingsError(f"{name}: an SMTP URL needs a host, e.g. smtp://mail.example.org:587")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from exc
    return url


def load_settings(
    environ: Mapping[str, str] | None = None, path: str | Path | None = None
) -> Settings:
    """Read settings from ``nic.toml`` (if present) and ``NIC_*`` environment variables."""
    env = os.environ if environ is None else environ
    file_path = Path(path or env.get("NIC_SETTINGS_FILE") or SETTINGS_FILE)
    data: dict[str, Any] = {}
    if file_path.exists():
        try:
            data = tomllib.loads(file_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{file_path}: not valid TOML ({exc})") from exc
    known = {
        "database_url", "secret_key", "debug", "secure_cookies", "mail_url", "mail_from",
        "plugins", "plugin",
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"{file_path}: unknown setting {unknown[0]!r}")

    database_url = env.get("NIC_DATABASE_URL") or data.get("database_url") or DEFAULT_DATABASE_URL
    if not isinstance(database_url, str):
        raise SettingsError("database_url: expected a string")
    database_url = _check_database_url(
        "NIC_DATABASE_URL" if env.get("NIC_DATABASE_URL") else "database_url", database_url
    )

    secret_key = env.get("NIC_SECRET_KEY") or data.get("secret_key") or None
    if secret_key is not None and (not isinstance(secret_key, str) or len(secret_key) < 16):
        raise SettingsError("NIC_SECRET_KEY: must be a string of at least 16 characters")

    debug = _parse_bool("NIC_DEBUG", env.get("NIC_DEBUG", data.get("debug", False)))

    secure_cookies = _parse_bool(
        "NIC_SECURE_COOKIES", env.get("NIC_SECURE_COOKIES", data.get("secure_cookies", False))
    )

    mail_url = check_mail_url(
        "NIC_MAIL_URL" if env.get("NIC_MAIL_URL") else "mail_url",
        str(env.get("NIC_MAIL_URL") or data.get("mail_url") or "log:"),
    )
    mail_from = str(env.get("NIC_MAIL_FROM") or data.get("mail_from") or Settings.mail_from)
    if "\n" in mail_from or "@" not in mail_from:
        raise SettingsError("NIC_MAIL_FROM: expected an address such as NIC <nic@example.org>")

    plugins = data.get("plugins", {})
    if not isinstance(plugins, dict):
        raise SettingsError("plugins: expected a table with `enabled` and `disabled` lists")
    unknown = sorted(set(plugins) - {"enabled", "disabled", "blocked", "autoload"})
    if unknown:
        raise SettingsError(f"{file_path}: unknown setting 'plugins.{unknown[0]}'")
    enabled = _parse_list(
        "NIC_PLUGINS_ENABLED", env.get("NIC_PLUGINS_ENABLED", plugins.get("enabled", ()))
    )
    disabled = _parse_list(
        "NIC_PLUGINS_DISABLED", env.get("NIC_PLUGINS_DISABLED", plugins.get("disabled", ()))
    )
    blocked = _parse_list(
        "NIC_PLUGINS_BLOCKED", env.get("NIC_PLUGINS_BLOCKED", plugins.get("blocked", ()))
    )
    autoload = _parse_bool(
        "NIC_PLUGINS_AUTOLOAD", env.get("NIC_PLUGINS_AUTOLOAD") or plugins.get("autoload", True)
    )
    plugin_config = data.get("plugin", {})
    if not isinstance(plugin_config, dict) or not all(
        isinstance(v, dict) for v in plugin_config.values()
    ):
        raise SettingsError("plugin: expected one table per plugin, e.g. [plugin.rubrics]")

    return Settings(
        database_url=database_url,
        secret_key=secret_key,
        debug=debug,
        secure_cookies=secure_cookies,
        mail_url=mail_url,
        mail_from=mail_from,
        plugins_enabled=enabled,
        plugins_disabled=disabled,
        plugins_blocked=blocked,
        plugins_autoload=autoload,
        plugin_config=plugin_config,
        plugin_env={k: v for k, v in env.items() if k.startswith(PLUGIN_ENV_PREFIX)},
    )
