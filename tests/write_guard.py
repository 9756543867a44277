"""The test suite's guard on the change-counter rule.

Every write to a community's data must happen in a transaction that first raised that
community's change counter (``communities.changes.community_write`` or ``bump``):
pages and analyses are cached under the counter. This module watches every statement
the ORM's SQLite and asyncpg clients send, in this process, and notes each INSERT,
UPDATE or DELETE on a community-data table made by product code in a transaction
(or autocommit statement) that has not raised a counter yet. ``tests/conftest.py``
installs it for the whole session and fails the test in which such a write happened;
``pytest -p tests.write_guard`` does the same for another suite (the example plugin's).

What counts as product code: the nearest frame of this repository on the statement's
call stack is outside any ``tests/`` folder and ``core/testing.py``. A test (or a factory) that
writes rows itself to set up its data is not judged; a factory that calls a service is,
since the service is. CLI tests that run the ``nic`` command in a subprocess are out of
its sight. It checks that *a* counter was raised in the transaction, not that it was
the counter of the community the row belongs to.
"""

from __future__ import annotations

import re
import sys
import traceback
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.backends.base.client import TransactionalDBClient

ROOT = Path(__file__).resolve().parents[1]
_REPO = str(ROOT) + "/"
_TESTING = str(ROOT / "core" / "testing.py")
_THIS_FILE = str(Path(__file__).resolve())

EXEMPT_TABLES: dict[str, str] = {
    # The kernel's tables (core/models.py): accounts, sign-in and mail are no community's
    # data, and nothing cached under a counter shows them.
    "nic_user": "accounts belong to the site, not to a community",
    "nic_api_token": "API tokens are the account's, shown only to its owner, uncached",
    "nic_web_session": "sign-in sessions, no community's data",
    "nic_sign_in_attempt": "rate limiting of sign-ins, no community's data",
    "nic_password_reset": "password reset links of an account, no community's data",
    "nic_reset_request": "rate limiting of reset requests, no community's data",
    "nic_notification": "a user's mail queue, read by no cached page or analysis",
    # Two of a plugin's tables hold one user's own state: raising the counter for them
    # would throw away the community's caches every time someone reads a thread.
    "forum_read_mark": "how far a user has read, shown only on uncached forum lists",
    "forum_follow": "who hears of replies, shown only on the uncached thread page",
    # Results derived from a community at a counter, and the queue that asks for them:
    # raising the counter for them would make every result stale as it is stored.
    "flow_result": "an analysis stored with the counter it was computed at",
    "flow_job": "a request for an analysis, queued for a worker",
}
"""Tables whose writes need no counter, each with the reason."""

_WRITE = re.compile(
    r"\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE
)
_VERBS = frozenset({"INSERT", "UPDATE", "DELETE"})
_RAISES_COUNTER = re.compile(r"[\"`]?change_counter[\"`]?\s*=\s*[\"`]?change_counter", re.I)


@dataclass(frozen=True)
class Violation:
    table: str
    statement: str
    stack: str

    def __str__(self) -> str:
        return f"{self.table}: {self.statement[:120]}\n{self.stack}"


violations: list[Violation] = []
"""The violations seen since the last :func:`reset` (conftest resets it per test)."""

_bumped: weakref.WeakSet[Any] = weakref.WeakSet()
_community_tables: dict[int, set[str]] = {}
_judge_tests = False


def reset() -> None:
    violations.clear()


def check() -> None:
    """Fail the running test if it made violations (and forget them)."""
    if violations:
        distinct = list(dict.fromkeys(violations))  # a loop repeats the same one
        found = "\n".join(str(v) for v in distinct[:5])
        reset()
        pytest.fail(f"writes to community data outside community_write/bump:\n{found}")


def community_tables() -> set[str]:
    """The tables of every registered model, less :data:`EXEMPT_TABLES` (read once the
    ORM is up)."""
    # Keyed by the registry: a suite may start the ORM again with other plugins' models.
    tables = _community_tables.get(id(Tortoise.apps))
    if tables is None:
        tables = {m._meta.db_table for a in Tortoise.apps.values() for m in a.values()}
        tables.difference_update(EXEMPT_TABLES)
        _community_tables.clear()
        _community_tables[id(Tortoise.apps)] = tables
    return tables


def _transactions(client: Any) -> Iterator[Any]:
    """The client's transaction and the transactions it is a savepoint of."""
    while isinstance(client, TransactionalDBClient):
        yield client
        client = getattr(client, "_parent", None)


def _product_stack() -> str | None:
    """A short excerpt of the stack if the nearest frame of this repository is product
    code (not a test, a factory or ``core.testing``), else None."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_REPO) and name != _THIS_FILE:
            setup = "/tests/" in name[len(_REPO) - 1 :] or name == _TESTING
            if setup and not _judge_tests:
                return None
            summary = traceback.extract_stack(frame, limit=8)
            repo = [f for f in summary if f.filename.startswith(_REPO)]
            return "".join(traceback.format_list(repo[-4:]))
        frame = frame.f_back  # type: ignore[assignment]
    return None


def note(client: Any, query: str) -> None:
    """Judge one statement about to be sent on ``client``."""
    if query.lstrip()[:6].upper() not in _VERBS:
        return  # most statements are reads: the cheap test first
    found = _WRITE.match(query)
    if found is None:
        return
    verb, table = found.group(1).split()[0].upper(), found.group(2).lower()
    if table == "community":
        if verb == "UPDATE" and _RAISES_COUNTER.search(query):
            if isinstance(client, TransactionalDBClient):
                _bumped.add(client)
            return
        if verb in ("INSERT", "DELETE"):
            # A new community has no counter to raise yet (its creation time tells it
            # from any deleted one that had its id); deleting one takes all its data
            # with it, so nothing cached for it can be reached again.
            return
    if table not in community_tables():
        return
    if any(t in _bumped for t in _transactions(client)):
        return
    stack = _product_stack()
    if stack is not None:
        violations.append(Violation(table, " ".join(query.split()), stack))


def _watch(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    async def watched(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        note(self, query)
        return await method(self, query, *args, **kwargs)

    watched.__nic_guard__ = True  # type: ignore[attr-defined]
    return watched


_METHODS = ("execute_insert", "execute_many", "execute_query", "execute_query_dict")


def install() -> None:
    """Wrap the statement methods of the SQLite and asyncpg clients (and their
    transaction wrappers) once."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
    from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper

    for cls in (SqliteClient, SqliteTransactionWrapper, AsyncpgDBClient, TransactionWrapper):
        for name in _METHODS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__nic_guard__", False):
                setattr(cls, name, _watch(method))


@contextmanager
def judging_tests() -> Iterator[list[Violation]]:
    """Within the block, judge the test's own writes as product writes (the guard's own
    test uses it to show the guard fails); yields the violations seen in the block and
    removes them from the test's."""
    global _judge_tests
    start, _judge_tests = len(violations), True
    seen: list[Violation] = []
    try:
        yield seen
    finally:
        _judge_tests = False
        seen.extend(violations[start:])
        del violations[start:]


# --- as a pytest plugin (``tests/conftest.py`` takes these in; ``-p tests.write_guard``
# brings them to another suite, such as the example plugin's) --------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    install()
    reset()


@pytest.fixture(autouse=True)
def community_write_guard() -> Iterator[None]:
    """Fail the test in which product code wrote a community's data in a transaction
    that did not raise its change counter."""
    yield
    check()
