"""A Python program that JIT-compiles the demo module and calls into it: the program the demo debugs.

``host_probe`` is a Python import, entered natively through the JIT's adapter ``host_probe.host``; when
``descend(100)`` reaches the bottom it runs with 100 Wasm frames beneath it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from emitter.jit.api import compile_wasm

HERE = Path(__file__).resolve().parent


def host_probe(calls: int) -> int:
    os.getppid()  # a native call: the breakpoint target the demo uses for this program and for wasmtime's
    return calls * 1000


def main() -> int:
    depth = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    module = compile_wasm(HERE / "demo.wat")
    with module.instantiate({"host_probe": host_probe}) as instance:
        print("descend", depth, "=", instance.exports["descend"](depth))
        print("fib 20 =", instance.exports["fib"](20))
    return 0


if __name__ == "__main__":
    sys.exit(main())
