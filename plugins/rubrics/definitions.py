"""Rubric definitions: their shape, the default implementation framework, and YAML.

A definition is a plain dict (kept whole per version as JSON)::

    name: Implementation framework
    description: ...
    levels: [Not Yet Begun, Initial, Partial, Full Implementation]   # lowest first
    dimensions:
      - name: Leadership
        indicators:
          - key: shared-vision          # unique in the rubric; scores name it
            name: Shared vision
            levels:                     # one descriptor per level, in the same order
              - ...

Levels are numbered from 1 (the first, lowest) upwards. :func:`parse_yaml` reads a file
and reports every problem with its line and field, e.g.
``line 14: dimensions[1].indicators[0].levels: expected 4 descriptors (one per level),
got 3``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from plugins.api import InvalidInput

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_LEVELS = 10
MAX_DIMENSIONS = 50
MAX_INDICATORS = 300
"""Indicators in a whole rubric: a page shows them all, and a YAML file's aliases could
otherwise repeat one long list many times over."""
MAX_TEXT = 500_000

DEFAULT_LEVELS = ["Not Yet Begun", "Initial", "Partial", "Full Implementation"]


def _indicator(key: str, name: str, *descriptors: str) -> dict[str, Any]:
    return {"key": key, "name": name, "levels": list(descriptors)}


DEFAULT_FRAMEWORK: dict[str, Any] = {
    "name": "Implementation framework",
    "description": (
        "How fully the key systems of the innovation are in place in a school, from "
        "Not Yet Begun to Full Implementation. Used in self-reviews by the school's "
        "leadership team and in external support reviews."
    ),
    "levels": DEFAULT_LEVELS,
    "dimensions": [
        {
            "name": "Leadership and shared vision",
            "indicators": [
                _indicator(
                    "vision",
                    "A shared vision for the innovation",
                    "No shared statement of what the innovation is for.",
                    "Leaders have drafted a vision; few staff know it.",
                    "Most staff can state the vision; it guides some decisions.",
                    "The vision is shared by staff and guides decisions and resources.",
                ),
                _indicator(
                    "design-team",
                    "A school design team that meets and acts",
                    "No design team.",
                    "A team is named but meets irregularly.",
                    "The team meets monthly and runs some PDSA cycles.",
                    "The team meets at least twice a month and leads PDSA cycles.",
                ),
            ],
        },
        {
            "name": "Data use",
            "indicators": [
                _indicator(
                    "early-warning",
                    "Early-warning data reviewed on a schedule",
                    "Data are not reviewed.",
                    "Data are pulled now and then, by one person.",
                    "Teams review data monthly; actions are not always followed up.",
                    "Teams review data at least monthly and follow each action up.",
                ),
                _indicator(
                    "measures",
                    "Practical measures for PDSA cycles",
                    "Cycles have no measures.",
                    "Some cycles name a measure.",
                    "Most cycles collect data on a measure and study it.",
                    "Every cycle collects and studies data against its predictions.",
                ),
            ],
        },
        {
            "name": "Student supports",
            "indicators": [
                _indicator(
                    "advisory",
                    "Advisory or a trusted adult for every student",
                    "No structure.",
                    "Piloted with some students.",
                    "In place for most students; quality varies.",
                    "Every student has a trusted adult who meets them regularly.",
                ),
            ],
        },
    ],
}


def indicators_of(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every indicator in order, each with its dimension's name and index."""
    found = []
    for d_index, dimension in enumerate(definition["dimensions"]):
        for indicator in dimension["indicators"]:
            found.append({**indicator, "dimension": dimension["name"], "dimension_index": d_index})
    return found


# --- reading YAML with positions -------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.found: dict[str, str] = {}

    def add(self, node: yaml.Node | None, path: str, message: str) -> None:
        number = node.start_mark.line + 1 if node is not None else 0
        path = path or "file"
        if path not in self.found:
            self.lines[path] = number
            line = f"line {number}: " if number else ""
            self.found[path] = f"{line}{path}: {message}"

    def in_order(self) -> dict[str, str]:
        """The problems from the top of the file down."""
        return {p: self.found[p] for p in sorted(self.found, key=lambda p: self.lines[p])}


