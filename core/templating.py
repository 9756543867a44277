"""The Jinja2 environment: plugin template dirs first, then the core templates."""

from __future__ import annotations

from importlib import resources

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    select_autoescape,
)
from starlette.templating import Jinja2Templates

from core.plugins import PluginHost


def build_templates(plugins: PluginHost, *, auto_reload: bool = False) -> Jinja2Templates:
    """Templates are compiled once per process; ``auto_reload`` (debug) re-reads changed files,
    at the cost of checking every template file on every render."""
    loaders: list[BaseLoader] = [
        FileSystemLoader(str(path)) for path in plugins.collect("nic_template_dirs")
    ]
    loaders.append(PackageLoader("templates", ""))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True),
        auto_reload=auto_reload,
    )
    return Jinja2Templates(env=env)


def core_template_dir() -> str:
    return str(resources.files("templates"))
