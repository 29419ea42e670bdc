"""A C program's memory by Wasm address in plain gdb 13 and lldb-19 (no plugins): the modules with the producer's
DWARF get the ``memoryN``/``memoryN_size`` variables too, in a compile unit of their own after the translated
ones (``emitter/dwarf/memory_unit.py``), JIT and AOT, and the C program's own names stay its own.

``peek.c`` (wasi-libc, built at test time at -O0 -g) fills a heap block and a static string and passes their Wasm
addresses to ``stop``, where the debuggers stop. Oracle: wasmtime-py running the same module under WASI: the
addresses it prints and its exported memory after the run (``stop`` is the last thing that writes either). A
program with a C global of its own named ``memory0_size`` keeps it: gdb and lldb show the C variable, as gcc's
build of the same source does, and no ``memory0`` is written (the rule in ``emitter/dwarf/memories.py``)."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file
from tests.native_debug import jitdebug_env
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

PEEK = r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char greeting[32] = "hello, memory";
int counter = 3;

__attribute__((noinline)) void stop(unsigned heap, unsigned text) {
    printf("%u %u %d\n", heap, text, counter);
}

int main(void) {
    unsigned char *block = malloc(100000);
    for (int i = 0; i < 16; i++)
        block[i] = (unsigned char)(i * 17 + 1);
    strcpy(greeting + 13, "!");
    stop((unsigned)(size_t)block, (unsigned)(size_t)greeting);
    return 0;
}
"""

#: The C program's own ``memory0_size`` (and a function of that family's name): the program's names win.
CLASH = r"""#include <stdio.h>

int memory0_size = 42;

__attribute__((noinline)) void stop(int n) {
    printf("%d %d\n", n, memory0_size);
}

int main(void) {
    stop(7);
    return 0;
}
"""


def _build(tmp_path: Path, name: str, source: str) -> Path:
    c = tmp_path / f"{name}.c"
    c.write_text(source)
    wasm = tmp_path / f"{name}.wasm"
    wasm_clang(["--target=wasm32-wasi", "-g", "-O0", "-o", wasm, c], cwd=tmp_path)
    return wasm


def _wasmtime(wasm: Path, tmp_path: Path) -> tuple[list[int], bytes, int]:
    """What ``peek`` prints, the memory after its run and the memory's size, by wasmtime-py's WASI."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    out = tmp_path / "wasmtime.out"
    config.stdout_file = str(out)
    store.set_wasi(config)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(wasm)))
    exports = instance.exports(store)
    start, memory = exports["_start"], exports["memory"]
    assert isinstance(start, wasmtime.Func) and isinstance(memory, wasmtime.Memory)
    start(store)
    printed = [int(word) for word in out.read_text().split()]
    return printed, bytes(memory.read(store, 0, memory.data_len(store))), memory.data_len(store)


@pytest.fixture(scope="module")
def wasi_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("runtime") / "libjitdebug_wasi.a"
    run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", library], cwd=ROOT)
    return library


def _program(tmp_path: Path, wasm: Path, kind: str, runtime: Path) -> list[str]:
    if kind == "jit":
        return [sys.executable, "-m", "emitter.cli", "run", str(wasm)]
    obj = wasm.with_suffix(".o")
    compile_file(wasm, obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout, verify.stdout
    exe = wasm.with_suffix("")
    run(["gcc", "-g", "-o", exe, obj, runtime])
    return [str(exe)]


def _gdb(commands: list[str], program: list[str]) -> dict[str, str]:
    """Plain gdb stopped at ``stop``: each command's output, by command."""
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop", "-ex", "run"]
    for number, command in enumerate(commands):
        argv += ["-ex", f"echo @@{number}\\n", "-ex", command]
    out = run([*argv, "-ex", "echo @@end\\n", "--args", *program], env=jitdebug_env(), timeout=120, check=False)
    parts = re.split(r"^@@(\w+)\n", out.stdout, flags=re.M)
    assert "@@end" in out.stdout, out.stdout + out.stderr
    return {commands[int(parts[i])]: parts[i + 1] for i in range(1, len(parts) - 2, 2)}


