"""An embedder that moves an instance's linear memory while Wasm code runs (as a JIT that grows a memory by
reallocating it would): the host import ``move`` copies the memory to a new mapping and points the instance's
memory-base word (vmctx word 0) and the memory's record (which vmctx word 1 points to) at it. ``run`` stores 7 at
address 64, calls ``move``, then ``late`` stores 1234 there (in the new memory) and ``run`` returns what address 64
holds. For the watchpoint tests: a watchpoint on address 64 must follow the memory."""

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


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "mover.wat"
        source.write_text(WAT)
        module = compile_wasm(source, listing_dir=directory)
        mappings: list[mmap.mmap] = []
        running: list[Instance] = []

        def move() -> None:
            vmctx = running[0].loaded.address(StateSymbols(module.compiled.name).vmctx)
            base = ctypes.c_uint64.from_address(vmctx)
            # vmctx word 1 points at the memory's record: base, then the size in bytes.
            record = ctypes.c_uint64.from_address(vmctx + 8).value
            size = ctypes.c_uint64.from_address(record + 8).value
            mappings.append(mmap.mmap(-1, size))
            new = ctypes.addressof(ctypes.c_char.from_buffer(mappings[-1]))
            ctypes.memmove(new, base.value, size)
            base.value = new
            ctypes.c_uint64.from_address(record).value = new  # the record's base: what the embedding reads

        with module.instantiate({"move": move}) as instance:
            running.append(instance)
            print(instance.exports["run"]())
    return 0


if __name__ == "__main__":
    sys.exit(main())
