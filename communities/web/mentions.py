"""Mentions in a cycle's text: ``@[Their Name](person:7)`` (what the form's suggestions
insert, stored as typed) and ``@person-7`` become links to the person's page.

The forums store mentions the same way (``plugins/forums/markup.py`` reads them inside
Markdown); a cycle's text is plain, so here the rest of the text is only escaped. Only
people of the cycle's own community are linked, under their own name, whatever the
brackets say; a mention of anyone else stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from communities.models import Person

MENTION = re.compile(
    r"@\[(?P<label>[^\[\]\n]{1,200})\]\(person:(?P<id>[1-9][0-9]{0,8})\)"
    r"|(?<![\w@])@person-(?P<plain>[1-9][0-9]{0,8})\b"
)


def mentioned(texts: Iterable[str]) -> set[int]:
    """The person ids the texts mention."""
    return {
        int(match.group("id") or match.group("plain"))
        for text in texts
        for match in MENTION.finditer(text or "")
    }


def linked(text: str, people: dict[int, str], slug: str) -> Markup:
    """``text`` escaped, its mentions of ``people`` (id to name) made links."""
    out: list[str] = []
    last = 0
    for match in MENTION.finditer(text):
        person_id = int(match.group("id") or match.group("plain"))
        if person_id not in people:
            continue
        out.append(escape(text[last : match.start()]))
        url = f"/communities/{slug}/people/{person_id}"
        out.append(Markup('<a class="mention" href="{}">@{}</a>').format(url, people[person_id]))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


async def with_mentions(
    row: dict[str, Any], fields: Iterable[str], community_id: int, slug: str
) -> dict[str, Any]:
    """``row`` with the named text fields that mention someone of the community as markup
    (one query, and none when nothing is mentioned)."""
    names = [name for name in fields if isinstance(row.get(name), str)]
    ids = mentioned(row[name] for name in names)
    if not ids:
        return row
    people = dict(
        await Person.filter(community_id=community_id, id__in=ids).values_list("id", "name")
    )
    return {**row, **{name: linked(row[name], people, slug) for name in names}}
