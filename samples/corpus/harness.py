"""The differential corpus: small Wasm programs, the calls to make on each, and the two ways to make them.

A corpus program is ``samples/corpus/NAME.wat``: one module, followed by its calls as ``.wast`` commands in
comments, one per line::

    ;; (invoke "fac" (i64.const 5))
    ;; (assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
    ;; (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")

Every call runs on one instance, in file order (a trap leaves the instance usable, as in wasmtime). Each side
produces a transcript, one line per call (and per host-import call), values as type and bit pattern so that
NaN payloads and -0 compare:

* ``run_oracle`` runs the module in wasmtime (the semantic oracle) and also checks the file's assertions;
* ``render_host`` writes a C program that makes the same calls through the AOT object's C ABI; its trap hook
  prints the trap and ``longjmp``s back, so one process makes every call.

f32 results reach Python as doubles, which sets a NaN's quiet bit; both transcripts therefore print f32 NaNs
with the quiet bit set. ``nan:canonical`` / ``nan:arithmetic`` expectations print the NaN's class, not its
payload (the spec leaves the payload open).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import wasmtime

CORPUS_DIR = Path(__file__).resolve().parent
WIDTH = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}
C_TYPES = {"i32": "int32_t", "i64": "int64_t", "f32": "float", "f64": "double"}
#: An export's (parameter types, result types).
Signature = tuple[tuple[str, ...], tuple[str, ...]]


class CorpusError(Exception):
    """A corpus file that does not say what it means (bad command syntax, unknown export, ...)."""


@dataclass(frozen=True, slots=True)
class Value:
    type: str  # "i32", "i64", "f32", "f64"
    bits: int

    @property
    def text(self) -> str:
        return format_value(self.type, self.bits)


@dataclass(frozen=True, slots=True)
class NanPattern:
    """An expected result of ``nan:canonical`` or ``nan:arithmetic``."""

    type: str
    kind: str  # "canonical" or "arithmetic"


Expected = Value | NanPattern


@dataclass(frozen=True, slots=True)
class Call:
    export: str
    args: tuple[Value, ...]
    #: Expected results (assert_return), trap message (assert_trap), or None (plain invoke: the oracle decides).
    expect: tuple[Expected, ...] | str | None
    line: int


@dataclass(frozen=True, slots=True)
class Program:
    path: Path
    name: str
    calls: tuple[Call, ...]


# ---------------------------------------------------------------------------------------------- values


def format_value(value_type: str, bits: int, pattern: str | None = None) -> str:
    """Canonical text of a value: ``i32:0x0000002a``; f32 NaNs with the quiet bit set (see module doc)."""
    digits = WIDTH[value_type] // 4
    if pattern is not None:
        return f"{value_type}:nan:{pattern}"
    if value_type == "f32" and is_nan("f32", bits):
        bits |= 0x0040_0000
    return f"{value_type}:{bits:#0{digits + 2}x}"


def is_nan(value_type: str, bits: int) -> bool:
    if value_type == "f32":
        return (bits & 0x7F80_0000) == 0x7F80_0000 and bits & 0x007F_FFFF != 0
    if value_type == "f64":
        return (bits & 0x7FF0_0000_0000_0000) == 0x7FF0_0000_0000_0000 and bits & 0x000F_FFFF_FFFF_FFFF != 0
    return False


def matches_nan(value_type: str, bits: int, kind: str) -> bool:
    """Does ``bits`` match ``nan:canonical`` (quiet bit only) or ``nan:arithmetic`` (quiet bit set)?"""
    if not is_nan(value_type, bits):
        return False
    payload = bits & (0x007F_FFFF if value_type == "f32" else 0x000F_FFFF_FFFF_FFFF)
    quiet = 0x0040_0000 if value_type == "f32" else 0x0008_0000_0000_0000
    return payload == quiet if kind == "canonical" else bool(payload & quiet)


def parse_const(value_type: str, literal: str) -> int:
    """The bit pattern of a ``.wast`` constant literal."""
    text = literal.replace("_", "")
    if value_type in ("i32", "i64"):
        mask = (1 << WIDTH[value_type]) - 1
        try:
            return int(text, 0) & mask
        except ValueError:
            raise CorpusError(f"bad {value_type} literal {literal!r}") from None
    negative = text.startswith("-")
    magnitude = text.lstrip("+-")
    if value_type == "f32":
        exponent_all_ones, quiet, sign = 0x7F80_0000, 0x0040_0000, 1 << 31
    else:
        exponent_all_ones, quiet, sign = 0x7FF0_0000_0000_0000, 0x0008_0000_0000_0000, 1 << 63
    if magnitude.startswith("nan"):
        payload = int(magnitude[4:], 16) if magnitude.startswith("nan:0x") else quiet
        bits = exponent_all_ones | payload
    else:
        try:
            number = float.fromhex(magnitude) if magnitude.startswith("0x") else float(magnitude)
        except ValueError:
            raise CorpusError(f"bad {value_type} literal {literal!r}") from None
        if value_type == "f32":
            bits = struct.unpack("<I", struct.pack("<f", number))[0]
        else:
            bits = struct.unpack("<Q", struct.pack("<d", number))[0]
    return bits | sign if negative else bits


def _to_python(value: Value) -> int | float:
    match value.type:
        case "i32" | "i64":
            width = WIDTH[value.type]
            return value.bits - (1 << width) if value.bits >> (width - 1) else value.bits
        case "f32":
            return float(struct.unpack("<f", struct.pack("<I", value.bits))[0])
        case _:
            return float(struct.unpack("<d", struct.pack("<Q", value.bits))[0])


def _from_python(value_type: str, value: object) -> int:
    match value_type:
        case "i32" | "i64":
            if not isinstance(value, int):
                raise CorpusError(f"wasmtime returned {value!r} for {value_type}")
            return value & ((1 << WIDTH[value_type]) - 1)
        case "f32":
            if not isinstance(value, float):
                raise CorpusError(f"wasmtime returned {value!r} for f32")
            return int(struct.unpack("<I", struct.pack("<f", value))[0])
        case "f64":
            if not isinstance(value, float):
                raise CorpusError(f"wasmtime returned {value!r} for f64")
            return int(struct.unpack("<Q", struct.pack("<d", value))[0])
    raise CorpusError(f"value type {value_type} is outside the C ABI")


# ---------------------------------------------------------------------------------------------- commands


def _tokens(text: str) -> Iterator[str]:
    for match in re.finditer(r'\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+', text):
        yield match.group(0)


SExpr = str | list["SExpr"]


def parse_sexpr(text: str) -> SExpr:
    stack: list[list[SExpr]] = [[]]
    for token in _tokens(text):
        if token == "(":
            stack.append([])
        elif token == ")":
            if len(stack) == 1:
                raise CorpusError(f"unbalanced ')' in {text!r}")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(token)
    if len(stack) != 1 or len(stack[0]) != 1:
        raise CorpusError(f"not one s-expression: {text!r}")
    return stack[0][0]


def _string(expr: SExpr) -> str:
    if not isinstance(expr, str) or not expr.startswith('"'):
        raise CorpusError(f"expected a string, got {expr!r}")
    return expr[1:-1]


def _const(expr: SExpr) -> Value | NanPattern:
    if not isinstance(expr, list) or len(expr) != 2:
        raise CorpusError(f"expected (T.const V), got {expr!r}")
    head, literal = expr
    if not isinstance(head, str) or not isinstance(literal, str):
        raise CorpusError(f"expected (T.const V), got {expr!r}")
    value_type = head.removesuffix(".const")
    if value_type not in WIDTH or not head.endswith(".const"):
        raise CorpusError(f"unsupported constant {head}")
    if literal.lstrip("+-") in ("nan:canonical", "nan:arithmetic"):
        return NanPattern(value_type, literal.lstrip("+-")[4:])
    return Value(value_type, parse_const(value_type, literal))


def _invoke(expr: SExpr) -> tuple[str, tuple[Value, ...]]:
    if not isinstance(expr, list) or not expr or expr[0] != "invoke":
        raise CorpusError(f"expected (invoke ...), got {expr!r}")
    args = []
    for arg in expr[2:]:
        value = _const(arg)
        if isinstance(value, NanPattern):
            raise CorpusError("an argument cannot be a NaN pattern")
        args.append(value)
    return _string(expr[1]), tuple(args)


def parse_command(text: str, line: int) -> Call:
    expr = parse_sexpr(text)
    if not isinstance(expr, list) or not expr:
        raise CorpusError(f"line {line}: not a command: {text!r}")
    match expr[0]:
        case "invoke":
            export, args = _invoke(expr)
            return Call(export, args, None, line)
        case "assert_return":
            export, args = _invoke(expr[1])
            return Call(export, args, tuple(_const(e) for e in expr[2:]), line)
        case "assert_trap":
            export, args = _invoke(expr[1])
            if len(expr) != 3:
                raise CorpusError(f"line {line}: assert_trap takes an invoke and a message")
            return Call(export, args, _string(expr[2]), line)
    raise CorpusError(f"line {line}: unknown command {expr[0]!r}")


_COMMAND_LINE = re.compile(r"\s*;; (\((?:invoke|assert_return|assert_trap)\b.*)$")


def load_program(path: Path) -> Program:
    calls = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        command = _COMMAND_LINE.match(line)
        if command:
            calls.append(parse_command(command.group(1), number))
    if not calls:
        raise CorpusError(f"{path.name}: no calls")
    return Program(path, path.stem, tuple(calls))


def corpus_programs() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.wat"))


# ---------------------------------------------------------------------------------------------- host imports


@dataclass(frozen=True, slots=True)
class HostFunction:
    """A function the corpus modules may import (from any module name): the same behaviour in Python and C."""

    params: tuple[str, ...]
    results: tuple[str, ...]
    python: Callable[..., object]
    c_body: str


def _print_line(transcript: list[str], name: str, types: tuple[str, ...]) -> Callable[..., None]:
    def host(*args: object) -> None:
        values = [format_value(t, _from_python(t, a)) for t, a in zip(types, args, strict=True)]
        transcript.append(" ".join([name, *values]))
    return host


def _wrap(value: int, width: int) -> int:
    value &= (1 << width) - 1
    return value - (1 << width) if value >> (width - 1) else value


def host_functions(transcript: list[str]) -> dict[str, HostFunction]:
    """Python implementations record into ``transcript``; the C bodies print the same lines."""
    counter = [0]

    def counter_next() -> int:
        counter[0] += 1
        return counter[0]

    def sum_many(*args: float) -> float:
        total = 0.0
        for a in args:
            total += a
        return total

    many = ("i32",) * 8 + ("f64",) * 9
    return {
        "host_print_i32": HostFunction(("i32",), (), _print_line(transcript, "host_print_i32", ("i32",)),
                                       'printf("host_print_i32 "); print_i32(p0); printf("\\n");'),
        "host_print_i64": HostFunction(("i64",), (), _print_line(transcript, "host_print_i64", ("i64",)),
                                       'printf("host_print_i64 "); print_i64(p0); printf("\\n");'),
        "host_print_f64": HostFunction(("f64",), (), _print_line(transcript, "host_print_f64", ("f64",)),
                                       'printf("host_print_f64 "); print_f64(p0); printf("\\n");'),
        "host_print_f32": HostFunction(("f32",), (), _print_line(transcript, "host_print_f32", ("f32",)),
                                       'printf("host_print_f32 "); print_f32(p0); printf("\\n");'),
        "host_mul_i32": HostFunction(("i32", "i32"), ("i32",), lambda a, b: _wrap(a * b, 32),
                                     "return (int32_t)((uint32_t)p0 * (uint32_t)p1);"),
        "host_add3_i64": HostFunction(("i64", "i64", "i64"), ("i64",), lambda a, b, c: _wrap(a + b + c, 64),
                                      "return (int64_t)((uint64_t)p0 + (uint64_t)p1 + (uint64_t)p2);"),
        "host_scale_f64": HostFunction(("f64", "i32"), ("f64",), lambda x, n: x * n, "return p0 * p1;"),
        "host_counter": HostFunction((), ("i32",), counter_next,
                                     "static int32_t counter; return ++counter;"),
        "host_sum_many": HostFunction(many, ("f64",), lambda *a: sum_many(*(float(x) for x in a[8:])) + sum(a[:8]),
                                      "double t = 0.0; " + " ".join(f"t += p{i};" for i in range(8, 17))
                                      + " return t + (double)((int64_t)p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7);"),
    }


# ---------------------------------------------------------------------------------------------- oracle


def _signature(func_type: wasmtime.FuncType) -> Signature:
    return tuple(str(t) for t in func_type.params), tuple(str(t) for t in func_type.results)


def export_signatures(wasm: bytes) -> dict[str, Signature]:
    module = wasmtime.Module(wasmtime.Engine(), wasm)
    return {e.name: _signature(e.type) for e in module.exports if isinstance(e.type, wasmtime.FuncType)}


def trap_message(trap: wasmtime.Trap) -> str:
    """The trap's reason as wasmtime words it (``integer divide by zero``), without backtrace or context."""
    for line in reversed(trap.message.splitlines()):
        _, found, reason = line.partition("wasm trap: ")
        if found:
            return reason.strip()
    return trap.message.strip().splitlines()[-1]


