"""Which proposals beyond Wasm 2.0 the decoder and validator accept.

Some proposals give meaning to encodings that Wasm 2.0 calls malformed or invalid (the limits flags of a 64-bit
memory, the memory-index bit of a memarg, a second memory), and the official suite tests both readings: its Wasm
2.0 files expect those modules refused, the proposals' files expect them accepted. So they are switched on by
the caller, as wasmtime's ``Config`` does (``wasm_memory64``, ``wasm_multi_memory``). ``decode`` reads Wasm 2.0
plus the proposals that change no Wasm 2.0 reading (exceptions, tail calls, extended constants, SIMD) unless told
otherwise; ``DEFAULT``, what users' modules get, adds what wasmtime's default ``Config`` enables.
"""

from __future__ import annotations

from dataclasses import dataclass


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


WASM2 = Features()
#: What the compiler accepts unless told otherwise (the CLI, the embedding API): Wasm 2.0 with the readings of
#: later versions that wasmtime applies by default and that refuse nothing Wasm 2.0 accepts; wasmtime's default
#: ``Config`` accepts 64-bit memories and several memories (both are Wasm 3.0), and so does the compiler.
DEFAULT = Features(memory64=True, multi_memory=True, constant_globals=True)
