"""The Jinja2 environment: plugin template dirs first, then the core templates.

Plugin template dirs are those of the ``nic_template_dirs`` hook and each plugin
package's own ``templates/`` folder (see :meth:`core.plugins.PluginHost.template_dirs`).
"""

from __future__ import annotations

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
    loaders: list[BaseLoader] = [FileSystemLoader(path) for path in plugins.template_dirs()]
    loaders.append(PackageLoader("templates", ""))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True),
        auto_reload=auto_reload,
    )
    return Jinja2Templates(env=env)
