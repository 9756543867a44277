"""CSV and UCINET DL exports: formula-like cells neutralised, DL read by igraph, and the
formats table the API and the CLI serve."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import networkx as nx
import pytest

from communities.flow import exports
from communities.flow.exports import (
    FORMATS,
    FORMULA_STARTS,
    dl_label,
    neutralised,
    write_csv,
    write_csv_zip,
    write_dl,
    write_dl_comembership,
)
from communities.flow.schema import MEMBER, PERSON, TEAM
from tests.flow_readers import (
    igraph_dl,
    read_csv,
    read_csv_zip,
    read_gexf,
    read_graphml,
    read_json,
    table,
)
from tests.flow_sample import DISTRICT_LABEL, JOSE, LI, SAM, SCHOOL_LABEL, build_graph, typed


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    return build_graph()


# --- CSV ------------------------------------------------------------------------------


def test_csv_columns(graph: nx.MultiDiGraph) -> None:
    tables = write_csv(graph)

    assert set(tables) == {"nodes", "edges", "memberships"}
    node_header = next(csv.reader(io.StringIO(tables["nodes"])))
    assert node_header[:7] == ["id", "kind", "label", "team", "level", "start", "end"]
    assert node_header[7:] == sorted(node_header[7:])
    assert {"community", "score", "reliable", "responses", "status"} <= set(node_header)
    edge_header = next(csv.reader(io.StringIO(tables["edges"])))
    assert edge_header[:4] == ["source", "target", "kind", "date"]
    assert {"flow", "weight", "role"} <= set(edge_header)


def test_csv_membership_spells(graph: nx.MultiDiGraph) -> None:
    rows = table(write_csv(graph)["memberships"])

    assert rows == [
        {
            "person": "person:1",
            "person_label": JOSE,
            "team": "team:1",
            "team_label": DISTRICT_LABEL,
            "role": "lead",
            "start": "2023-09-01",
            "end": "",
        },
        {
            "person": "person:1",
            "person_label": JOSE,
            "team": "team:2",
            "team_label": SCHOOL_LABEL,
            "role": "coach",
            "start": "2023-09-01",
            "end": "2024-01-31",
        },
        {
            "person": "person:2",
            "person_label": LI,
            "team": "team:2",
            "team_label": SCHOOL_LABEL,
            "role": "member",
            "start": "2023-10-01",
            "end": "",
        },
        {
            "person": "person:3",
            "person_label": SAM,
            "team": "team:1",
            "team_label": DISTRICT_LABEL,
            "role": "",
            "start": "2024-01-01",
            "end": "",
        },
    ]


def test_csv_cells(graph: nx.MultiDiGraph) -> None:
    nodes = {row["id"]: row for row in table(write_csv(graph)["nodes"])}

    assert nodes["survey:5"]["reliable"] == "true"
    assert nodes["survey:5"]["score"] == "0.75"
    assert nodes["survey:5"]["team"] == ""
    assert nodes["cycle:2"]["end"] == "2024-02-20"


def test_csv_zip_holds_three_tables_with_a_byte_order_mark(graph: nx.MultiDiGraph) -> None:
    with zipfile.ZipFile(io.BytesIO(write_csv_zip(graph))) as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "memberships.csv", "nodes.csv"]
        raw = archive.read("nodes.csv")

    assert raw.startswith(b"\xef\xbb\xbfid,kind,label")
    assert "中文".encode() in raw


def test_csv_keeps_text_columns_as_text_and_infers_the_others() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", label="2024", code="007", count=3, ratio=1.5)
    g.add_node("x:2", kind="x", label="true", code="12", count=-4, ratio=2, mixed="a")
    g.nodes["x:1"]["mixed"] = 1

    back = read_csv(write_csv(g))

    assert typed(back.nodes["x:1"]) == {
        "kind": ("str", "x"),
        "label": ("str", "2024"),
        "code": ("str", "007"),
        "count": ("int", 3),
        "ratio": ("float", 1.5),
        "mixed": ("str", "1"),
    }
    assert typed(back.nodes["x:2"])["label"] == ("str", "true")
    assert typed(back.nodes["x:2"])["ratio"] == ("float", 2.0)  # ints and floats: floats


def test_csv_refuses_attributes_named_like_its_key_columns() -> None:
    g = nx.MultiDiGraph()
    g.add_node("x:1", kind="x", id=7)

    with pytest.raises(ValueError, match="'id' clashes"):
        write_csv(g)


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-INF"]


def formula_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(community="=cmd")
    for index, text in enumerate(FORMULAS):
        g.add_node(f"person:{index}", kind=PERSON, label=text, note=text, delta=-4, ratio=-0.5)
    g.add_node("team:1", kind=TEAM, label="=team")
    g.add_edge("person:0", "team:1", key=MEMBER, kind=MEMBER, role="@lead", gain=-1e-3)
    return g


def test_no_csv_cell_starts_like_a_formula() -> None:
    tables = write_csv(formula_graph())

    for name, text in tables.items():
        for row in csv.reader(io.StringIO(text, newline="")):
            for cell in row:
                if cell.startswith("-"):
                    float(cell)  # a plain number, which a spreadsheet reads as a number
                else:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, cell)
    nodes = {row["id"]: row for row in csv.DictReader(io.StringIO(tables["nodes"]))}
    assert nodes["person:0"]["label"] == '\'=HYPERLINK("http://x","y")'
    assert nodes["person:2"]["delta"] == "-4"
    assert nodes["team:1"]["label"] == "'=team"


def test_neutralised_cells_read_back_as_written() -> None:
    back = read_csv(write_csv(formula_graph()))

    assert [back.nodes[f"person:{i}"]["label"] for i in range(len(FORMULAS))] == FORMULAS
    assert typed(back.nodes["person:1"])["delta"] == ("int", -4)
    assert back.edges["person:0", "team:1", MEMBER]["role"] == "@lead"


def test_the_formula_rule() -> None:
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")
    assert neutralised("=1+1") == "'=1+1"
    assert neutralised("-2+3") == "'-2+3"
    assert neutralised("-2") == "-2"
    assert neutralised("+1.5e3") == "+1.5e3"
    assert neutralised("a=b") == "a=b"
    assert neutralised("'=x") == "'=x"


# --- UCINET DL ------------------------------------------------------------------------


def test_dl_two_mode_is_an_edgelist_igraph_reads(graph: nx.MultiDiGraph) -> None:
    text = write_dl(graph)
    lines = text.split("\r\n")

    assert lines[:3] == ["dl n=5", "format = edgelist1", "labels:"]
    jose, li, sam, district, school = (
        dl_label(label) for label in (JOSE, LI, SAM, DISTRICT_LABEL, SCHOOL_LABEL)
    )
    assert lines[3:8] == [jose, li, sam, district, school]
    assert lines[8:] == ["data:", "1 4", "1 5", "2 5", "3 4", ""]

    network = igraph_dl(text)

    assert network.names == [jose, li, sam, district, school]
    assert sorted(network.arcs) == sorted(
        [(jose, district), (jose, school), (li, school), (sam, district)]
    )


def test_dl_comembership_counts_shared_teams_both_ways(graph: nx.MultiDiGraph) -> None:
    graph.add_edge("person:2", "team:1", key=MEMBER, kind=MEMBER, start=date(2023, 10, 1))
    text = write_dl_comembership(graph)

    assert text.startswith("dl n=3\r\nformat = edgelist1\r\nlabels:\r\n")
    network = igraph_dl(text)

    jose, li, sam = (dl_label(label) for label in (JOSE, LI, SAM))
    assert network.names == [jose, li, sam]
    weights = dict(zip(network.arcs, network.weights or [], strict=True))
    assert weights == {
        (jose, li): 2,
        (li, jose): 2,
        (jose, sam): 1,
        (sam, jose): 1,
        (li, sam): 1,
        (sam, li): 1,
    }


def test_dl_as_of_keeps_memberships_active_that_day(graph: nx.MultiDiGraph) -> None:
    def ties(day: date) -> set[tuple[str, str]]:
        return set(igraph_dl(write_dl(graph, as_of=day, labels="id")).arcs)

    later, early, last_day = (
        ties(date(2024, 3, 1)),
        ties(date(2023, 9, 15)),
        ties(date(2024, 1, 31)),
    )

    assert igraph_dl(write_dl(graph, labels="id")).names == [
        "person:1",
        "person:2",
        "person:3",
        "team:1",
        "team:2",
    ]  # every person and team, tied or not
    assert later == {("person:1", "team:1"), ("person:2", "team:2"), ("person:3", "team:1")}
    assert early == {("person:1", "team:1"), ("person:1", "team:2")}
    assert ("person:1", "team:2") in last_day  # the end date is inclusive
    together = igraph_dl(write_dl_comembership(graph, as_of=date(2024, 3, 1), labels="id"))
    assert together.arcs == [("person:1", "person:3"), ("person:3", "person:1")]


def test_dl_labels_are_single_tokens_and_shared_ones_get_the_id() -> None:
    assert dl_label('He said "hi",\n\tthen  left') == "He_said_hi_then_left"
    assert dl_label("O'Neil <&> é") == "ONeil_<&>_é"
    g = nx.MultiDiGraph()
    g.add_node("person:1", kind=PERSON, label="Ana")
    g.add_node("person:2", kind=PERSON, label="Ana")
    g.add_node("person:3", kind=PERSON, label=" ")
    g.add_node("person:4", kind=PERSON, label="data:")
    g.add_node("person:5", kind=PERSON, label="2024")
    g.add_node("team:1", kind=TEAM)

    network = igraph_dl(write_dl(g))

    assert network.names == [
        "Ana_[person:1]",
        "Ana_[person:2]",
        "person:3",
        "person:4",
        "2024",
        "team:1",
    ]
    assert network.arcs == []


def test_dl_follows_ucinets_edgelist_rules(graph: nx.MultiDiGraph) -> None:
    """UCINET's DL: a ``dl n=`` header, ``format = edgelist1``, ``labels:`` with one label
    per line (no commas, quotes or spaces inside one), ``data:`` lines of two 1-based
    numbers and an optional value."""
    for text in (write_dl(graph), write_dl_comembership(graph)):
        lines = text.split("\r\n")
        n = int(lines[0].removeprefix("dl n="))
        labels = lines[3 : 3 + n]
        assert lines[1:3] == ["format = edgelist1", "labels:"]
        assert all(label and not set(label) & set(", \"'\t") for label in labels)
        assert lines[3 + n] == "data:"
        for line in lines[4 + n : -1]:
            cells = line.split()
            assert len(cells) in (2, 3) and all(1 <= int(c) <= n for c in cells[:2]), line


def test_empty_graph_in_dl() -> None:
    for write in (write_dl, write_dl_comembership):
        text = write(nx.MultiDiGraph())
        # igraph (1.0) answers a DL of no vertices with MemoryError, so only the text here.
        assert text == "dl n=0\r\nformat = edgelist1\r\nlabels:\r\ndata:\r\n"


# --- FORMATS --------------------------------------------------------------------------


READERS = {
    "gexf": read_gexf,
    "graphml": read_graphml,
    "json": read_json,
    "csv": read_csv_zip,
    "dl": igraph_dl,
    "dl-comembership": igraph_dl,
}


def test_formats_table() -> None:
    assert {name: (f.media_type, f.extension) for name, f in FORMATS.items()} == {
        "gexf": ("application/gexf+xml", "gexf"),
        "graphml": ("application/graphml+xml", "graphml"),
        "json": ("application/json", "json"),
        "csv": ("application/zip", "zip"),
        "dl": ("text/plain; charset=utf-8", "dl"),
        "dl-comembership": ("text/plain; charset=utf-8", "comembership.dl"),
    }


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_writes_bytes_its_reader_takes(name: str, graph: nx.MultiDiGraph) -> None:
    data = FORMATS[name].write(graph)

    assert isinstance(data, bytes)
    back = READERS[name](data)
    if name == "dl":
        # The graph's as_of (2024-06-30) is after the coach membership ended.
        assert len(back.arcs) == 3
    elif name == "dl-comembership":
        assert len(back.arcs) == 2  # José and Sam share the district team
    else:
        assert set(back.edges(keys=True)) == set(graph.edges(keys=True))


def test_formats_dl_takes_the_builders_as_of_string(graph: nx.MultiDiGraph) -> None:
    graph.graph["as_of"] = "2023-09-15"
    early = igraph_dl(FORMATS["dl"].write(graph))
    del graph.graph["as_of"]
    ever = igraph_dl(FORMATS["dl"].write(graph))

    assert len(early.arcs) == 2
    assert len(ever.arcs) == 4


@pytest.mark.parametrize("name", [name for name in FORMATS if not name.startswith("dl")])
def test_every_format_writes_an_empty_graph(name: str) -> None:
    back = READERS[name](FORMATS[name].write(nx.MultiDiGraph()))

    assert back.number_of_nodes() == 0


def test_date_attribute_names() -> None:
    assert exports.is_date_attribute("start")
    assert exports.is_date_attribute("as_of")
    assert exports.is_date_attribute("meeting_date")
    assert not exports.is_date_attribute("label")
