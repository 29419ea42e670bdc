"""The same program as ``jit_host.py`` on wasmtime-py with ``debug_info=True``: the peer the demo compares with."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import wasmtime

HERE = Path(__file__).resolve().parent


def main() -> int:
    depth = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    config = wasmtime.Config()
    config.debug_info = True
    config.cranelift_opt_level = "none"
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, wasmtime.wat2wasm((HERE / "demo.wat").read_text()))

    def host_probe(calls: int) -> int:
        os.getppid()  # the native breakpoint target, same as in jit_host.py
        return calls * 1000

    probe = wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()], [wasmtime.ValType.i32()]), host_probe)
    instance = wasmtime.Instance(store, module, [probe])
    print("descend", depth, "=", instance.exports(store)["descend"](store, depth))
    return 0


if __name__ == "__main__":
    sys.exit(main())
