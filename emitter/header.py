"""C header for an AOT-compiled module: prototypes of its exports, of the function imports the host must
define, and of the trap hook.

The mapping is the public C ABI: i32 -> int32_t, i64 -> int64_t, f32 -> float, f64 -> double, v128 -> __m128i
(SSE2's ``<emmintrin.h>``: lane 0 in the lowest bytes, as in Wasm memory), no result -> void, one result -> that
type; an export with several results is not a C symbol (a comment says so; the rest of the module compiles).
Export ``E`` is declared as ``P`` + ``E`` (the ``--export-prefix``); import
``(import "M" "F")`` as ``F``, a global import ``(import "M" "G" (global T))`` as ``extern T G;`` (``const T``
when immutable: the host defines it, ``codegen/aot_globals.py``). Names that are not C identifiers can still be
linked against but cannot be declared; the header says so in a comment instead of failing.
"""

from __future__ import annotations

import re

from .codegen.aot_globals import C_GLOBAL_TYPES
from .codegen.host_access import (
    COMMAND_ENTRY,
    MEMORY_BASE,
    MEMORY_SIZE,
    export_symbol,
    memory_base_name,
    memory_size_name,
)
from .codegen.runtime import TRAP_HOOK, TrapCode
from .errors import UnsupportedError
from .wasi.aot import RESERVED as WASI_RESERVED
from .wasi.preview1 import imports_wasi
from .wasm.module import FuncType, GlobalType, Module, ValType

C_TYPES = {ValType.I32: "int32_t", ValType.I64: "int64_t", ValType.F32: "float", ValType.F64: "double",
           ValType.V128: "__m128i"}

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_C_KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern float for goto if inline int long
    register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local
    bool true false alignas alignof static_assert thread_local nullptr typeof
