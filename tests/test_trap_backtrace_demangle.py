"""C++ symbols in trap backtraces are demangled as wasmtime demangles them (``cpp_demangle``).

- A module whose ``name`` section holds Itanium symbols (a table covering namespaces, templates, overloads,
  lambdas, the anonymous namespace, operators, qualifiers, literals, thunks, clone suffixes): the JIT API's trap
  message equals wasmtime-py's ``str(trap)`` frame for frame.
- A C++ program built at test time by clang++-19 for wasm32-wasi and linked with ``--no-demangle`` (wasm-ld
  demangles by default): ``jitdebug run`` prints what wasmtime-py prints, byte for byte, and the AOT
  executable's trap report shows the same names.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import wasmtime

from emitter.encoding import uleb128 as _leb
from emitter.errors import TrapError
from emitter.jit import compile_wasm
from tests.tools import ENV, ROOT, run, tool
from tests.wasi_support import build_aot, jitdebug_command, oracle_command
from tests.wasm_clang import wasm_build_env, wasm_clang

#: Mangled names of each kind a C++ program's functions have (and a Rust one, and plain C names).
SYMBOLS = [
    "_ZN7Counter4bumpEPKcj", "_ZN7CounterpLEi", "_ZN3geoplENS_3VecES0_", "_ZN12_GLOBAL__N_16hiddenEi",
    "_ZN7CounterC2Ev", "_ZN7CounterD1Ev", "_ZN4util5applyIZ4mainiPPcE3$_0EEiT_i", "_ZZ4mainiPPcENK3$_0clEi",
    "_ZN3geo3BoxIiLi4EEixEi", "_ZZ4mainENKUlvE_clEv", "_ZZ4mainENKUliE0_clEi",
    "_ZNSt3__16vectorIiNS_9allocatorIiEEE9push_backERKi",
    "_ZNKSt3__16vectorINS0_IiNS_9allocatorIiEEEENS1_IS3_EEE4sizeEv",
    "_ZN3fooILb1EE3barEv", "_ZN3fooILj4EE3barEv", "_ZN3fooILm4EE3barEv", "_ZN3fooILln4EE3barEv",
    "_ZN3fooILy4EE3barEv", "_ZN3fooILc65EE3barEv", "_ZN3fooILin4EE3barEv",
    "_ZN1AcviEv", "_ZN1AaSERKS_", "_ZN1AeqERKS_", "_ZN1AclEv", "_ZN1AixEi", "_ZN1AnwEm", "_ZN1AdlEPv",
    "_ZN1AlsEi", "_ZN1AssERKS_", "_ZN1AdeEv", "_ZN1AptEv", "_ZN1AppEi",
    "_ZNK1A3getEv", "_ZNVK1A3getEv", "_ZNR1A3getEv", "_ZNO1A3getEv",
    "_Z3fooPFviE", "_Z3fooRA10_i", "_Z3fooM1AFivE", "_Z3fooIJidEEvDpT_", "_Z1fv.cold", "_Z1fv.llvm.1234",
    "_ZN5outer5innerIiE4funcIcEEvT_", "_ZSt4moveIRiEONSt16remove_referenceIT_E4typeEOS2_",
    "_ZNSt8ios_base4InitC1Ev", "_Z1fSs", "_ZN1A1fEDn", "_Z1fPVKi", "_ZN1N1fB5cxx11Ev",
    "_ZTh8_N1B1fEv", "_ZThn16_N1B1gEi", "_ZTv0_n24_N1B1fEv", "_ZTVN1N1AE", "_ZTI1A", "_ZGVZ4mainE1x",
    "_ZN4core9panicking9panic_fmt17h768731f43edd91bfE", "main", "_start", "_Z", "_Zfoo",
]


def _vector(items: list[bytes]) -> bytes:
    return _leb(len(items)) + b"".join(items)


def _section(number: int, body: bytes) -> bytes:
    return bytes([number]) + _leb(len(body)) + body


def _string(text: str) -> bytes:
    return _leb(len(text.encode())) + text.encode()


def _chain_module(names: list[str]) -> bytes:
    """Function 0 (export ``run``) calls 1, which calls 2, ..., the last traps; each named from ``names``."""
    bodies = []
    for index in range(len(names)):
        code = b"\x10" + _leb(index + 1) if index + 1 < len(names) else b"\x00"
        bodies.append(_leb(len(code) + 2) + b"\x00" + code + b"\x0b")
    function_names = _vector([_leb(i) + _string(name) for i, name in enumerate(names)])
    return (b"\0asm\1\0\0\0" + _section(1, _vector([b"\x60\x00\x00"])) + _section(3, _vector([b"\x00"] * len(names)))
            + _section(7, _vector([_string("run") + b"\x00\x00"])) + _section(10, _vector(bodies))
            + _section(0, _string("name") + b"\x01" + _leb(len(function_names)) + function_names))


@pytest.mark.parametrize("start", range(0, len(SYMBOLS), 19))  # wasmtime keeps 20 frames
def test_jit_trap_names_equal_wasmtime(start: int, tmp_path: Path) -> None:
    binary = _chain_module(SYMBOLS[start:start + 19])
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, binary), [])
    run_export = instance.exports(store)["run"]
    assert isinstance(run_export, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as expected:
        run_export(store)
    source = tmp_path / "names.wasm"
    source.write_bytes(binary)
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as jit, pytest.raises(TrapError) as got:
        jit.exports["run"]()
    assert got.value.backtrace == str(expected.value)


#: Names that are, or begin as, a whole Itanium type, which wasmtime's trap reports show demangled (``f`` is
#: ``float``): builtin letters alone and with more behind them, CV-qualified, pointers, a plain C name of each kind.
BARE_NAMES = ["f", "i", "rec", "main", "filler0", "fi", "ii", "Kc", "rKc", "VKi", "rVKf", "Kfx", "PKc", "RKi",
              "PFviE", "3foo", "St", "pl", "u3foo", "Dn", "DU32_", "Ke", "Kea", "k", "kx", "p", "q0", "run"]


@pytest.mark.parametrize("start", range(0, len(BARE_NAMES), 19))
def test_jit_trap_names_of_whole_types_equal_wasmtime(start: int, tmp_path: Path) -> None:
    binary = _chain_module(BARE_NAMES[start:start + 19])
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, binary), [])
    run_export = instance.exports(store)["run"]
    assert isinstance(run_export, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as expected:
        run_export(store)
    source = tmp_path / "names.wasm"
    source.write_bytes(binary)
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as jit, pytest.raises(TrapError) as got:
        jit.exports["run"]()
    assert got.value.backtrace == str(expected.value)


def test_names_the_cxx_runtime_declines_early_are_declined_as_it_does() -> None:
    """The shortcut that answers for C names without the C++ runtime declines only names the runtime declines:
    every name of up to three letters of the type alphabet, and 20,000 random ones."""
    import itertools
    import random

    from emitter.wasm import demangle_cxx

    alphabet = "abcdefghijklmnopqrstuvwxyzVKPRSTFNAMDIEZ0123_"
    names = ["".join(p) for n in (1, 2, 3) for p in itertools.product(alphabet, repeat=n)]
    rng = random.Random(19)
    names += ["".join(rng.choice(alphabet + "456789") for _ in range(rng.randint(2, 12))) for _ in range(20000)]
    early = [name for name in names if demangle_cxx._ends_early(name)]
    assert len(early) > len(names) // 3
    assert [name for name in early if demangle_cxx._runtime_demangle(name) is not None] == []


def test_known_renderings() -> None:
    from emitter.wasm.demangle import demangle

    assert demangle("_ZZ4mainENKUliE0_clEi") == "main::{lambda(int)#2}::operator()(int) const"
    assert demangle("_ZN3fooILj4EE3barEv") == "foo<(unsigned int)4>::bar()"
    assert demangle("_ZThn16_N1B1gEi") == "{virtual override thunk({offset(-16)}, B::g(int))}"
    assert demangle("_ZN12_GLOBAL__N_16hiddenEi") == "(anonymous namespace)::hidden(int)"
    assert demangle("_Zfoo") == "_Zfoo" and demangle("main") == "main"


PROGRAM = r"""#include <stdio.h>

