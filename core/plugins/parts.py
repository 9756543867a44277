"""The hook implementations every plugin writes alike, made from its package's modules.

A plugin's hook module declares its parts in one line each instead of a hook function
that imports a module and returns its table::

    PARTS = PluginParts(__name__)
    nic_models = PARTS.models("forums")  # .models and .migrations of the package
    nic_routes = PARTS.routes()  # ROUTES of .pages
    nic_api_operations = PARTS.operations()  # OPERATIONS of .api
    nic_cli_commands = PARTS.commands()  # COMMANDS of .cli

Each method returns an ordinary ``hookimpl`` function; pluggy finds it under the name it
is assigned to. The module named is imported when the hook is called, not when the
plugin is registered, as a hand-written hook would do it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

from core.hookspecs import hookimpl


class PluginParts:
    """The parts of the plugin whose hook module is ``module`` (its ``__name__``).

    Module names are relative to the package holding that module (``pages`` beside
    ``plugins.forums.plugin`` is ``plugins.forums.pages``); when the hook module is a
    package's ``__init__``, relative to that package.
    """

    def __init__(self, module: str) -> None:
        loaded = sys.modules.get(module)
        if loaded is not None and hasattr(loaded, "__path__"):
            self.package = module
        else:
            self.package = module.rpartition(".")[0] or module

    def module_name(self, name: str) -> str:
        """The full name of the plugin's module ``name``."""
        return f"{self.package}.{name}"

    def _table(self, hook: str, module: str, attribute: str) -> Callable[[], list[Any]]:
        """A hook implementation named ``hook`` returning a copy of ``module.attribute``."""
        full = self.module_name(module)

        def implementation() -> list[Any]:
            return list(getattr(importlib.import_module(full), attribute))

        implementation.__name__ = implementation.__qualname__ = hook
        implementation.__doc__ = f"``{attribute}`` of :mod:`{full}`."
        return hookimpl(implementation)

    def routes(self, module: str = "pages", attribute: str = "ROUTES") -> Callable[[], list[Any]]:
        """``nic_routes``: the Starlette routes in ``module`` (``ROUTES`` of ``.pages``)."""
        return self._table("nic_routes", module, attribute)

    def operations(
        self, module: str = "api", attribute: str = "OPERATIONS"
    ) -> Callable[[], list[Any]]:
        """``nic_api_operations``: the JSON API operations (``OPERATIONS`` of ``.api``)."""
        return self._table("nic_api_operations", module, attribute)

    def commands(self, module: str = "cli", attribute: str = "COMMANDS") -> Callable[[], list[Any]]:
        """``nic_cli_commands``: the ``nic`` commands (``COMMANDS`` of ``.cli``)."""
        return self._table("nic_cli_commands", module, attribute)

    def models(
        self, label: str, models: str = "models", migrations: str = "migrations"
    ) -> Callable[[], dict[str, dict[str, Any]]]:
        """``nic_models``: the plugin's Tortoise app ``label``, its models module and its
        migrations package."""
        app = {"models": [self.module_name(models)], "migrations": self.module_name(migrations)}

        def nic_models() -> dict[str, dict[str, Any]]:
            return {label: {"models": list(app["models"]), "migrations": app["migrations"]}}

        nic_models.__doc__ = f"The Tortoise app ``{label}``."
        return hookimpl(nic_models)
