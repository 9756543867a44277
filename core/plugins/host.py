"""The plugin host an app owns: loading and registering plugins, and their settings."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterable
from importlib import metadata
from types import ModuleType
from typing import Any, cast

import pluggy
from pydantic import BaseModel

from core import hookspecs
from core.plugin_config import validate_config
from core.plugins.listing import PluginListing
from core.plugins.records import (
    BUILT_IN,
    BUILTIN_PLUGINS,
    ENTRY_POINT_GROUP,
    ESSENTIAL_NAMES,
    ESSENTIAL_PLUGINS,
    PROJECT,
    PluginFailure,
    PluginSource,
    SkippedPlugin,
    builtin_name,
    dist_summary,
    dist_version,
    docstring_line,
    package_folder,
    plugin_key,
)
from core.settings import Settings, SettingsError

logger = logging.getLogger("nic.plugins")


class PluginHost(PluginListing):
    """Owns a pluggy manager; calls hooks with errors isolated per plugin."""

    def __init__(self, pm: pluggy.PluginManager, settings: Settings | None = None) -> None:
        self.pm = pm
        self.settings = settings or Settings()
        """The site's settings (what the mail sender and other kernel services read)."""
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
        host = cls(pm, settings)
        blocked = {plugin_key(name) for name in settings.plugins_blocked}
        for module_name in BUILTIN_PLUGINS:
            short = builtin_name(module_name)
            if plugin_key(short) in blocked:
                if module_name in ESSENTIAL_PLUGINS:
                    raise SettingsError(
                        f"NIC_PLUGINS_BLOCKED: {short!r} is essential and cannot be blocked"
                    )
                host.skipped.append(SkippedPlugin(short, "blocked", BUILT_IN))
                continue
            host._register(importlib.import_module(module_name), short, BUILT_IN, isolate=False)
        host._load_entry_points(
            blocked,
            autoload and settings.plugins_autoload,
            {plugin_key(name) for name in settings.plugins_enabled} if autoload else set(),
        )
        for plugin in extra:
            name = getattr(plugin, "__name__", None) or type(plugin).__name__
            if pm.has_plugin(name) or pm.is_blocked(name):
                name = None  # pluggy names it after its id
            host._register(plugin, name, None, isolate=False)
        pm.check_pending()
        host._validate_configs(settings)
        return host

    # --- loading ------------------------------------------------------------------

    def _load_entry_points(self, blocked: set[str], autoload: bool, enabled: set[str]) -> None:
        """Load the outside plugins: all of them with ``autoload``, else only those the site
        ``enabled`` by name; blocked ones never."""
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            name, version = entry_point.name, dist_version(entry_point)
            if not autoload and plugin_key(name) not in enabled:
                self.skipped.append(SkippedPlugin(name, "autoload off", version))
                continue
            if plugin_key(name) in blocked:
                self.pm.set_blocked(name)
                self.skipped.append(SkippedPlugin(name, "blocked", version))
                continue
            if self.pm.has_plugin(name) or self.pm.is_blocked(name):
                self._fail(name, version, "another plugin of this name is already loaded")
                continue
            try:
                plugin = entry_point.load()
            except Exception as exc:
                self._fail(name, version, f"failed to import: {type(exc).__name__}: {exc}", exc)
                continue
            self._register(
                plugin, name, version, isolate=True, description=dist_summary(entry_point)
            )

    def _register(
        self,
        plugin: object,
        name: str | None,
        version: str | None,
        *,
        isolate: bool,
        description: str = "",
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
        try:
            self._add_declared_specs(plugin)
        except Exception as exc:  # not a module or class of specs, a spec clashing with a hook
            self.pm.unregister(plugin)
            error = f"nic_hookspecs failed: {exc}"
            if not isolate:
                raise SettingsError(f"plugin {registered}: {error}") from exc
            self._fail(registered, version, error, exc)
            return
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
        wrappers = sorted(
            caller.name
            for caller in self.pm.get_hookcallers(plugin) or []
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper)
        )
        if wrappers:
            # The host calls each implementation itself (to await it, to isolate its errors
            # and to leave out plugins a community switched off), so a wrapper would never
            # wrap anything: refuse it rather than hand its generator back as a result.
            self.pm.unregister(plugin)
            error = (
                f"hook wrappers are not supported (wrapper=True or hookwrapper=True on "
                f"{', '.join(wrappers)}): implement the hook plainly"
            )
            if not isolate:
                raise SettingsError(f"plugin {registered}: {error}")
            self._fail(registered, version, error)
            return
        self.sources[registered] = PluginSource(
            registered, version, package_folder(plugin), description or docstring_line(plugin)
        )

    def _add_declared_specs(self, plugin: object) -> None:
        """Add the hook specifications ``plugin`` declares through ``nic_hookspecs``, so the
        plugins registered after it are checked against them (and ``check_pending`` too)."""
        for impl in self.pm.hook.nic_hookspecs.get_hookimpls():
            if impl.plugin is plugin:
                for specs in cast(Iterable[Any], impl.function() or ()):
                    self.pm.add_hookspecs(specs)

    def _fail(
        self, name: str, version: str | None, error: str, exc: BaseException | None = None
    ) -> None:
        logger.error("plugin %s is not loaded: %s", name, error, exc_info=exc)
        self.failures.append(PluginFailure(name, error, version))

    def _validate_configs(self, settings: Settings) -> None:
        tables = {plugin_key(name): table for name, table in settings.plugin_config.items()}
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
            values = tables.pop(plugin_key(name), {})
            self._configs[name] = validate_config(name, model, values, settings.plugin_env)
        loaded = {plugin_key(name) for name in self.plugin_names()}
        for key in tables:
            if key in loaded:
                logger.warning("plugin %s declares no settings; [plugin.%s] is not used", key, key)
            else:
                logger.warning("[plugin.%s] is set but no plugin of that name is loaded", key)

    # --- what plugins contribute ----------------------------------------------------

    def plugin_names(self) -> list[str]:
        return sorted(name for name, _ in self.pm.list_name_plugin() if name)

    def plugin_named(self, name: str) -> str | None:
        """The registered name of the loaded plugin called ``name`` (compared without regard
        to case, ``-`` or ``_``), or ``None``."""
        wanted = plugin_key(name)
        return next((known for known in self.plugin_names() if plugin_key(known) == wanted), None)

    def name_of_module(self, module_name: str) -> str | None:
        """The registered name of the plugin a module belongs to, or ``None``.

        ``module_name`` is any module of the plugin (a plugin passes its ``__name__``):
        the plugin's own module, or one in the package that holds it
        (``plugins.rubrics.pages`` belongs to ``rubrics``, registered as
        ``plugins.rubrics.plugin``). The deepest package wins.
        """
        best: tuple[int, str] | None = None
        for name, plugin in self.pm.list_name_plugin():
            module = (
                plugin
                if isinstance(plugin, ModuleType)
                else sys.modules.get(type(plugin).__module__)
            )
            if module is None or not name:
                continue
            own = module.__name__
            package = module.__package__ or ""
            if own == module_name:
                return name
            inside = module_name == package or module_name.startswith(package + ".")
            if package and inside and (best is None or len(package) > best[0]):
                best = (len(package), name)
        return best[1] if best else None

    def source_of(self, name: str) -> PluginSource:
        """Version, folder and description of a loaded plugin (a plugin registered with
        ``pm.register`` directly has no version and no convention folders)."""
        source = self.sources.get(name)
        if source is not None:
            return source
        return PluginSource(name, None, None, docstring_line(self.pm.get_plugin(name)))

    @staticmethod
    def is_essential(name: str) -> bool:
        """Whether ``name`` is an essential plugin (never blocked or switched off)."""
        return plugin_key(name) in {plugin_key(essential) for essential in ESSENTIAL_NAMES}

    def config(self, plugin_name: str) -> BaseModel | None:
        """The validated settings of a plugin, or ``None`` if it declares none.

        Raises ``KeyError`` when no plugin of that name is loaded.
        """
        if not self.pm.has_plugin(plugin_name):
            raise KeyError(f"no plugin named {plugin_name!r} is loaded")
        return self._configs.get(plugin_name)