namespace geo {
struct Vec { int x, y; };
inline Vec operator+(Vec a, Vec b) { return {a.x + b.x, a.y + b.y}; }
template <typename T, int N> struct Box {
    T items[N];
    T &operator[](int i) { return items[i % N]; }
};
}

namespace {
__attribute__((noinline)) int hidden(int v) { return v * 3; }
}

namespace util {
__attribute__((noinline)) int pick(int v) { return v + 1; }
__attribute__((noinline)) int pick(double v) { return (int)v; }
template <typename F> __attribute__((noinline)) int apply(F f, int v) { return f(v); }
}

struct Counter {
    int n = 0;
    __attribute__((noinline)) int bump(const char *why, unsigned k);
    __attribute__((noinline)) Counter &operator+=(int k);
};
int Counter::bump(const char *why, unsigned k) { n += k / (why[0] - 'x'); return n; }
Counter &Counter::operator+=(int k) { bump(k > 5 ? "x" : "o", k); return *this; }

int main(int argc, char **argv) {
    geo::Box<int, 4> box{};
    geo::Vec v = geo::Vec{1, 2} + geo::Vec{3, 4};
    printf("v %d %d %d\n", v.x, v.y, hidden(argc));
    fflush(stdout);
    int k = util::pick(argc) + util::pick(2.5);
    Counter c;
    return util::apply([&](int i) { c += i + k; return box[i]; }, argc + 4);
}
"""


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The C++ program, its names left mangled: clang++ compiles, wasm-ld links with ``--no-demangle`` (the
    driver drops a ``-Wl,--no-demangle``)."""
    out = tmp_path_factory.mktemp("cxx")
    (out / "names.cpp").write_text(PROGRAM)
    env = wasm_build_env()
    wasm_clang(["--target=wasm32-wasi", "-g", "-O0", "-fno-exceptions", "-c", "-o", "names.o", "names.cpp"],
               cwd=out, cxx=True)
    builtins = wasm_clang(["--target=wasm32-wasi", "-print-libgcc-file-name"], cxx=True).strip()
    sysroot = "/usr/lib/wasm32-wasi"
    run([tool("wasm-ld-19"), "-m", "wasm32", f"-L{sysroot}", f"{sysroot}/crt1-command.o", "names.o", "-lc",
         builtins, "--no-demangle", "-o", "names.wasm"], cwd=out, env=env)
    return out / "names.wasm"


