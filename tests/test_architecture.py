"""The layering the architecture document promises, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACADE = "core.plugin_api"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_the_kernel_imports_neither_the_domain_nor_the_plugins() -> None:
    upper = ("communities", "plugins")
    offenders = {
        module_name(path): sorted(n for n in imported_modules(path) if n.split(".")[0] in upper)
        for path in (ROOT / "core").rglob("*.py")
        if module_name(path) != FACADE
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_nothing_in_the_platform_imports_the_plugin_authors_facade() -> None:
    users = [
        module_name(path)
        for folder in ("core", "communities", "plugins")
        for path in (ROOT / folder).rglob("*.py")
        if FACADE in imported_modules(path) and module_name(path) != FACADE
    ]
    assert users == []
