"""An embedder that moves an instance's linear memory while Wasm code runs (as a JIT that grows a memory by
reallocating it would): the host import ``move`` copies the memory to a new mapping and points the memory's
base words at it. ``run`` stores 7 at address 64, calls ``move``, then ``late`` stores 1234 there (in the new
memory) and ``run`` returns what address 64 holds. For the watchpoint tests: a watchpoint on address 64 must
follow the memory.

Without arguments the memory moved is memory 0 of a one-memory module: its base words are the instance's
memory-base word (vmctx word 0) and the memory's record (which vmctx word 1 points to). With ``--memory 1`` the
module has two memories and the stores go to memory 1, whose base word is its record's first (``<m>.memories``
word 1 points to the record): ``wasm watch -m 1`` must follow that one. ``--reuse-record`` then, after ``run``,
overwrites that record's base word with what is no memory's base, as a host allocator reusing a freed record
would while the module is still registered (then puts it back, so the instance is freed normally).
"""

from __future__ import annotations

import ctypes
import mmap
import sys
import tempfile
from pathlib import Path

from emitter.codegen.runtime import StateSymbols
from emitter.jit import Instance, compile_wasm

WAT = """(module $mover
  (import "host" "move" (func $move))
  (memory (export "memory") 1 1)
  (func $run (export "run") (result i32)
    (i32.store (i32.const 64) (i32.const 7))
    (call $move)
    (call $late)
    (i32.load (i32.const 64)))
  (func $late
    (i32.store (i32.const 64) (i32.const 1234))))
"""

#: Memory 1 moves; memory 0 (the same address written first) stays.
WAT_MEMORY_1 = """(module $mover
  (import "host" "move" (func $move))
  (memory $zero (export "memory") 1 1)
  (memory $one (export "one") 1 1)
  (func $run (export "run") (result i32)
    (i32.store $zero (i32.const 64) (i32.const 5))
    (i32.store $one (i32.const 64) (i32.const 7))
    (call $move)
    (call $late)
    (i32.load $one (i32.const 64)))
  (func $late
    (i32.store $one (i32.const 64) (i32.const 1234))))
"""


def _moved(record: int, base_word: int, mappings: list[mmap.mmap]) -> None:
    """Copy the memory whose record is at ``record`` to a new mapping; point ``base_word`` and the record at it."""
    size = ctypes.c_uint64.from_address(record + 8).value
    mappings.append(mmap.mmap(-1, size))
    new = ctypes.addressof(ctypes.c_char.from_buffer(mappings[-1]))
    ctypes.memmove(new, ctypes.c_uint64.from_address(base_word).value, size)
    ctypes.c_uint64.from_address(base_word).value = new
    ctypes.c_uint64.from_address(record).value = new  # the record's base: what the embedding reads


def main(argv: list[str]) -> int:
    memory = 1 if argv[:2] == ["--memory", "1"] else 0
    reuse = memory == 1 and argv[2:] == ["--reuse-record"]
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "mover.wat"
        source.write_text(WAT_MEMORY_1 if memory else WAT)
        module = compile_wasm(source, listing_dir=directory)
        mappings: list[mmap.mmap] = []
        running: list[Instance] = []

        def move() -> None:
            symbols = StateSymbols(module.compiled.name)
            if memory:
                # ``<m>.memories`` word 1 points at memory 1's record: base, then the size in bytes.
                memories = running[0].loaded.address(symbols.memories)
                record = ctypes.c_uint64.from_address(memories + 8).value
                _moved(record, record, mappings)
            else:
                # vmctx word 1 points at memory 0's record; vmctx word 0 is the base the code reads.
                vmctx = running[0].loaded.address(symbols.vmctx)
                _moved(ctypes.c_uint64.from_address(vmctx + 8).value, vmctx, mappings)

        with module.instantiate({"move": move}) as instance:
            running.append(instance)
            print(instance.exports["run"](), flush=True)
            if reuse:
                memories = instance.loaded.address(StateSymbols(module.compiled.name).memories)
                base = ctypes.c_uint64.from_address(ctypes.c_uint64.from_address(memories + 8).value)
                kept, base.value = base.value, 0x7F00_1234_5678
                base.value = kept
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