def _outcome(argv: list[str | Path], extra: dict[str, str] | None = None) -> tuple[int, str, str]:
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300,
                          env={**ENV, "PYTHONPATH": str(ROOT), **(extra or {})})
    return proc.returncode, proc.stdout, proc.stderr


def test_cxx_program_trap_equals_wasmtime(program: Path) -> None:
    assert "_ZN7Counter4bumpEPKcj" in program.read_bytes().decode("latin-1")  # the names really are mangled
    ours = _outcome([*jitdebug_command(), program])
    oracle = _outcome([*oracle_command(), program])
    assert ours[:2] == oracle[:2] and ours[2] + "\n" == oracle[2]  # the oracle prints str(trap), then a newline
    code, stdout, stderr = ours
    assert (code, stdout) == (1, "v 4 6 3\n")
    for name in ("Counter::bump(char const*, unsigned int)", "Counter::operator+=(int)",
                 "main(int, char**)::$_0::operator()(int) const",
                 "int util::apply<main(int, char**)::$_0>(main(int, char**)::$_0, int)"):
        assert f"!{name}\n" in stderr, stderr


def test_aot_trap_report_names_cxx_functions(program: Path, tmp_path: Path) -> None:
    executable = build_aot(program, tmp_path / "names")
    code, stdout, stderr = _outcome([executable])
    oracle = _outcome([*oracle_command(), program])
    assert (code, stdout) == (-6, oracle[1])  # the AOT program aborts at a trap (jitdebug_wasi_main.c)
    frames = [line for line in stderr.splitlines() if " - " in line]
    assert frames == [line for line in oracle[2].splitlines() if " - " in line]
