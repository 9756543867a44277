"""Agenda items that plugins suggest for a community's joint convening.

The convenings plugin drafts the agenda of a quarterly meeting from what every
plugin returns through the ``nic_agenda_items`` hook, gathered by
:func:`agenda_items`. An item says what to discuss and why, points at the records
it is about, and may suggest how long to give it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from core.nodes import NodeRef

if TYPE_CHECKING:
    from core.plugins import PluginHost

logger = logging.getLogger("nic.plugins")

_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class AgendaItem:
    """One suggested item of a convening's agenda.

    ``kind`` is a slug that groups items on the agenda (``cycle_completed``,
    ``learning_not_at_district``, ``rubric_movement``, or a plugin's own); ``detail``
    is plain text; ``refs`` are the nodes the item is about as ``kind:id``
    (``"cycle:12"``), so decisions taken on it can be recorded as learning links;
    ``links`` are ``(label, url)`` pairs to open during the meeting; ``minutes`` is
    the time the plugin suggests, or ``None``. ``source`` is the plugin's name; the
    host fills it in when a plugin leaves it empty. Lists are kept as tuples.
    """

    title: str
    kind: str
    detail: str = ""
    source: str = ""
    refs: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    minutes: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError("an agenda item needs a title")
        if not isinstance(self.kind, str) or not _KIND.match(self.kind):
            raise ValueError(
                f"agenda item kind must be a slug such as cycle_completed: {self.kind!r}"
            )
        refs = tuple(str(NodeRef.parse(ref)) for ref in self.refs)
        links = tuple((str(label), str(url)) for label, url in self.links)
        if self.minutes is not None and (
            isinstance(self.minutes, bool) or not isinstance(self.minutes, int) or self.minutes < 1
        ):
            raise ValueError(f"suggested minutes must be a positive whole number: {self.minutes!r}")
        object.__setattr__(self, "refs", refs)
        object.__setattr__(self, "links", links)


async def agenda_items(
    plugins: PluginHost, community_id: int, since: date | None, until: date
) -> list[AgendaItem]:
    """Every plugin's suggestions for a convening of ``community_id``.

    Items come in plugin registration order, each plugin's in its own order; a
    plugin that raises, or returns something other than agenda items, is logged and
    left out. ``source`` is set to the plugin's name where the plugin left it empty.
    """
    found: list[AgendaItem] = []
    contributions = await plugins.call_each(
        "nic_agenda_items", community_id=community_id, since=since, until=until
    )
    for plugin_name, items in contributions:
        if not isinstance(items, list | tuple) or not all(
            isinstance(item, AgendaItem) for item in items
        ):
            logger.error("plugin %s returned something other than agenda items", plugin_name)
            continue
        found.extend(item if item.source else replace(item, source=plugin_name) for item in items)
    return found
