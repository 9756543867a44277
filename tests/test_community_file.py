"""Community files carry everything of a community: the domain, every plugin's section and,
on request, the community roles of accounts. Demo -> export -> load into an empty
database -> export gives the same file, the same rows in every table and the same graph."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from communities.cli import DEMO_USERS
from communities.examples.demo import demo_communities
from communities.examples.demo_accounts import COORDINATOR, TEACHER
from communities.exchange import export_community, load_community
from core.context import Actor, ServiceContext
from tests.scratch import run_nic, scratch_database, table_counts

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small-community.yaml"
SLUGS = ("harrow-creek-hs-network", "quillan-valley-feedback-network")
NOT_IN_FILES = {
    # Sign-in and mail of accounts, and what workers derive from a community: not its data.
    "nic_api_token", "nic_web_session", "nic_sign_in_attempt", "nic_notification",
    "flow_result", "flow_job",
}  # fmt: skip

GRAPH = """
import json, sys
from plugins.api import load_graph
out = {}
for slug in sys.argv[2:]:
    g = load_graph(sys.argv[1], slug)
    label = {n: [d.get("kind"), str(d.get("label"))] for n, d in g.nodes(data=True)}
    out[slug] = {
        "nodes": sorted(map(json.dumps, label.values())),
        "edges": sorted(json.dumps([label[u], label[v], d.get("kind")])
                        for u, v, d in g.edges(data=True)),
    }
