"""The spec suite through the AOT path: each module of a file compiled by ``jitdebug compile`` into an ELF object,
its ``invoke`` commands (``assert_return``, ``assert_trap``, ``action``) turned into a generated C host linked
with the object, and the host's printed results judged by the same rules as the JIT runner's.

The host passes and reads numbers as bit patterns (``memcpy`` into ``float``/``double``, v128 as ``__m128i`` from
two 64-bit halves), so f32 signalling NaNs cross the C ABI exactly. Its ``jitdebug_trap`` records the code and
``longjmp``s back to the next command (the module's state stays, as a trapped instance's does). Exports are
declared with ``__asm__`` labels, which take any export name. It defines what a module imports from the spec's
host module ``spectest`` as the C ABI says a host does: its globals as C objects (``const int32_t global_i32 =
666;``, ``aot_globals.py``), its print functions as functions doing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emitter.codegen.runtime import TrapCode
from emitter.wasm.load import load_module
from emitter.wasm.module import FuncType, ValType

from .engine import Trap
from .values import matches, parse

PREFIX = "wasm_"
_C = {ValType.I32: ("int32_t", "i32"), ValType.I64: ("int64_t", "i64"), ValType.F32: ("float", "f32"),
      ValType.F64: ("double", "f64"), ValType.V128: ("__m128i", "v128")}
_KINDS = ("assert_return", "assert_trap", "action")


@dataclass
class Check:
    command: dict[str, Any]
    signature: FuncType


@dataclass
class Outcome:
    line: int
    ok: bool
    detail: str


def _c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _argument(spec: dict[str, Any]) -> str:
    value = parse(spec)
    match value.type:
        case "i32":
            return f"(int32_t){value.bits}u"
        case "i64":
            return f"(int64_t){value.bits}ull"
        case "f32":
            return f"f32_of({value.bits}u)"
        case "v128":
            return f"v128_of({value.bits & (2**64 - 1)}ull, {value.bits >> 64}ull)"
        case _:
            return f"f64_of({value.bits}ull)"


#: The spec's ``spectest`` globals (666 and 666.6, the values its reference interpreter gives) and functions.
_SPECTEST_GLOBALS = {"global_i32": "const int32_t global_i32 = 666;",
                     "global_i64": "const int64_t global_i64 = 666;",
                     "global_f32": "const float global_f32 = 666.6f;",
                     "global_f64": "const double global_f64 = 666.6;"}
_SPECTEST_FUNCTIONS = {"print": "void", "print_i32": "int32_t a", "print_i64": "int64_t a", "print_f32": "float a",
                       "print_f64": "double a", "print_i32_f32": "int32_t a, float b",
                       "print_f64_f64": "double a, double b"}


def host_imports(wasm: Path) -> str | None:
    """C definitions of the module's imports, None when one is not ``spectest``'s global or function (the
    module's commands cannot be run by a host alone)."""
    _, module = load_module(wasm)
    out = []
    for entry in module.imports:
        if entry.module != "spectest":
            return None
        if entry.kind == "global" and entry.name in _SPECTEST_GLOBALS:
            out.append(_SPECTEST_GLOBALS[entry.name])
        elif entry.kind == "func" and entry.name in _SPECTEST_FUNCTIONS:
            out.append(f"void {entry.name}({_SPECTEST_FUNCTIONS[entry.name]}) {{}}")
        else:
            return None
    return "\n".join(dict.fromkeys(out))


def checks(commands: Sequence[dict[str, Any]], wasm: Path) -> list[Check]:
    """The commands a host for this module can run: invokes of this module's exports with numeric types."""
    _, module = load_module(wasm)
    types = {e.name: module.func_type(e.index) for e in module.exports if e.kind == "func"}
    out = []
    for command in commands:
        action = command.get("action", {})
        if command["type"] not in _KINDS or action.get("type") != "invoke" or action.get("module"):
            continue
        signature = types.get(action["field"])
        if signature is None or len(signature.results) > 1:
            continue
        if all(t in _C for t in signature.params + signature.results):
            out.append(Check(command, signature))
    return out


def host_source(items: Sequence[Check], imports: str = "") -> str:
    lines = ["#include <emmintrin.h>", "#include <setjmp.h>", "#include <stdint.h>", "#include <stdio.h>",
             "#include <string.h>",
             "static jmp_buf back;", "static volatile int32_t trap_code;",
             "void jitdebug_trap(int32_t code) { trap_code = code; longjmp(back, 1); }",
             "static float f32_of(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }",
             "static double f64_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }",
             "static uint32_t bits32(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }",
             "static uint64_t bits64(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }",
             "static __m128i v128_of(uint64_t low, uint64_t high) { return _mm_set_epi64x((long long)high, "
             "(long long)low); }",
             "static void show128(int index, __m128i v) { uint64_t h[2]; _mm_storeu_si128((__m128i *)h, v); "
             'printf("%d v128 %llu %llu\\n", index, (unsigned long long)h[0], (unsigned long long)h[1]); }',
             imports]
    declared: dict[str, str] = {}
    for item in items:
        name = item.command["action"]["field"]
        if name in declared:
            continue
        symbol = declared[name] = f"e{len(declared)}"
        result = _C[item.signature.results[0]][0] if item.signature.results else "void"
        params = ", ".join(_C[t][0] for t in item.signature.params) or "void"
        label = PREFIX + name if re.fullmatch(r"[A-Za-z0-9_.$]+", name) else f'"{PREFIX}{name}"'  # GNU as quoting
        lines.append(f"extern {result} {symbol}({params}) __asm__({_c_string(label)});")
    lines.append("int main(void) {")
    for index, item in enumerate(items):
        action = item.command["action"]
        call = f"{declared[action['field']]}({', '.join(_argument(a) for a in action.get('args', []))})"
        match item.signature.results[0] if item.signature.results else None:
            case ValType.I32:
                show = f'printf("{index} i32 %u\\n", (uint32_t){call});'
            case ValType.I64:
                show = f'printf("{index} i64 %llu\\n", (unsigned long long)(uint64_t){call});'
            case ValType.F32:
                show = f'printf("{index} f32 %u\\n", bits32({call}));'
            case ValType.F64:
                show = f'printf("{index} f64 %llu\\n", (unsigned long long)bits64({call}));'
            case ValType.V128:
                show = f"show128({index}, {call});"
            case _:
                show = f'{call}; printf("{index} none\\n");'
        lines.append(f'    if (!setjmp(back)) {{ {show} }} else printf("{index} trap %d\\n", (int)trap_code);')
    lines += ["    fflush(stdout);", "    return 0;", "}"]
    return "\n".join(lines) + "\n"


def judge(items: Sequence[Check], output: str) -> list[Outcome]:
    """Each command's outcome from the host's lines ``INDEX TYPE VALUE``, ``INDEX none``, ``INDEX trap CODE``."""
    printed: dict[int, list[str]] = {}
    for line in output.splitlines():
        index, *rest = line.split()
        printed[int(index)] = rest
    return [_judge(item, printed.get(index)) for index, item in enumerate(items)]


def _judge(item: Check, printed: list[str] | None) -> Outcome:
    command = item.command
    line = command["line"]
    if printed is None:
        return Outcome(line, False, "the host printed nothing for it")
    if printed[0] == "trap":
        trap = Trap(TrapCode(int(printed[1])).message)
        if command["type"] == "assert_trap":
            ok = trap.matches(command["text"])
            return Outcome(line, ok, f"trapped with {trap.message!r}, expected {command['text']!r}")
        return Outcome(line, False, f"trapped with {trap.message!r}")
    if command["type"] == "assert_trap":
        return Outcome(line, False, f"returned {' '.join(printed)}, expected a trap {command['text']!r}")
    if command["type"] == "action":
        return Outcome(line, True, "")
    expected = command.get("expected", [])
    if printed[0] == "none":
        return Outcome(line, not expected, f"returned nothing, expected {expected}")
    if printed[0] == "v128":
        value = parse({"type": "v128", "lane_type": "i64", "value": printed[1:3]})
    else:
        value = parse({"type": printed[0], "value": printed[1]})
    ok = len(expected) == 1 and matches(expected[0], value)
    return Outcome(line, ok, f"returned {value}, expected {expected}")
