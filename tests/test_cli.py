"""The ``nic`` command: load, export, users and roles, as an operator runs them."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.scratch import run_nic, scratch_database, sql

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small-community.yaml"


def test_export_load_export_is_lossless(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as first, scratch_database(tmp_path) as second:
        run_nic("migrate", database=first, cwd=tmp_path)
        loaded = run_nic("load", str(SMALL), database=first, cwd=tmp_path)
        assert "3 cycles" in loaded.stdout and "4 learning links" in loaded.stdout
        run_nic("export", "cedar-valley", "-o", "a.yaml", database=first, cwd=tmp_path)

        run_nic("migrate", database=second, cwd=tmp_path)
        run_nic("load", "a.yaml", database=second, cwd=tmp_path)
        run_nic("export", "cedar-valley", "-o", "b.yaml", database=second, cwd=tmp_path)
        run_nic("export", "cedar-valley", "--json", "-o", "b.json", database=second, cwd=tmp_path)

        a = (tmp_path / "a.yaml").read_text()
        assert a == (tmp_path / "b.yaml").read_text()
        doc = yaml.safe_load(a)
        original = yaml.safe_load(SMALL.read_text())
        assert doc["community"] == original["community"]
        assert [t["name"] for t in doc["teams"]] == [t["name"] for t in original["teams"]]
        assert len(doc["cycles"]) == 3 and len(doc["links"]) == 4
        ramp = next(c for c in doc["cycles"] if c["title"] == "Huddle with all grade 9 advisors")
        base = next(c for c in doc["cycles"] if c["key"] == ramp["builds_on"])
        assert base["title"] == "Huddle with three advisors"
        assert base["act"]["decision"] == "adapt"
        south = next(a for a in doc["artifacts"] if a["title"] == "South's huddle protocol")
        assert south["derived_from"] is not None and south["vetting"] == "draft"
        ben = next(p for p in doc["people"] if p["name"] == "Ben Okafor")
        assert {m["end"].isoformat() for m in ben["memberships"]} == {"2025-06-30"}
        # JSON export holds the same document.
        assert yaml.safe_load((tmp_path / "b.json").read_text())["cycles"][0]["title"]


def _broken(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(SMALL.read_text())
    change(doc)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_load_errors_name_file_entry_and_field_and_load_nothing(tmp_path: Path) -> None:
    cases = [
        (lambda d: d["cycles"][1].update(team="Nowhere SIDT"), "cycles[1] (key n1): team"),
        (lambda d: d["cycles"][1]["plan"].pop("objective"), "cycles[1] (key n1): plan.objective"),
        (lambda d: d["people"][0].update(key="ben"), "people[1] (key ben): key"),
        (
            lambda d: d["people"][1]["memberships"][0].update(end="2023-01-01"),
            "people[1] (key ben): memberships[0].end",
        ),
        (lambda d: d["teams"][0].update(kind="castle"), "teams[0] (Cedar Valley DIDT): kind"),
        (lambda d: d["links"][3].update(target="cycle:n1"), "links[3]: target"),
        (lambda d: d["measures"][0]["data"][0].update(value="lots"), "measures[0]"),
        (lambda d: d.update(format="other/2"), "format"),
        (
            lambda d: d["artifacts"][0]["versions"][0].update(number=2),
            "artifacts[0] (key protocol): versions[0].number",
        ),
    ]
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        for change, expected in cases:
            path = _broken(tmp_path, change)
            result = run_nic("load", str(path), database=url, cwd=tmp_path, check=False)
            assert result.returncode == 1, result.stdout
            assert str(path) in result.stderr and expected in result.stderr, result.stderr
        # Every refused load left nothing behind: not a row in any of the file's tables.
        tables = ("community", "team", "person", "membership", "cycle", "artifact",
                  "artifact_version", "measure", "data_point", "learning_link")  # fmt: skip
        counts = sql(url, [], " UNION ALL ".join(f"SELECT count(*) FROM {t}" for t in tables))
        assert [row[0] for row in counts] == [0] * len(tables)
        missing = run_nic("export", "cedar-valley", database=url, cwd=tmp_path, check=False)
        assert "no community 'cedar-valley'" in missing.stderr
        bad_yaml = tmp_path / "bad.yaml"
        bad_yaml.write_text("format: nic-community/1\ncommunity: [unclosed\n")
        result = run_nic("load", str(bad_yaml), database=url, cwd=tmp_path, check=False)
        assert result.returncode == 1 and "line 3" in result.stderr


def test_user_add_token_and_role(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)
        added = run_nic("user", "add", "Ana@Example.org", database=url, cwd=tmp_path)
        assert "Created user ana@example.org" in added.stdout
        assert "Password: " in added.stdout
        token = run_nic("user", "token", "ana@example.org", database=url, cwd=tmp_path)
        assert token.stdout.strip().splitlines()[-1].startswith("nic_")
        role = run_nic(
            "user",
            "role",
            "ana@example.org",
            "cedar-valley",
            "researcher",
            database=url,
            cwd=tmp_path,
        )
        assert "is now researcher in cedar-valley" in role.stdout

        short = run_nic(
            "user",
            "add",
            "b@example.org",
            "--password",
            "short",
            database=url,
            cwd=tmp_path,
            check=False,
        )
        assert short.returncode == 1 and "password: must be at least 10" in short.stderr
        twice = run_nic("user", "add", "ana@example.org", database=url, cwd=tmp_path, check=False)
        assert twice.returncode == 1 and "email: already taken" in twice.stderr
        unknown = run_nic(
            "user",
            "role",
            "ana@example.org",
            "nowhere",
            "member",
            database=url,
            cwd=tmp_path,
            check=False,
        )
        assert unknown.returncode == 1 and "no community 'nowhere'" in unknown.stderr
