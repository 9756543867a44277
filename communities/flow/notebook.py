"""``load_graph``: the knowledge-flow graph in a notebook or script, from a database URL."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from datetime import date

import networkx as nx

from communities.flow.build import build_graph
from communities.models import Community
from core.db import open_database, tortoise_config
from core.plugins import PluginHost
from core.settings import load_settings


async def _load(database_url: str, slugs: list[str] | None, as_of: date | None) -> nx.MultiDiGraph:
    settings = load_settings({**os.environ, "NIC_DATABASE_URL": database_url})
    plugins = PluginHost.from_settings(settings)
    async with open_database(tortoise_config(settings, plugins)):
        ids: list[int] | None = None
        if slugs is not None:
            found = dict(await Community.filter(slug__in=slugs).values_list("slug", "id"))
            missing = sorted(set(slugs) - set(found))
            if missing:
                raise LookupError(f"no community {', '.join(repr(s) for s in missing)}")
            ids = [int(found[s]) for s in slugs]
        return await build_graph(plugins, ids, as_of=as_of)


def load_graph(
    database_url: str, community: str | list[str] | None, *, as_of: date | None = None
) -> nx.MultiDiGraph:
    """The knowledge-flow graph of a community (a slug), several (a list), or the site (None).

    Works in a plain script and inside Jupyter, whose event loop is already running.
    """
    slugs = [community] if isinstance(community, str) else community
    work = _load(database_url, slugs, as_of)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        running = False
    else:
        running = True
    if not running:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()
