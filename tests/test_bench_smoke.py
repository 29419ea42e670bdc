"""``./dev bench --quick``: the whole benchmark command runs with tiny sizes, prints the table, writes it as JSON
and Markdown, and its functional checks hold (every Wasm frame visible in the debuggers' ``bt``). No timing is
asserted: with tiny sizes the ratios mean nothing."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from tests.tools import ROOT, run


def test_quick_bench_prints_and_writes_every_row(tmp_path: Path) -> None:
    out = run([sys.executable, "-m", "scripts.bench", "--quick", "--out", tmp_path], cwd=ROOT, timeout=600).stdout
    report = json.loads((tmp_path / "latest.json").read_text())
    rows = {row["key"]: row for row in report["rows"]}
    assert list(rows) == ["1", "1b", "2", "2b", "3-gdb", "3w-gdb", "3-lldb", "3w-lldb", "4", "5", "6", "7-gdb",
                          "7-lldb", "8", "8b", "8c", "9", "9b", "10a", "10b", "10c", "10d", "10e", "11", "11-max",
                          "11c", "12", "13", "13b", "14-c", "14-rust"]
    for key, row in rows.items():
        assert row["unavailable"] is None, key
        assert len(row["ours"]["samples"]) >= 1, key
        assert f"| {key} |" in out, key
        if row["reference"] is not None:
            assert row["ratio"] > 0, key
            assert len(row["reference"]["samples"]) >= 1, key
    assert all(len(rows[key]["ours"]["samples"]) == report["runs"] == 2 for key in ("1", "2", "4", "6", "7-gdb"))
    # The debuggers saw every Wasm frame: the deep stack and the chain across the last modules.
    for debugger in ("gdb", "lldb"):
        assert "bt showed 10 of our 10 Wasm frames" in " ".join(rows[f"3-{debugger}"]["notes"])
        assert "bt showed 10 of our 10 Wasm frames" in " ".join(rows[f"3w-{debugger}"]["notes"])
        assert "showed 5 of their 5 frames" in " ".join(rows[f"7-{debugger}"]["notes"])
    assert rows["8b"]["ours"]["median"] > 0
    # The WASI row wrote every line, as wasmtime-py did.
    for key in ("9", "9b"):
        assert "2,000 lines written, files identical to wasmtime-py's" in " ".join(rows[key]["notes"])
    # The kernels were built from source and run in all five configurations (JIT, Winch, Cranelift, AOT, gcc).
    for key, label in (("11", "ours/Winch"), ("11c", "ours/Cranelift"), ("12", "AOT/gcc")):
        assert re.search(rf"per kernel, {label}: matrix [0-9.]+x, random [0-9.]+x", " ".join(rows[key]["notes"]))
    assert re.search(r"4 functions .* MB/s, 16 functions .*, 64 functions .*, 256 functions [0-9.]+ MB/s",
                     " ".join(rows["13"]["notes"]))
    # The Lua and SQLite rows compiled the real code bases both ways and timed the translation on its own.
    for key in ("10d", "10e"):
        assert re.search(r"DWARF translation [0-9.]+ s of CPU; object [0-9.]+ MB with debug information, [0-9.]+ "
                         r"MB without", " ".join(rows[key]["notes"])), key
    # Row 14 loaded the real programs with and without debug information, each in processes of its own.
    for key in ("14-c", "14-rust"):
        assert re.search(r"CPU \(process and compile workers\): with .*, without .*, [0-9.]+x; module [0-9.]+ MB",
                         " ".join(rows[key]["notes"])), key
    # Callgrind counted the measured load only: some millions of instructions, more with debug information.
    assert 1e6 < rows["8c"]["reference"]["median"] < rows["8c"]["ours"]["median"]
    assert (tmp_path / "latest.md").read_text() == out
    assert "Machine:" in out


def test_profile_option_prints_the_call_tree_of_a_row() -> None:
    """``./dev bench --profile 3``: the call tree shows where our side of row 3 spends its time (compile and
    instantiate), so the worst row can be profiled with one command."""
    out = run([sys.executable, "-m", "scripts.bench_profile", "3", "--size", "40"], cwd=ROOT, timeout=300).stdout
    assert "compile_wasm" in out and "instantiate" in out
    assert "Duration:" in out
