"""bench/flow.py: the synthetic communities have the shape the benchmark promises, and the
whole command runs on its smallest size."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import networkx as nx

SCRIPT = Path(__file__).parent.parent / "bench" / "flow.py"


def bench_flow() -> ModuleType:
    if str(SCRIPT.parent) not in sys.path:  # as when run: it imports its neighbour benchdb
        sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("bench_flow", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_flow"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_generator_is_seeded_and_its_links_point_forward_in_time() -> None:
    flow = bench_flow()
    size = flow.SIZES["district"]
    tables = flow.generate("district", size)
    assert tables == flow.generate("district", size)
    assert len(tables["team"]) == size.teams and len(tables["person"]) == size.people
    assert len(tables["cycle"]) == size.cycles and len(tables["learning_link"]) == size.links
    kinds = Counter(row[2] for row in tables["team"])
    assert kinds == {"district_design_team": 1, "school_design_team": 19}

    spells = Counter(row[4] for row in tables["membership"])
    assert set(spells.values()) <= {1, 2, 3}
    didt_roles = Counter(row[1] for row in tables["membership"] if row[5] == 1)
    assert didt_roles["coordinator"] >= 19

    cycles = {row[0]: row for row in tables["cycle"]}
    columns = flow.COLUMNS["cycle"]
    start, builds_on = columns.index("planned_start"), columns.index("builds_on_id")
    versions = {row[0]: row[5] for row in tables["artifact_version"]}
    day = {f"cycle:{i}": row[start] for i, row in cycles.items()}
    day |= {f"artifact_version:{i}": created for i, created in versions.items()}
    content = nx.DiGraph()
    for _, source, target, kind, *_ in tables["learning_link"]:
        assert kind in {"informed", "adapted_from", "builds_on"}
        assert day[source] <= day[target]
        content.add_edge(source, target)
    for i, row in cycles.items():
        if row[builds_on]:
            assert row[builds_on] < i
            content.add_edge(f"cycle:{row[builds_on]}", f"cycle:{i}")
    assert nx.is_directed_acyclic_graph(content)
    links = {(row[1], row[2], row[3]) for row in tables["learning_link"]}
    assert len(links) == size.links


def test_the_benchmark_runs_end_to_end_on_its_smallest_size() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "tiny"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "build/floor" in done.stdout
    for analysis in ("downstream x5", "team_flow", "silos", "brokers", "main_path"):
        assert analysis in done.stdout
    assert "error:" not in done.stdout
