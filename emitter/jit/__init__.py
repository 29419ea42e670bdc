"""In-process JIT: run Wasm from Python with every JIT frame visible to gdb, lldb, the system unwinder and perf.

The native shim (``_native.c``, a C extension built by ``setup.py``) defines the GDB JIT interface symbols
``__jit_debug_register_code`` and ``__jit_debug_descriptor`` exactly once in the process, together with the
unwinder registration and the trap trampoline. It is an extension module rather than ctypes-made code because
debuggers find the interface by *symbol name* in a loaded object's symbol table: only a real shared object
can provide that, and the trap hook must ``longjmp`` out of JIT frames, which needs C.
"""

from ..gcpause import collector_paused

# Loading the JIT creates tens of thousands of objects that live as long as the process (classes, functions,
# tables): the collector would scan them again at every collection their allocations trigger while they load
# (some 35, 5 ms of a 70 ms import). Paused, they go to the oldest generation once, unscanned.
with collector_paused():
    from ..wasi.config import WasiConfig, WasiExit
    from ..wasm.module import FuncType, GlobalType, ValType
    from .api import (
        Export,
        Instance,
        Linker,
        LinkError,
        NativeFunction,
        NativeTag,
        Signature,
        Tag,
        WasmModule,
        compile_wasm,
        flush_debug_info,
        lanes,
    )
    from .coredump import from_environment, set_core_dump
    from .externals import Func, Global, Memory, Table
    from .perf import PerfWriter
    from .types import MemoryType, TableType

__all__ = ["Export", "Func", "FuncType", "Global", "GlobalType", "Instance", "LinkError", "Linker", "Memory",
           "MemoryType", "NativeFunction", "NativeTag", "PerfWriter", "Signature", "Table", "TableType", "Tag",
           "ValType", "WasiConfig", "WasiExit", "WasmModule", "compile_wasm", "flush_debug_info", "lanes",
           "set_core_dump"]

# An embedder switches core files on without changing its code: JITDEBUG_COREDUMP=FILE.
from_environment()
