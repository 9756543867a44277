"""A ``nic`` that explains itself: help on every option, what to run on a database not yet
made, ``nic communities`` for the slugs, and the address ``nic serve`` answers on."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.cli import all_commands, build_parser
from core.cli_commands import Command
from core.plugins import PluginHost
from core.settings import Settings
from tests.scratch import SECRET, run_nic, scratch_database

SMALL = Path(__file__).parent / "data" / "small-community.yaml"
EXAMPLE_PLUGIN = Path(__file__).parent.parent / "examples" / "nic-learning-spaces"


def _parsers(
    parser: argparse.ArgumentParser, name: str
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser below ``parser`` (``nic``, ``nic user``, ``nic user add`` ...)."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def _commands(monkeypatch: pytest.MonkeyPatch) -> list[Command]:
    """The kernel's commands, every built-in plugin's and the example plugin's."""
    monkeypatch.syspath_prepend(str(EXAMPLE_PLUGIN))
    from nic_learning_spaces.cli import COMMANDS as EXAMPLE_COMMANDS

    settings = Settings(database_url="sqlite://:memory:", secret_key=SECRET)
    plugins = PluginHost.from_settings(settings, autoload=False)
    return all_commands(plugins) + list(EXAMPLE_COMMANDS)


def test_every_option_of_every_command_has_help_and_shows_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser = build_parser(_commands(monkeypatch))
    walked = dict(_parsers(parser, "nic"))
    assert {"nic serve", "nic init", "nic communities", "nic user add", "nic spaces add"} <= set(
        walked
    )
    missing = []
    for name, sub in walked.items():
        assert sub.description, f"{name} --help says nothing about the command"
        text = sub.format_help()
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            label = "/".join(action.option_strings) or action.dest
            if not (action.help or "").strip():
                missing.append(f"{name} {label}")
            elif action.option_strings and action.default not in (None, False):
                assert f"default: {action.default}" in text, f"{name} {label}: default unshown"
    assert missing == [], f"options without help: {missing}"


def test_help_of_init_and_serve_say_what_they_do_and_the_defaults(tmp_path: Path) -> None:
    init = run_nic("init", "--help", database="sqlite://unused", cwd=tmp_path)
    assert "Write nic.toml with a secret key" in init.stdout
    serve = run_nic("serve", "--help", database="sqlite://unused", cwd=tmp_path).stdout
    assert "(default: 127.0.0.1)" in serve and "(default: 8000)" in serve
    assert "(default: 1)" in serve and "web processes" in serve
    assert not list(tmp_path.iterdir()), "--help touched no file and no database"


def _one_line_refusal(result: subprocess.CompletedProcess[str], advice: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nic: the database ") and advice in lines[0]


def test_commands_before_init_or_migrate_say_what_to_run(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        for argv in (("load", str(SMALL)), ("communities",), ("worker", "--once"), ("serve",)):
            _one_line_refusal(
                run_nic(*argv, database=url, cwd=tmp_path, check=False), "run nic init first"
            )
        # Part way: the kernel's first migration only, as an old site would be.
        run_nic("migrate", "--target", "core.0001_initial", database=url, cwd=tmp_path)
        behind = run_nic("user", "add", "a@example.org", database=url, cwd=tmp_path, check=False)
        _one_line_refusal(behind, "migrations behind: run nic migrate first")
        run_nic("migrate", database=url, cwd=tmp_path)
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)


def test_nic_communities_lists_the_slugs_with_their_counts(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        none = run_nic("communities", database=url, cwd=tmp_path)
        assert none.stdout.startswith("No communities yet: nic load FILE")
        assert json.loads(run_nic("communities", "--json", database=url, cwd=tmp_path).stdout) == []
        run_nic("load", str(SMALL), database=url, cwd=tmp_path)
        table = run_nic("communities", database=url, cwd=tmp_path).stdout.splitlines()
        assert table[0].split() == ["SLUG", "NAME", "TEAMS", "PEOPLE", "CYCLES"]
        assert table[1].split()[0] == "cedar-valley" and table[1].split()[-3:] == ["3", "3", "3"]
        listed = json.loads(run_nic("communities", "--json", database=url, cwd=tmp_path).stdout)
        assert listed == [
            {
                "slug": "cedar-valley",
                "name": "Cedar Valley High-School Innovation Network",
                "teams": 3,
                "people": 3,
                "cycles": 3,
            }
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_nic_serve_prints_the_address_to_open_and_serves_the_favicon(tmp_path: Path) -> None:
    port = _free_port()
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        environment = {**os.environ, "NIC_DATABASE_URL": url, "NIC_SECRET_KEY": SECRET}
        environment.pop("NIC_SETTINGS_FILE", None)
        log = tmp_path / "serve.log"
        with log.open("w") as sink:
            server = subprocess.Popen(
                [sys.executable, "-m", "core.cli", "serve", "--port", str(port)],
                cwd=tmp_path,
                env={**environment, "NIC_WORKER": "external"},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    icon = httpx.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "the site did not start"
                    time.sleep(0.2)
            assert icon.status_code == 301 and icon.headers["location"] == "/static/favicon.svg"
            svg = httpx.get(f"http://127.0.0.1:{port}/static/favicon.svg", timeout=5)
            assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
            assert svg.text.startswith("<svg") and "<title>NIC Platform</title>" in svg.text
            home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
            assert '<link rel="icon" href="/static/favicon.svg"' in home.text
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert f"Open http://127.0.0.1:{port}/ in a browser" in log.read_text()
