"""Migrations run on SQLite and PostgreSQL alike and keep the data a database holds."""

from __future__ import annotations

from pathlib import Path

from tests.scratch import run_nic, scratch_database, sql

POPULATE = [
    "INSERT INTO nic_user (id, email, name, password_hash, is_admin, is_active, created_at) "
    "VALUES (1, 'ana@example.org', 'Ana', 'x', TRUE, TRUE, '2024-08-01 09:00:00+00:00')",
    "INSERT INTO community (id, slug, name, description, method, time_zone, created_at) "
    "VALUES (1, 'lakeview', 'Lakeview', 'A network', 'PDSA', 'UTC', '2024-08-01 09:00:00+00:00')",
    "INSERT INTO community_role (id, community_id, user_id, role) VALUES (1, 1, 1, 'facilitator')",
    "INSERT INTO team (id, community_id, name, kind, description) "
    "VALUES (1, 1, 'Lakeview DIDT', 'district_design_team', '')",
    "INSERT INTO team (id, community_id, parent_id, name, kind, description) "
    "VALUES (2, 1, 1, 'North SIDT', 'school_design_team', '')",
    "INSERT INTO cycle (id, community_id, team_id, title, status, plan_objective, plan_questions,"
    " plan_predictions, plan_who, plan_what, plan_when, plan_where, plan_measures,"
    " do_what_happened, do_observations, study_results, study_learning, act_rationale,"
    " act_next_steps, version, created_at, updated_at, planned_start) VALUES (1, 1, 2,"
    " 'Huddle', 'planning', 'Test a huddle', '', '', '', '', '', '', '', '', '', '', '', '',"
    " '', 3, '2024-09-01 09:00:00+00:00', '2024-09-01 09:00:00+00:00', '2024-09-02')",
]


def test_migrate_upgrades_a_populated_database(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        first = run_nic(
            "migrate", "--target", "communities.0001_initial", database=url, cwd=tmp_path
        )
        assert "applied communities.0001_initial" in first.stdout
        assert "0002" not in first.stdout
        sql(url, POPULATE)

        upgrade = run_nic("migrate", database=url, cwd=tmp_path)
        assert "applied communities.0002_community_change_counter" in upgrade.stdout

        assert sql(url, [], "SELECT slug, name, change_counter FROM community") == [
            ("lakeview", "Lakeview", 0)
        ]
        assert sql(url, [], "SELECT name, parent_id FROM team ORDER BY id") == [
            ("Lakeview DIDT", None),
            ("North SIDT", 1),
        ]
        assert sql(url, [], "SELECT title, version, plan_objective FROM cycle") == [
            ("Huddle", 3, "Test a huddle")
        ]
        assert sql(url, [], "SELECT email FROM nic_user") == [("ana@example.org",)]
        # The upgraded database works through the application: export reads it all back.
        exported = run_nic("export", "lakeview", database=url, cwd=tmp_path).stdout
        assert "North SIDT" in exported and "Test a huddle" in exported

        again = run_nic("migrate", database=url, cwd=tmp_path)
        assert "applied" not in again.stdout


def test_init_writes_settings_and_creates_the_database(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        result = run_nic("init", database=url, cwd=tmp_path, secret=False)
        assert "Wrote nic.toml" in result.stdout
        assert "secret_key = " in (tmp_path / "nic.toml").read_text()
        assert "applied core.0001_initial" in result.stdout
        assert "applied communities.0002_community_change_counter" in result.stdout
        assert sql(url, [], "SELECT COUNT(*) FROM community") == [(0,)]
        # Later commands in that folder read the secret key from nic.toml.
        added = run_nic("user", "add", "ana@example.org", database=url, cwd=tmp_path, secret=False)
        assert "Created user ana@example.org" in added.stdout


def test_missing_secret_key_is_a_clear_error(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        result = run_nic("serve", database=url, cwd=tmp_path, secret=False, check=False)
        assert result.returncode == 2
        assert "NIC_SECRET_KEY is not set" in result.stderr


def test_measure_definitions_migration_keeps_measures_and_data(tmp_path: Path) -> None:
    """0008 adds measure definitions, numerator/denominator and phases to a database that
    holds measures and data points: old rows read with empty definitions and a run chart."""
    with scratch_database(tmp_path) as url:
        run_nic(
            "migrate", "--target", "communities.0007_flow_result_version", database=url,
            cwd=tmp_path,
        )  # fmt: skip
        sql(
            url,
            [
                *POPULATE,
                "INSERT INTO measure (id, community_id, team_id, name, kind, unit, description)"
                " VALUES (1, 1, 2, 'Attendance', 'outcome', '%', 'Daily attendance')",
                "INSERT INTO data_point (id, measure_id, cycle_id, date, value, note)"
                " VALUES (1, 1, 1, '2024-09-10', 91.5, 'week 2')",
            ],
        )
        upgrade = run_nic("migrate", database=url, cwd=tmp_path)
        assert "applied communities.0008_measure_definitions_and_phases" in upgrade.stdout
        assert sql(
            url,
            [],
            "SELECT name, operational_definition, data_source, collection_frequency, goal,"
            " direction, chart_type FROM measure",
        ) == [("Attendance", "", "", None, None, None, "run")]
        assert sql(url, [], "SELECT value, numerator, denominator, note FROM data_point") == [
            (91.5, None, None, "week 2")
        ]
        sql(url, ["INSERT INTO measure_phase (measure_id, start, label, frozen)"
                  " VALUES (1, '2024-10-01', 'After', TRUE)"])  # fmt: skip
        assert sql(url, [], "SELECT label FROM measure_phase") == [("After",)]


def test_migrate_to_an_app_applies_that_app_only_and_names_a_wrong_target(
    tmp_path: Path,
) -> None:
    with scratch_database(tmp_path) as url:
        kernel = run_nic("migrate", "--target", "core", database=url, cwd=tmp_path)
        assert "applied core.0001_initial" in kernel.stdout
        assert "applied communities." not in kernel.stdout
        assert sql(url, [], "SELECT COUNT(*) FROM nic_user") == [(0,)]

        for wrong in ("nosuch", "communities.9999_nothing"):
            refused = run_nic("migrate", "--target", wrong, database=url, cwd=tmp_path, check=False)
            assert refused.returncode == 1
            assert "Traceback" not in refused.stderr
            assert refused.stderr.count(wrong) == 1 and "apps: core, communities" in refused.stderr

        rest = run_nic("migrate", database=url, cwd=tmp_path)
        assert "applied communities.0001_initial" in rest.stdout
        assert "applied core." not in rest.stdout
