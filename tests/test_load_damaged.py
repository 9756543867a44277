"""``nic load`` refuses a damaged file: it names the file, the line and the problem,
and the database is left exactly as it was."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.scratch import run_nic, scratch_database, sql, table_counts

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small-community.yaml"


def _other_community(tmp_path: Path) -> Path:
    """The small community under another slug, hand-written (no digest)."""
    doc = yaml.safe_load(SMALL.read_text())
    doc["community"]["slug"] = "other-valley"
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _counter(url: str) -> list[tuple[object, ...]]:
    return sql(url, [], "SELECT slug, change_counter FROM community ORDER BY slug")


def test_damaged_files_are_refused_and_change_nothing(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as source, scratch_database(tmp_path) as url:
        run_nic("migrate", database=source, cwd=tmp_path)
        run_nic("load", str(SMALL), database=source, cwd=tmp_path)
        run_nic("export", "cedar-valley", "-o", "a.yaml", database=source, cwd=tmp_path)
        run_nic("export", "cedar-valley", "-o", "a.json", database=source, cwd=tmp_path)
        yaml_text = (tmp_path / "a.yaml").read_text()
        json_text = (tmp_path / "a.json").read_text()
        yaml_lines = yaml_text.splitlines(keepends=True)
        links_line = yaml_lines.index("links:\n")

        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(_other_community(tmp_path)), database=url, cwd=tmp_path)
        before, counter = table_counts(url), _counter(url)

        cases: list[tuple[str, bytes, list[str]]] = [
            (
                "repeat.yaml",
                (yaml_text + "links: []\n").encode(),
                [
                    f"line {len(yaml_lines) + 1}: key 'links' repeated (first at line "
                    f"{links_line + 1})"
                ],
            ),
            (
                "repeat-nested.yaml",
                yaml_text.replace(
                    "  name: Ana Ruiz\n", "  name: Ana Ruiz\n  name: Ana\n", 1
                ).encode(),
                ["key 'name' repeated"],
            ),
            (
                "repeat.json",
                json_text.replace('  "digest": ', '  "links": [],\n  "digest": ', 1).encode(),
                ["key 'links' repeated (first at line 3)"],
            ),
            (
                "latin1.yaml",
                yaml_text.replace("Ana Ruiz", "Ana Ru\u00edz", 1).encode("latin-1"),
                ["not UTF-8: byte 0xed at byte offset"],
            ),
            (
                "latin1.json",
                json_text.replace("Ana Ruiz", "Ana Ru\u00edz", 1).encode("latin-1"),
                ["not UTF-8: byte 0xed at byte offset"],
            ),
            (
                "cut-at-links.yaml",
                "".join(yaml_lines[: links_line + 4]).encode(),
                [
                    f"line {links_line + 4}: the file ends here but does not match the digest",
                    "cut short",
                ],
            ),
            (
                "cut-mid-file.yaml",
                "".join(yaml_lines[: len(yaml_lines) // 2]).encode(),
                ["does not match the digest `nic export` recorded at line 2"],
            ),
            (
                "cut-last-line.yaml",
                "".join(yaml_lines[:-1]).encode(),
                ["does not match the digest"],
            ),
            ("cut.json", json_text[: len(json_text) // 2].encode(), ["not valid JSON"]),
        ]
        for name, content, expected in cases:
            path = tmp_path / name
            path.write_bytes(content)
            result = run_nic("load", str(path), database=url, cwd=tmp_path, check=False)
            assert content != (tmp_path / "a.yaml").read_bytes(), name
            assert result.returncode == 1, (name, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr, result.stderr
            assert str(path) in result.stderr, result.stderr
            for text in expected:
                assert text in result.stderr, (name, result.stderr)
            assert table_counts(url) == before, name
            assert _counter(url) == counter, name

        # The byte offset is the offending byte's own.
        latin = (tmp_path / "latin1.yaml").read_bytes()
        offset = latin.index(b"\xed")
        line = latin.count(b"\n", 0, offset) + 1
        refused = run_nic("load", str(tmp_path / "latin1.yaml"), database=url, cwd=tmp_path,
                          check=False)  # fmt: skip
        assert f"line {line}: not UTF-8: byte 0xed at byte offset {offset}" in refused.stderr

        # Whole exports load; so does an export whose digest line was deleted by hand
        # after an edit, as any hand-written file does.
        edited = yaml_text.replace("cedar-valley", "edited-valley").replace(
            "Ana Ruiz", "Ana María Ruiz"
        )
        edited = "".join(row for row in edited.splitlines(True) if not row.startswith("digest:"))
        (tmp_path / "edited.yaml").write_text(edited)
        run_nic("load", str(tmp_path / "edited.yaml"), database=url, cwd=tmp_path)
        run_nic("load", str(tmp_path / "a.json"), database=url, cwd=tmp_path)
        assert {row[0] for row in _counter(url)} == {"cedar-valley", "edited-valley",
                                                     "other-valley"}  # fmt: skip
