"""The exception-handling corpus: Wasm programs that throw and catch, their calls, and the oracles to compare with.

A program is ``samples/exceptions/NAME.wat`` with its calls as ``.wast`` commands in comments (the format of
``samples/corpus``). The standard form (``try_table``, ``throw_ref``) runs in wasmtime with ``wasm_exceptions``;
wasmtime 50 does not run the legacy form (``try``/``catch``/``rethrow``/``delegate``), so programs named
``legacy_*`` run in wabt's ``spectest-interp --enable-exceptions`` instead, whose trap wording is mapped to
wasmtime's. Both oracles produce the corpus transcript: one line per call, values as type and bit pattern.

Imports come from the module ``host`` (``HOST_WAT`` in wasmtime; ``HOST_C`` in the AOT host): ``host_throw(i32)``
throws the imported tag ``host_error`` with its argument as payload, so a Wasm exception starts in an import.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import wasmtime

from emitter.wasm.load import load_bytes
from emitter.wasm.module import ValType
from samples.corpus.harness import (
    _C_PRELUDE,
    C_TYPES,
    Program,
    Value,
    _from_python,
    _to_python,
    c_literal,
    load_program,
    trap_message,
)

EXCEPTIONS_DIR = Path(__file__).resolve().parent

HOST_WAT = """(module $host
  (tag $host_error (export "host_error") (param i32))
  (func (export "host_throw") (param i32) local.get 0 throw $host_error))"""

HOST_C = """const struct jitdebug_tag host_error = {1, 0};
void host_throw(int32_t value) {
    uint64_t payload = (uint32_t)value;
    jitdebug_throw(&host_error, &payload, 1);
}"""

#: spectest-interp's trap wording -> wasmtime's.
_SPECTEST_TRAPS = {
    "uncaught exception": "thrown Wasm exception",
    "unreachable executed": "wasm `unreachable` instruction executed",
    "integer divide by zero": "integer divide by zero",
    "integer overflow": "integer overflow",
    "out of bounds memory access": "out of bounds memory access",
}
_TYPES = {ValType.I32: "i32", ValType.I64: "i64", ValType.F32: "f32", ValType.F64: "f64"}


def programs() -> list[Path]:
    return sorted(EXCEPTIONS_DIR.glob("*.wat"))


def is_legacy(program: Program) -> bool:
    return program.name.startswith("legacy_")


def signatures(wasm: bytes) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Export signatures from our own decoder (wasmtime cannot load the legacy form)."""
    module = load_bytes(wasm)
    out = {}
    for export in module.exports:
        if export.kind == "func":
            ftype = module.func_type(export.index)
            out[export.name] = (tuple(_TYPES[t] for t in ftype.params), tuple(_TYPES[t] for t in ftype.results))
    return out


def _line(index: int, export: str, results: list[Value]) -> str:
    return f"{index} {export} -> {' '.join(v.text for v in results)}".rstrip()


def wasmtime_transcript(program: Program, wasm: bytes) -> list[str]:
    """Run every call in wasmtime with exceptions enabled; imports from the ``host`` module."""
    config = wasmtime.Config()
    config.wasm_exceptions = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    host = wasmtime.Instance(store, wasmtime.Module(engine, bytes(wasmtime.wat2wasm(HOST_WAT))), [])
    linker.define_instance(store, "host", host)
    instance = linker.instantiate(store, wasmtime.Module(engine, wasm))
    sigs = signatures(wasm)
    transcript = []
    for index, call in enumerate(program.calls):
        _, results = sigs[call.export]
        function = instance.exports(store)[call.export]
        if not isinstance(function, wasmtime.Func):
            raise TypeError(f"{call.export} is not a function")
        try:
            raw = function(store, *(_to_python(a) for a in call.args))
        except wasmtime.Trap as trap:
            transcript.append(f"{index} {call.export} trap: {trap_message(trap).strip()}")
            continue
        values = [] if raw is None else list(raw) if isinstance(raw, list | tuple) else [raw]
        transcript.append(_line(index, call.export, [Value(t, _from_python(t, v))
                                                     for t, v in zip(results, values, strict=True)]))
    return transcript


