"""Compile a module's functions on every core: contiguous ranges of functions in forked worker processes, the
first range in this one, results back as pickles, in function order.

Why processes: code generation is pure Python, so threads would share one interpreter lock. Why fork: a child
starts with the decoded module, the compiler and its per-module caches already in memory (nothing to send), and
is cheap next to a compile worth splitting (``MIN_INSTRUCTIONS``). The output is the same as a sequential compile
(functions do not depend on each other's compilation; each range starts from the caches as they were, which only
memoise): the tests compare objects byte for byte.

Not forked: small modules, a process with a single usable core, ``JITDEBUG_COMPILE_JOBS=1``, and a process that
is being traced. A debugger sees each fork: gdb prints ``[Detaching after fork from child process N]`` per worker,
lldb stops and resumes the program on each worker's SIGCHLD, gdb's ``set follow-fork-mode child`` would debug a
worker instead of the program, and under ``set detach-on-fork off`` gdb holds the worker stopped, so the compile
waits for its answer forever (tried: the row 3 module under gdb with ``JITDEBUG_COMPILE_JOBS=2``). Threads would
not help (the code generator is Python, one interpreter lock). A worker that fails for any reason
(an exception, a signal, an unreadable answer) costs only time: its range is compiled again here, where an error
is raised as a sequential compile raises it.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

#: Below this many Wasm instructions in all, forking costs more than it saves.
MIN_INSTRUCTIONS = 50_000


def compile_jobs() -> int:
    """How many processes a large compile uses."""
    explicit = os.environ.get("JITDEBUG_COMPILE_JOBS", "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    if _traced():
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _traced() -> bool:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("TracerPid:"):
                    return line.split()[1] != "0"
    except OSError:
        pass
    return False


def split(weights: Sequence[int], jobs: int) -> list[tuple[int, int]]:
    """Contiguous ranges of ``weights`` with about equal sums, at most ``jobs`` of them, none empty."""
    total = sum(weights)
    ranges: list[tuple[int, int]] = []
    start, running = 0, 0
    for index, weight in enumerate(weights):
        running += weight
        if len(ranges) < jobs - 1 and running * jobs >= total * (len(ranges) + 1) and index + 1 < len(weights):
            ranges.append((start, index + 1))
            start = index + 1
    ranges.append((start, len(weights)))
    return [r for r in ranges if r[0] < r[1]]


def map_ranges(work: Callable[[int, int], list[T]], weights: Sequence[int]) -> list[T]:
    """``work(0, n)`` for ``n = len(weights)``, as ``work`` over contiguous ranges in parallel when worth it."""
    jobs = compile_jobs() if sum(weights) >= MIN_INSTRUCTIONS else 1
    ranges = split(weights, jobs) if jobs > 1 else [(0, len(weights))]
    if len(ranges) == 1:
        return work(0, len(weights))
    children = [_fork(work, start, stop) for start, stop in ranges[1:]]
    try:
        results = work(*ranges[0])
    except BaseException:
        # The workers would block writing answers nobody reads: stop them first.
        for pid, reader in children:
            os.kill(pid, signal.SIGKILL)
            os.close(reader)
            os.waitpid(pid, 0)
        raise
    for (start, stop), (pid, reader) in zip(ranges[1:], children, strict=True):
        results.extend(_collect(pid, reader, work, start, stop))
    return results


def _fork(work: Callable[[int, int], list[T]], start: int, stop: int) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: compile, answer, and leave without running any of the parent's exit handlers
        status = 1
        try:
            os.close(reader)
            payload = pickle.dumps(work(start, stop), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    return pid, reader


def _collect(pid: int, reader: int, work: Callable[[int, int], list[T]], start: int, stop: int) -> list[T]:
    with os.fdopen(reader, "rb") as answer:
        payload = answer.read()
    _, status = os.waitpid(pid, 0)
    if status == 0 and payload:
        try:
            return pickle.loads(payload)  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - an unreadable answer: compile the range here instead
            pass
    return work(start, stop)
