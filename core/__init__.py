"""The NIC Platform kernel: settings, database, plugin manager, app factory, auth and CLI."""

from core.bounds import register_path_convertors

__version__ = "0.1.0"

# Before any module that makes routes (each imports core first): `{id:int}` in every route,
# the plugins' included, is then bounded to the ids the database holds (core/bounds.py).
register_path_convertors()