def _call_line(index: int, call: Call) -> str:
    return f"{index} {call.export}"


def _expected_text(expect: tuple[Expected, ...], results: tuple[Value, ...]) -> list[str]:
    """Render results as the expectation sees them: a result matching a NaN pattern prints as the pattern."""
    texts = []
    for pattern, result in zip(expect, results, strict=False):
        if isinstance(pattern, NanPattern) and matches_nan(result.type, result.bits, pattern.kind):
            texts.append(format_value(result.type, result.bits, pattern.kind))
        else:
            texts.append(result.text)
    return texts


def result_line(index: int, call: Call, results: tuple[Value, ...]) -> str:
    if isinstance(call.expect, tuple):
        texts = _expected_text(call.expect, results)
    else:
        texts = [r.text for r in results]
    return f"{_call_line(index, call)} -> {' '.join(texts)}".rstrip()


def run_oracle(program: Program, wasm: bytes) -> tuple[list[str], list[str]]:
    """Run every call in wasmtime. Returns the transcript and the assertion failures (as readable lines)."""
    transcript: list[str] = []
    failures: list[str] = []
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, wasm)
    hosts = host_functions(transcript)
    imports: list[wasmtime.Func] = []
    for imported in module.imports:
        host = hosts.get(imported.name or "")
        if host is None or not isinstance(imported.type, wasmtime.FuncType):
            raise CorpusError(f"{program.name}: no host function for import {imported.module!r} {imported.name!r}")
        if _signature(imported.type) != (host.params, host.results):
            raise CorpusError(f"{program.name}: import {imported.name!r} has the wrong type")
        imports.append(wasmtime.Func(store, imported.type, host.python))
    instance = wasmtime.Instance(store, module, imports)
    signatures = export_signatures(wasm)
    for index, call in enumerate(program.calls):
        params, results = check_call(program, call, signatures)
        function = instance.exports(store)[call.export]
        assert isinstance(function, wasmtime.Func)
        try:
            raw = function(store, *(_to_python(a) for a in call.args))
        except wasmtime.Trap as trap:
            message = trap_message(trap)
            transcript.append(f"{_call_line(index, call)} trap: {message}")
            if not (isinstance(call.expect, str) and call.expect in message) and call.expect is not None:
                failures.append(f"line {call.line}: expected {call.expect!r}, wasmtime trapped: {message}")
            continue
        values = tuple(Value(t, _from_python(t, v)) for t, v in zip(results, _as_list(raw), strict=True))
        line = result_line(index, call, values)
        transcript.append(line)
        if isinstance(call.expect, str):
            failures.append(f"line {call.line}: expected trap {call.expect!r}, wasmtime returned {line}")
        elif call.expect is not None:
            wanted = " ".join([f"{_call_line(index, call)} ->", *(
                e.text if isinstance(e, Value) else format_value(e.type, 0, e.kind) for e in call.expect)])
            if wanted != line:
                failures.append(f"line {call.line}: expected {wanted}, wasmtime gave {line}")
    return transcript, failures


