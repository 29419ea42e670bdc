"""C runtime sources: the Wasm exception runtime and trap reports, compiled into AOT hosts and the JIT shim."""
