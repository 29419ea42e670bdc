"""Every corpus object, as ``jitdebug compile`` writes it, read by the standard dumpers: ``readelf -a -wF`` prints
no warning, ``llvm-dwarfdump-19 --verify`` finds no error, and every function symbol has its call-frame
information (``.eh_frame`` and ``.debug_frame``) and its ``DW_TAG_subprogram`` at exactly its address and size.

One compile per program, then one run of each tool over all the objects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.cli import main
from samples.corpus.harness import corpus_programs
from tests.tools import run


@pytest.fixture(scope="module")
def objects(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("aotdebug-dumpers")
    out = []
    for source in corpus_programs():
        obj = directory / f"{source.stem}.o"
        assert main(["compile", str(source), "-o", str(obj)]) == 0, source.name
        out.append(obj)
    assert len(out) >= 25
    return out


def _per_file(output: str, marker: str) -> dict[str, str]:
    """Split a multi-file dump at each ``marker`` line naming the file (``File: x.o`` / ``x.o:``)."""
    parts = re.split(marker, output, flags=re.M)
    return {Path(parts[i]).name: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_readelf_prints_no_warning(objects: list[Path]) -> None:
    proc = run(["readelf", "-a", "-wF", *objects], timeout=120)
    # readelf reports problems as "readelf: Warning: ..." or "readelf: Error: ..." on stderr.
    assert proc.stderr == ""
    assert not re.search(r"warning|error|corrupt", proc.stdout, re.I), (
        [line for line in proc.stdout.splitlines() if re.search(r"warning|error|corrupt", line, re.I)])
    dumps = _per_file(proc.stdout, r"^File: (\S+)$")
    assert set(dumps) == {o.name for o in objects}
    for name, dump in dumps.items():
        functions = {(int(value, 16), int(size)) for value, size in
                     re.findall(r"^ +\d+: ([0-9a-f]{16}) +(\d+) FUNC ", dump, re.M)}
        assert functions, name
        eh_frame, _, debug_frame = dump.partition("Contents of the .debug_frame section:")
        for section, text in ((".eh_frame", eh_frame), (".debug_frame", debug_frame)):
            fdes = {(int(lo, 16), int(hi, 16) - int(lo, 16))
                    for lo, hi in re.findall(r" FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)$", text, re.M)}
            assert functions <= fdes, f"{name}: functions without a {section} FDE: {sorted(functions - fdes)}"


def test_llvm_dwarfdump_verify_finds_no_error(objects: list[Path]) -> None:
    proc = run(["llvm-dwarfdump-19", "--verify", *objects], check=False, timeout=120)
    reports = _per_file(proc.stdout, r"^Verifying (\S+):\s+file format .*$")
    assert set(reports) == {o.name for o in objects}, proc.stdout[-2000:]
    failing = {name: [line for line in text.splitlines() if "error" in line.lower()]
               for name, text in reports.items() if "No errors." not in text}
    assert proc.returncode == 0 and not failing, failing


def test_every_function_has_a_subprogram_at_its_address(objects: list[Path]) -> None:
    """The debug information describes every function: a ``DW_TAG_subprogram`` named after the symbol, at the
    symbol's address (relocated by the dumper), as long as the symbol says."""
    symbols = _per_file(run(["nm", "-S", "--defined-only", *objects]).stdout, r"^\n?(\S+\.o):$")
    info = _per_file(run(["llvm-dwarfdump-19", "--debug-info", *objects]).stdout, r"^(\S+\.o):\s+file format .*$")
    for obj in objects:
        expected = {(name, int(value, 16), int(size, 16)) for value, size, kind, name in
                    re.findall(r"^([0-9a-f]+) ([0-9a-f]+) ([TtW]) (.+)$", symbols[obj.name], re.M)}
        described = set()
        for block in info[obj.name].split("DW_TAG_subprogram")[1:]:
            name = re.search(r'DW_AT_name\s+\("([^"]+)"\)', block)
            low = re.search(r"DW_AT_low_pc\s+\((0x[0-9a-f]+)\)", block)
            high = re.search(r"DW_AT_high_pc\s+\((0x[0-9a-f]+)\)", block)
            if name and low and high:
                described.add((name.group(1), int(low.group(1), 16), int(high.group(1), 16) - int(low.group(1), 16)))
        # Exports alias a function's entry: the subprogram carries the function's own (local) name.
        by_address = {(value, size) for _, value, size in described}
        missing = {(n, v, s) for n, v, s in expected if (v, s) not in by_address}
        assert not missing, f"{obj.name}: functions without a subprogram: {sorted(missing)}"
        local_names = {n for n, _, _ in expected}
        assert {n for n, _, _ in described} <= local_names, obj.name