def _as_list(raw: object) -> list[object]:
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def check_call(program: Program, call: Call, signatures: dict[str, Signature]) -> Signature:
    signature = signatures.get(call.export)
    if signature is None:
        raise CorpusError(f"{program.name} line {call.line}: no exported function {call.export!r}")
    params, results = signature
    if tuple(a.type for a in call.args) != params:
        raise CorpusError(f"{program.name} line {call.line}: {call.export} takes {params}")
    if len(results) > 1:
        raise CorpusError(f"{program.name} line {call.line}: {call.export} returns several values (not C ABI)")
    return params, results


# ---------------------------------------------------------------------------------------------- C host


_C_PRELUDE = r"""
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static inline float f32_of(uint32_t bits) { float f; memcpy(&f, &bits, 4); return f; }
static inline double f64_of(uint64_t bits) { double d; memcpy(&d, &bits, 8); return d; }
static inline void print_i32(int32_t v) { printf("i32:0x%08" PRIx32, (uint32_t)v); }
static inline void print_i64(int64_t v) { printf("i64:0x%016" PRIx64, (uint64_t)v); }
static inline void print_f32(float v) {
    uint32_t bits; memcpy(&bits, &v, 4);
    if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) bits |= 0x00400000u;
    printf("f32:0x%08" PRIx32, bits);
}
static inline void print_f64(double v) { uint64_t bits; memcpy(&bits, &v, 8); printf("f64:0x%016" PRIx64, bits); }
static inline void match_f32(float v, int canonical) {
    uint32_t b; memcpy(&b, &v, 4);
    uint32_t payload = b & 0x007fffffu;
    int nan = (b & 0x7f800000u) == 0x7f800000u && payload;
    if (nan && (canonical ? payload == 0x00400000u : (payload & 0x00400000u) != 0))
        printf("f32:nan:%s", canonical ? "canonical" : "arithmetic");
    else
        print_f32(v);
}
static inline void match_f64(double v, int canonical) {
    uint64_t b; memcpy(&b, &v, 8);
    uint64_t payload = b & 0x000fffffffffffffull;
    int nan = (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && payload;
    if (nan && (canonical ? payload == 0x0008000000000000ull : (payload & 0x0008000000000000ull) != 0))
        printf("f64:nan:%s", canonical ? "canonical" : "arithmetic");
    else
        print_f64(v);
}
"""


