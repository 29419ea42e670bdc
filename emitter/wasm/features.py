"""Which proposals beyond Wasm 2.0 the decoder and validator accept.

Some proposals give meaning to encodings that Wasm 2.0 calls malformed or invalid (the limits flags of a 64-bit
memory, the memory-index bit of a memarg, a second memory), and the official suite tests both readings: its Wasm
2.0 files expect those modules refused, the proposals' files expect them accepted. So they are switched on by
the caller, as wasmtime's ``Config`` does (``wasm_memory64``, ``wasm_multi_memory``). ``decode`` reads Wasm 2.0
plus the proposals that change no Wasm 2.0 reading (exceptions, tail calls, extended constants, SIMD) unless told
otherwise; ``DEFAULT``, what users' modules get, adds what wasmtime's default ``Config`` enables.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Features:
    #: 64-bit memories: limits flags 4/5 (u64 sizes, up to 2^48 pages), u64 memarg offsets, i64 addresses.
    memory64: bool = False
    #: Several memories: memory indices on memargs (flag bit 6) and on memory.size/grow/fill/copy/init.
    multi_memory: bool = False
    #: Constant expressions may read any earlier immutable global, defined ones too (Wasm 3.0, and what wasmtime
    #: validates by default); Wasm 2.0 allows imported globals only. Users' modules get it (``DEFAULT``); the
    #: Wasm 2.0 suite's files are validated without it.
    constant_globals: bool = False
    #: A table section entry with an initialiser expression (``0x40 0x00 tabletype expr``, Wasm 3.0's function
    #: references, which wasmtime reads by default): malformed in Wasm 2.0.
    table_initializers: bool = False
    #: Proposals that change no Wasm 2.0 reading, on unless switched off (``jitdebug run -W simd=n``, as wasmtime's
    #: ``-W``): a module using one that is off is refused, naming it (``emitter/wasm/proposals.py``).
    #: Fixed-width SIMD: v128 values and the 0xFD instructions.
    simd: bool = True
    #: ``return_call``, ``return_call_indirect``.
    tail_call: bool = True
    #: Exception handling: tags, ``throw``/``throw_ref``/``try_table``, exnref, and the legacy ``try`` form.
    exceptions: bool = True
    #: Extended constant expressions: ``i32/i64.add/sub/mul`` in constant expressions.
    extended_const: bool = True


WASM2 = Features()
#: What the compiler accepts unless told otherwise (the CLI, the embedding API): Wasm 2.0 with the readings of
#: later versions that wasmtime applies by default and that refuse nothing Wasm 2.0 accepts; wasmtime's default
#: ``Config`` accepts 64-bit memories and several memories (both are Wasm 3.0), and so does the compiler.
DEFAULT = Features(memory64=True, multi_memory=True, constant_globals=True, table_initializers=True)


#: wasmtime's ``-W`` keys for the proposals the compiler has, and the ``Features`` field each sets. wasmtime 50
#: enables all of them by default, and so does ``DEFAULT``.
SWITCHES: dict[str, str] = {
    "memory64": "memory64", "multi-memory": "multi_memory", "tail-call": "tail_call", "simd": "simd",
    "exceptions": "exceptions", "extended-const": "extended_const",
}
_SWITCH_HELP = {
    "memory64": "64-bit memories and tables (i64 addresses and indices)",
    "multi-memory": "several memories in a module",
    "tail-call": "return_call and return_call_indirect",
    "simd": "fixed-width SIMD (v128)",
    "exceptions": "exception handling (tags, throw, try_table, exnref; the legacy try form too)",
    "extended-const": "add, sub and mul in constant expressions",
}
_YES = ("", "y", "yes", "true")
_NO = ("n", "no", "false")


class SwitchError(ValueError):
    """A ``-W`` option that names no switch or gives a value that is not a yes or a no."""


def with_switches(features: Features, options: str) -> Features:
    """``features`` with one ``-W`` argument applied: ``KEY[=y|n]`` items separated by commas, as wasmtime's CLI
    reads them (``memory64,simd=n``; a bare key, ``y``, ``yes`` or ``true`` is yes, ``n``, ``no`` or ``false``
    no)."""
    changes: dict[str, bool] = {}
    for item in options.split(","):
        key, _, value = item.partition("=")
        field = SWITCHES.get(key)
        if field is None:
            raise SwitchError(f"unknown -W option {key!r} (known: {', '.join(SWITCHES)})")
        if value not in _YES + _NO:
            raise SwitchError(f"-W {item}: unknown boolean flag {value!r}, only y, yes, true, n, no, false or "
                              "nothing accepted")
        changes[field] = value in _YES
    return replace(features, **changes)


def switches_help() -> str:
    """What ``-W help`` prints: every switch with its default."""
    lines = ["Available wasm options:", ""]
    for key, field in SWITCHES.items():
        default = "y" if getattr(DEFAULT, field) else "n"
        lines.append(f"  -W {key}[=y|n] -- {_SWITCH_HELP[key]} (default: {default})")
    return "\n".join(lines) + "\n"
