"""The hook the convenings plugin declares: ``nic_agenda_items``.

The convenings plugin drafts a convening's agenda and asks every other plugin for
suggestions through this hook; it hands this module to the plugin host through the
kernel's ``nic_hookspecs`` hook. Plugins implement it with
``@hookimpl(optionalhook=True)``, so they still load on a site that blocks the
convenings plugin (the hook is then never called). The items are
:class:`AgendaItem` values of ``plugins.api``, the type every plugin shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plugins.api import hookspec

if TYPE_CHECKING:
    from datetime import date

    from plugins.api import AgendaItem


@hookspec
def nic_agenda_items(  # type: ignore[empty-body]
    community_id: int, since: date | None, until: date
) -> list[AgendaItem]:
    """Items this plugin suggests for the agenda of a joint convening of a community.

    ``since`` is the date of the previous convening (``None`` for the first) and
    ``until`` the date of this one; suggest what happened between them, e.g. cycles
    finished, learning that has not reached the district team, rubric movement. Return
    :class:`AgendaItem` values; the convenings plugin gathers every plugin's with
    :func:`plugins.convenings.agenda.agenda_items`.
    """
