"""The plugin manager an app owns, and the one helper that calls hooks.

Built-in plugins are listed in :data:`BUILTIN_PLUGINS` by module name and are
registered exactly as outside plugins are; outside plugins are found through
the ``nic`` entry-point group, loaded one by one so that one that fails to
import is reported (:attr:`PluginHost.failures`) and the others still load.

Settings that shape loading (see ``docs/plugins.md``): ``NIC_PLUGINS_AUTOLOAD=0``
loads no outside plugin; ``NIC_PLUGINS_BLOCKED=a,b`` keeps named plugins, outside or
built-in, from loading, except the essential ones (``NIC_PLUGINS_DISABLED``, deprecated,
is read as ``NIC_PLUGINS_BLOCKED`` by :mod:`core.settings`).

Per-community scoping: :meth:`PluginHost.call` and its siblings take a
``community_id`` keyword; given one, plugins switched off in that community are
not called. The host asks the ``nic_disabled_plugins`` hook which plugins those
are (the domain answers from its settings), at most once per community within
:meth:`PluginHost.scopes_remembered` (the web app wraps every request in it).
Essential plugins are never left out.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pluggy
from pydantic import BaseModel

from core import hookspecs
from core.plugin_config import shown, validate_config
from core.request_memory import request_memo, request_memory
from core.settings import Settings, SettingsError

logger = logging.getLogger("nic.plugins")

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
_MOUNT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


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


def _summary(entry_point: metadata.EntryPoint) -> str:
    dist = entry_point.dist
    return str((dist.metadata.get_all("Summary") or [""])[0]) if dist is not None else ""


def _docstring_line(plugin: object) -> str:
    """The first line of the plugin module's (or object's) docstring."""
    doc = inspect.getdoc(plugin)
    return doc.strip().splitlines()[0] if doc and doc.strip() else ""


class PluginHost:
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
        blocked = {_key(name) for name in settings.plugins_blocked}
        for module_name in BUILTIN_PLUGINS:
            short = builtin_name(module_name)
            if _key(short) in blocked:
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
            {_key(name) for name in settings.plugins_enabled} if autoload else set(),
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
            name, version = entry_point.name, _version(entry_point)
            if not autoload and _key(name) not in enabled:
                self.skipped.append(SkippedPlugin(name, "autoload off", version))
                continue
            if _key(name) in blocked:
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
            self._register(plugin, name, version, isolate=True, description=_summary(entry_point))

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
            registered, version, _package_folder(plugin), description or _docstring_line(plugin)
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

    def plugin_named(self, name: str) -> str | None:
        """The registered name of the loaded plugin called ``name`` (compared without regard
        to case, ``-`` or ``_``), or ``None``."""
        wanted = _key(name)
        return next((known for known in self.plugin_names() if _key(known) == wanted), None)

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
        return PluginSource(name, None, None, _docstring_line(self.pm.get_plugin(name)))

    @staticmethod
    def is_essential(name: str) -> bool:
        """Whether ``name`` is an essential plugin (never blocked or switched off)."""
        return _key(name) in {_key(essential) for essential in ESSENTIAL_NAMES}

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

    # --- implementations -----------------------------------------------------------

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

    def collect_each(
        self, hook_name: str, *, skip_failing: bool = False, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Call a build-time hook synchronously: ``(plugin name, result)`` for each non-None.

        A plugin that raises stops start-up with a :class:`SettingsError` naming it and the
        hook (what it would have added, routes or models, cannot be left out quietly);
        with ``skip_failing`` it is logged and left out instead.
        """
        results: list[tuple[str, Any]] = []
        for impl in self._impls(hook_name):
            try:
                value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
            except Exception as exc:
                if not skip_failing:
                    message = f"plugin {impl.plugin_name}: {hook_name} failed: {exc}"
                    raise SettingsError(message) from exc
                logger.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                continue
            if value is not None:
                results.append((impl.plugin_name, value))
        return results

    def collect(self, hook_name: str, *, skip_failing: bool = False, **kwargs: Any) -> list[Any]:
        """Call a build-time hook synchronously; results that are lists are flattened."""
        results: list[Any] = []
        for _, value in self.collect_each(hook_name, skip_failing=skip_failing, **kwargs):
            if isinstance(value, list | tuple):
                results.extend(value)
            else:
                results.append(value)
        return results

    # --- scoping to a community ------------------------------------------------------

    @contextmanager
    def scopes_remembered(self) -> Iterator[None]:
        """Within this block, ask which plugins a community switched off once per community.

        It is a :func:`core.request_memory.request_memory` block, which the web app opens
        around every request: a page that calls several hooks for one community (panels,
        navigation) reads the switches once. Nested blocks share the outer block's memory.
        Outside any block every scoped call asks again.
        """
        with request_memory():
            yield

    async def disabled_plugins(self, community_ids: Iterable[int]) -> dict[int, frozenset[str]]:
        """The plugins switched off in each of these communities, as keys (see ``_key``).

        One call of ``nic_disabled_plugins`` for the communities not remembered yet (the
        domain answers in one query). Essential plugins are never in the answer; a plugin
        that raises in the hook is logged and its answer left out.
        """
        ids = list(dict.fromkeys(int(cid) for cid in community_ids))
        memo = request_memo()
        host = id(self)
        found = {
            cid: memo[("plugin_scopes", host, cid)]
            for cid in ids
            if memo and ("plugin_scopes", host, cid) in memo
        }
        missing = [cid for cid in ids if cid not in found]
        if missing:
            answers: dict[int, set[str]] = {cid: set() for cid in missing}
            for impl in self._impls(SCOPE_HOOK):
                try:
                    value = impl.function(community_ids=missing)
                    if inspect.isawaitable(value):
                        value = await value
                    for cid, names in dict(cast(Mapping[int, Iterable[str]], value or {})).items():
                        if cid in answers:
                            answers[cid].update(_key(str(name)) for name in names)
                except Exception:
                    logger.exception("plugin %s failed in %s", impl.plugin_name, SCOPE_HOOK)
            essential = {_key(name) for name in ESSENTIAL_NAMES}
            for cid, names in answers.items():
                found[cid] = frozenset(names - essential)
                if memo is not None:
                    memo[("plugin_scopes", host, cid)] = found[cid]
        return found

    async def enabled_in(self, plugin: str | object, community_id: int) -> bool:
        """Whether ``plugin`` (its registered name, or the plugin object or module itself)
        is switched on in the community. A plugin object that is not registered counts
        as switched on (nothing of it is called anyway)."""
        name = plugin if isinstance(plugin, str) else self.pm.get_name(plugin)
        if name is None:
            return True
        disabled = await self.disabled_plugins([community_id])
        return _key(name) not in disabled[int(community_id)]

    # --- calling hooks ----------------------------------------------------------------

    async def call_outcome(
        self, hook_name: str, *, community_id: int | None = None, **kwargs: Any
    ) -> HookOutcome:
        """Call a hook, awaiting awaitable results; a plugin that raises is logged, left out
        and named in :attr:`HookOutcome.failed`.

        With ``community_id``, plugins switched off in that community are not called. The
        id only scopes the call: it is passed on to the implementations only when the hook
        itself has a ``community_id`` parameter (``nic_agenda_items``).
        """
        impls = self._impls(hook_name)
        if community_id is not None:
            spec = getattr(self.pm.hook, hook_name).spec
            if spec is not None and "community_id" in spec.argnames:
                kwargs["community_id"] = community_id
            off = (await self.disabled_plugins([community_id]))[int(community_id)]
            if off:
                impls = [impl for impl in impls if _key(impl.plugin_name) not in off]
        outcome = HookOutcome()
        for impl in impls:
            try:
                value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
                if inspect.isawaitable(value):
                    value = await value
            except Exception:
                logger.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                outcome.failed.append(impl.plugin_name)
                continue
            if value is not None:
                outcome.results.append((impl.plugin_name, value))
        return outcome

    async def call_each(
        self, hook_name: str, *, community_id: int | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Like :meth:`call`, with the name of the plugin that gave each result."""
        outcome = await self.call_outcome(hook_name, community_id=community_id, **kwargs)
        return outcome.results

    async def call(
        self, hook_name: str, *, community_id: int | None = None, **kwargs: Any
    ) -> list[Any]:
        """Call a hook, awaiting awaitable results; a plugin that raises is logged and skipped.

        ``community_id`` leaves out the plugins switched off in that community (see
        :meth:`call_outcome`).
        """
        outcome = await self.call_outcome(hook_name, community_id=community_id, **kwargs)
        return [value for _, value in outcome.results]

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
