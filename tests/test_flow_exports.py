"""Exports of the knowledge-flow graph: every format written, read back by the tools
researchers use (networkx, igraph, a GEXF 1.2 check, a spreadsheet's rules) and compared."""

from __future__ import annotations

import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from typing import Any

import networkx as nx
import pytest

from communities.flow import exports
from communities.flow.exports import (
    FORMATS,
    write_csv,
    write_csv_zip,
    write_dl,
    write_gexf,
    write_graphml,
    write_json,
)
from communities.flow.schema import BUILDS_ON, INFORMED, MEMBER, PERSON, TEAM
from tests.flow_readers import (
    igraph_graphml,
    read_csv,
    read_csv_zip,
    read_gexf,
    read_graphml,
    read_json,
)
from tests.flow_sample import (
    DISTRICT_LABEL,
    JOSE,
    LI,
    SAM,
    SCHOOL_LABEL,
    build_graph,
    typed,
)
from tests.gexf_rules import gexf_problems

GEXF = "{http://www.gexf.net/1.2draft}"


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    return build_graph()


def snapshot(g: nx.MultiDiGraph) -> tuple[dict[Any, Any], dict[Any, Any]]:
    nodes = {node: typed(data) for node, data in g.nodes(data=True)}
    edges = {(u, v, k): typed(data) for u, v, k, data in g.edges(keys=True, data=True)}
    return nodes, edges


ROUND_TRIPS: dict[str, Callable[[nx.MultiDiGraph], nx.MultiDiGraph]] = {
    "gexf": lambda g: read_gexf(write_gexf(g)),
    "graphml": lambda g: read_graphml(write_graphml(g)),
    "json": lambda g: read_json(write_json(g)),
    "csv": lambda g: read_csv(write_csv(g)),
    "csv-zip": lambda g: read_csv_zip(write_csv_zip(g)),
}


# --- every format ---------------------------------------------------------------------


