"""Who is acting, and the narrow handle services use to ask plugins and authorize."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from core.errors import PermissionDenied

if TYPE_CHECKING:
    from core.plugins import PluginHost


@dataclass(frozen=True)
class Actor:
    """A signed-in user (or ``system`` for the CLI run by the operator)."""

    user_id: int | None
    email: str
    is_admin: bool = False

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, email="system", is_admin=True)


@dataclass(frozen=True)
class ServiceContext:
    """Passed to every domain service: the actor and the plugin host.

    Services authorize through :meth:`authorize` (which asks the
    ``nic_permission`` hook) and announce what happened through :meth:`emit`.
    """

    actor: Actor
    plugins: PluginHost
    deferred: list[tuple[str, dict[str, Any]]] | None = field(default=None, compare=False)

    def deferring(self) -> ServiceContext:
        """A context that holds events back until :meth:`flush` (for batch work
        inside one outer transaction, so no plugin hears of uncommitted data)."""
        return replace(self, deferred=[])

    async def flush(self) -> None:
        if not self.deferred:
            return
        pending = list(self.deferred)
        self.deferred.clear()
        for event, kwargs in pending:
            await self.plugins.call(f"nic_{event}", **kwargs)

    async def allowed(self, action: str, **scope: Any) -> bool:
        if self.actor.is_admin:
            return True
        votes = await self.plugins.call(
            "nic_permission", actor=self.actor, action=action, scope=scope
        )
        if any(v is False for v in votes):
            return False
        return any(v is True for v in votes)

    async def authorize(self, action: str, **scope: Any) -> None:
        if not await self.allowed(action, **scope):
            raise PermissionDenied(f"you may not {action.replace('_', ' ')}")

    async def emit(self, event: str, *, community_id: int | None = None, **kwargs: Any) -> None:
        """Call ``nic_<event>`` with ``kwargs``; with ``community_id`` (the community the
        event happened in) plugins switched off there do not hear of it."""
        if community_id is not None:
            kwargs["community_id"] = community_id
        if self.deferred is not None:
            self.deferred.append((event, kwargs))
            return
        await self.plugins.call(f"nic_{event}", **kwargs)