def _mapping(node: yaml.Node) -> dict[str, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _text(
    problems: _Problems,
    node: yaml.Node | None,
    path: str,
    parent: yaml.Node,
    *,
    required: bool = True,
    max_length: int = 200,
) -> str:
    if node is None:
        if required:
            problems.add(parent, path, "is required")
        return ""
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith((":null", ":seq", ":map")):
        problems.add(node, path, "expected text")
        return ""
    value = str(node.value).strip()
    if required and not value:
        problems.add(node, path, "must not be empty")
    elif len(value) > max_length:
        problems.add(node, path, f"is longer than {max_length} characters")
    return value


def _sequence(
    problems: _Problems, node: yaml.Node | None, path: str, parent: yaml.Node, what: str
) -> list[yaml.Node]:
    if node is None:
        problems.add(parent, path, f"is required: a list of {what}")
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, path, f"expected a list of {what}")
        return []
    if not node.value:
        problems.add(node, path, f"needs at least one of {what}")
    return list(node.value)


def _known(problems: _Problems, fields: dict[str, yaml.Node], allowed: set[str], path: str) -> None:
    for name, value in fields.items():
        if name not in allowed:
            where = f"{path}.{name}" if path else name
            problems.add(
                value, where, f"unknown field (expected one of {', '.join(sorted(allowed))})"
            )


def parse_yaml(text: str) -> dict[str, Any]:
    """A definition from YAML text; :class:`InvalidInput` names each problem's line and
    field (``fields`` maps the field's path to ``line N: path: problem``)."""
    root = _compose(text)
    problems = _Problems()
    top = _mapping(root)
    if top is None:
        problems.add(root, "file", "expected a mapping with name, levels and dimensions")
        raise _invalid(problems)
    _known(problems, top, {"name", "description", "levels", "dimensions"}, "")
    definition: dict[str, Any] = {
        "name": _text(problems, top.get("name"), "name", root),
        "description": _text(
            problems, top.get("description"), "description", root, required=False, max_length=5000
        ),
    }
    definition["levels"] = levels = _levels(problems, top.get("levels"), root)
    definition["dimensions"] = _dimensions(problems, top.get("dimensions"), root, levels)
    if problems.found:
        raise _invalid(problems)
    return definition


def _compose(text: str) -> yaml.Node:
    """The YAML document's root node; an empty, too long or malformed text is refused."""
    if len(text) > MAX_TEXT:
        raise InvalidInput.field("file", f"is longer than {MAX_TEXT:,} characters")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput(
            f"{line}the file is not valid YAML: {problem}", {"file": f"{line}{problem}"}
        ) from None
    if root is None:
        raise InvalidInput("the file is empty", {"file": "the file is empty"})
    return root


def _levels(problems: _Problems, node: yaml.Node | None, root: yaml.Node) -> list[str]:
    """The level names: 2 to ``MAX_LEVELS`` of them, each once."""
    levels = [
        _text(problems, item, f"levels[{i}]", node)
        for i, item in enumerate(_sequence(problems, node, "levels", root, "level names"))
    ]
    if len(levels) == 1 or len(levels) > MAX_LEVELS:
        problems.add(node, "levels", f"expected 2 to {MAX_LEVELS} levels, got {len(levels)}")
    if len(set(levels)) != len(levels):
        problems.add(node, "levels", "names a level twice")
    return levels