def line_ends(name: str, g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph as a format keeps it: GraphML holds values in element text, where XML
    reads a carriage return (CRLF too) as a newline."""
    if name != "graphml":
        return g
    g = g.copy()
    for data in [*(d for _, d in g.nodes(data=True)), *(d for *_, d in g.edges(data=True))]:
        for k, v in data.items():
            if isinstance(v, str):
                data[k] = v.replace("\r\n", "\n").replace("\r", "\n")
    return g


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_round_trip_keeps_nodes_edges_and_typed_attributes(
    name: str, graph: nx.MultiDiGraph
) -> None:
    back = ROUND_TRIPS[name](graph)

    assert isinstance(back, nx.MultiDiGraph)
    assert list(back.nodes) == list(graph.nodes)
    assert set(back.edges(keys=True)) == set(graph.edges(keys=True))
    assert snapshot(back) == snapshot(line_ends(name, graph))


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_labels_with_quotes_commas_newlines_and_unicode_survive(
    name: str, graph: nx.MultiDiGraph
) -> None:
    back = ROUND_TRIPS[name](graph)

    assert back.nodes["team:1"]["label"] == DISTRICT_LABEL
    assert back.nodes["team:2"]["label"] == SCHOOL_LABEL
    assert back.nodes["person:1"]["label"] == JOSE
    assert back.nodes["person:2"]["label"] == line_ends(name, graph).nodes["person:2"]["label"]
    assert back.nodes["person:3"]["label"] == SAM


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_parallel_edges_of_two_kinds_survive(name: str, graph: nx.MultiDiGraph) -> None:
    back = ROUND_TRIPS[name](graph)

    between = back.get_edge_data("cycle:1", "cycle:2")
    assert set(between) == {BUILDS_ON, INFORMED}
    assert between[INFORMED] == {"kind": INFORMED, "date": date(2023, 12, 1)}


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_empty_graph_round_trips(name: str) -> None:
    back = ROUND_TRIPS[name](nx.MultiDiGraph())

    assert back.number_of_nodes() == 0
    assert back.number_of_edges() == 0


@pytest.mark.parametrize("name", ["graphml", "json"])
def test_graph_metadata_round_trips(name: str, graph: nx.MultiDiGraph) -> None:
    back = ROUND_TRIPS[name](graph)

    assert back.graph == {"community": "math-nic", "as_of": date(2024, 6, 30)}


@pytest.mark.parametrize("name", ["graphml", "json"])
def test_graph_metadata_as_the_builder_stores_it(name: str) -> None:
    g = nx.MultiDiGraph(communities=["ela", "math-nic"], as_of="2024-06-30")

    back = ROUND_TRIPS[name](g)

    assert back.graph == {"communities": ["ela", "math-nic"], "as_of": date(2024, 6, 30)}


def test_gexf_describes_the_graph_metadata() -> None:
    g = nx.MultiDiGraph(communities=["ela", "math-nic"], as_of="2024-06-30")

    description = gexf_tree(g).find(f"{GEXF}meta/{GEXF}description")

    assert description is not None
    assert description.text == (
        "NIC Platform knowledge-flow graph; communities: ela, math-nic; as_of: 2024-06-30"
    )


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_repeated_membership_spells_keep_their_keys(name: str) -> None:
    g = nx.MultiDiGraph()
    g.add_node("person:1", kind=PERSON, label="Ana")
    g.add_node("team:1", kind=TEAM, label="T")
    first = {"kind": MEMBER, "start": date(2022, 1, 1), "end": date(2022, 6, 30), "role": "a"}
    second = {"kind": MEMBER, "start": date(2023, 1, 1), "role": "b"}
    g.add_edge("person:1", "team:1", key=MEMBER, **first)
    g.add_edge("person:1", "team:1", key=f"{MEMBER}/2", **second)

    back = ROUND_TRIPS[name](g)

    assert back.get_edge_data("person:1", "team:1") == {MEMBER: first, f"{MEMBER}/2": second}


def test_an_edge_attribute_called_key_is_refused() -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="k", kind="k")
    g.edges["a", "b", "k"]["key"] = "mine"
    for write in (write_gexf, write_graphml, write_json, write_csv):
        with pytest.raises(ValueError, match="'key' clashes"):
            write(g)


def test_unsupported_values_are_refused_and_none_is_absent() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", note=None)
    assert read_json(write_json(g)).nodes["x:1"] == {"kind": "x"}

    g.nodes["x:1"]["tags"] = ["a", "b"]
    for write in (write_gexf, write_graphml, write_json, write_csv):
        with pytest.raises(TypeError, match="'tags' holds a list"):
            write(g)


def test_date_attributes_are_recognised_by_name() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", due_date=date(2024, 5, 1), seen_on=date(2024, 5, 2))
    g.nodes["x:1"].update(noted=date(2024, 5, 3))
    for name, round_trip in ROUND_TRIPS.items():
        back = round_trip(g).nodes["x:1"]
        assert back["due_date"] == date(2024, 5, 1), name
        assert back["seen_on"] == date(2024, 5, 2), name
        assert back["noted"] == "2024-05-03", name  # not a date name: its ISO string


def test_a_start_or_end_that_is_not_a_date_stays_text_except_in_gexf() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", start="soon", end="2024-13-40")
    for name in ("graphml", "json", "csv"):
        back = ROUND_TRIPS[name](g).nodes["x:1"]
        assert (back["start"], back["end"]) == ("soon", "2024-13-40"), name

    with pytest.raises(ValueError, match="node 'x:1': GEXF 'start' must be a date"):
        write_gexf(g)


CONTROL = "bell\x07 nul\x00 esc\x1b del\x7f c1\x85 end"


def test_control_characters_are_stripped_from_every_export() -> None:
    g = nx.MultiDiGraph()
    g.add_node("person:1", kind=PERSON, label=CONTROL, note="tab\tkept\nand newline")
    g.add_node("team:1", kind=TEAM, label="T")
    g.add_edge("person:1", "team:1", key=MEMBER, kind=MEMBER, role="\x0cform feed")

    for name, round_trip in ROUND_TRIPS.items():
        back = round_trip(g)
        assert back.nodes["person:1"]["label"] == "bell nul esc del c1 end", name
        assert back.nodes["person:1"]["note"] == "tab\tkept\nand newline", name
        assert back.edges["person:1", "team:1", MEMBER]["role"] == "form feed", name
    for fmt in FORMATS.values():
        data = fmt.write(g)
        if fmt.media_type != "application/zip":
            assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", data), fmt
    assert "bell_nul_esc_del_c1_end" in write_dl(g)


# --- GEXF -----------------------------------------------------------------------------


def gexf_tree(g: nx.MultiDiGraph) -> ET.Element:
    return ET.fromstring(write_gexf(g))


def test_gexf_is_dynamic_with_dates(graph: nx.MultiDiGraph) -> None:
    root = gexf_tree(graph)

    assert root.get("version") == "1.2"
    element = root.find(f"{GEXF}graph")
    assert element is not None
    assert element.get("mode") == "dynamic"
    assert element.get("timeformat") == "date"
    assert element.get("defaultedgetype") == "directed"


def test_gexf_nodes_and_memberships_carry_start_and_end(graph: nx.MultiDiGraph) -> None:
    root = gexf_tree(graph)
    nodes = {n.get("id"): n for n in root.iter(f"{GEXF}node")}
    edges = {e.get("id"): e for e in root.iter(f"{GEXF}edge")}

    assert nodes["cycle:1"].get("start") == "2023-10-01"
    assert nodes["cycle:1"].get("end") == "2023-11-15"
    assert nodes["cycle:3"].get("start") == "2024-03-01"
    assert nodes["cycle:3"].get("end") is None
    assert nodes["person:1"].get("start") is None
    assert nodes["team:2"].get("label") == SCHOOL_LABEL

    ended = edges["person:1|team:2|member"]
    assert (ended.get("start"), ended.get("end")) == ("2023-09-01", "2024-01-31")
    assert edges["person:1|team:1|member"].get("end") is None


def attvalues(root: ET.Element, element: ET.Element) -> dict[str, str]:
    """An element's attvalues by attribute title."""
    titles = {a.get("id"): a.get("title") for a in root.iter(f"{GEXF}attribute")}
    return {
        str(titles[v.get("for")]): str(v.get("value"))
        for v in element.iterfind(f"{GEXF}attvalues/{GEXF}attvalue")
    }


def test_gexf_edges_have_unique_ids_kinds_as_attvalues_and_spells_from_their_date(
    graph: nx.MultiDiGraph,
) -> None:
    root = gexf_tree(graph)
    edges = list(root.iter(f"{GEXF}edge"))
    ids = [e.get("id") for e in edges]

    assert len(ids) == len(set(ids)) == graph.number_of_edges()
    assert all(e.get("kind") is None for e in edges)  # GEXF 1.2 has no edge kind
    parallel = {
        attvalues(root, e)["kind"]: e
        for e in edges
        if e.get("id", "").startswith("cycle:1|cycle:2|")
    }
    assert set(parallel) == {BUILDS_ON, INFORMED}
    assert attvalues(root, parallel[INFORMED])["networkx_key"] == INFORMED
    spells = parallel[INFORMED].findall(f"{GEXF}spells/{GEXF}spell")
    assert [(s.get("start"), s.get("end")) for s in spells] == [("2023-12-01", None)]
    ran = next(e for e in edges if e.get("id") == "team:1|cycle:1|ran")
    assert ran.find(f"{GEXF}spells") is None


def test_gexf_follows_the_gexf_1_2_schema(graph: nx.MultiDiGraph) -> None:
    assert gexf_problems(write_gexf(graph)) == []
    assert gexf_problems(write_gexf(nx.MultiDiGraph())) == []


def test_the_gexf_check_finds_what_the_schema_refuses(graph: nx.MultiDiGraph) -> None:
    text = write_gexf(graph).decode()
    broken = text.replace('<edge source="team:1"', '<edge kind="ran" source="team:1"', 1)
    broken = broken.replace('mode="dynamic"', 'mode="dynamic" name="flow"', 1)
    broken = broken.replace('type="boolean"', 'type="bool"', 1)
    broken = broken.replace('start="2023-10-01"', 'start="October"', 1)

    problems = gexf_problems(broken.encode())

    assert any("edge: attribute 'kind' is not allowed" in p for p in problems), problems
    assert any("graph: attribute 'name' is not allowed" in p for p in problems), problems
    assert any("'bool' is not one of" in p for p in problems), problems
    assert any("'October' is not a" in p for p in problems), problems


def test_gexf_declares_typed_attributes(graph: nx.MultiDiGraph) -> None:
    root = gexf_tree(graph)
    declared = {
        (block.get("class"), a.get("title")): a.get("type")
        for block in root.iter(f"{GEXF}attributes")
        for a in block.iter(f"{GEXF}attribute")
    }

    assert declared[("node", "score")] == "double"
    assert declared[("node", "reliable")] == "boolean"
    assert declared[("node", "responses")] == "long"
    assert declared[("edge", "date")] == "string"
    assert ("node", "label") not in declared  # the node's own label attribute
    assert ("node", "start") not in declared  # the node's own start attribute


def test_gexf_reads_in_networkx(graph: nx.MultiDiGraph) -> None:
    other = nx.read_gexf(io.BytesIO(write_gexf(graph)))

    assert set(other.nodes) == set(graph.nodes)
    assert other.number_of_edges("cycle:1", "cycle:2") == 2
    assert other.nodes["person:2"]["label"] == LI
    assert other.graph["mode"] == "dynamic"


def test_gexf_mixed_ints_and_floats_become_doubles() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", weight=2)
    g.add_node("x:2", kind="x", weight=0.5)

    back = read_gexf(write_gexf(g))

    assert typed(back.nodes["x:1"])["weight"] == ("float", 2.0)
    assert typed(read_graphml(write_graphml(g)).nodes["x:1"])["weight"] == ("int", 2)


# --- GraphML --------------------------------------------------------------------------


def test_graphml_reads_in_networkx(graph: nx.MultiDiGraph) -> None:
    other = nx.read_graphml(io.BytesIO(write_graphml(graph)), edge_key_type=str)

    assert set(other.nodes) == set(graph.nodes)
    assert other.number_of_edges() == graph.number_of_edges()
    assert other.nodes["survey:5"]["score"] == 0.75
    assert other.nodes["survey:5"]["reliable"] is True
    assert other.nodes["cycle:1"]["start"] == "2023-10-01"
    assert other.graph["as_of"] == "2024-06-30"


def test_graphml_reads_in_igraph(graph: nx.MultiDiGraph) -> None:
    other = igraph_graphml(write_graphml(graph))

    assert sorted(other.vs["id"]) == sorted(graph.nodes)
    assert other.ecount() == graph.number_of_edges()
    assert other.is_directed()
    person = other.vs.find(id="person:2")
    assert person["label"] == LI.replace("\r\n", "\n")
    survey = other.vs.find(id="survey:5")
    assert (survey["score"], survey["reliable"], survey["responses"]) == (0.75, True, 12)
    names = other.vs["id"]
    edges = sorted((names[e.source], names[e.target], e["kind"]) for e in other.es)
    assert edges == sorted((u, v, data["kind"]) for u, v, data in graph.edges(data=True))


# --- JSON -----------------------------------------------------------------------------


def test_json_is_node_link_data_with_graph_metadata(graph: nx.MultiDiGraph) -> None:
    payload = json.loads(write_json(graph))

    assert payload["directed"] is True
    assert payload["multigraph"] is True
    assert payload["graph"] == {"community": "math-nic", "as_of": "2024-06-30"}
    assert len(payload["nodes"]) == graph.number_of_nodes()
    assert len(payload["edges"]) == graph.number_of_edges()
    member = next(e for e in payload["edges"] if e["source"] == "person:1" and e["role"] == "coach")
    assert member == {
        "source": "person:1",
        "target": "team:2",
        "key": MEMBER,
        "kind": MEMBER,
        "start": "2023-09-01",
        "end": "2024-01-31",
        "role": "coach",
    }
    assert "中文" in write_json(graph)  # UTF-8, not \\u escapes


def test_node_link_is_the_json_as_a_dict(graph: nx.MultiDiGraph) -> None:
    data = exports.node_link(graph)

    assert data == json.loads(write_json(graph))
    assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_json_writes_nan_as_null_and_reads_it_as_absent() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", constraint=math.nan)

    text = write_json(g)

    assert '"constraint": null' in text
    assert read_json(text).nodes["x:1"] == {"kind": "x"}


def test_json_refuses_attributes_named_like_its_fields() -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="k", kind="k", source="elsewhere")

    with pytest.raises(ValueError, match="'source' clashes"):
        write_json(g)


def test_gexf_refuses_attributes_networkx_writes_as_its_own() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", pid="x:0")
    with pytest.raises(ValueError, match="node 'x:1': attribute 'pid' clashes"):
        write_gexf(g)
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="k", kind="k", type="informal")
    with pytest.raises(ValueError, match="attribute 'type' clashes"):
        write_gexf(g)
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="k", kind="k", weight="heavy")
    with pytest.raises(ValueError, match="GEXF 'weight' must be a number"):
        write_gexf(g)


def test_gexf_edge_labels_are_the_edges_own() -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="k", kind="k", label="a to b", weight=2)

    root = gexf_tree(g)

    edge = next(root.iter(f"{GEXF}edge"))
    assert (edge.get("label"), edge.get("weight")) == ("a to b", "2")
    assert gexf_problems(write_gexf(g)) == []