def _wast_const(value: Value) -> str:
    """A ``.wast`` constant (floats in exact hexadecimal; the corpus passes no NaN arguments)."""
    if value.type in ("i32", "i64"):
        return f"({value.type}.const {value.bits:#x})"
    return f"({value.type}.const {float.hex(float(_to_python(value)))})"


def _run(args: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LC_ALL": "C"}, check=False)


def spectest_transcript(program: Program, wat: str, work: Path) -> list[str]:
    """Run every call in wabt's spectest-interp (the legacy form's oracle)."""
    script = work / f"{program.name}.wast"
    lines = [wat]
    for call in program.calls:
        lines.append(f'(invoke "{call.export}" {" ".join(_wast_const(a) for a in call.args)})')
    script.write_text("\n".join(lines) + "\n")
    json_file = work / f"{program.name}.json"
    converted = _run(["wast2json", "--enable-exceptions", script, "-o", json_file], cwd=work)
    if converted.returncode != 0:
        raise RuntimeError(f"wast2json failed on {script}:\n{converted.stderr}")
    json.loads(json_file.read_text())
    output = _run(["spectest-interp", "--enable-exceptions", json_file], cwd=work).stdout
    transcript = []
    result = re.compile(r"^(\S+)\(.*\) => (.*)$")
    for index, text in enumerate(line for line in output.splitlines() if result.match(line)):
        match = result.match(text)
        if match is None:
            continue
        export, outcome = match.groups()
        if outcome.startswith("error: "):
            reason = outcome.removeprefix("error: ")
            transcript.append(f"{index} {export} trap: {_SPECTEST_TRAPS.get(reason, reason)}")
            continue
        values = []
        for item in filter(None, (part.strip() for part in outcome.split(","))):
            value_type, _, literal = item.partition(":")
            width = 32 if value_type in ("i32", "f32") else 64
            values.append(Value(value_type, int(literal) & ((1 << width) - 1)))
        transcript.append(_line(index, export, values))
    return transcript


def oracle_transcript(program: Program, work: Path) -> list[str]:
    wat = program.path.read_text()
    if is_legacy(program):
        return spectest_transcript(program, wat, work)
    return wasmtime_transcript(program, bytes(wasmtime.wat2wasm(wat)))


def render_host(program: Program, wasm: bytes, header: str, *, export_prefix: str) -> str:
    """A C host making every call through the AOT object's C ABI; traps (an uncaught exception included)
    come back through the trap hook, which prints and ``longjmp``s to the next call."""
    sigs = signatures(wasm)
    lines = [_C_PRELUDE, '#include "jitdebug_eh.h"', f'#include "{header}"', "", "static jmp_buf trap_jump;",
             "static int current;", "static const char *current_name;", "",
             "void jitdebug_trap(int32_t code) {",
             '    printf("%d %s trap: %s\\n", current, current_name, jitdebug_trap_message(code));',
             "    longjmp(trap_jump, 1);", "}", HOST_C, "", "int main(void) {", "    setvbuf(stdout, NULL, _IOLBF, 0);"]
    for index, call in enumerate(program.calls):
        _, results = sigs[call.export]
        invocation = f"{export_prefix}{call.export}({', '.join(c_literal(a) for a in call.args)})"
        lines.append(f'    current = {index}; current_name = "{call.export}";')
        lines.append("    if (setjmp(trap_jump) == 0) {")
        if results:
            lines.append(f"        {C_TYPES[results[0]]} r = {invocation};")
            lines.append(f'        printf("{index} {call.export} -> "); print_{results[0]}(r); printf("\\n");')
        else:
            lines.append(f"        {invocation};")
            lines.append(f'        printf("{index} {call.export} ->\\n");')
        lines.append("    }")
    lines += ["    return 0;", "}", ""]
    return "\n".join(lines)


__all__ = ["EXCEPTIONS_DIR", "HOST_C", "HOST_WAT", "is_legacy", "load_program", "oracle_transcript", "programs",
           "render_host", "signatures"]