print(json.dumps(out))
"""


def _graphs(url: str, cwd: Path) -> dict[str, dict[str, list[str]]]:
    result = subprocess.run(
        [sys.executable, "-c", GRAPH, url, *SLUGS], cwd=cwd, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _counts(url: str) -> dict[str, int]:
    """Row counts of the tables a community file carries (on PostgreSQL the workers' queue,
    procrastinate's tables, is not one of them either)."""
    return {
        t: n
        for t, n in table_counts(url).items()
        if t not in NOT_IN_FILES and not t.startswith("procrastinate")
    }


def _copy(source: str, target: str, folder: Path, tag: str) -> None:
    """Every demo community exported from ``source`` (with roles) and loaded into the
    empty ``target``, where the demo accounts were added first."""
    run_nic("migrate", database=target, cwd=folder)
    for email in [*(user[0] for user in DEMO_USERS), TEACHER, COORDINATOR]:
        run_nic("user", "add", email, database=target, cwd=folder)
    for slug in SLUGS:
        run_nic("export", slug, "--with-roles", "-o", f"{tag}-{slug}.yaml", database=source,
                cwd=folder)  # fmt: skip
        loaded = run_nic("load", f"{tag}-{slug}.yaml", database=target, cwd=folder)
        assert "No account" not in loaded.stdout and "entries of plugins.rubrics" in loaded.stdout


def test_demo_export_load_export_keeps_every_table_and_the_graph(tmp_path: Path) -> None:
    demo = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    run_nic("demo", "--no-serve", "--database", str(tmp_path / "demo.sqlite3"),
            database=f"sqlite://{tmp_path / 'unused.sqlite3'}", cwd=tmp_path)  # fmt: skip
    with scratch_database(tmp_path) as first, scratch_database(tmp_path) as second:
        _copy(demo, first, tmp_path, "a")  # SQLite -> the suite's database
        _copy(first, second, tmp_path, "b")  # the suite's database -> the same kind
        for slug in SLUGS:
            run_nic("export", slug, "--with-roles", "-o", f"c-{slug}.yaml", database=second,
                    cwd=tmp_path)  # fmt: skip
            a, b, c = ((tmp_path / f"{t}-{slug}.yaml").read_text() for t in "abc")
            assert a == b == c, slug
            doc = yaml.safe_load(a)
            assert doc["format"] == "nic-community/2"
            assert set(doc["plugins"]) == {"convenings", "forums", "rubrics"}
            roles = {r["role"] for r in doc["roles"]}  # the demo teacher: a member of the first
            assert {"facilitator", "researcher"} <= roles <= {"facilitator", "researcher", "member"}
            assert any(m["phases"] for m in doc["measures"])  # the charts' splits travel too
            assert any(m["notes"] for m in doc["measures"])  # and the notes drawn on them

        counts = _counts(demo)
        assert counts == _counts(first) == _counts(second)
        plugin_tables = [t for t in counts if t.startswith(("rubric", "forum", "convening"))]
        assert sum(counts[t] > 0 for t in plugin_tables) >= 12
        assert (
            counts["community_role"] == 6 and counts["nic_user"] == 5
        )  # with teacher, coordinator

        graphs = _graphs(demo, tmp_path)
        assert graphs == _graphs(first, tmp_path) == _graphs(second, tmp_path)
        harrow = graphs[SLUGS[0]]
        # The demo is dated from the day it is built (its convenings and what they decide
        # depend on the quarter), so its size is checked loosely; the round trip exactly.
        assert len(harrow["nodes"]) >= 140 and len(harrow["edges"]) >= 450


def _write(tmp_path: Path, name: str, change) -> Path:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(SMALL.read_text())
    doc["format"] = "nic-community/2"
    change(doc)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_sections_of_missing_plugins_are_refused_or_skipped_and_roles_need_accounts(
    tmp_path: Path,
) -> None:
    def unknown(doc: dict) -> None:  # type: ignore[type-arg]
        doc["plugins"] = {"nowhere": [{"anything": 1}]}
        doc["plugin_switches"] = {"forums": False}
        doc["roles"] = [
            {"email": "Ana.Ruiz@cedar.example", "role": "facilitator"},
            {"email": "ghost@cedar.example", "role": "researcher"},
        ]

    def wrong_team(doc: dict) -> None:  # type: ignore[type-arg]
        doc["plugins"] = yaml.safe_load("rubrics:\n- name: R\n  versions: []\n  assessments: []\n")

    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("user", "add", "ana.ruiz@cedar.example", database=url, cwd=tmp_path)
        empty = table_counts(url)

        path = _write(tmp_path, "unknown.yaml", unknown)
        refused = run_nic("load", str(path), database=url, cwd=tmp_path, check=False)
        assert refused.returncode == 1
        assert f"{path}: plugins.nowhere: no installed plugin reads this section" in refused.stderr
        assert "--skip-missing-plugins" in refused.stderr
        assert table_counts(url) == empty

        bad = _write(tmp_path, "bad.yaml", wrong_team)
        refused = run_nic("load", str(bad), database=url, cwd=tmp_path, check=False)
        assert refused.returncode == 1
        assert f"{bad}: plugins.rubrics[0].versions: List should have at least 1 item" in (
            refused.stderr
        )
        assert table_counts(url) == empty

        loaded = run_nic("load", str(path), "--skip-missing-plugins", database=url, cwd=tmp_path)
        assert "Left out (no plugin here reads them): plugins.nowhere." in loaded.stdout
        assert "No account on this site for 1 of the file's roles: ghost@cedar.example" in (
            loaded.stdout
        )
        roles = run_nic("export", "cedar-valley", "--with-roles", database=url, cwd=tmp_path)
        exported = yaml.safe_load(roles.stdout)
        assert exported["roles"] == [{"email": "ana.ruiz@cedar.example", "role": "facilitator"}]
        assert exported["plugin_switches"] == {"forums": False}
        plain = yaml.safe_load(run_nic("export", "cedar-valley", database=url, cwd=tmp_path).stdout)
        assert "roles" not in plain and "plugins" not in plain


async def test_plugin_sections_load_in_process_under_the_write_guard(app: Any) -> None:
    """The same round trip through the Python API, where the suite's write guard sees
    every plugin section's writes (``tests/write_guard.py``)."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    document = demo_communities()[0]
    summary = await load_community(ctx, document, "demo")
    await app.state.plugins.call(
        "nic_demo_data", ctx=ctx, community_ids=[summary["community_id"]], today=date.today()
    )
    exported = await export_community(ctx, document["community"]["slug"])
    assert set(exported["plugins"]) == {"convenings", "forums", "rubrics"}

    copy = {**exported, "community": {**exported["community"], "slug": "copy"}}
    copy.pop("digest")
    loaded = await load_community(ctx, copy, "copy.yaml")
    assert loaded["plugins.forums"] == len(exported["plugins"]["forums"])
    again = await export_community(ctx, "copy")
    assert {**again, "community": exported["community"], "digest": ""} == {
        **exported,
        "digest": "",
    }


async def test_measure_notes_travel_with_their_author(app: Any) -> None:
    """Notes on a measure's chart (and its phases) go out and come back with their date,
    text and author; a note naming a person the file lacks is refused, naming the field."""
    ctx = ServiceContext(Actor.system(), app.state.plugins)
    doc = yaml.safe_load(SMALL.read_text())
    doc["format"] = "nic-community/2"
    doc["measures"][0]["phases"] = [{"start": "2024-09-13", "label": "Huddles", "frozen": True}]
    doc["measures"][0]["notes"] = [
        {"date": "2024-09-06", "text": "Picture day: two periods lost.", "author": "ana"},
        {"date": "2024-09-13", "text": "Fire drill <during> period 1 & 2"},
    ]
    await load_community(ctx, doc, "small.yaml")
    exported = await export_community(ctx, doc["community"]["slug"])
    (measure,) = exported["measures"]
    names = {p["key"]: p["name"] for p in exported["people"]}
    ana = next(p["name"] for p in doc["people"] if p["key"] == "ana")
    assert [(str(n["date"]), n["text"], names.get(n["author"])) for n in measure["notes"]] == [
        ("2024-09-06", "Picture day: two periods lost.", ana),
        ("2024-09-13", "Fire drill <during> period 1 & 2", None),
    ]
    assert measure["phases"][0]["frozen"] is True
    copy = {**exported, "community": {**exported["community"], "slug": "copy"}}
    copy.pop("digest")
    await load_community(ctx, copy, "copy.yaml")
    again = await export_community(ctx, "copy")
    assert again["measures"] == exported["measures"]

    doc["community"]["slug"] = "broken"
    doc["measures"][0]["notes"] = [{"date": "2024-09-06", "text": "x", "author": "nobody"}]
    with pytest.raises(
        Exception, match=r"measures\[0\] \(key attendance\): notes\[0\]\.author: no person"
    ):
        await load_community(ctx, doc, "broken.yaml")
