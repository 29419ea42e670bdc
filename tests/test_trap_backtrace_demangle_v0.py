"""Rust v0 symbols (``_R…``) and names that are whole Itanium types (``f``, ``PKc``) in trap backtraces, named as
wasmtime names them (``rustc-demangle``'s v0 printer: ``emitter/wasm/demangle_v0.py``; ``cpp_demangle``'s
reading of a bare ``<type>``: ``emitter/wasm/demangle_cxx.py``), against wasmtime-py 50 itself:

- every v0 symbol of ``samples/rustdebug/mangling.rs`` (const generics of each kind, ``dyn`` with associated
  types, ``for<'a>`` function pointers, pointers, slices, arrays, tuples, ``extern "C"``, closures, shims,
  Punycode), built natively at test time by Debian's rustc 1.63 with ``-C symbol-mangling-version=v0``, and
  hand-made ones for what rustc does not emit (string, array, tuple and struct constants, bad backrefs, suffixes,
  malformed symbols), as the ``name`` section names of a trapping call chain: the JIT's report equals
  ``str(trap)``;
- a Rust program built for wasm32-wasi with v0 mangling: ``jitdebug run`` prints wasmtime's stderr byte for
  byte, with ``WASMTIME_BACKTRACE_DETAILS=1`` too (the DWARF's linkage names are v0), and the AOT executable's
  report shows the same frames;
- every name of one or two characters (``[A-Za-z0-9_]``) and common short names: ``f`` is ``float`` in
  wasmtime's trap reports (the debuggers' views keep ``f``).
"""

from __future__ import annotations

import itertools
import string
import subprocess
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import compile_wasm
from emitter.wasm.demangle import demangle
from tests.rust_wasm import RUSTC, SAMPLES, build
from tests.test_trap_backtrace_demangle import _chain_module
from tests.tools import ENV, ROOT, run, tool
from tests.wasi_support import build_aot, jitdebug_command, oracle_command

V0 = ("-C", "symbol-mangling-version=v0")

#: Hand-made symbols (inputs; wasmtime-py says what each should read).
SYNTHETIC = [
    "_RNvCs1jRMp05DMzF_4rich4main.llvm.1234ABCD", "_RNvCs1jRMp05DMzF_4rich4main.cold",
    "_RNvCs1jRMp05DMzF_4rich4main.llvm.xyz", "_RNvCs1jRMp05DMzF_4rich4mainXYZ", "__RNvCs1jRMp05DMzF_4rich4main",
    "RNvCs1jRMp05DMzF_4rich4main", "RC3foo", "Rust", "_R", "_RZ", "_Rfoo", "_RNvC3foo", "_RNvC3foo3bar",
    "_RNvC3foo3barC3baz", "_RNvC3foo3barC3bazC3qux", "_RNvB0_3bar", "_RNvC3fooB0_",
    "_RINvC3foo3barKj123456789abcdef0123_E", "_RINvC3foo3barKpE", "_RINvC3foo3barKc110000_E",
    "_RINvC3foo3barKcd800_E", "_RINvC3foo3barKb2_E", "_RINvC3foo3barKln0_E", "_RINvC3foo3barKe616263_E",
    "_RINvC3foo3barKRe616263_E", "_RINvC3foo3barKe61x_E", "_RINvC3foo3barKAj1_j2_EE", "_RINvC3foo3barKTj1_EE",
    "_RINvC3foo3barKVNtC3foo1SUE", "_RINvC3foo3barKVNtC3foo1STj1_EE",
    "_RINvC3foo3barKVNtC3foo1SS1xj1_s_1yb1_EE", "_RINvC3foo3barKQj1_E", "_RINvC3foo3barKc27_E",
    "_RINvC3foo3barKc22_E", "_RINvC3foo3barKc5c_E", "_RINvC3foo3barKc0_E", "_RINvC3foo3barKe22275c0a_E",
    "_RINvC3foo3barTyEE", "_RINvC3foo3barTEE", "_RINvC3foo3barAhKj10_EE", "_RINvC3foo3barFUKCEuEE",
    "_RINvC3foo3barFK8sys_v64EuEE", "_RINvC3foo3barFG1_RL1_hRL0_hEuEE", "_RINvC3foo3barRL_hE",
    "_RINvC3foo3barDNtC3foo4TraitEL1_E", "_RINvC3foo3barDINtC3foo4TraithEp3OuthEL_E",
    "_RINvC3foo3barDG0_NtC3foo1TEL1_E", "_RINvC3foo3barPhOhQhRhE", "_RNSNvC3foo3bar6vtableB2_",
    "_RNXNvC3foo3bar4nameB2_", "_RNvCsz_3foo3bar", "_RNvCu7gr_6ka8i3bar", "_RNvCu3_zz_3bar", "_RNvNtC3foo003bar",
    "_RNvC3foo3bar.suffix with space", "_RNvC3foo3bar$tail", "_RNvNvB0_3foo3bar", "_RMC3fooB0_",
    "_RINvC3foo3barDNtB0_1TEL_E", "_RNvMB0_hB0_3bar", "_RINvC3foo3barBH_E",
]
#: Short names a module's functions commonly have, besides every name of one or two characters.
WORDS = ["run", "main", "fac", "fib", "add", "foo", "bar", "leaf", "mid", "top", "inner", "trap", "div", "loop",
         "_start", "callee", "Fvv", "PFvvE", "A3_i", "M1Ai", "St3foo", "N1A1BE", "1AIiE", "u3foo", "Dv4_f",
         "DF16_", "DU8_", "KPKc", "rPi", "VKi", "RKi", "OKi", "CPi", "Gi", "RA3_i", "Si", "Sd", "So", "Ss", "Sa"]