def _gdb_errors(commands: list[str], program: list[str]) -> list[str]:
    """Plain gdb stopped at ``stop``: each command's output and errors, in order (one command per gdb run keeps
    an error with its command)."""
    outputs = []
    for command in commands:
        argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop", "-ex", "run",
                "-ex", "echo @@\\n", "-ex", command]
        out = run([*argv, "--args", *program], env=jitdebug_env(), timeout=120, check=False)
        errors = [line for line in out.stderr.splitlines() if line.startswith("No symbol")]
        outputs.append(out.stdout.partition("@@\n")[2] + "".join(line + "\n" for line in errors))
    return outputs


def _lldb(commands: list[str], program: list[str]) -> dict[str, str]:
    """Plain lldb-19 stopped at ``stop``: each command's output (errors too), by command. The commands are
    sourced with ``-e false``: a failing one does not end the batch."""
    with tempfile.NamedTemporaryFile("w", suffix=".lldb", delete=False) as script:
        script.write("".join(command + "\n" for command in commands))
    try:
        argv = ["lldb-19", "-b", "-o", "breakpoint set -n stop", "-o", "run", "-o",
                f"command source -e false {script.name}", "-k", "quit 1", "--", *program]
        out = run(argv, env=jitdebug_env(), timeout=120, check=False)
    finally:
        Path(script.name).unlink()
    text = out.stdout + out.stderr
    parts = re.split(r"^\(lldb\) (.*)\n", out.stdout, flags=re.M)
    outputs = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    for command in commands:  # errors go to stderr, in order
        outputs.setdefault(command, "")
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    outputs["errors"] = "\n".join(errors)
    assert all(command in outputs for command in commands), text
    return outputs


def _dumped(text: str) -> bytes:
    """The bytes of an ``x/Nxb`` or ``memory read -fx`` dump."""
    return bytes(int(b, 16) for line in text.splitlines()
                 for b in re.findall(r"0x([0-9a-f]{2})\b", line.partition(":")[2]))


@pytest.mark.parametrize("kind", ["jit", "aot"])
def test_c_program_memory_in_plain_gdb_and_lldb(tmp_path: Path, kind: str, wasi_runtime: Path) -> None:
    wasm = _build(tmp_path, "peek", PEEK)
    (heap, text, counter), memory, size = _wasmtime(wasm, tmp_path)
    assert counter == 3 and memory[text:text + 14] == b"hello, memory!"
    program = _program(tmp_path, wasm, kind, wasi_runtime)
    gdb = _gdb([f"x/16xb &memory0[{heap}]", f"p memory0[{text}]@14", "p memory0_size", "p sizeof(memory0)",
                "ptype memory0", "whatis memory0_size", "p/x memory0[heap + 15]", "info variables ^memory0",
                "p counter", "bt 1", "info args"], program)
    assert _dumped(gdb[f"x/16xb &memory0[{heap}]"]) == memory[heap:heap + 16], gdb
    assert gdb[f"p memory0[{text}]@14"].strip().endswith(f'= "{memory[text:text + 14].decode()}"'), gdb
    assert gdb["p memory0_size"].strip().endswith(f"= {size}"), gdb
    assert gdb["p sizeof(memory0)"].strip().endswith(f"= {size}"), gdb
    assert gdb["ptype memory0"].strip() == f"type = unsigned char [{size}]", gdb
    assert gdb["whatis memory0_size"].strip() == "type = unsigned long long", gdb
    assert gdb["p/x memory0[heap + 15]"].strip().endswith(f"= {memory[heap + 15]:#x}"), gdb
    assert "File <wasm memories>:" in gdb["info variables ^memory0"], gdb
    # The C program's names and frames are its own: the variable, the arguments, the frame.
    assert gdb["p counter"].strip().endswith("= 3"), gdb
    assert gdb["info args"].split() == ["heap", "=", str(heap), "text", "=", str(text)], gdb
    assert re.match(r"#0 +stop \(heap=\d+, text=\d+\) at .*peek\.c:9", gdb["bt 1"].strip()), gdb

    lldb = _lldb([f"memory read -s1 -fx -c16 &memory0[{heap}]", "target variable memory0_size",
                  "expression -f x -- memory0[heap + 15]", f"expression -- memory0[{text}]",
                  "target variable counter", "frame variable"], program)
    assert _dumped(lldb[f"memory read -s1 -fx -c16 &memory0[{heap}]"]) == memory[heap:heap + 16], lldb
    assert lldb["target variable memory0_size"].strip() == f"(unsigned long long) memory0_size = {size}", lldb
    assert lldb["expression -f x -- memory0[heap + 15]"].strip().endswith(f"= 0x{memory[heap + 15]:02x}"), lldb
    assert lldb[f"expression -- memory0[{text}]"].strip().endswith("= 'h'"), lldb
    assert lldb["target variable counter"].strip() == "(int) counter = 3", lldb
    assert lldb["frame variable"].split() == ["(unsigned", "int)", "heap", "=", str(heap),
                                              "(unsigned", "int)", "text", "=", str(text)], lldb


