"""What the plugin host knows about plugins: names, sources, failures, hook outcomes."""

from __future__ import annotations

import inspect
import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

PROJECT = "nic"
ENTRY_POINT_GROUP = "nic"
BUILTIN_PLUGINS: tuple[str, ...] = (
    "communities.plugin",
    "plugins.rubrics.plugin",
    "plugins.forums.plugin",
    "plugins.convenings.plugin",
)
ESSENTIAL_PLUGINS: frozenset[str] = frozenset({"communities.plugin"})


def builtin_name(module_name: str) -> str:
    """The name a built-in plugin is registered under: ``communities`` for the domain,
    ``rubrics`` for ``plugins.rubrics.plugin``."""
    parts = module_name.split(".")
    return parts[1] if parts[0] == "plugins" and len(parts) > 1 else parts[0]


ESSENTIAL_NAMES: frozenset[str] = frozenset(builtin_name(module) for module in ESSENTIAL_PLUGINS)
"""The names essential plugins are registered under: never blocked, never switched off."""
SCOPE_HOOK = "nic_disabled_plugins"
BUILT_IN = "built-in"
STATIC_URL = "/static/plugins"
MOUNT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class PluginFailure:
    """An outside plugin that could not be loaded, and why."""

    name: str
    error: str
    version: str | None = None


@dataclass(frozen=True)
class SkippedPlugin:
    """A plugin the settings kept from loading: ``blocked`` or ``autoload off``."""

    name: str
    state: str
    version: str | None = None


@dataclass(frozen=True)
class PluginSource:
    """Where a registered plugin came from: its version and the folder of its module."""

    name: str
    version: str | None
    folder: Path | None
    description: str = ""
    """The distribution's summary, or the first line of the plugin module's docstring."""


@dataclass
class HookOutcome:
    """What a hook call gave: ``(plugin name, result)`` for each non-None result, and
    the names of the plugins that raised (logged, and left out of ``results``)."""

    results: list[tuple[str, Any]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def plugin_key(name: str) -> str:
    """Plugin names compare without regard to case, ``-`` or ``_``."""
    return name.lower().replace("-", "_")


def package_folder(plugin: object) -> Path | None:
    """The folder of the plugin's module, if that module belongs to a package.

    A plugin object counts as living in the module of its class. A top-level
    single-file module has no folder of its own (its neighbour would be
    ``site-packages`` itself), so it gets no convention folders.
    """
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    file = getattr(module, "__file__", None)
    in_package = bool(getattr(module, "__package__", None)) or hasattr(module, "__path__")
    return Path(file).resolve().parent if file and in_package else None


def same_path(one: str, other: str) -> bool:
    return Path(one).resolve() == Path(other).resolve()


def dist_version(entry_point: metadata.EntryPoint) -> str | None:
    dist = entry_point.dist
    return dist.version if dist is not None else None


def dist_summary(entry_point: metadata.EntryPoint) -> str:
    dist = entry_point.dist
    return str((dist.metadata.get_all("Summary") or [""])[0]) if dist is not None else ""


def docstring_line(plugin: object) -> str:
    """The first line of the plugin module's (or object's) docstring."""
    doc = inspect.getdoc(plugin)
    return doc.strip().splitlines()[0] if doc and doc.strip() else ""
