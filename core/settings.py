"""Settings: one pydantic-settings model, read from ``NIC_*`` variables and ``nic.toml``.

:class:`Settings` takes exactly the values it is given (tests and ``core.testing``
build it by keyword); :func:`load_settings` reads the file named by
``NIC_SETTINGS_FILE`` (default ``nic.toml``) and the environment, which wins over
the file. Plugin settings use the same sources and error style
(:mod:`core.plugin_config`). Every problem is a :class:`SettingsError` naming the
variable or the ``nic.toml`` key, so a bad deployment fails at start-up with a
message an operator can act on; input values are never quoted (they may be secrets).
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as SourceError

logger = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite://nic.sqlite3"
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
"""Where ``nic serve`` listens by default; links in mail sent from the command line use it
when ``base_url`` is not set."""
SETTINGS_FILE = "nic.toml"
ENV_PREFIX = "NIC_"
PLUGIN_ENV_PREFIX = "NIC_PLUGIN_"
"""``NIC_PLUGIN_<NAME>_<FIELD>`` overrides one field of a plugin's config (see
:mod:`core.plugin_config`)."""
MAIL_SCHEMES = ("log", "memory", "smtp", "smtps")
_PLUGIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_POSTGRES_SCHEMES = {"postgres", "postgresql", "asyncpg"}
_PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_DOMAIN = re.compile(r"^(\*|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)$")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it."""


# --- value types: each check raises ValueError with what is expected ----------------------


def _split_names(value: Any) -> Any:
    """``a, b`` from the environment is a list; a TOML list or a tuple passes through."""
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list | tuple):
        return tuple(str(part).strip() for part in value if str(part).strip())
    raise ValueError("expected a list of plugin names")


def _check_names(names: tuple[str, ...]) -> tuple[str, ...]:
    for name in names:
        if not _PLUGIN_NAME.match(name):
            raise ValueError(f"{name!r} is not a plugin name (letters, digits, '_', '-' and '.')")
    return names


PluginNames = Annotated[
    tuple[str, ...], NoDecode, BeforeValidator(_split_names), AfterValidator(_check_names)
]
"""Plugin names: a TOML list, or comma-separated in an environment variable."""


def _database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url
    if parts.scheme in _POSTGRES_SCHEMES:
        if not parts.hostname or not parts.path.strip("/"):
            raise ValueError("a PostgreSQL URL needs a host and a database name")
        return "postgres" + url[len(parts.scheme) :]
    raise ValueError("unsupported database URL; use sqlite://PATH or postgres://USER@HOST/DB")


def _mail_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in MAIL_SCHEMES:
        raise ValueError("expected log:, memory:, smtp://host:port or smtps://host:port")
    if parts.scheme in ("smtp", "smtps") and not parts.hostname:
        raise ValueError("an SMTP URL needs a host, e.g. smtp://mail.example.org:587")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    return url


def _mail_from(address: str) -> str:
    if "\n" in address or "@" not in address:
        raise ValueError("expected an address such as NIC <nic@example.org>")
    return address


def _base_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ValueError("expected the site's public address, e.g. https://nic.example.org/")
    return url.rstrip("/") + "/"


def _secret_key(key: str | None) -> str | None:
    if key and len(key) < 16:
        raise ValueError("must be a string of at least 16 characters")
    return key or None


def _issuer(url: str) -> str:
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS
    if not (parts.scheme == "https" or local) or not parts.hostname or parts.query:
        raise ValueError(
            "expected the provider's https:// issuer URL, e.g. https://accounts.google.com"
        )
    return url.rstrip("/")


def _domains(value: Any) -> Any:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not value:
        raise ValueError('expected a list of email domains, e.g. ["district.example.org"]')
    domains = tuple(str(part).strip().lower().lstrip("@") for part in value)
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise ValueError(f"{domain!r} is not an email domain (or * for any)")
    return domains


