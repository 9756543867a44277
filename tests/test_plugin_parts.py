"""``PluginParts``: a plugin's routes, operations, commands and models declared in one line
each, registered by the real host and imported only when the hook is called."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from core.plugins import PluginHost
from core.settings import Settings

PAGES = (
    "from starlette.responses import PlainTextResponse\n"
    "from starlette.routing import Route\n"
    "async def ping(request):\n"
    "    return PlainTextResponse('pong')\n"
    "ROUTES = [Route('/parts-demo/ping', ping)]\n"
)
CLI = (
    "from plugins.api import Command\n"
    "async def run(args, ctx):\n"
    "    return 0\n"
    "COMMANDS = [Command('parts-demo hello', 'Say hello.', lambda parser: None, run)]\n"
)
HOOKS = (
    "from plugins.api import PluginParts\n"
    "PARTS = PluginParts(__name__)\n"
    "nic_models = PARTS.models('parts_demo')\n"
    "nic_routes = PARTS.routes()\n"
    "nic_cli_commands = PARTS.commands('commands', 'COMMANDS')\n"
)


def _package(root: Path, name: str, hooks_in_init: bool) -> None:
    folder = root / name
    folder.mkdir()
    (folder / "__init__.py").write_text(HOOKS if hooks_in_init else "")
    if not hooks_in_init:
        (folder / "plugin.py").write_text(HOOKS)
    (folder / "pages.py").write_text(PAGES)
    (folder / "commands.py").write_text(CLI)


@pytest.mark.parametrize("hooks_in_init", [False, True], ids=["plugin-module", "package"])
def test_declared_parts_are_hooks_of_the_plugin_imported_when_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hooks_in_init: bool
) -> None:
    name = f"nic_parts_demo_{int(hooks_in_init)}"
    _package(tmp_path, name, hooks_in_init)
    monkeypatch.syspath_prepend(str(tmp_path))
    hooks = importlib.import_module(name if hooks_in_init else f"{name}.plugin")
    try:
        host = PluginHost.from_settings(Settings(), [hooks], autoload=False)
        listed = next(
            p for p in host.describe()["plugins"] if p["name"] == host.name_of_module(name)
        )
        assert {"nic_models", "nic_routes", "nic_cli_commands"} <= set(listed["hooks"])
        assert f"{name}.pages" not in sys.modules  # registered, not yet imported

        paths = [route.path for route in host.collect("nic_routes")]
        assert "/parts-demo/ping" in paths
        assert f"{name}.pages" in sys.modules
        assert "parts-demo hello" in [c.name for c in host.collect("nic_cli_commands")]
        assert {
            "parts_demo": {"models": [f"{name}.models"], "migrations": f"{name}.migrations"}
        } in host.collect("nic_models")
    finally:
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]
