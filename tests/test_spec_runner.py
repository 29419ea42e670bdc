"""The spec runner itself can fail: a handmade script whose commands are marked with the outcome the runner must
report (wrong values, NaN kinds, the sign of zero, several results, a signalling NaN crossing exactly, trap
messages, a module that should not validate), and a child that does not finish (killed at its timeout) failing
every command it did not report."""

from __future__ import annotations

import re

from tests.spec.groups import group
from tests.spec.harness import run_file
from tests.tools import ROOT

SELFTEST = ROOT / "tests" / "data" / "spec" / "runner_selftest.wast"


def _marks() -> dict[int, str]:
    marks = {}
    for number, line in enumerate(SELFTEST.read_text(encoding="utf-8").splitlines(), start=1):
        found = re.search(r";; (pass|fail|skip)$", line)
        if found:
            marks[number] = found.group(1)
    return marks


def test_runner_reports_each_command_as_marked() -> None:
    result = run_file(SELFTEST, group("core"))
    marks = _marks()
    failed = {f.line for f in result.failures}
    assert result.crash is None
    assert result.skipped == sum(1 for m in marks.values() if m == "skip")
    # The module command counts too: it passes.
    assert result.total == 1 + sum(1 for m in marks.values() if m != "skip")
    assert failed == {line for line, m in marks.items() if m == "fail"}, result.failures
    assert result.passed == result.total - len(failed)
    reasons = {f.line: f.reason for f in result.failures}
    assert "expected i32:0x00000004" in reasons[min(reasons)]


def test_runner_counts_an_unfinished_file_as_failed() -> None:
    result = run_file(SELFTEST, group("core"), timeout=0.01)
    assert result.crash is not None and result.crash.startswith("timed out"), result.crash
    assert result.passed == 0
    assert all(f.reason.startswith("not run: the file timed out") for f in result.failures)
