"""The conformance tables: per group (files, commands, passed) and per file, in Markdown, and the totals line
the test run prints. The README's "Conformance" table is the group table of a full run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .convert import ROOT
from .groups import GROUPS
from .harness import FileResult

TABLE = ROOT / "build" / "spec" / "conformance.md"
RESULTS = ROOT / "build" / "spec" / "results.json"


def _percent(passed: int, total: int) -> str:
    if total == 0:
        return "-"
    share = 100 * passed / total
    return "100%" if passed == total else f"{min(share, 99.9):.1f}%"


def totals_line(results: list[FileResult]) -> str:
    files = len(results)
    total = sum(r.total for r in results)
    passed = sum(r.passed for r in results)
    crashed = sum(1 for r in results if r.crash)
    cpu = sum(r.cpu_seconds for r in results)
    return (f"spec suite: {files} files, {total} commands, {passed} passed ({_percent(passed, total)}), "
            f"{total - passed} failed, {crashed} files crashed or timed out; {cpu:.0f} s of CPU in the files' "
            "processes")


def group_lines(results: list[FileResult]) -> list[str]:
    lines = []
    for group in GROUPS:
        mine = [r for r in results if r.group == group.name]
        if mine:
            lines.append(f"  {group.name}: {len(mine)} files, {sum(r.total for r in mine)} commands, "
                         f"{sum(r.passed for r in mine)} passed ({sum(r.cpu_seconds for r in mine):.0f} s CPU)")
    return lines


def markdown(results: list[FileResult]) -> str:
    out = ["| group | what | files | at 100% | commands | passed | share |", "|---|---|---|---|---|---|---|"]
    for group in GROUPS:
        mine = [r for r in results if r.group == group.name]
        if not mine:
            continue
        total = sum(r.total for r in mine)
        passed = sum(r.passed for r in mine)
        full = sum(1 for r in mine if r.passed == r.total)
        out.append(f"| {group.name} | {group.what} | {len(mine)} | {full} | {total:,} | {passed:,} | "
                   f"{_percent(passed, total)} |")
    out += ["", "| file | commands | passed | failed | CPU seconds | first failures |", "|---|---|---|---|---|---|"]
    for result in sorted(results, key=lambda r: r.key):
        reasons = Counter(f.reason.split(" (")[0][:80] for f in result.failures)
        first = "; ".join(f"{n}x {reason}" for reason, n in reasons.most_common(2))
        if result.crash:
            first = f"**{result.crash}**; {first}"
        out.append(f"| {result.key} | {result.total} | {result.passed} | {result.total - result.passed} | "
                   f"{result.cpu_seconds} | {first.replace('|', '/')} |")
    return "\n".join(out) + "\n"


def write(results: list[FileResult], table: Path = TABLE, raw: Path = RESULTS) -> None:
    table.parent.mkdir(parents=True, exist_ok=True)
    table.write_text(markdown(results), encoding="utf-8")
    raw.write_text(json.dumps([r.to_json() for r in sorted(results, key=lambda r: r.key)], indent=0) + "\n",
                   encoding="utf-8")