def _chain_reports(names: list[str], tmp_path: Path) -> tuple[str, str]:
    binary = _chain_module(names)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, binary), [])
    export = instance.exports(store)["run"]
    assert isinstance(export, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as expected:
        export(store)
    source = tmp_path / "names.wasm"
    source.write_bytes(binary)
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as jit, pytest.raises(TrapError) as got:
        jit.exports["run"]()
    return got.value.backtrace, str(expected.value)


@pytest.fixture(scope="module")
def v0_symbols(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The v0 symbols of the sample, compiled natively (the scheme is the same for every target)."""
    out = tmp_path_factory.mktemp("v0")
    obj = out / "mangling.o"
    run([RUSTC, "--crate-type=lib", *V0, "--edition", "2021", "-A", "warnings", "--emit=obj", "-o", obj,
         SAMPLES / "mangling.rs"])
    symbols = sorted({line.split()[-1] for line in run([tool("nm"), obj]).stdout.splitlines()
                      if line.split() and line.split()[-1].startswith("_R")})
    assert len(symbols) > 100
    return symbols


def test_v0_symbols_equal_wasmtime(v0_symbols: list[str], tmp_path: Path) -> None:
    names = v0_symbols + SYNTHETIC
    for start in range(0, len(names), 19):  # wasmtime keeps 20 frames
        ours, theirs = _chain_reports(names[start:start + 19], tmp_path)
        assert ours == theirs


def test_bare_type_names_equal_wasmtime(tmp_path: Path) -> None:
    alphabet = string.ascii_letters + string.digits + "_"
    names = [*alphabet, *("".join(p) for p in itertools.product(alphabet, repeat=2)), *WORDS]
    shown = {}
    for start in range(0, len(names), 19):
        chunk = names[start:start + 19]
        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        instance = wasmtime.Instance(store, wasmtime.Module(engine, _chain_module(chunk)), [])
        export = instance.exports(store)["run"]
        assert isinstance(export, wasmtime.Func)
        with pytest.raises(wasmtime.Trap) as trap:
            export(store)
        frames = [line.split("!", 1)[1] for line in str(trap.value).splitlines() if " - " in line]
        shown.update(zip(reversed(chunk), frames, strict=True))
    mismatches = {name: (want, demangle(name, bare_types=True)) for name, want in shown.items()
                  if demangle(name, bare_types=True) != want}
    assert not mismatches
    assert shown["f"] == "float" and shown["pl"] == "operator+" and shown["foo"] == "foo"
    ours, theirs = _chain_reports(["f", "PKc", "St", "run", "Ci"], tmp_path)  # the JIT's report, end to end
    assert ours == theirs
    # The debuggers keep the name: ``wasm bt``, ``wasm break f`` and ``wasm functions`` name the function ``f``.
    source = tmp_path / "f.wasm"
    source.write_bytes(_chain_module(["f"]))
    (function,) = [f for f in compile_wasm(source, listing_dir=tmp_path).compiled.functions if f.wasm_index == 0]
    assert function.display_name == "f"


@pytest.fixture(scope="module")
def v0_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SAMPLES / "panics.rs", tmp_path_factory.mktemp("v0prog") / "panics.wasm", wasm=True, extra=V0)


@pytest.mark.parametrize("details", [None, "1"])
def test_v0_program_run_equals_wasmtime(v0_program: Path, details: str | None) -> None:
    env = {**ENV, "PYTHONPATH": str(ROOT)}
    env.pop("WASMTIME_BACKTRACE_DETAILS", None)
    if details is not None:
        env["WASMTIME_BACKTRACE_DETAILS"] = details
    outcomes = [subprocess.run([*command, str(v0_program)], capture_output=True, text=True, timeout=300, env=env)
                for command in (jitdebug_command(), oracle_command())]
    ours, theirs = outcomes
    assert ours.returncode == theirs.returncode == 1
    assert ours.stdout == theirs.stdout
    assert ours.stderr + "\n" == theirs.stderr  # the oracle prints str(trap), then a newline
    assert "panics[" in ours.stderr and "_RN" not in ours.stderr  # v0 names, all demangled


def test_v0_program_aot_report_equals_wasmtime(v0_program: Path, tmp_path: Path) -> None:
    executable = build_aot(v0_program, tmp_path / "panics")
    env = {**ENV}
    env.pop("WASMTIME_BACKTRACE_DETAILS", None)
    ours = subprocess.run([str(executable)], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    theirs = subprocess.run([*oracle_command(), str(v0_program)], capture_output=True, text=True, timeout=300,
                            env={**env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert ours.stdout == theirs.stdout
    assert ours.stderr + "\n" == theirs.stderr
