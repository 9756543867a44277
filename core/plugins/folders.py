"""Plugins' template and static folders: their own, next to their module, and contributed."""

from __future__ import annotations

from pathlib import Path

from core.plugins.calls import HookCalls
from core.plugins.records import MOUNT_NAME, PluginSource, same_path
from core.settings import SettingsError


class PluginFolders(HookCalls):
    """Where plugins keep templates and static files (a part of the plugin host)."""

    sources: dict[str, PluginSource]

    def convention_dir(self, plugin_name: str, kind: str) -> str | None:
        """The plugin's own ``templates`` or ``static`` folder next to its module, if any."""
        source = self.sources.get(plugin_name)
        if source is None or source.folder is None:
            return None
        folder = source.folder / kind
        return str(folder) if folder.is_dir() else None

    def _plugins_in_order(self) -> list[str]:
        return [name for name in self.sources if self.pm.has_plugin(name)]

    def template_dirs(self) -> list[str]:
        """Template folders of every plugin, in registration order (hook's, then its own)."""
        contributed: dict[str, list[str]] = {}
        for name, value in self.collect_each("nic_template_dirs"):
            contributed.setdefault(name, []).extend(
                value if isinstance(value, list | tuple) else [value]
            )
        dirs: list[str] = []
        for name in self._plugins_in_order():
            dirs.extend(self._plugin_template_dirs(name, contributed.get(name, [])))
        return list(dict.fromkeys(dirs))

    def _plugin_template_dirs(self, name: str, contributed: list[str]) -> list[str]:
        """A plugin's template folders: the hook's, then its own (once, if the hook named it)."""
        dirs = [str(path) for path in contributed]
        own = self.convention_dir(name, "templates")
        if own and not any(same_path(own, folder) for folder in dirs):
            dirs.append(own)
        return dirs

    def static_dirs(self) -> dict[str, str]:
        """Static folders by mount name, served at ``/static/plugins/<mount name>/``.

        Raises :class:`SettingsError` when two plugins claim one name, a name is not a
        plain path segment, or a folder does not exist.
        """
        claims: list[tuple[str, str, str]] = []
        for name in self._plugins_in_order():
            own = self.convention_dir(name, "static")
            if own:
                claims.append((name, name, own))
        for name, value in self.collect_each("nic_static_dirs"):
            claims.extend((name, mount, str(folder)) for mount, folder in dict(value).items())
        mounts: dict[str, str] = {}
        owners: dict[str, str] = {}
        for plugin, mount, folder in claims:
            if not MOUNT_NAME.match(mount):
                raise SettingsError(f"plugin {plugin}: static mount name {mount!r} is not valid")
            if mount in mounts and owners[mount] == plugin and same_path(mounts[mount], folder):
                continue  # the hook names the plugin's own static folder too
            if mount in mounts:
                raise SettingsError(
                    f"plugins {owners[mount]} and {plugin} both serve static files as {mount!r}"
                )
            if not Path(folder).is_dir():
                raise SettingsError(f"plugin {plugin}: static folder {folder} does not exist")
            mounts[mount], owners[mount] = folder, plugin
        return mounts
