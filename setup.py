"""Build the native parts: the JIT runtime's shim (``emitter.jit._native``) and the per-row loops of the debug
encoders (``emitter._rows``, ``emitter.wasm._listing``); all other metadata lives in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "emitter.jit._native",
            # The Wasm exception runtime (personality, throw) and the WASI host functions are built in, so JIT code
            # resolves them here. And the core-file writer, for post-mortem debugging of traps and fatal signals, and the
            # guard-region fault handler (traps of loads and stores made without a bounds check).
            sources=["emitter/jit/_native.c", "emitter/runtime/jitdebug_eh.c", "emitter/runtime/jitdebug_core.c",
                     "emitter/runtime/jitdebug_guard.c", "emitter/wasi/jitdebug_wasi.c"],
            include_dirs=["emitter/runtime", "emitter/wasi"],
            # Frame pointers and unwind tables: debuggers and unwinders walk through the shim's frames too.
            extra_compile_args=["-O2", "-g", "-fno-omit-frame-pointer", "-fasynchronous-unwind-tables"],
            libraries=["dl", "pthread"],
        ),
        # Pure functions over packed line tables and decoded bodies: debug information at a tenth of the
        # compile time needs these loops out of the interpreter.
        Extension("emitter._rows", sources=["emitter/_rows.c"], extra_compile_args=["-O2", "-g"]),
        # The producer-DWARF translation's loops over line rows and native pieces (bounds-checked: its input is
        # the producer's bytes).
        Extension("emitter.dwarf._translate", sources=["emitter/dwarf/_translate.c", "emitter/dwarf/_translate_dies.c",
                                                      "emitter/dwarf/_translate_scan.c"],
                  depends=["emitter/dwarf/_leb128.h", "emitter/dwarf/_translate_dies.h",
                           "emitter/dwarf/_translate_scan.h"],
                  extra_compile_args=["-O2", "-g", "-Wall", "-Wextra"]),
        Extension("emitter.wasm._listing", sources=["emitter/wasm/_listing.c"], extra_compile_args=["-O2", "-g"]),
        # Function bodies decoded and typed in one pass (the fast path of decoder.py and validate.py, bounds-checked:
        # its input is the module's bytes).
        Extension("emitter.wasm._bodies", sources=["emitter/wasm/_bodies.c"],
                  extra_compile_args=["-O2", "-g", "-Wall", "-Wextra"]),
    ],
)
