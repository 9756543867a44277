"""The agenda item: what plugins suggest for a community's joint convening.

The convenings plugin declares the ``nic_agenda_items`` hook and drafts the agenda of
a quarterly meeting from what every plugin returns through it. The item is a domain
type (it points at the community's records as ``kind:id``) because several plugins
share it and plugins import nothing of each other: they reach it as
``plugins.api.AgendaItem``. An item says what to discuss and why, points at the
records it is about, and may suggest how long to give it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.nodes import NodeRef

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
