"""Background work outside web requests: ``nic worker``, and the one ``nic serve`` starts.

Plugins name their work with the ``nic_background_tasks`` hook: each
:class:`BackgroundTask` takes one step at a time (claim a job, run it, store what it
made) and says whether it found anything to do. A worker process opens the database and
runs every task's steps in turn; when none has work it sleeps a moment. Steps run one at
a time in the worker's own process, so CPU work there stalls no web request.

``nic serve`` starts one worker process beside the web processes and stops it on exit
(``NIC_WORKER=embedded``, the default: nothing else to run). With
``NIC_WORKER=external`` web processes only read and queue; ``nic worker`` runs on any
machine that reaches the database, as many as the work needs.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.kept import KeptStore, keeping

if TYPE_CHECKING:
    from core.plugins import PluginHost
    from core.settings import Settings

logger = logging.getLogger("nic.worker")

IDLE_SLEEP = 0.5
"""Seconds a worker sleeps when no task had anything to do."""
WORKER_KEPT_ENTRIES = 2
"""What a worker keeps between steps (:mod:`core.kept`): a few entries, whatever their size."""

_computing_here: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "nic_computing_here", default=False
)


@contextmanager
def computing_here() -> Iterator[None]:
    """Within the block, background work asked for is done by the asking process itself:
    a ``nic`` command computes what it needs, with no worker to wait for."""
    token = _computing_here.set(True)
    try:
        yield
    finally:
        _computing_here.reset(token)


def computes_inline(settings: Settings) -> bool:
    """Whether work asked for here is done here (``NIC_WORKER=inline``, or a command)."""
    return settings.worker == "inline" or _computing_here.get()


@dataclass(frozen=True)
class WorkerContext:
    """What a task's step gets: the plugin host (and through it the settings) and the
    worker's name, which claims jobs so another worker leaves them alone."""

    plugins: PluginHost
    name: str
    once: bool = False
    """``nic worker --once``: do what is queued now, waiting for nothing."""
    state: dict[str, Any] = field(default_factory=dict)
    """What tasks keep between their steps in this run (when they last looked around)."""


@dataclass(frozen=True)
class BackgroundTask:
    """One kind of background work: ``step`` does one unit of it and returns whether
    there was any (``False``: nothing to do right now)."""

    name: str
    step: Callable[[WorkerContext], Awaitable[bool]]
    stop: Callable[[WorkerContext], Awaitable[None]] | None = None
    """Called once when the worker stops: close what the steps kept open."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_steps(
    tasks: list[BackgroundTask], context: WorkerContext, stop: asyncio.Event, *, once: bool
) -> int:
    """Run the tasks' steps until ``stop`` is set (or, with ``once``, until no task has
    anything left to do); return how many steps did work. A step that raises is logged
    and the worker goes on: one failing task does not stop the others."""
    done = 0
    try:
        while not stop.is_set() and not parent_is_gone():
            worked = False
            for task in tasks:
                try:
                    if await task.step(context):
                        worked = True
                        done += 1
                except Exception:
                    logger.exception("background task %s failed", task.name)
            if once and not worked:
                return done
            if not worked:
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), IDLE_SLEEP)
        return done
    finally:
        for task in tasks:
            if task.stop is not None:
                try:
                    await task.stop(context)
                except Exception:
                    logger.exception("background task %s failed to stop", task.name)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError, RuntimeError):  # not on every OS
            loop.add_signal_handler(sig, stop.set)


def background_tasks(plugins: PluginHost) -> list[BackgroundTask]:
    """Every plugin's tasks; a plugin whose hook raises is logged and left out, so the
    others' work goes on."""
    return list(plugins.collect("nic_background_tasks", skip_failing=True))


async def run_worker(plugins: PluginHost, *, once: bool = False, say: Callable[[str], None]) -> int:
    """The body of ``nic worker`` (the database is open): every plugin's tasks until a
    signal (or, with ``once``, until nothing is left to do)."""
    tasks = background_tasks(plugins)
    name = worker_name()
    stop = asyncio.Event()
    _stop_on_signals(stop)
    say(f"Worker {name}: {', '.join(t.name for t in tasks) or 'no tasks'}")
    # What one step makes (a community's graph) is kept for the next steps on the same
    # thing, however big: the web's size limit would drop a national graph at once.
    with keeping(KeptStore(max_entries=WORKER_KEPT_ENTRIES, max_chars=sys.maxsize)):
        done = await run_steps(tasks, WorkerContext(plugins, name, once), stop, once=once)
    say(f"Worker {name} stopped after {done} steps")
    return 0


PARENT_VARIABLE = "NIC_WORKER_PARENT"
"""Set for an embedded worker to the process id of the ``nic serve`` that started it."""


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def parent_is_gone() -> bool:
    """An embedded worker whose ``nic serve`` died (even by SIGKILL) stops too."""
    parent = os.environ.get(PARENT_VARIABLE)
    return parent is not None and os.getppid() != int(parent)


@contextmanager
def embedded_worker(enabled: bool) -> Iterator[subprocess.Popen[bytes] | None]:
    """A ``nic worker`` process for as long as the block lasts (``nic serve`` with
    ``NIC_WORKER=embedded``): it inherits the environment, so it reads the same settings
    and database; it is stopped, and waited for, on the way out."""
    if not enabled:
        yield None
        return
    environment = {**os.environ, PARENT_VARIABLE: str(os.getpid())}
    process = subprocess.Popen([sys.executable, "-m", "core.cli", "worker"], env=environment)
    # uvicorn ends on SIGTERM by raising the signal again once it has shut down: as an
    # exception here, so the worker below is stopped too.
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        yield process
    finally:
        signal.signal(signal.SIGTERM, previous)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a step that will not end
            process.kill()
            process.wait()
