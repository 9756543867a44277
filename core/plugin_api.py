"""Deprecated: the plugin authors' facade is now ``plugins.api``.

This shim answers for one release so that plugins written against ``core.plugin_api``
keep working: the first name read from it imports :mod:`plugins.api` and warns once
(``DeprecationWarning``). It imports nothing statically, so the kernel still knows no
domain (``tests/test_architecture.py``).
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

_NEW = "plugins.api"
_warned = False
_MOVED = {"agenda_items": "plugins.convenings.agenda"}


def __getattr__(name: str) -> Any:
    global _warned
    if name.startswith("__"):
        raise AttributeError(name)
    facade = importlib.import_module(_NEW)
    if not _warned:
        _warned = True
        warnings.warn(
            f"core.plugin_api is deprecated: import from {_NEW} instead",
            DeprecationWarning,
            stacklevel=2,
        )
    if name in _MOVED:  # exported here until this release; now the convenings plugin's own
        return getattr(importlib.import_module(_MOVED[name]), name)
    try:
        return getattr(facade, name)
    except AttributeError:
        raise AttributeError(f"module 'core.plugin_api' has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return list(importlib.import_module(_NEW).__all__)
