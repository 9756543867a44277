"""In-app notifications of the forums: replies to followed threads, and mentions.

Sent after the write committed, only to accounts that see the board (a team-only
thread never notifies someone outside the team, even when they are mentioned or once
followed it and left the team since).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plugins.api import notify
from plugins.forums.access import users_who_see

SOURCE = "forums"


async def _send(
    user_ids: Iterable[int], board: dict[str, Any], text: str, url: str, kind: str
) -> int:
    wanted = await users_who_see(
        user_ids, board["community_id"], board["visibility"], board["team_id"]
    )
    if not wanted:
        return 0
    return await notify(
        wanted, text, url, source=SOURCE, kind=kind, community_id=board["community_id"]
    )


async def mentioned(
    user_ids: Iterable[int], board: dict[str, Any], author: str, title: str, url: str
) -> int:
    return await _send(user_ids, board, f"{author} mentioned you in “{title}”", url, "mention")


async def replied(
    user_ids: Iterable[int], board: dict[str, Any], author: str, title: str, url: str
) -> int:
    return await _send(user_ids, board, f"{author} replied to “{title}”", url, "reply")
