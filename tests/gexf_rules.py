"""A check of GEXF files against the rules of the GEXF 1.2 schema (gexf.net/1.2draft:
gexf.xsd, data.xsd, dynamics.xsd), for the tests.

The schema files themselves are not shipped by any package we can install, so the rules
are written out here: for each element, the attributes it may carry (required ones
marked), the children it may hold, and the types of the values (enumerations, dates and
numbers). On top of the schema it checks what readers rely on: every ``attvalue`` refers
to an attribute declared for its class and holds a value of the declared type, node ids
are unique, edges join declared nodes, and attributes, nodes and edges come in the order
Gephi's importer reads them (in one pass). The visualisation namespace (viz) is not
checked beyond being allowed where the schema allows it.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime

NS = "{http://www.gexf.net/1.2draft}"
VIZ = "{http://www.gexf.net/1.2draft/viz}"


def _time(text: str) -> bool:
    """a time (xs:integer, xs:double, xs:date or xs:dateTime: the schema's time-type)"""
    return _integer(text) or _double(text) or _date(text) or _datetime(text)


def _integer(text: str) -> bool:
    """an integer"""
    return re.fullmatch(r"[+-]?\d+", text.strip()) is not None


def _double(text: str) -> bool:
    """a number"""
    if text.strip() in ("INF", "-INF", "NaN"):
        return True
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text.strip()):
        return False
    return not math.isnan(float(text))


