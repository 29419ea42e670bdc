"""``python -m tests.spec [--group NAME]... [--jobs N] [--update-ratchet [--lower]] [--failures] [FILE...]``

Runs the spec suite's files (default: every enabled group), each in its own child process, prints the totals,
writes the per-file table to ``build/spec/conformance.md`` (and the raw results beside it), and with
``--update-ratchet`` records the counts in ``tests/spec/ratchet.json``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import ratchet, report
from .groups import GROUPS, WAST_ROOT, Group, file_key, group
from .harness import FileResult, run_file


def _selected(names: list[str], files: list[str]) -> list[tuple[Path, Group]]:
    groups = [group(n) for n in names] if names else [g for g in GROUPS if g.enabled]
    chosen = [(path, g) for g in groups for path in g.files()]
    if files:
        wanted = {Path(f).name if "/" not in f else f for f in files}
        chosen = [(p, g) for p, g in chosen if p.name in wanted or file_key(p) in wanted]
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.spec", description=__doc__.split("\n\n")[1])
    parser.add_argument("--group", action="append", default=[], help="a group of groups.py (default: enabled ones)")
    parser.add_argument("--jobs", type=int, default=2, help="files run at once (default 2)")
    parser.add_argument("--update-ratchet", action="store_true", help="record the counts in ratchet.json")
    parser.add_argument("--lower", action="store_true", help="with --update-ratchet: also record lower counts")
    parser.add_argument("--failures", action="store_true", help="print each file's failure reasons")
    parser.add_argument("files", nargs="*", help="only these files (name, or path under tests/spec/wast)")
    args = parser.parse_args(argv)
    chosen = _selected(args.group, args.files)
    if not chosen:
        print(f"no spec files selected under {WAST_ROOT}", file=sys.stderr)
        return 2
    recorded = ratchet.load()
    broken = []
    results: list[FileResult] = []
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        for result in pool.map(lambda pg: run_file(*pg), chosen):  # printed in order, as they finish
            results.append(result)
            mark = "ok  " if result.passed == result.total else "    "
            print(f"{mark}{result.key}: {result.passed}/{result.total} ({result.seconds} s)"
                  + (f" {result.crash}" if result.crash else ""), flush=True)
            if args.failures:
                for reason, count in Counter(f.reason for f in result.failures).most_common():
                    print(f"      {count:5} {reason}")
            problem = ratchet.verdict(result, recorded.get(result.key))
            if problem:
                broken.append(problem)
    report.write(results)
    print(report.totals_line(results))
    print("\n".join(report.group_lines(results)))
    print(f"table: {report.TABLE}")
    if args.update_ratchet:
        entries, lowered = ratchet.updated(recorded, results, args.lower)
        ratchet.save(entries)
        for line in lowered:
            print(f"{'lowered' if args.lower else 'NOT lowered (give --lower)'}: {line}")
        print(f"ratchet: {ratchet.RATCHET}")
        return 1 if lowered and not args.lower else 0
    for problem in broken:
        print(f"ratchet: {problem}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
