"""WASI preview 1 (``wasi_snapshot_preview1``) for compiled modules, JIT and AOT.

* ``preview1.py``: the witx functions and their core Wasm types; a module's imports checked against them at load
  (wasmtime's wording for an unknown function or a wrong signature).
* ``thunks.py``: the per-import thunks compiled into a module that imports WASI, which call the C host functions
  of ``jitdebug_wasi.c`` with the module's link (memory, WASI context) as a hidden first argument.
* ``config.py``: ``WasiConfig`` (argv, environment, preopened directories, stdio) and the native context it
  builds for a JIT instance.
* ``jitdebug_wasi.c``/``.h``: the host functions, in C, built into the JIT's native shim and shipped as the AOT
  runtime library (``jitdebug runtime``), with ``jitdebug_wasi_main.c``'s ``main`` for executables.
"""

from .preview1 import WASI_MODULE, check_imports, imports_wasi

__all__ = ["WASI_MODULE", "check_imports", "imports_wasi"]