def _dimensions(
    problems: _Problems, node: yaml.Node | None, root: yaml.Node, levels: list[str]
) -> list[dict[str, Any]]:
    """The dimensions with their indicators; counting stops at ``MAX_INDICATORS``."""
    keys: dict[str, str] = {}  # an indicator's key -> the path that used it first
    dimensions = []
    dim_nodes = _sequence(problems, node, "dimensions", root, "dimensions")
    if len(dim_nodes) > MAX_DIMENSIONS:
        problems.add(node, "dimensions", f"has more than {MAX_DIMENSIONS} dimensions")
        dim_nodes = []
    counted = 0
    for d, d_node in enumerate(dim_nodes):
        path = f"dimensions[{d}]"
        d_fields = _mapping(d_node)
        if d_fields is None:
            problems.add(d_node, path, "expected a mapping with name and indicators")
            continue
        dimension = _dimension_head(problems, d_fields, d_node, path)
        i_node = d_fields.get("indicators")
        i_nodes = _sequence(problems, i_node, f"{path}.indicators", d_node, "indicators")
        counted += len(i_nodes)
        if counted > MAX_INDICATORS:
            problems.add(i_node, f"{path}.indicators", f"more than {MAX_INDICATORS} in the rubric")
            break
        for i, i_item in enumerate(i_nodes):
            found = _parsed_indicator(problems, i_item, f"{path}.indicators[{i}]", levels, keys)
            if found is not None:
                dimension["indicators"].append(found)
        dimensions.append(dimension)
    return dimensions


def _dimension_head(
    problems: _Problems, fields: dict[str, yaml.Node], node: yaml.Node, path: str
) -> dict[str, Any]:
    """A dimension's name and description, with an empty list for its indicators."""
    _known(problems, fields, {"name", "description", "indicators"}, path)
    dimension: dict[str, Any] = {
        "name": _text(problems, fields.get("name"), f"{path}.name", node),
        "indicators": [],
    }
    if "description" in fields:
        dimension["description"] = _text(
            problems,
            fields["description"],
            f"{path}.description",
            node,
            required=False,
            max_length=5000,
        )
    return dimension


def _parsed_indicator(
    problems: _Problems, node: yaml.Node, path: str, levels: list[str], keys: dict[str, str]
) -> dict[str, Any] | None:
    """One indicator: a unique key, a name and one descriptor per level (None when the
    node is no mapping at all)."""
    fields = _mapping(node)
    if fields is None:
        problems.add(node, path, "expected a mapping with key, name and levels")
        return None
    _known(problems, fields, {"key", "name", "levels"}, path)
    key = _text(problems, fields.get("key"), f"{path}.key", node, max_length=64)
    if key and not KEY.match(key):
        problems.add(
            fields["key"],
            f"{path}.key",
            "use lower-case letters, digits, - and _ (such as shared-vision)",
        )
    elif key in keys:
        problems.add(fields["key"], f"{path}.key", f"{key!r} is also {keys[key]}")
    keys.setdefault(key, path)
    name = _text(problems, fields.get("name"), f"{path}.name", node, max_length=300)
    l_node = fields.get("levels")
    descriptors = [
        _text(problems, n, f"{path}.levels[{k}]", l_node, max_length=2000)
        for k, n in enumerate(
            _sequence(problems, l_node, f"{path}.levels", node, "level descriptors")
        )
    ]
    if levels and descriptors and len(descriptors) != len(levels):
        problems.add(
            l_node,
            f"{path}.levels",
            f"expected {len(levels)} descriptors (one per level), got {len(descriptors)}",
        )
    return {"key": key, "name": name, "levels": descriptors}


def _invalid(problems: _Problems) -> InvalidInput:
    found = problems.in_order()
    first = next(iter(found.values()))
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return InvalidInput(f"the rubric file has problems: {first}{more}", found)


def check(definition: dict[str, Any]) -> dict[str, Any]:
    """The same checks on a definition given as data (the JSON API): it goes through
    YAML so that one set of rules holds; problems name the field (lines refer to the
    definition written out as YAML)."""
    if not isinstance(definition, dict):
        raise InvalidInput.field("definition", "expected an object")
    return parse_yaml(to_yaml(definition))


def to_yaml(definition: dict[str, Any]) -> str:
    """The definition as YAML that :func:`parse_yaml` reads back unchanged."""
    ordered: dict[str, Any] = {"name": definition.get("name")}
    if definition.get("description"):
        ordered["description"] = definition["description"]
    ordered["levels"] = definition.get("levels")
    ordered["dimensions"] = definition.get("dimensions")
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=88)