class OidcProvider(BaseModel):
    """One identity provider of ``[oidc.NAME]`` in nic.toml (OpenID Connect).

    The client secret comes from the environment variable named by ``client_secret_env``
    (read by :func:`load_settings`); ``client_secret`` in the file works too, but keeps a
    secret in a file. ``allowed_email_domains`` lists the domains whose verified emails
    may sign in (``*``: any); ``join_community`` lets an unknown email of those domains
    join that community as an observer.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: Annotated[str, AfterValidator(_issuer)]
    client_id: Annotated[str, Field(min_length=1, max_length=500)]
    client_secret: SecretStr | None = Field(None, repr=False)
    client_secret_env: str | None = None
    allowed_email_domains: Annotated[tuple[str, ...], BeforeValidator(_domains)]
    label: Annotated[str, Field(max_length=80)] = ""
    join_community: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    email_verified_claim: Annotated[str, Field(min_length=1, max_length=80)] = "email_verified"
    """The ID token claim that must be true (Microsoft Entra ID: ``xms_edov``)."""
    scopes: tuple[str, ...] = ("openid", "email", "profile")

    @model_validator(mode="after")
    def _checked(self) -> OidcProvider:
        if self.client_secret is None or not self.client_secret.get_secret_value():
            variable = self.client_secret_env or "NIC_OIDC_<NAME>_SECRET"
            raise ValueError(
                f"client_secret_env: set it to the name of an environment variable holding "
                f"the client secret, and set that variable ({variable} is unset or empty)"
            )
        if self.join_community and "*" in self.allowed_email_domains:
            raise ValueError("join_community needs allowed_email_domains without *")
        if "openid" not in self.scopes:
            raise ValueError("scopes: must include openid")
        return self


def _providers(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise ValueError("expected tables [oidc.NAME]")
    for name in value:
        if not _PROVIDER_NAME.match(str(name)):
            raise ValueError(f"{name!r} is not a provider name (a-z, 0-9, - and _)")
    return value


class Settings(BaseSettings):
    """The site's settings. Built by keyword it reads nothing else (see :func:`load_settings`);
    a bad value raises :class:`SettingsError` naming the field."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_prefix=ENV_PREFIX)

    database_url: Annotated[str, AfterValidator(_database_url)] = DEFAULT_DATABASE_URL
    secret_key: Annotated[str | None, AfterValidator(_secret_key)] = Field(None, repr=False)
    debug: bool = False
    secure_cookies: bool = False
    mail_url: Annotated[str, AfterValidator(_mail_url)] = "log:"
    """Where mail goes: ``log:``, ``memory:``, ``smtp://…`` or ``smtps://…`` (``NIC_MAIL_URL``)."""
    mail_from: Annotated[str, AfterValidator(_mail_from)] = "NIC Platform <nic@localhost>"
    """The From address of mail the site sends (``NIC_MAIL_FROM``)."""
    base_url: Annotated[str | None, AfterValidator(_base_url)] = None
    """The site's public address, for links in mail (``NIC_BASE_URL``, e.g.
    ``https://nic.example.org/``). Unset, a page uses the address it was asked at, and the
    command line the address ``nic serve`` listens on by default."""
    worker: Literal["embedded", "external", "inline"] = "embedded"
    """Who does background work (``NIC_WORKER``): ``embedded``, a ``nic worker`` process
    that ``nic serve`` starts and stops; ``external``, ``nic worker`` processes run
    elsewhere (many web machines, one queue); ``inline``, the asking process itself, for
    tests and scripts only (a served request would wait for the work)."""
    plugins_enabled: PluginNames = ()
    """Outside plugins loaded even with autoload off (``NIC_PLUGINS_ENABLED``): an allowlist."""
    plugins_disabled: PluginNames = ()
    """Deprecated alias of ``plugins_blocked`` (``NIC_PLUGINS_DISABLED``): its names are
    added to ``plugins_blocked``, with a warning. Declared before it, so its validator sees it."""
    plugins_blocked: PluginNames = ()
    """Plugins never loaded: outside ones and non-essential built-ins (``NIC_PLUGINS_BLOCKED``)."""
    auth_passwords: bool = True
    """Site passwords sign people in (``[auth] passwords``, ``NIC_AUTH_PASSWORDS``); with
    ``false`` only the identity providers of ``[oidc.NAME]`` do."""
    oidc: Annotated[Mapping[str, OidcProvider], BeforeValidator(_providers)] = Field(
        default_factory=dict, repr=False
    )
    """Identity providers (OpenID Connect), by name: the ``[oidc.NAME]`` tables of nic.toml."""
    plugins_autoload: bool = True
    """Load outside plugins from the ``nic`` entry-point group (``NIC_PLUGINS_AUTOLOAD``)."""
    plugin_config: Mapping[str, Mapping[str, Any]] = Field(default_factory=dict, repr=False)
    """``[plugin.<name>]`` tables of nic.toml, validated by the plugin host."""
    plugin_env: Mapping[str, str] = Field(default_factory=dict, repr=False)
    """``NIC_PLUGIN_*`` environment variables, read when settings were loaded."""

    if not TYPE_CHECKING:  # the pydantic mypy plugin keeps checking keyword arguments

        def __init__(self, **values: Any) -> None:
            """Validate ``values``; a problem is a :class:`SettingsError` naming the field."""
            try:
                super().__init__(**values)
            except ValidationError as exc:
                raise settings_error(exc, _dotted) from exc

    @field_validator("plugins_blocked")
    @classmethod
    def _disabled_means_blocked(cls, blocked: tuple[str, ...], info: ValidationInfo) -> Any:
        disabled = info.data.get("plugins_disabled", ())
        if not disabled:
            return blocked
        logger.warning(
            "NIC_PLUGINS_DISABLED ([plugins] disabled) is deprecated and will be removed in the "
            "next release: use NIC_PLUGINS_BLOCKED ([plugins] blocked), which means the same"
        )
        return tuple(dict.fromkeys((*blocked, *disabled)))

    @field_validator("oidc")
    @classmethod
    def _someone_can_sign_in(cls, providers: Any, info: ValidationInfo) -> Any:
        if not providers and info.data.get("auth_passwords") is False:
            raise ValueError(
                "[auth] passwords = false needs at least one [oidc.NAME] identity provider, "
                "or nobody could sign in"
            )
        return providers

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Settings(...) is exactly its arguments: tests and core.testing build it so, and must
        # not pick up the NIC_* variables of the shell they run in. load_settings reads those.
        return (init_settings,)

    @property
    def database_kind(self) -> str:
        """``sqlite`` or ``postgres``."""
        return "postgres" if urlsplit(self.database_url).scheme in _POSTGRES_SCHEMES else "sqlite"

    def database_label(self) -> str:
        """The database URL without its user and password, for messages."""
        parts = urlsplit(self.database_url)
        if parts.scheme == "sqlite" or parts.hostname is None:
            return self.database_url
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))

    def absolute_url(self, path: str, served: str | None = None) -> str:
        """``path`` (``/invitations/…``) on the site's public address: ``base_url``, else
        ``served`` (the address a request came to), else ``http://127.0.0.1:8000/``."""
        base = self.base_url or served or DEFAULT_BASE_URL
        return base.rstrip("/") + "/" + path.lstrip("/")

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


