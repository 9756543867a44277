"""bench/loadgen.py: the benchmarks' HTTP/1.1 client reads what `nic serve` answers, request
after request on one keep-alive connection."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from tests.plugins.everything import serving

BENCH = Path(__file__).parent.parent / "bench"


@pytest.fixture
def loadgen():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))  # as when a benchmark runs: its neighbours import
    try:
        import loadgen

        yield loadgen
    finally:
        sys.path.remove(str(BENCH))


def test_one_connection_carries_many_requests_and_reads_each_answer_whole(
    loadgen, tmp_path: Path
) -> None:
    demo = tmp_path / "demo.sqlite3"
    unused = f"sqlite://{tmp_path / 'unused.sqlite3'}"
    with serving("demo", "--database", str(demo), database=unused, cwd=tmp_path) as (base, _):

        async def talk() -> list[tuple[int, bytes]]:
            connection = await loadgen.Connection.open(base, {"Authorization": "Bearer nope"})
            try:
                return [
                    await connection.request("GET", "/healthz"),
                    await connection.request("GET", "/api/v1/cycles/1"),
                    await connection.request("POST", "/api/v1/cycles", b'{"title": "x"}'),
                    await connection.request("GET", "/sign-in"),
                    await connection.request("GET", "/healthz"),
                ]
            finally:
                await connection.close()

        answers = asyncio.run(talk())
    assert [status for status, _ in answers] == [200, 401, 401, 200, 200]
    assert json.loads(answers[0][1]) == {"status": "ok"} == json.loads(answers[4][1])
    assert json.loads(answers[1][1])["error"]["code"] == "not_authenticated"
    assert answers[3][1].rstrip().endswith(b"</html>")
