"""The plugin manager an app owns, and the one helper that calls hooks.

Built-in plugins are listed in :data:`BUILTIN_PLUGINS` by module name and are
registered exactly as outside plugins are; outside plugins are found through
the ``nic`` entry-point group, loaded one by one so that one that fails to
import is reported (:attr:`PluginHost.failures`) and the others still load.

Settings that shape loading (see ``docs/plugins.md``): ``NIC_PLUGINS_AUTOLOAD=0``
loads no outside plugin; ``NIC_PLUGINS_BLOCKED=a,b`` (and ``NIC_PLUGINS_DISABLED``)
keep named plugins, outside or built-in, from loading, except the essential ones.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from pydantic import BaseModel

from core import hookspecs
from core.plugin_config import shown, validate_config
from core.settings import Settings, SettingsError

logger = logging.getLogger("nic.plugins")

PROJECT = "nic"
ENTRY_POINT_GROUP = "nic"
BUILTIN_PLUGINS: tuple[str, ...] = ("communities.plugin",)
ESSENTIAL_PLUGINS: frozenset[str] = frozenset({"communities.plugin"})
BUILT_IN = "built-in"
STATIC_URL = "/static/plugins"
_MOUNT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class PluginFailure:
    """An outside plugin that could not be loaded, and why."""

    name: str
    error: str
    version: str | None = None


@dataclass(frozen=True)
class SkippedPlugin:
    """A plugin the settings kept from loading: ``blocked``, ``disabled`` or ``autoload off``."""

    name: str
    state: str
    version: str | None = None


@dataclass(frozen=True)
class PluginSource:
    """Where a registered plugin came from: its version and the folder of its module."""

    name: str
    version: str | None
    folder: Path | None


def _key(name: str) -> str:
    """Plugin names compare without regard to case, ``-`` or ``_``."""
    return name.lower().replace("-", "_")


def _package_folder(plugin: object) -> Path | None:
    """The folder of the plugin's module, if that module belongs to a package.

    A plugin object counts as living in the module of its class. A top-level
    single-file module has no folder of its own (its neighbour would be
    ``site-packages`` itself), so it gets no convention folders.
    """
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    file = getattr(module, "__file__", None)
    in_package = bool(getattr(module, "__package__", None)) or hasattr(module, "__path__")
    return Path(file).resolve().parent if file and in_package else None


def _same(one: str, other: str) -> bool:
    return Path(one).resolve() == Path(other).resolve()


def _version(entry_point: metadata.EntryPoint) -> str | None:
    dist = entry_point.dist
    return dist.version if dist is not None else None


class PluginHost:
    """Owns a pluggy manager; calls hooks with errors isolated per plugin."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.failures: list[PluginFailure] = []
        """Outside plugins that failed to import or register (listed by ``nic plugins``)."""
        self.skipped: list[SkippedPlugin] = []
        self.sources: dict[str, PluginSource] = {}
        self._configs: dict[str, BaseModel] = {}

    @classmethod
    def from_settings(
        cls, settings: Settings, extra: Iterable[object] = (), *, autoload: bool = True
    ) -> PluginHost:
        """Register built-ins, then outside plugins (entry points), then ``extra`` ones.

        Raises :class:`SettingsError` when a plugin's config is invalid or an essential
        plugin is blocked; a plugin that fails to import is only reported.
        """
        pm = pluggy.PluginManager(PROJECT)
        pm.add_hookspecs(hookspecs)
        host = cls(pm)
        blocked = {_key(name) for name in settings.plugins_blocked}
        disabled = {_key(name) for name in settings.plugins_disabled}
        for module_name in BUILTIN_PLUGINS:
            short = module_name.split(".")[0]
            if module_name in ESSENTIAL_PLUGINS:
                if _key(short) in blocked:
                    raise SettingsError(
                        f"NIC_PLUGINS_BLOCKED: {short!r} is essential and cannot be blocked"
                    )
                if _key(short) in disabled:
                    logger.warning("plugin %s is essential and stays enabled", short)
            elif _key(short) in blocked | disabled:
                state = "blocked" if _key(short) in blocked else "disabled"
                host.skipped.append(SkippedPlugin(short, state, BUILT_IN))
                continue
            host._register(importlib.import_module(module_name), short, BUILT_IN, isolate=False)
        host._load_entry_points(blocked, disabled, autoload and settings.plugins_autoload)
        for plugin in extra:
            name = getattr(plugin, "__name__", None) or type(plugin).__name__
            if pm.has_plugin(name) or pm.is_blocked(name):
                name = None  # pluggy names it after its id
            host._register(plugin, name, None, isolate=False)
        pm.check_pending()
        host._validate_configs(settings)
        return host

    # --- loading ------------------------------------------------------------------

    def _load_entry_points(self, blocked: set[str], disabled: set[str], autoload: bool) -> None:
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            name, version = entry_point.name, _version(entry_point)
            if not autoload:
                self.skipped.append(SkippedPlugin(name, "autoload off", version))
                continue
            if _key(name) in blocked | disabled:
                state = "blocked" if _key(name) in blocked else "disabled"
                self.pm.set_blocked(name)
                self.skipped.append(SkippedPlugin(name, state, version))
                continue
            if self.pm.has_plugin(name) or self.pm.is_blocked(name):
                self._fail(name, version, "another plugin of this name is already loaded")
                continue
            try:
                plugin = entry_point.load()
            except Exception as exc:
                self._fail(name, version, f"failed to import: {type(exc).__name__}: {exc}", exc)
                continue
            self._register(plugin, name, version, isolate=True)

    def _register(
        self, plugin: object, name: str | None, version: str | None, *, isolate: bool
    ) -> None:
        """Register one plugin; with ``isolate`` a bad one is reported instead of raising."""
        try:
            registered = self.pm.register(plugin, name=name)
        except Exception as exc:  # a hook whose arguments do not match its spec, a clash
            if not isolate:
                raise
            self._fail(name or "?", version, f"failed to register: {exc}", exc)
            return
        assert registered is not None
        unknown = sorted(
            caller.name
            for caller in self.pm.get_hookcallers(plugin) or []
            if not caller.has_spec()
            and any(
                impl.plugin is plugin and not impl.optionalhook for impl in caller.get_hookimpls()
            )
        )
        if unknown and isolate:
            self.pm.unregister(plugin)
            self._fail(registered, version, f"implements unknown hooks: {', '.join(unknown)}")
            return
        self.sources[registered] = PluginSource(registered, version, _package_folder(plugin))

    def _fail(
        self, name: str, version: str | None, error: str, exc: BaseException | None = None
    ) -> None:
        logger.error("plugin %s is not loaded: %s", name, error, exc_info=exc)
        self.failures.append(PluginFailure(name, error, version))

    def _validate_configs(self, settings: Settings) -> None:
        tables = {_key(name): table for name, table in settings.plugin_config.items()}
        for name, impl in self._each_impl("nic_plugin_config"):
            try:
                model = impl.function()
            except Exception as exc:
                raise SettingsError(f"plugin {name}: nic_plugin_config failed: {exc}") from exc
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise SettingsError(
                    f"plugin {name}: nic_plugin_config must return a pydantic model class, "
                    f"not {model!r}"
                )
            values = tables.pop(_key(name), {})
            self._configs[name] = validate_config(name, model, values, settings.plugin_env)
        loaded = {_key(name) for name in self.plugin_names()}
        for key in tables:
            if key in loaded:
                logger.warning("plugin %s declares no settings; [plugin.%s] is not used", key, key)
            else:
                logger.warning("[plugin.%s] is set but no plugin of that name is loaded", key)

    # --- what plugins contribute ----------------------------------------------------

    def plugin_names(self) -> list[str]:
        return sorted(name for name, _ in self.pm.list_name_plugin() if name)

    def config(self, plugin_name: str) -> BaseModel | None:
        """The validated settings of a plugin, or ``None`` if it declares none.

        Raises ``KeyError`` when no plugin of that name is loaded.
        """
        if not self.pm.has_plugin(plugin_name):
            raise KeyError(f"no plugin named {plugin_name!r} is loaded")
        return self._configs.get(plugin_name)

    def convention_dir(self, plugin_name: str, kind: str) -> str | None:
        """The plugin's own ``templates`` or ``static`` folder next to its module, if any."""
        source = self.sources.get(plugin_name)
        if source is None or source.folder is None:
            return None
        folder = source.folder / kind
        return str(folder) if folder.is_dir() else None

    def _plugins_in_order(self) -> list[str]:
        return [name for name in self.sources if self.pm.has_plugin(name)]

    def template_dirs(self) -> list[str]:
        """Template folders of every plugin, in registration order (hook's, then its own)."""
        contributed: dict[str, list[str]] = {}
        for name, value in self.collect_each("nic_template_dirs"):
            contributed.setdefault(name, []).extend(
                value if isinstance(value, list | tuple) else [value]
            )
        dirs: list[str] = []
        for name in self._plugins_in_order():
            dirs.extend(self._plugin_template_dirs(name, contributed.get(name, [])))
        return list(dict.fromkeys(dirs))

    def _plugin_template_dirs(self, name: str, contributed: list[str]) -> list[str]:
        """A plugin's template folders: the hook's, then its own (once, if the hook named it)."""
        dirs = [str(path) for path in contributed]
        own = self.convention_dir(name, "templates")
        if own and not any(_same(own, folder) for folder in dirs):
            dirs.append(own)
        return dirs

    def static_dirs(self) -> dict[str, str]:
        """Static folders by mount name, served at ``/static/plugins/<mount name>/``.

        Raises :class:`SettingsError` when two plugins claim one name, a name is not a
        plain path segment, or a folder does not exist.
        """
        claims: list[tuple[str, str, str]] = []
        for name in self._plugins_in_order():
            own = self.convention_dir(name, "static")
            if own:
                claims.append((name, name, own))
        for name, value in self.collect_each("nic_static_dirs"):
            claims.extend((name, mount, str(folder)) for mount, folder in dict(value).items())
        mounts: dict[str, str] = {}
        owners: dict[str, str] = {}
        for plugin, mount, folder in claims:
            if not _MOUNT_NAME.match(mount):
                raise SettingsError(f"plugin {plugin}: static mount name {mount!r} is not valid")
            if mount in mounts and owners[mount] == plugin and _same(mounts[mount], folder):
                continue  # the hook names the plugin's own static folder too
            if mount in mounts:
                raise SettingsError(
                    f"plugins {owners[mount]} and {plugin} both serve static files as {mount!r}"
                )
            if not Path(folder).is_dir():
                raise SettingsError(f"plugin {plugin}: static folder {folder} does not exist")
            mounts[mount], owners[mount] = folder, plugin
        return mounts

    # --- calling hooks ------------------------------------------------------------

    def _impls(self, hook_name: str) -> list[pluggy.HookImpl]:
        """Implementations in registration order (built-ins, outside plugins, extra ones),
        those marked ``tryfirst`` before and ``trylast`` after the others."""
        impls = getattr(self.pm.hook, hook_name).get_hookimpls()
        # pluggy lists plain ones in registration order (its own calls run them in reverse).
        return (
            [impl for impl in impls if impl.tryfirst]
            + [impl for impl in impls if not impl.tryfirst and not impl.trylast]
            + [impl for impl in impls if impl.trylast]
        )

    def _each_impl(self, hook_name: str) -> list[tuple[str, pluggy.HookImpl]]:
        return [(impl.plugin_name, impl) for impl in self._impls(hook_name)]

    def collect_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a build-time hook synchronously: ``(plugin name, result)`` for each non-None."""
        results: list[tuple[str, Any]] = []
        for impl in self._impls(hook_name):
            value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
            if value is not None:
                results.append((impl.plugin_name, value))
        return results

    def collect(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a build-time hook synchronously; results that are lists are flattened."""
        results: list[Any] = []
        for _, value in self.collect_each(hook_name, **kwargs):
            if isinstance(value, list | tuple):
                results.extend(value)
            else:
                results.append(value)
        return results

    async def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Like :meth:`call`, with the name of the plugin that gave each result."""
        results: list[tuple[str, Any]] = []
        for impl in self._impls(hook_name):
            try:
                value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
                if inspect.isawaitable(value):
                    value = await value
            except Exception:
                logger.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                continue
            if value is not None:
                results.append((impl.plugin_name, value))
        return results

    async def call(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call a hook, awaiting awaitable results; a plugin that raises is logged and skipped."""
        return [value for _, value in await self.call_each(hook_name, **kwargs)]

    # --- listing --------------------------------------------------------------------

    def describe(self) -> dict[str, list[dict[str, Any]]]:
        """What ``nic plugins --json`` and the admin page show; secrets redacted.

        ``plugins``: one row per plugin, loaded or kept from loading by the settings
        (``state`` is ``enabled``, ``disabled``, ``blocked`` or ``autoload off``);
        ``failures``: outside plugins that failed to load, with the error.
        """
        templates: dict[str, list[str]] = {}
        for name, value in self.collect_each("nic_template_dirs"):
            templates.setdefault(name, []).extend(
                str(p) for p in (value if isinstance(value, list | tuple) else [value])
            )
        static: dict[str, dict[str, str]] = {}
        for name, value in self.collect_each("nic_static_dirs"):
            static.setdefault(name, {}).update({k: str(v) for k, v in dict(value).items()})
        models: dict[str, list[str]] = {}
        for name, value in self.collect_each("nic_models"):
            models.setdefault(name, []).extend(value)
        rows: list[dict[str, Any]] = []
        for name in self._plugins_in_order():
            plugin = self.pm.get_plugin(name)
            own_static = self.convention_dir(name, "static")
            rows.append(
                {
                    "name": name,
                    "version": self.sources[name].version,
                    "state": "enabled",
                    "module": getattr(plugin, "__name__", None) or type(plugin).__module__,
                    "hooks": sorted(c.name for c in self.pm.get_hookcallers(plugin) or []),
                    "templates": self._plugin_template_dirs(name, templates.get(name, [])),
                    "static": {
                        **({name: own_static} if own_static else {}),
                        **static.get(name, {}),
                    },
                    "models": models.get(name, []),
                    "config": shown(self._configs.get(name)),
                }
            )
        for skipped in self.skipped:
            rows.append(
                {
                    "name": skipped.name,
                    "version": skipped.version,
                    "state": skipped.state,
                    "module": None,
                    "hooks": [],
                    "templates": [],
                    "static": {},
                    "models": [],
                    "config": None,
                }
            )
        failures = [{"name": f.name, "version": f.version, "error": f.error} for f in self.failures]
        rows.sort(key=lambda row: (row["state"] != "enabled", row["name"]))
        return {"plugins": rows, "failures": failures}
