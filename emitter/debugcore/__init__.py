"""Debugger-agnostic logic of the GDB and LLDB plugins: find our Wasm modules in the inferior (JIT images through
the GDB JIT interface, AOT code in loaded ELF files), map pcs to Wasm locations, format backtraces and tables,
resolve Wasm breakpoints, step by Wasm instruction, disassemble.

Nothing here imports ``gdb`` or ``lldb``: each plugin implements ``adapter.DebuggerAdapter`` and passes it in.
Stdlib only (the debuggers embed the system Python); ``capstone`` is imported lazily by ``wasm disas``.
"""