def test_a_c_name_keeps_its_meaning(tmp_path: Path, wasi_runtime: Path) -> None:
    """The C global ``memory0_size`` is the program's, in both debuggers as in gcc's build: memory 0's variables
    are not written (neither name: ``memory0`` is not in the DWARF either)."""
    wasm = _build(tmp_path, "clash", CLASH)
    program = _program(tmp_path, wasm, "aot", wasi_runtime)
    dump = run(["llvm-dwarfdump-19", "--debug-info", wasm.with_suffix(".o")]).stdout
    assert "<wasm memories>" not in dump and '"memory0"' not in dump, dump
    native = tmp_path / "native"
    run(["gcc", "-g", "-O0", "-o", native, tmp_path / "clash.c"])
    commands = ["p memory0_size", "ptype memory0_size", "p memory0"]
    for argv in ([native], program, [sys.executable, "-m", "emitter.cli", "run", str(wasm)]):
        assert _gdb_errors(commands, [str(a) for a in argv]) == [
            "$1 = 42\n", "type = int\n", 'No symbol "memory0" in current context.\n'], argv
        lldb = _lldb(["target variable memory0_size", "target variable memory0"], [str(a) for a in argv])
        assert lldb["target variable memory0_size"].strip() == "(int) memory0_size = 42", (argv, lldb)
        assert "error: can't find global variable 'memory0'" in lldb["errors"], (argv, lldb)


#: Two modules of one process, the same layout (so the same Wasm addresses), different bytes there: each fills a
#: static block and passes it and a static string to ``stop_<name>``, where the debuggers stop.
TWO = r"""static unsigned char block[64];
static char text[32] = "{text}";

__attribute__((noinline)) void stop_{name}(unsigned heap, unsigned words) {{
    block[63] = (unsigned char)(heap + words);
}}

__attribute__((export_name("run"))) unsigned run(void) {{
    for (int i = 0; i < 16; i++)
        block[i] = (unsigned char)(i * {mul} + {add});
    stop_{name}((unsigned)(unsigned long)block, (unsigned)(unsigned long)text);
    return (unsigned)(unsigned long)block;
}}

__attribute__((export_name("text_at"))) unsigned text_at(void) {{ return (unsigned)(unsigned long)text; }}
"""
_TWO = {"a": ("hello from a", 17, 1), "b": ("module b says", 5, 3)}
#: What both debuggers show at a stop: 16 bytes at ``heap`` and 14 at ``words``, read through the memory variable
#: by the debugger's own expression evaluator (``p`` in gdb, ``expression`` in lldb), or that it has no such name.
_GDB_SHOW = '''
import gdb

def show(name):
    frame = gdb.selected_frame()
    heap, words = (int(frame.read_var(arg)) for arg in ("heap", "words"))
    try:
        memory = gdb.parse_and_eval(name)
        data = bytes(int(memory[at]) for at in [*range(heap, heap + 16), *range(words, words + 14)])
    except gdb.error as error:
        print("@@", frame.name(), "error:", error)
        return
    print("@@", frame.name(), data.hex())
'''
_LLDB_SHOW = '''
def show(frame, name):
    heap, words = (frame.FindVariable(arg).GetValueAsUnsigned() for arg in ("heap", "words"))
    data = []
    for at, count in ((heap, 16), (words, 14)):
        value = frame.EvaluateExpression(f"*(unsigned char (*)[{count}])&{name}[{at}]")
        if not value.GetError().Success():
            print("@@", frame.GetFunctionName(), "error:", value.GetError().GetCString().strip())
            return
        data += [value.GetChildAtIndex(i).GetValueAsUnsigned() for i in range(count)]
    print("@@", frame.GetFunctionName(), bytes(data).hex())
'''
#: The JIT process: ``a`` alone, then ``b`` loaded beside it, then ``a`` freed, then both loaded again before
#: either runs (registered together at the first call), then ``b`` beside a Wasm-level module with a memory
#: (whose DWARF names it ``memory0`` too, a file static) loaded after it, alone again; then ``a`` loaded after
#: such a module, then ``b`` too: a stop in each state.
_JIT_TWO = """import sys
from pathlib import Path

from emitter.jit import compile_wasm

a = compile_wasm(sys.argv[1]).instantiate({})
a.exports["run"]()
b = compile_wasm(sys.argv[2]).instantiate({})
a.exports["run"]()
b.exports["run"]()
a.free()
b.exports["run"]()
b.free()
a, b = (compile_wasm(path).instantiate({}) for path in sys.argv[1:3])
b.exports["run"]()
a.exports["run"]()
a.free()
wat = Path(sys.argv[3])
wat.write_text('(module (memory (export "m") 1) (func (export "f")))')
w = compile_wasm(wat).instantiate({})
w.exports["f"]()
b.exports["run"]()
w.free()
b.exports["run"]()
b.free()
w = compile_wasm(wat).instantiate({})
w.exports["f"]()
a = compile_wasm(sys.argv[1]).instantiate({})
a.exports["run"]()
b = compile_wasm(sys.argv[2]).instantiate({})
b.exports["run"]()
"""
_AOT_HOST = """#include <stdio.h>
unsigned a_run(void);
unsigned b_run(void);
int main(void) {
    unsigned a = a_run();
    printf("%u %u\\n", a, b_run());
    return 0;
}
"""


