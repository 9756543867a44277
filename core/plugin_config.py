"""Plugin settings: validated against the plugin's model, secrets from the environment.

A plugin declares its settings as a pydantic model through ``nic_plugin_config``.
The site's values come from the ``[plugin.<name>]`` table of ``nic.toml``; an
environment variable ``NIC_PLUGIN_<NAME>_<FIELD>`` (the name upper-cased, every other
character than a letter or digit made ``_``; the field's alias if it has one) overrides
one field, which is where secrets belong. File and environment are read by the same
pydantic-settings sources as the kernel's settings (:mod:`core.settings`), and problems
are worded the same way. Whenever config is shown (``nic plugins``, the admin
page), secret fields are replaced by :data:`REDACTED`.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Secret, SecretBytes, SecretStr, ValidationError
from pydantic.fields import FieldInfo

from core.settings import PLUGIN_ENV_PREFIX, EnvironSource, SettingsError, problem

REDACTED = "********"
SECRET_WORDS = ("password", "passwd", "secret", "token", "key")


def env_prefix(plugin: str) -> str:
    """``NIC_PLUGIN_<NAME>_``: what the variables overriding ``plugin``'s config start with."""
    return PLUGIN_ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", plugin).upper() + "_"


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


def validate_config(
    plugin: str,
    model: type[BaseModel],
    values: Mapping[str, Any],
    environ: Mapping[str, str],
) -> BaseModel:
    """The plugin's validated settings; a :class:`SettingsError` names plugin and field.

    Values in the environment override the file; they are read by the kernel's own
    :class:`~core.settings.EnvironSource` with the prefix ``NIC_PLUGIN_<NAME>_``: text
    is parsed by the model (numbers, booleans), fields that hold lists, tables or models
    take JSON, an empty variable counts as unset. Problems are worded as the kernel's
    settings' (:func:`~core.settings.problem`); input values are never quoted.
    """
    data = dict(values)
    fields = model.model_fields
    accepted = {name for name in fields} | {f.alias for f in fields.values() if f.alias}
    if model.model_config.get("extra") != "allow":
        for key in data:
            if key not in accepted:
                raise SettingsError(f"plugin {plugin}: {key}: unknown setting ([plugin.{plugin}])")
    environment = EnvironSource(model, environ, env_prefix(plugin))
    try:
        from_env = environment()
    except SettingsError as exc:
        raise SettingsError(f"plugin {plugin}: {exc}") from None
    data.update(from_env)

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            location = ".".join(str(part) for part in error["loc"]) or "(all)"
            key = str(error["loc"][0]) if error["loc"] else ""
            source = environment.variable(key) if key in from_env else f"[plugin.{plugin}]"
            problems.append(f"{location}: {problem(error)} (from {source})")
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
