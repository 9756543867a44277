"""The layering the architecture document promises, checked on the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACADE = "plugins.api"


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


def modules_under(folder: str) -> dict[str, set[str]]:
    return {module_name(path): imported_modules(path) for path in (ROOT / folder).rglob("*.py")}


def test_the_kernel_imports_neither_the_domain_nor_the_plugins() -> None:
    """No exception: the deprecated ``core.plugin_api`` shim imports the facade lazily."""
    offenders = {
        module: sorted(n for n in names if n.split(".")[0] in ("communities", "plugins"))
        for module, names in modules_under("core").items()
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_domain_imports_no_plugin_and_not_the_facade() -> None:
    offenders = {
        module: sorted(n for n in names if n.split(".")[0] == "plugins" or n == "core.plugin_api")
        for module, names in modules_under("communities").items()
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_built_in_plugins_reach_the_platform_only_through_the_facade() -> None:
    """A built-in plugin is written exactly as an outside one: ``plugins.api`` (and
    ``core.testing`` in tests) is all it may import of the platform. The facade itself
    gathers from the kernel and the domain: that is its one job."""
    allowed = {FACADE, "core.testing"}
    offenders = {
        module: sorted(
            name
            for name in names
            if name.split(".")[0] in ("core", "communities") and name not in allowed
        )
        for module, names in modules_under("plugins").items()
        if module != FACADE
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_built_in_plugins_do_not_import_each_other() -> None:
    """Only the facade is shared: types several plugins use live in it (or the domain)."""
    packages = [p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()]
    offenders = {
        module_name(path): sorted(
            name
            for name in imported_modules(path)
            if name.startswith("plugins.")
            and name != FACADE
            and name.split(".")[1] != path.relative_to(ROOT).parts[1]
        )
        for package in packages
        for path in (ROOT / "plugins" / package).rglob("*.py")
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_no_plugin_module_imports_its_own_hook_module_to_name_itself() -> None:
    """``this_plugin(__name__)`` gives a module its plugin's name and switch."""
    offenders = []
    for path in [*(ROOT / "plugins").rglob("*.py"), *(ROOT / "examples").rglob("*.py")]:
        if "build" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = {alias.name for alias in node.names}
                if node.module.endswith(".plugin") or "plugin" in names:
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_example_plugin_imports_only_the_facade() -> None:
    folder = ROOT / "examples" / "nic-learning-spaces"
    offenders = {
        str(path.relative_to(folder)): sorted(
            name
            for name in imported_modules(path)
            if name.split(".")[0] in ("core", "communities", "plugins")
            and name not in (FACADE, "core.testing")
        )
        for path in folder.rglob("*.py")
        if "build" not in path.parts
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_old_facade_path_answers_with_one_deprecation_warning() -> None:
    code = (
        "import warnings, plugins.api as new\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    import core.plugin_api as old\n"
        "    assert old.hookimpl is new.hookimpl and old.NotFound is new.NotFound\n"
        "    assert old.get_team is new.get_team\n"
        "print(sorted({str(w.message) for w in seen}), len(seen))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == (
        "['core.plugin_api is deprecated: import from plugins.api instead'] 1"
    )


def test_templates_import_the_csrf_macro_with_the_pages_context() -> None:
    """Imported without context, ``csrf()`` renders an empty field and every post is refused."""
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("templates", "plugins", "examples")
        for path in (ROOT / folder).rglob("*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "import" in line and "csrf" in line and "with context" not in line
    ]
    assert offenders == []


# --- Size (issue 19: small functions, small modules, no dead code) --------------------------

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600
# Each exception says why; a function or module may only leave this list.
LONG_FUNCTIONS_ALLOWED = {
    "communities/api/operations.py:resource_ops",  # a declarative table of resources
}
LONG_MODULES_ALLOWED = {
    "communities/examples/demo.py",  # demo data
}


def _checked_sources() -> list[Path]:
    """The kernel, the domain, the built-in plugins and the example plugin's code (not its
    tests, not a build)."""
    return sorted(
        path
        for folder in ("core", "communities", "plugins", "examples")
        for path in (ROOT / folder).rglob("*.py")
        if not {"build", "tests"} & set(path.relative_to(ROOT).parts)
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_function_is_longer_than_80_lines() -> None:
    long = {
        f"{_relative(path)}:{node.name}": node.end_lineno - node.lineno + 1
        for path in _checked_sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    }
    assert {name: lines for name, lines in long.items() if name not in LONG_FUNCTIONS_ALLOWED} == {}
    assert set(long) >= LONG_FUNCTIONS_ALLOWED, "an allowed function is short now: drop it"


def test_no_module_is_longer_than_600_lines() -> None:
    long = {
        _relative(path): lines
        for path in _checked_sources()
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert {name: lines for name, lines in long.items() if name not in LONG_MODULES_ALLOWED} == {}
    assert set(long) >= LONG_MODULES_ALLOWED, "an allowed module is short now: drop it"


def test_no_statement_follows_a_return_raise_break_or_continue() -> None:
    ends = (ast.Return, ast.Raise, ast.Break, ast.Continue)
    unreachable = [
        f"{_relative(path)}:{block[index + 1].lineno}"
        for path in _checked_sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        for field in ("body", "orelse", "finalbody")
        if isinstance(block := getattr(node, field, None), list)
        for index, statement in enumerate(block[:-1])
        if isinstance(statement, ends)
    ]
    assert unreachable == []