def _two_modules(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Each module and, by wasmtime-py, the bytes ``show`` prints in its ``stop`` (after its ``run``)."""
    modules = {}
    for name, (text, mul, add) in _TWO.items():
        c = tmp_path / f"{name}.c"
        c.write_text(TWO.format(name=name, text=text, mul=mul, add=add))
        wasm = tmp_path / f"{name}.wasm"
        wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-o", wasm, c], cwd=tmp_path)
        store = wasmtime.Store()
        instance = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(wasm)), [])
        exports = instance.exports(store)
        run_, text_at, memory = exports["run"], exports["text_at"], exports["memory"]
        assert isinstance(run_, wasmtime.Func) and isinstance(text_at, wasmtime.Func)
        assert isinstance(memory, wasmtime.Memory)
        heap, words = run_(store), text_at(store)
        data = memory.read(store, heap, heap + 16) + memory.read(store, words, words + 14)
        modules[name] = (wasm, bytes(data).hex())
    assert modules["a"][1] != modules["b"][1]
    return modules


def _shown(program: list[str], tmp_path: Path, shows: list[str]) -> tuple[list[str], list[str]]:
    """``show(NAME)`` at each stop in ``stop_a``/``stop_b`` (``shows``: the name at the n-th stop), in plain gdb
    and plain lldb: the ``@@`` lines of each."""
    (tmp_path / "show_gdb.py").write_text(_GDB_SHOW)
    (tmp_path / "show_lldb.py").write_text(_LLDB_SHOW)
    argv = ["gdb", "-nx", "-batch", "-ex", f"source {tmp_path / 'show_gdb.py'}", "-ex", "set breakpoint pending on",
            "-ex", "break stop_a", "-ex", "break stop_b", "-ex", "run"]
    for number, name in enumerate(shows):
        argv += ["-ex", f"python show({name!r})", *(["-ex", "continue"] if number + 1 < len(shows) else [])]
    gdb = run([*argv, "--args", *program], env=jitdebug_env(), timeout=180, check=False)
    lines = [f"script sys.path.insert(0, {str(tmp_path)!r}); import show_lldb", "breakpoint set -n stop_a",
             "breakpoint set -n stop_b", "run"]
    for number, name in enumerate(shows):
        lines += [f"script show_lldb.show(lldb.frame, {name!r})", *(["continue"] if number + 1 < len(shows) else [])]
    script = tmp_path / "two.lldb"
    script.write_text("".join(line + "\n" for line in lines))
    lldb = run(["lldb-19", "-b", "-o", "script import sys", "-o", f"command source -e false {script}", "-k", "quit 1",
                "--", *program], env=jitdebug_env(), timeout=180, check=False)
    return ([line for line in gdb.stdout.splitlines() if line.startswith("@@ ")],
            [line for line in lldb.stdout.splitlines() if line.startswith("@@ ")])


def test_two_aot_modules_each_frame_reads_its_own_memory(tmp_path: Path) -> None:
    """Two C modules linked into one executable with distinct ``--export-prefix``es: each memory unit spells its
    variables with its prefix (``a_memory0``, ``b_memory0``), so in each module's frame its own name reads its
    own bytes, and the unprefixed ``memory0`` names nothing."""
    modules = _two_modules(tmp_path)
    for name, (wasm, _) in modules.items():
        compile_file(wasm, wasm.with_suffix(".o"), export_prefix=f"{name}_")
    host = tmp_path / "host.c"
    host.write_text(_AOT_HOST)
    exe = tmp_path / "two"
    run(["gcc", "-g", "-o", exe, host, tmp_path / "a.o", tmp_path / "b.o"])
    gdb, lldb = _shown([str(exe)], tmp_path, ["a_memory0", "b_memory0"])
    expected = [f"@@ stop_a {modules['a'][1]}", f"@@ stop_b {modules['b'][1]}"]
    assert gdb == expected, gdb
    assert lldb == expected, lldb
    gdb, lldb = _shown([str(exe)], tmp_path, ["memory0", "memory0"])
    assert [line.split()[:3] for line in gdb] == [["@@", "stop_a", "error:"], ["@@", "stop_b", "error:"]], gdb
    assert [line.split()[:3] for line in lldb] == [["@@", "stop_a", "error:"], ["@@", "stop_b", "error:"]], lldb


def test_two_jit_modules_never_read_each_others_memory(tmp_path: Path) -> None:
    """Two C modules in one JIT process: ``memory0`` is a module's own while it is the only module loaded; while
    another is loaded too it is optimized out (gdb and lldb look such a global up in every object file in load
    order, so it would be the other module's: the registrar registers the units optimized out), and it is back,
    the remaining module's, once the other is freed. Beside a Wasm-level module with a ``memory0`` of its own (a
    file static, which lldb would take in load order) it is the C module's, whichever was loaded first, or
    optimized out with two C modules (not the Wasm-level module's)."""
    modules = _two_modules(tmp_path)
    (tmp_path / "two.py").write_text(_JIT_TWO)
    program = [sys.executable, str(tmp_path / "two.py"), str(modules["a"][0]), str(modules["b"][0]),
               str(tmp_path / "plain.wat")]
    gdb, lldb = _shown(program, tmp_path, ["memory0"] * 10)
    for shown in (gdb, lldb):
        assert len(shown) == 10, (gdb, lldb)
        assert shown[0] == f"@@ stop_a {modules['a'][1]}", shown
        assert shown[8] == f"@@ stop_a {modules['a'][1]}", shown
        for index in (3, 6, 7):
            assert shown[index] == f"@@ stop_b {modules['b'][1]}", shown
        for index, function in ((1, "stop_a"), (2, "stop_b"), (4, "stop_b"), (5, "stop_a"), (9, "stop_b")):
            assert shown[index].split()[:3] == ["@@", function, "error:"], shown


def test_the_name_rule_applies_to_the_prefixed_names(tmp_path: Path, wasi_runtime: Path) -> None:
    """With ``--export-prefix p_`` the variables are ``p_memory0``/``p_memory0_size``, and the C program's own
    ``p_memory0_size`` keeps them out (gdb shows the C variable); without a prefix that C name takes nothing."""
    wasm = _build(tmp_path, "clash", CLASH.replace("memory0_size", "p_memory0_size"))
    dumps = {}
    for prefix in ("p_", ""):
        obj = tmp_path / f"clash{prefix}.o"
        compile_file(wasm, obj, export_prefix=prefix)
        dumps[prefix] = run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout
    assert "<wasm memories>" not in dumps["p_"] and '"p_memory0"' not in dumps["p_"], dumps["p_"]
    assert re.search(r'DW_AT_name\s+\("memory0"\)', dumps[""]), dumps[""]
    exe = tmp_path / "clash"
    run(["gcc", "-g", "-o", exe, tmp_path / "clashp_.o", wasi_runtime])
    assert _gdb_errors(["p p_memory0_size", "p p_memory0"], [str(exe)]) == [
        "$1 = 42\n", 'No symbol "p_memory0" in current context.\n']