def c_literal(value: Value) -> str:
    match value.type:
        case "i32":
            return f"(int32_t)UINT32_C({value.bits:#x})"
        case "i64":
            return f"(int64_t)UINT64_C({value.bits:#x})"
        case "f32":
            return f"f32_of(UINT32_C({value.bits:#x}))"
        case _:
            return f"f64_of(UINT64_C({value.bits:#x}))"


def render_host(program: Program, wasm: bytes, header: str, *, export_prefix: str,
                calls: tuple[Call, ...] | None = None, trap_hook: bool = True) -> str:
    """C source that makes ``calls`` (default: every call of ``program``) through the object's C ABI and prints
    the transcript. With ``trap_hook`` it defines the trap hook: print the trap and ``longjmp`` to the next call;
    without, the object's default hook runs (and ends the process).
    """
    signatures = export_signatures(wasm)
    module = wasmtime.Module(wasmtime.Engine(), wasm)
    hosts = host_functions([])
    lines = [_C_PRELUDE, f'#include "{header}"', "", "static jmp_buf trap_jump;", "static int current;",
             "static const char *current_name;", ""]
    if trap_hook:
        lines.append("void jitdebug_trap(int32_t code) {")
        lines.append('    printf("%d %s trap: %s\\n", current, current_name, jitdebug_trap_message(code));')
        lines.append("    longjmp(trap_jump, 1);")
        lines.append("}")
    for imported in module.imports:
        host = hosts[imported.name or ""]
        params = ", ".join(f"{C_TYPES[t]} p{i}" for i, t in enumerate(host.params)) or "void"
        result = C_TYPES[host.results[0]] if host.results else "void"
        lines.append(f"{result} {imported.name}({params}) {{ {host.c_body} }}")
    lines += ["", "int main(void) {", "    setvbuf(stdout, NULL, _IOLBF, 0);"]
    for index, call in enumerate(program.calls if calls is None else calls):
        _, results = check_call(program, call, signatures)
        arguments = ", ".join(c_literal(a) for a in call.args)
        invocation = f"{export_prefix}{call.export}({arguments})"
        lines.append(f'    current = {index}; current_name = "{call.export}";')
        lines.append("    if (setjmp(trap_jump) == 0) {")
        if results:
            result_type = results[0]
            lines.append(f"        {C_TYPES[result_type]} r = {invocation};")
            pattern = call.expect[0] if isinstance(call.expect, tuple) and call.expect else None
            if isinstance(pattern, NanPattern):
                printer = f"match_{result_type}(r, {int(pattern.kind == 'canonical')})"
            else:
                printer = f"print_{result_type}(r)"
            lines.append(f'        printf("{index} {call.export} -> "); {printer}; printf("\\n");')
        else:
            lines.append(f"        {invocation};")
            lines.append(f'        printf("{index} {call.export} ->\\n");')
        lines.append("    }")
    lines += ["    return 0;", "}", ""]
    return "\n".join(lines)

