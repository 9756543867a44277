"""Learning links: the record that one node (a cycle, an artifact version, ...) informed another."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from communities.changes import community_write
from communities.models import LearningLink
from communities.schemas import LinkCreate
from communities.services.base import Listing, get_row
from core.context import ServiceContext
from core.errors import Conflict, InvalidInput, PermissionDenied
from core.nodes import NodeInfo, NodeKind, NodeRef

LINKS = Listing(
    LearningLink,
    "learning link",
    ("id", "community_id", "source", "target", "kind", "date", "note", "recorded_by_id",
     "created_at"),
    filters={
        "community": "community_id",
        "kind": "kind",
        "source": "source",
        "target": "target",
        "node": lambda node: Q(source=node) | Q(target=node),
        "from": "date__gte",
        "to": "date__lte",
    },
)  # fmt: skip


async def node_kinds(ctx: ServiceContext) -> dict[str, NodeKind]:
    """Every registered node kind, the domain's and the plugins', by name."""
    kinds: dict[str, NodeKind] = {}
    for contribution in await ctx.plugins.call("nic_node_kinds"):
        for kind in contribution:
            kinds[kind.name] = kind
    return kinds


async def resolve_node(ctx: ServiceContext, text: str, field_name: str) -> NodeInfo:
    try:
        ref = NodeRef.parse(text)
    except ValueError as exc:
        raise InvalidInput.field(field_name, str(exc)) from None
    kinds = await node_kinds(ctx)
    kind = kinds.get(ref.kind)
    if kind is None:
        raise InvalidInput.field(
            field_name, f"unknown node kind {ref.kind!r}; known: {', '.join(sorted(kinds))}"
        )
    found = (await kind.resolve([ref.id])).get(ref.id)
    missing = InvalidInput.field(field_name, f"no {kind.label.lower()} {ref.id}")
    if found is None:
        raise missing
    await ctx.require_readable(found.community_id, missing)
    return found


async def _authorize(ctx: ServiceContext, source: NodeInfo, target: NodeInfo) -> None:
    community_id = target.community_id
    if await ctx.allowed("manage", community_id=community_id):
        return
    for node in (source, target):
        if node.team_id is not None and await ctx.allowed(
            "write_team", community_id=community_id, team_id=node.team_id
        ):
            return
    raise PermissionDenied("you may record links only for your own teams' work")


async def record_link(ctx: ServiceContext, data: LinkCreate) -> dict[str, Any]:
    """Record that ``source`` informed ``target``.

    Both nodes must exist in the same community, the target may not be older than
    the source (learning flows forward in time), and the link may not be dated
    before its target.
    """
    source = await resolve_node(ctx, data.source, "source")
    target = await resolve_node(ctx, data.target, "target")
    if data.source.strip() == data.target.strip():
        raise InvalidInput.field("target", "a node cannot inform itself")
    if source.community_id != target.community_id:
        raise InvalidInput.field("target", "source and target are in different communities")
    await _authorize(ctx, source, target)
    if source.date and target.date and target.date < source.date:
        raise InvalidInput.field(
            "target",
            f"is older ({target.date}) than its source ({source.date}); "
            "learning only flows forward in time",
        )
    when = data.date or target.date or date.today()
    if target.date and when < target.date:
        raise InvalidInput.field("date", f"must not be before the target's date ({target.date})")
    try:
        async with community_write(target.community_id):
            link = await LearningLink.create(
                community_id=target.community_id,
                source=str(NodeRef.parse(data.source)),
                target=str(NodeRef.parse(data.target)),
                kind=data.kind,
                date=when,
                note=data.note,
                recorded_by_id=ctx.actor.user_id,
            )
    except IntegrityError:
        raise Conflict(
            "that link is already recorded", {"target": "already linked with this kind"}
        ) from None
    row = await get_row(ctx, LINKS, link.id)
    await ctx.emit("link_recorded", link=row, community_id=target.community_id)
    return row


async def delete_link(ctx: ServiceContext, link_id: int) -> None:
    row = await get_row(ctx, LINKS, link_id)
    kinds = await node_kinds(ctx)
    infos = []
    for text in (row["source"], row["target"]):
        ref = NodeRef.parse(text)
        found = await kinds[ref.kind].resolve([ref.id]) if ref.kind in kinds else {}
        infos.append(found.get(ref.id, NodeInfo(row["community_id"], None, text)))
    await _authorize(ctx, infos[0], infos[1])
    async with community_write(row["community_id"]):
        await LearningLink.filter(id=link_id).delete()


async def forget_nodes(refs: list[str]) -> None:
    """Remove the links to or from nodes that are being deleted (call inside the transaction)."""
    if refs:
        await LearningLink.filter(Q(source__in=refs) | Q(target__in=refs)).delete()
