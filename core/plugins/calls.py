"""Calling hooks: every implementation, awaited, errors isolated, scoped to a community."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable, Mapping
from typing import Any, cast

import pluggy

from core.plugins.records import ESSENTIAL_NAMES, SCOPE_HOOK, HookOutcome, plugin_key
from core.settings import SettingsError

logger = logging.getLogger("nic.plugins")


class HookCalls:
    """How the host calls hooks (a part of :class:`core.plugins.PluginHost`)."""

    pm: pluggy.PluginManager

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

    async def disabled_plugins(self, community_ids: Iterable[int]) -> dict[int, frozenset[str]]:
        """The plugins switched off in each of these communities, as keys (see ``_key``).

        One call of ``nic_disabled_plugins`` (the domain answers in one query, or from what
        it keeps under the community's stamp). Essential plugins are never in the answer; a
        plugin that raises in the hook is logged and its answer left out.
        """
        ids = list(dict.fromkeys(int(cid) for cid in community_ids))
        if not ids:
            return {}
        answers: dict[int, set[str]] = {cid: set() for cid in ids}
        for impl in self._impls(SCOPE_HOOK):
            try:
                value = impl.function(community_ids=ids)
                if inspect.isawaitable(value):
                    value = await value
                for cid, names in dict(cast(Mapping[int, Iterable[str]], value or {})).items():
                    if cid in answers:
                        answers[cid].update(plugin_key(str(name)) for name in names)
            except Exception:
                logger.exception("plugin %s failed in %s", impl.plugin_name, SCOPE_HOOK)
        essential = {plugin_key(name) for name in ESSENTIAL_NAMES}
        return {cid: frozenset(names - essential) for cid, names in answers.items()}

    async def enabled_in(self, plugin: str | object, community_id: int) -> bool:
        """Whether ``plugin`` (its registered name, or the plugin object or module itself)
        is switched on in the community. A plugin object that is not registered counts
        as switched on (nothing of it is called anyway)."""
        name = plugin if isinstance(plugin, str) else self.pm.get_name(plugin)
        if name is None:
            return True
        disabled = await self.disabled_plugins([community_id])
        return plugin_key(name) not in disabled[int(community_id)]

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
                impls = [impl for impl in impls if plugin_key(impl.plugin_name) not in off]
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

    async def call_first(self, hook_name: str, **kwargs: Any) -> Any:
        """Call a ``firstresult`` hook: implementations in order, each awaited, until one
        answers something other than ``None`` (that answer, else ``None``). A plugin that
        raises is logged and left out, as in :meth:`call_outcome`."""
        for impl in self._impls(hook_name):
            try:
                value = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
                if inspect.isawaitable(value):
                    value = await value
            except Exception:
                logger.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                continue
            if value is not None:
                return value
        return None
