"""The plugin manager an app owns, and the one helper that calls hooks.

Built-in plugins are listed in :data:`BUILTIN_PLUGINS` by module name and are
registered exactly as outside plugins are; outside plugins are found through
the ``nic`` entry-point group, loaded one by one so that one that fails to
import is reported (:attr:`PluginHost.failures`) and the others still load.

Settings that shape loading (see ``docs/plugins.md``): ``NIC_PLUGINS_AUTOLOAD=0``
loads no outside plugin; ``NIC_PLUGINS_BLOCKED=a,b`` keeps named plugins, outside or
built-in, from loading, except the essential ones (``NIC_PLUGINS_DISABLED``, deprecated,
is read as ``NIC_PLUGINS_BLOCKED`` by :mod:`core.settings`).

Per-community scoping: :meth:`PluginHost.call` and its siblings take a
``community_id`` keyword; given one, plugins switched off in that community are
not called. The host asks the ``nic_disabled_plugins`` hook which plugins those
are (the domain answers from its settings, kept under the community's stamp on its
pages).
Essential plugins are never left out.
"""

from core.plugins.host import PluginHost
from core.plugins.records import (
    BUILT_IN,
    BUILTIN_PLUGINS,
    ENTRY_POINT_GROUP,
    ESSENTIAL_NAMES,
    ESSENTIAL_PLUGINS,
    PROJECT,
    SCOPE_HOOK,
    STATIC_URL,
    HookOutcome,
    PluginFailure,
    PluginSource,
    SkippedPlugin,
    builtin_name,
    plugin_key,
)

__all__ = [
    "BUILTIN_PLUGINS",
    "BUILT_IN",
    "ENTRY_POINT_GROUP",
    "ESSENTIAL_NAMES",
    "ESSENTIAL_PLUGINS",
    "PROJECT",
    "SCOPE_HOOK",
    "STATIC_URL",
    "HookOutcome",
    "PluginFailure",
    "PluginHost",
    "PluginSource",
    "SkippedPlugin",
    "builtin_name",
    "plugin_key",
]