""".split())


def is_c_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name)) and name not in _C_KEYWORDS


def c_prototype(name: str, signature: FuncType, parameter_names: list[str] | None = None,
                *, what: str = "function") -> str:
    """``int32_t name(int32_t a, int64_t p1)``; raises ``UnsupportedError`` for a signature outside the C ABI."""
    if len(signature.results) > 1:
        raise UnsupportedError(f"{what} {name!r} returns {len(signature.results)} values; the C ABI allows one")
    for value_type in signature.params + signature.results:
        if value_type not in C_TYPES:
            raise UnsupportedError(f"{what} {name!r} uses {value_type.text}, which has no C ABI type")
    result = C_TYPES[signature.results[0]] if signature.results else "void"
    names = parameter_names or []
    params = [f"{C_TYPES[t]} {_parameter_name(names, i)}" for i, t in enumerate(signature.params)]
    return f"{result} {name}({', '.join(params) or 'void'})"


def _parameter_name(names: list[str], index: int) -> str:
    name = names[index] if index < len(names) else ""
    unique = is_c_identifier(name) and names.count(name) == 1 and not name.startswith("__")
    return name if unique else f"p{index}"


def _local_names(module: Module, function_index: int, count: int) -> list[str]:
    table = module.local_names.get(function_index, {})
    return [table.get(i, "") for i in range(count)]


def trap_hook_declarations() -> str:
    """The trap hook, its codes and their messages (wasmtime's wording), guarded so that the headers of several
    modules can be included together."""
    codes = ",\n".join(f"    JITDEBUG_TRAP_{code.name} = {code.value}" for code in TrapCode)
    cases = "\n".join(f'    case JITDEBUG_TRAP_{code.name}: return "{code.message}";' for code in TrapCode)
    return f"""#ifndef JITDEBUG_TRAP_HOOK_DECLARED
#define JITDEBUG_TRAP_HOOK_DECLARED
/* Generated code calls the trap hook with one of these codes and never expects it to return. The object holds
   a weak default that prints "wasm trap: <message>" on stderr and calls abort(); a host may define its own
   (it must not return: exit, abort or longjmp out). */
enum jitdebug_trap_code {{
{codes}
}};

#ifdef __cplusplus
[[noreturn]] void {TRAP_HOOK}(int32_t code);
#else
_Noreturn void {TRAP_HOOK}(int32_t code);
#endif

/* The message wasmtime prints after "wasm trap: " for a trap code. */
static inline const char *jitdebug_trap_message(int32_t code) {{
    switch (code) {{
{cases}
    default: return "unknown trap code";
    }}
}}
#endif /* JITDEBUG_TRAP_HOOK_DECLARED */"""


def _linking_comment(module: Module) -> list[str]:
    """How to link the object, and whether this module needs the C runtime (``jitdebug runtime``)."""
    need = ("This module uses exceptions: link the runtime." if module.tags else
            "This module needs the runtime only if the host calls jitdebug_trap_report.")
    return [
        "/* Linking: cc host.c OBJECT [RUNTIME]. " + need,
        "   The runtime as a static library: jitdebug runtime -o libjitdebug_rt.a (add --target x86_64-windows for",
        "   mingw gcc or lld-link), or its sources: cc host.c OBJECT $(jitdebug runtime --cflags --sources). */",
    ]


def _guard(module_name: str) -> str:
    body = re.sub(r"[^A-Za-z0-9]", "_", module_name).upper()
    return f"JITDEBUG_{body}_H"


def render_header(module: Module, *, module_name: str, export_prefix: str = "") -> str:
    """The header text. Raises ``UnsupportedError`` for an export or import outside the C ABI."""
    exports: list[str] = []
    wasi = imports_wasi(module)
    for export in module.exports:
        if export.kind != "func":
            continue
        symbol = export_symbol(export.name, export_prefix)
        signature = module.func_type(export.index)
        if not is_c_identifier(symbol):
            exports.append(f"/* export {export.name!r} (symbol {symbol!r}) is not a C identifier */")
            continue
        if len(signature.results) > 1:
            exports.append(f"/* export {export.name!r} returns {len(signature.results)} values: not a C symbol "
                           "(the C ABI has one result) */")
            continue
        if export.index < module.num_imported_functions:
            exports.append(f"/* export {export.name!r} re-exports an import: not a C symbol (call the import) */")
            continue
        names = _local_names(module, export.index, len(signature.params))
        untyped = [t.text for t in signature.params + signature.results if t not in C_TYPES]
        if untyped and len(signature.results) <= 1:
            # A reference type has no C form: the object still defines the symbol, C code cannot call it.
            exports.append(f"/* export {export.name!r} is not declared: {', '.join(untyped)} has no C ABI type */")
            continue
        if export.name == COMMAND_ENTRY:
            exports.append(f"/* The export {COMMAND_ENTRY!r}, renamed: the C runtime defines {COMMAND_ENTRY}. */")
        if symbol in WASI_RESERVED and wasi:
            exports.append(f"/* export {export.name!r} is not the C symbol {symbol!r}, which the WASI runtime "
                           "defines (give an --export-prefix to call it) */")
            continue
        exports.append(c_prototype(symbol, signature, names, what="export") + ";")
    imports: list[str] = []
    for function_index, entry in enumerate(module.imported("func")):
        if not isinstance(entry.desc, int):
            continue
        signature = module.types[entry.desc]
        if not is_c_identifier(entry.name):
            imports.append(f"/* import {entry.module!r} {entry.name!r} is not a C identifier */")
            continue
        names = _local_names(module, function_index, len(signature.params))
        imports.append(f"{c_prototype(entry.name, signature, names, what='import')}; /* {entry.module} */")
    for entry in module.imported("global"):
        if not isinstance(entry.desc, GlobalType) or entry.desc.type not in C_GLOBAL_TYPES:
            continue  # refused by the compiler (no C type)
        if not is_c_identifier(entry.name):
            imports.append(f"/* import {entry.module!r} {entry.name!r} (global) is not a C identifier */")
            continue
        qualifier = "" if entry.desc.mutable else "const "
        what = "mutable global" if entry.desc.mutable else "global"
        c_type = C_GLOBAL_TYPES[entry.desc.type]
        imports.append(f"extern {qualifier}{c_type} {entry.name}; /* {entry.module}, {what} */")
    guard = _guard(module_name)
    lines = [
        f"/* C interface of the Wasm module {module_name!r}, generated by jitdebug. */",
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        "#include <stdint.h>",
        *(["#include <emmintrin.h> /* __m128i: v128 */"] if any("__m128i" in line for line in exports + imports)
          else []),
        "",
        "#ifdef __cplusplus",
        'extern "C" {',
        "#endif",
        "",
        *_linking_comment(module),
        "",
        "/* Exports: call them like C functions (one instance of the module per process). */",
        *exports,
        "",
        "/* Linear memory (NULL and 0 without one): base address and current size in bytes, which memory.grow",
        "   changes. Both instantiate the module first, as the exports do. */",
        f"uint8_t *{export_prefix}{MEMORY_BASE}(void);",
        f"uint64_t {export_prefix}{MEMORY_SIZE}(void);",
        *_memory_accessors(module, export_prefix),
        "",
        "/* Imports: the host defines these (a global as a C object of its type, const when immutable). */",
        *imports,
        "",
        trap_hook_declarations(),
        "",
        "#ifdef __cplusplus",
        "}",
        "#endif",
        "",
        f"#endif /* {guard} */",
        "",
    ]
    return "\n".join(lines)


def _memory_accessors(module: Module, export_prefix: str) -> list[str]:
    """One base/size pair per memory (index space): memory N's accessors, memory 0's being the two above."""
    count = len(module.imported("memory")) + len(module.memories)
    if not count:
        return []
    lines = ["/* The same for each memory by index (memory 0's pair is the two above). */"]
    for index in range(count):
        lines += [f"uint8_t *{export_prefix}{memory_base_name(index)}(void);",
                  f"uint64_t {export_prefix}{memory_size_name(index)}(void);"]
    return lines
