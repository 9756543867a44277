"""Plugin settings: validated against the plugin's model, secrets from the environment.

A plugin declares its settings as a pydantic model through ``nic_plugin_config``.
The site's values come from the ``[plugin.<name>]`` table of ``nic.toml``; an
environment variable ``NIC_PLUGIN_<NAME>_<FIELD>`` (name and field upper-cased,
every other character than a letter or digit made ``_``) overrides one field, which
is where secrets belong. Whenever config is shown (``nic plugins``, the admin
page), secret fields are replaced by :data:`REDACTED`.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Secret, SecretBytes, SecretStr, ValidationError
from pydantic.fields import FieldInfo

from core.settings import PLUGIN_ENV_PREFIX, SettingsError

REDACTED = "********"
SECRET_WORDS = ("password", "passwd", "secret", "token", "key")
_CONTAINERS = (list, tuple, set, frozenset, dict)


def env_name(plugin: str, field: str) -> str:
    """The environment variable that overrides ``field`` of ``plugin``'s config."""
    return f"{PLUGIN_ENV_PREFIX}{_upper(plugin)}_{_upper(field)}"


def _upper(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", text).upper()


def _types_in(annotation: Any) -> list[Any]:
    found = [annotation]
    for arg in typing.get_args(annotation):
        found.extend(_types_in(arg))
    return found


def is_secret(name: str, field: FieldInfo | None = None) -> bool:
    """A field typed ``SecretStr``/``SecretBytes``, or whose name says it holds a secret."""
    if any(word in name.lower() for word in SECRET_WORDS):
        return True
    if field is None:
        return False
    for kind in _types_in(field.annotation):
        origin = typing.get_origin(kind) or kind
        if isinstance(origin, type) and issubclass(origin, SecretStr | SecretBytes | Secret):
            return True
    return False


def _wants_json(field: FieldInfo) -> bool:
    for kind in _types_in(field.annotation):
        origin = typing.get_origin(kind) or kind
        if isinstance(origin, type) and (
            issubclass(origin, _CONTAINERS) or issubclass(origin, BaseModel)
        ):
            return True
    return False


def validate_config(
    plugin: str,
    model: type[BaseModel],
    values: Mapping[str, Any],
    environ: Mapping[str, str],
) -> BaseModel:
    """The plugin's validated settings; a :class:`SettingsError` names plugin and field.

    Values in the environment override the file. Text from the environment is parsed
    by the model (numbers, booleans); fields that hold lists, tables or models take
    JSON. Input values are never quoted in errors: they may be secrets.
    """
    data = dict(values)
    fields = model.model_fields
    accepted = {name for name in fields} | {f.alias for f in fields.values() if f.alias}
    if model.model_config.get("extra") != "allow":
        for key in data:
            if key not in accepted:
                raise SettingsError(f"plugin {plugin}: {key}: unknown setting ([plugin.{plugin}])")
    origin: dict[str, str] = {}
    for name, field in fields.items():
        key = field.alias or name
        variable = env_name(plugin, name)
        if variable not in environ:
            continue
        text = environ[variable]
        try:
            data[key] = json.loads(text) if _wants_json(field) else text
        except json.JSONDecodeError as exc:
            raise SettingsError(f"plugin {plugin}: {name}: {variable} is not JSON ({exc})") from exc
        origin[key] = variable
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            location = ".".join(str(part) for part in error["loc"]) or "(all)"
            where = origin.get(str(error["loc"][0])) if error["loc"] else None
            source = where or f"[plugin.{plugin}]"
            problems.append(f"{location}: {error['msg']} (from {source})")
        raise SettingsError(f"plugin {plugin}: " + "; ".join(problems)) from None


def shown(config: BaseModel | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Config as JSON-ready values with every secret replaced by :data:`REDACTED`."""
    if config is None:
        return None
    if isinstance(config, BaseModel):
        dumped: dict[str, Any] = config.model_dump(mode="json")
        fields = type(config).model_fields
        for name in list(dumped):
            value = getattr(config, name, None)
            if value is not None and is_secret(name, fields.get(name)):
                dumped[name] = REDACTED
            elif isinstance(value, BaseModel | Mapping):
                dumped[name] = shown(value)
        return dumped
    result: dict[str, Any] = {}
    for name, value in config.items():
        if value is not None and is_secret(str(name)):
            result[str(name)] = REDACTED
        elif isinstance(value, BaseModel | Mapping):
            result[str(name)] = shown(value)
        else:
            result[str(name)] = value
    return result
