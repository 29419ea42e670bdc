"""Run one ``.wast`` file in a child process (``runner.py``) and gather its per-command results.

The child appends a line per command as it goes; a signal, a non-zero exit or the timeout ends it, and every
counted command it did not report fails with the reason (``crashed with SIGSEGV at line 123``). So one crash
costs one file's remaining commands, never the run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emitter.wasm.features import Features

from .convert import ROOT, commands, converted
from .groups import Group, file_key
from .runner import counted

#: Per file. The slowest core file takes seconds; a hang is a failure, not a wait.
TIMEOUT_SECONDS = 300


@dataclass
class Failure:
    line: int
    type: str
    reason: str


@dataclass
class FileResult:
    key: str
    group: str
    total: int = 0
    passed: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: How the child ended when it did not finish: ``crashed with SIGSEGV at line N``, ``timed out ...``.
    crash: str | None = None
    seconds: float = 0.0
    #: CPU time of the child (user + system): the file's cost, which the machine's load does not change.
    cpu_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "group": self.group, "total": self.total, "passed": self.passed,
                "skipped": self.skipped, "crash": self.crash, "seconds": self.seconds, "cpu_seconds": self.cpu_seconds,
                "failures": [[f.line, f.type, f.reason] for f in self.failures]}

    @staticmethod
    def from_json(data: dict[str, Any]) -> FileResult:
        return FileResult(data["key"], data["group"], data["total"], data["passed"], data["skipped"],
                          [Failure(*f) for f in data["failures"]], data["crash"], data["seconds"],
                          data.get("cpu_seconds", 0.0))


def _ending(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"crashed with {signal.Signals(-returncode).name}"
        except ValueError:
            return f"crashed with signal {-returncode}"
    return f"exited with code {returncode}"


def run_file(path: Path, group: Group, timeout: float = TIMEOUT_SECONDS) -> FileResult:
    result = FileResult(file_key(path), group.name)
    started = time.monotonic()
    entry = converted(path, group.converter)
    script = commands(entry)
    with tempfile.TemporaryDirectory(prefix="jitdebug-spec-run-") as scratch:
        results = Path(scratch) / "results.jsonl"
        env = {**os.environ, "LC_ALL": "C", "PYTHONPATH": os.pathsep.join(
            [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
        features = ",".join(name for name in Features.__slots__ if getattr(group.features, name))
        argv = [sys.executable, "-m", "tests.spec.runner", str(entry), str(results), features]
        ending: str | None = None
        errors = Path(scratch) / "stderr"
        killed = threading.Event()
        with errors.open("w", encoding="utf-8") as err:
            proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err)

            def kill() -> None:
                killed.set()
                proc.kill()

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                # wait4, not wait: the child's CPU time, which says what the file costs whatever the load.
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        result.cpu_seconds = round(usage.ru_utime + usage.ru_stime, 2)
        stderr = errors.read_text(encoding="utf-8", errors="replace")
        if killed.is_set():
            ending = f"timed out after {timeout:.0f} s"
        elif proc.returncode != 0:
            ending = _ending(proc.returncode)
        lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []
    collect(result, script, lines, ending, stderr)
    result.seconds = round(time.monotonic() - started, 2)
    return result


def collect(result: FileResult, script: list[dict[str, Any]], lines: list[str], ending: str | None,
            stderr: str = "") -> None:
    """Fill ``result`` from the child's result lines. ``ending`` says how a child that did not finish ended
    (None: it exited 0); every counted command it did not report fails, naming the ending and the line of the
    first of them (the command that was running)."""
    reported: dict[int, dict[str, Any]] = {}
    finished = False
    for text in lines:
        try:
            record = json.loads(text)
        except json.JSONDecodeError:  # the last line of a child killed mid-write
            continue
        if record.get("done"):
            finished = True
        else:
            reported[record["i"]] = record
    if ending is None and not finished:
        ending = "stopped before its last command"
    stopped_at = next((c["line"] for i, c in enumerate(script) if i not in reported and counted(c)), None)
    if ending is not None:
        tail = stderr.strip().splitlines()[-1:] if stderr.strip() else []
        where = f" at line {stopped_at}" if stopped_at is not None else ""
        result.crash = f"{ending}{where}" + (f" ({tail[0]})" if tail else "")
    for index, command in enumerate(script):
        if not counted(command):
            result.skipped += 1
            continue
        result.total += 1
        record = reported.get(index)
        if record is not None and record.get("ok"):
            result.passed += 1
        elif record is not None:
            result.failures.append(Failure(command["line"], command["type"], record.get("reason", "")))
        else:
            result.failures.append(Failure(command["line"], command["type"], f"not run: the file {result.crash}"))
