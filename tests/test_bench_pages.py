"""bench/pages.py: it reads wrk's report (and our Lua's line) as wrk writes it, and its big
community is a community file the product's own import loads whole."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from tests.scratch import run_nic, scratch_database, sql

SCRIPT = Path(__file__).parent.parent / "bench" / "pages.py"

# What `wrk -t1 -c2 -d1s --latency -s <our Lua>` printed against a server answering 404, with
# two latencies and the socket errors changed to cover the other units and wrk's errors line.
WRK_REPORT = """\
Running 1s test @ http://127.0.0.1:8799/missing
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.59ms    8.38ms  61.87ms   91.69%
    Req/Sec   506.20    156.36   690.00     60.00%
  Latency Distribution
     50%  894.00us
     75%    6.05ms
     90%   12.16ms
     99%    1.20s
  513 requests in 1.02s, 260.51KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 513
Requests/sec:    505.02
Transfer/sec:    256.45KB
BENCH p95_us=19272 connect=0 read=2 write=0 status=513 timeout=3
"""


def bench_pages() -> ModuleType:
    if str(SCRIPT.parent) not in sys.path:  # as when run: it imports its neighbours
        sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("bench_pages", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reads_rate_percentiles_and_errors_from_wrk() -> None:
    result = bench_pages().parse_wrk(WRK_REPORT)
    assert result["rps"] == 505.02
    assert (result["p50"], result["p90"], result["p99"]) == (0.894, 12.16, 1200.0)
    assert result["p95"] == 19.272
    assert result["non2xx"] == 513
    assert result["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 3}


def test_the_big_community_loads_with_nic_load(tmp_path: Path) -> None:
    document = bench_pages().big_document(cycles=40, people=5)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document))
    with scratch_database(tmp_path) as url:
        run_nic("migrate", database=url, cwd=tmp_path)
        loaded = run_nic("load", str(path), database=url, cwd=tmp_path)
        assert "40 cycles" in loaded.stdout and "4 learning links" in loaded.stdout
        rows = sql(url, [], "SELECT team_id, COUNT(*) FROM cycle GROUP BY team_id")
        counter = sql(url, [], "SELECT change_counter FROM community")
    assert [count for _, count in rows] == [40]  # one team holds them all
    assert counter[0][0] > 40  # the import raised it with every write
