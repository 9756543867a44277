"""Who is acting, and the narrow handle services use to ask plugins and authorize."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from core.errors import PermissionDenied, ServiceError

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
        """Refuse (403) what the actor may not do. Call it on a record only after
        :meth:`require_readable`: a 403 must not tell who cannot read the community that
        the record exists."""
        if not await self.allowed(action, **scope):
            raise PermissionDenied(f"you may not {action.replace('_', ' ')}")

    async def require_readable(self, community_id: int | None, missing: ServiceError) -> int:
        """The community of a record asked for by id (or slug), if the actor may read it.

        The one place of the rule that keeps other communities' records unknown: a record
        in a community the actor cannot read is answered exactly like one that does not
        exist (``community_id`` None), with the same ``missing`` error (a NotFound for a
        record the request addresses, an InvalidInput for one its body names), so ids
        cannot be probed. What they may then do with a record they can read is :meth:`authorize`'s
        (a 403 there reveals nothing they could not read)."""
        if community_id is None or not await self.allowed("read", community_id=community_id):
            raise missing
        return community_id

    async def emit(self, event: str, *, community_id: int | None = None, **kwargs: Any) -> None:
        """Call ``nic_<event>`` with ``kwargs``; with ``community_id`` (the community the
        event happened in) plugins switched off there do not hear of it."""
        if community_id is not None:
            kwargs["community_id"] = community_id
        if self.deferred is not None:
            self.deferred.append((event, kwargs))
            return
        await self.plugins.call(f"nic_{event}", **kwargs)