def _date(text: str) -> bool:
    """a date"""
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return re.fullmatch(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?", text.strip()) is not None


def _datetime(text: str) -> bool:
    """a date and time"""
    if "T" not in text:
        return False
    try:
        datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _one_of(*values: str) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        return text in values

    check.__doc__ = f"one of {', '.join(values)}"
    return check


def _any(text: str) -> bool:
    """any text"""
    return True


TIMES = {name: _time for name in ("start", "startopen", "end", "endopen")}
ATTRIBUTE_TYPES = (
    "integer",
    "long",
    "double",
    "float",
    "boolean",
    "liststring",
    "string",
    "anyURI",
)

# element -> (its attributes and their checks, required attributes, allowed children)
RULES: dict[str, tuple[dict[str, Callable[[str], bool]], set[str], set[str]]] = {
    "gexf": ({"version": _one_of("1.2"), "variant": _any}, {"version"}, {"meta", "graph"}),
    "meta": ({"lastmodifieddate": _date}, set(), {"creator", "keywords", "description"}),
    "creator": ({}, set(), set()),
    "keywords": ({}, set(), set()),
    "description": ({}, set(), set()),
    "graph": (
        {
            **TIMES,
            "timeformat": _one_of("integer", "double", "date", "dateTime"),
            "defaultedgetype": _one_of("directed", "undirected", "mutual"),
            "idtype": _one_of("integer", "string"),
            "mode": _one_of("static", "dynamic"),
        },
        set(),
        {"attributes", "nodes", "edges"},
    ),
    "attributes": (
        {**TIMES, "class": _one_of("node", "edge"), "mode": _one_of("static", "dynamic")},
        {"class"},
        {"attribute"},
    ),
    "attribute": (
        {"id": _any, "title": _any, "type": _one_of(*ATTRIBUTE_TYPES)},
        {"id", "title", "type"},
        {"default", "options"},
    ),
    "default": ({}, set(), set()),
    "options": ({}, set(), set()),
    "nodes": ({"count": _integer}, set(), {"node"}),
    "edges": ({"count": _integer}, set(), {"edge"}),
    "node": (
        {**TIMES, "pid": _any, "id": _any, "label": _any},
        {"id"},
        {"attvalues", "spells", "nodes", "edges", "parents"},
    ),
    "edge": (
        {
            **TIMES,
            "id": _any,
            "type": _one_of("directed", "undirected", "mutual"),
            "label": _any,
            "source": _any,
            "target": _any,
            "weight": _double,
        },
        {"id", "source", "target"},
        {"attvalues", "spells"},
    ),
    "attvalues": ({}, set(), {"attvalue"}),
    "attvalue": ({**TIMES, "for": _any, "value": _any}, {"for", "value"}, set()),
    "spells": ({}, set(), {"spell"}),
    "spell": (TIMES, set(), set()),
    "parents": ({}, set(), {"parent"}),
    "parent": ({"for": _any}, {"for"}, set()),
}
VIZ_CHILDREN = {
    "node": {"color", "position", "size", "shape"},
    "edge": {"color", "thickness", "shape"},
}
VALUE_CHECKS: dict[str, Callable[[str], bool]] = {
    "integer": _integer,
    "long": _integer,
    "double": _double,
    "float": _double,
    "boolean": _one_of("true", "false", "1", "0"),
}


def _local(tag: str, where: str, problems: list[str]) -> str | None:
    if tag.startswith(NS):
        return tag[len(NS) :]
    if tag.startswith(VIZ):
        return None
    problems.append(f"{where}: element {tag!r} is not in the GEXF 1.2 namespace")
    return None


def _element(element: ET.Element, name: str, problems: list[str]) -> None:
    allowed, required, children = RULES[name]
    for attribute, value in element.attrib.items():
        if attribute.startswith("{"):  # xsi:schemaLocation and other namespaced ones
            continue
        check = allowed.get(attribute)
        if check is None:
            problems.append(f"{name}: attribute {attribute!r} is not allowed")
        elif not check(value):
            problems.append(f"{name}: {attribute}={value!r} is not {check.__doc__}")
    for attribute in required - set(element.attrib):
        problems.append(f"{name}: attribute {attribute!r} is required")
    for child in element:
        local = _local(child.tag, name, problems)
        if local is None:
            viz = child.tag[len(VIZ) :] if child.tag.startswith(VIZ) else ""
            if viz and viz not in VIZ_CHILDREN.get(name, set()):
                problems.append(f"{name}: viz element {viz!r} is not allowed")
            continue
        if local not in children:
            problems.append(f"{name}: child <{local}> is not allowed")
            continue
        _element(child, local, problems)
    if name == "spells" and len(element) == 0:
        problems.append("spells: needs at least one <spell>")


def _references(root: ET.Element, problems: list[str]) -> None:
    declared: dict[tuple[str, str], str] = {}
    for block in root.iter(f"{NS}attributes"):
        for attribute in block.iter(f"{NS}attribute"):
            declared[(block.get("class", ""), attribute.get("id", ""))] = attribute.get("type", "")
    ids = [node.get("id") for node in root.iter(f"{NS}node")]
    if len(ids) != len(set(ids)):
        problems.append("nodes: node ids are not unique")
    known = set(ids)
    for cls in ("node", "edge"):
        for element in root.iter(f"{NS}{cls}"):
            if cls == "edge" and not {element.get("source"), element.get("target")} <= known:
                problems.append(f"edge {element.get('id')!r}: joins a node that is not declared")
            for value in element.iterfind(f"{NS}attvalues/{NS}attvalue"):
                type_name = declared.get((cls, value.get("for", "")))
                if type_name is None:
                    problems.append(
                        f"{cls}: attvalue for undeclared attribute {value.get('for')!r}"
                    )
                elif not VALUE_CHECKS.get(type_name, _any)(value.get("value", "")):
                    problems.append(
                        f"{cls}: attvalue {value.get('value')!r} is not of type {type_name}"
                    )


def _gephi_order(root: ET.Element, problems: list[str]) -> None:
    """Gephi's importer reads in one pass: attributes before the nodes, nodes before the
    edges that join them."""
    graph = root.find(f"{NS}graph")
    order = [child.tag.removeprefix(NS) for child in (graph if graph is not None else [])]
    if "nodes" in order and "edges" in order and order.index("nodes") > order.index("edges"):
        problems.append("graph: <edges> come before <nodes>")
    last = max((i for i, tag in enumerate(order) if tag == "attributes"), default=-1)
    if "nodes" in order and last > order.index("nodes"):
        problems.append("graph: <attributes> come after <nodes>")


def gexf_problems(data: bytes) -> list[str]:
    """What in a GEXF file breaks the GEXF 1.2 schema's rules (empty: none)."""
    root = ET.fromstring(data)
    problems: list[str] = []
    if root.tag != f"{NS}gexf":
        return [f"the root is {root.tag!r}, not a GEXF 1.2 <gexf>"]
    order = [_local(child.tag, "gexf", problems) for child in root]
    if order not in (["graph"], ["meta", "graph"]):
        problems.append(f"gexf: holds {order}, not an optional <meta> then one <graph>")
    _element(root, "gexf", problems)
    _references(root, problems)
    _gephi_order(root, problems)
    return problems