# --- sources: the same two for the kernel and for plugins ---------------------------------


class EnvironSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping, not only ``os.environ``.

    Names are ``prefix`` + field name (or alias), compared without regard to case. A field
    holding a list, a table or a model takes JSON, except plugin-name lists (comma-separated).
    An empty variable counts as unset, except for a plugin-name list, where it means none.
    """

    def __init__(
        self,
        model: type[Any],
        environ: Mapping[str, str],
        prefix: str,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        self._environ = environ
        self._skip = skip
        super().__init__(model, env_prefix=prefix, env_prefix_target="all", case_sensitive=False)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items()}

    def variable(self, key: str) -> str:
        """The environment variable that sets the field (or alias) ``key``."""
        return (self.env_prefix + key).upper()

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in self._skip:
            return None, field_name, False
        value, key, is_complex = super().get_field_value(field, field_name)
        if value == "" and NoDecode not in field.metadata:
            return None, key, is_complex
        return value, key, is_complex

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        try:
            return super().decode_complex_value(field_name, field, value)
        except ValueError as exc:
            variable = self.variable(field.alias or field_name)
            raise SettingsError(f"{variable}: expected JSON ({exc})") from None

    def __call__(self) -> dict[str, Any]:
        try:
            return super().__call__()
        except SourceError as exc:  # it wraps our SettingsError from decode_complex_value
            cause = exc.__cause__
            raise (cause if isinstance(cause, SettingsError) else SettingsError(str(exc))) from None


_TABLES = ("plugins", "auth")
"""nic.toml tables whose keys are settings of their own (``[auth] passwords``)."""


def toml_key(field: str) -> str:
    """Where a field lives in nic.toml: ``plugins_blocked`` is ``plugins.blocked``, the
    ``[plugin.<name>]`` tables are ``plugin_config``; the others are top-level keys."""
    if field == "plugin_config":
        return "plugin"
    for table in _TABLES:
        if field.startswith(table + "_"):
            return f"{table}." + field.removeprefix(table + "_")
    return field


_FROM_FILE = {toml_key(name): name for name in Settings.model_fields if name != "plugin_env"}


class NicTomlSource(TomlConfigSettingsSource):
    """pydantic-settings' TOML source, with nic.toml's layout mapped onto the fields; a
    key that is no setting, and a file that is not TOML, are refused naming the file."""

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        try:
            data = super()._read_file(file_path)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{file_path}: not valid TOML ({exc})") from None
        flat = dict(data)
        for table in _TABLES:
            values = flat.pop(table, {})
            if not isinstance(values, dict):
                raise SettingsError(f"{table}: expected a table, e.g. [{table}] ...")
            flat.update({f"{table}.{key}": value for key, value in values.items()})
        for key in flat:
            if key not in _FROM_FILE:
                raise SettingsError(f"{file_path}: unknown setting {key!r}")
        return {_FROM_FILE[key]: value for key, value in flat.items()}


# --- errors: one style for the kernel and for plugins -------------------------------------


def problem(error: ErrorDetails) -> str:
    """What is wrong, in words an operator can act on, without the value."""
    if error["type"] in ("bool_parsing", "bool_type"):
        return "expected true or false (1/0, yes/no, on/off)"
    if error["type"] == "extra_forbidden":
        return "unknown setting"
    return error["msg"].removeprefix("Value error, ")


def _dotted(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def settings_error(
    exc: ValidationError, name_of: Callable[[tuple[int | str, ...]], str], prefix: str = ""
) -> SettingsError:
    """A :class:`SettingsError` listing each problem after ``name_of(its location)``."""
    problems = [
        f"{name_of(error['loc'])}: {problem(error)}"
        for error in exc.errors(include_input=False, include_url=False)
    ]
    return SettingsError(prefix + "; ".join(problems))


def _with_secrets(providers: Any, env: Mapping[str, str]) -> Any:
    """Each ``[oidc.NAME]`` table with its ``client_secret`` read from ``client_secret_env``."""
    if not isinstance(providers, Mapping):
        return providers
    found = {}
    for name, table in providers.items():
        if isinstance(table, Mapping) and isinstance(table.get("client_secret_env"), str):
            secret = env.get(table["client_secret_env"], "")
            table = {**table, "client_secret": secret} if secret else dict(table)
        found[name] = table
    return found


def load_settings(
    environ: Mapping[str, str] | None = None, path: str | Path | None = None
) -> Settings:
    """Read settings from ``nic.toml`` (if present) and ``NIC_*`` environment variables."""
    env = os.environ if environ is None else environ
    file_path = Path(path or env.get("NIC_SETTINGS_FILE") or SETTINGS_FILE)
    from_file = NicTomlSource(Settings, file_path)()
    environment = EnvironSource(
        Settings, env, ENV_PREFIX, skip=frozenset({"plugin_config", "plugin_env", "oidc"})
    )
    from_env = environment()
    names = {field: toml_key(field) for field in from_file}
    names.update({field: environment.variable(field) for field in from_env})

    def name_of(loc: tuple[int | str, ...]) -> str:
        head = str(loc[0]) if loc else ""
        return ".".join([names.get(head, head), *(str(part) for part in loc[1:])])

    plugin_env = {k: v for k, v in env.items() if k.upper().startswith(PLUGIN_ENV_PREFIX)}
    if "oidc" in from_file:
        from_file["oidc"] = _with_secrets(from_file["oidc"], env)
    try:
        return Settings(**{**from_file, **from_env, "plugin_env": plugin_env})
    except SettingsError as exc:  # named after the fields: say where each value came from
        if isinstance(exc.__cause__, ValidationError):
            raise settings_error(exc.__cause__, name_of) from None
        raise
