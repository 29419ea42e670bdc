"""What every benchmark row shares: timing, the row record, its ratio and target, peak-RSS readings, and running
a helper in a child process that answers with one JSON object on its last output line."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Side:
    """One side of a comparison: what was measured and the seconds of each run (or bytes, see ``unit``)."""

    label: str
    samples: list[float]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def describe(self) -> str:
        low, high = min(self.samples), max(self.samples)
        return f"{_quantity(self.median, self.unit)} ({_quantity(low, self.unit)}-{_quantity(high, self.unit)})"


@dataclass
class Row:
    """One line of the table: ours against the reference of the same run, and the target ratio (ours/reference
    at most ``target``; None when the issue sets none). ``unavailable`` says why a row could not be measured."""

    key: str
    title: str
    ours: Side | None = None
    reference: Side | None = None
    target: float | None = None
    notes: list[str] = field(default_factory=list)
    unavailable: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.reference is None or self.reference.median == 0:
            return None
        return self.ours.median / self.reference.median

    @property
    def status(self) -> str:
        if self.unavailable is not None:
            return "n/a"
        if self.target is None or self.ratio is None:
            return "reported"
        return "met" if self.ratio <= self.target else "MISSED"

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ratio"] = self.ratio
        out["status"] = self.status
        for side in ("ours", "reference"):
            value = getattr(self, side)
            if value is not None:
                out[side]["median"] = value.median
        return out


def _quantity(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 1e6:.1f} MB"
    if unit == "s":
        for scale, name in ((1, "s"), (1e-3, "ms"), (1e-6, "us")):
            if value >= scale:
                return f"{value / scale:.3g} {name}"
        return f"{value * 1e9:.3g} ns"
    if unit == "instr":  # counts a few percent apart: four figures
        return f"{value / 1e6:,.0f} M instr"
    return f"{value:.3g} {unit}"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def alternate(first: Callable[[], object], second: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Time ``first`` and ``second`` ``runs`` times each, alternating, so that a change in machine load during
    the row weighs on both sides alike."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(timed(first))
        b.append(timed(second))
    return a, b


def reset_peak_rss() -> None:
    """Start a new peak-RSS measurement for this process (Linux: writing 5 to ``clear_refs`` resets VmHWM)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss() -> int:
    """This process's peak resident set size in bytes since start or the last ``reset_peak_rss``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise OSError("no VmHWM in /proc/self/status")


#: Runs a command and prints its peak RSS in KiB. A child forked from a large process reports that process's
#: resident pages as its own peak; from this small launcher the reading is the command's.
_PEAK_LAUNCHER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
                  "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def child_peak_rss(command: Sequence[str]) -> int:
    """Peak RSS in bytes of one run of ``command``."""
    done = subprocess.run([sys.executable, "-S", "-c", _PEAK_LAUNCHER, *command], check=True, capture_output=True,
                          text=True)
    return int(done.stdout.split()[-1]) * 1024


def run_child(module: str, arguments: Sequence[str], *, timeout: float = 600,
              wrapper: Sequence[str] = ()) -> dict[str, Any]:
    """Run ``python -m module arguments`` in a fresh interpreter (its own peak RSS, no state shared with other
    rows), under ``wrapper`` if given (a tool and its options), and return the JSON object it prints last."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), LC_ALL="C")
    done = subprocess.run([*wrapper, sys.executable, "-m", module, *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def answer(result: dict[str, Any]) -> None:
    """The child side of ``run_child``."""
    print(json.dumps(result), flush=True)
