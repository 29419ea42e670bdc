"""Build the native parts: the JIT runtime's shim (``emitter.jit._native``), whose shared object also holds the per-row
loops of the debug encoders and the body pass (``emitter._rows``, ``emitter.wasm._listing``,
``emitter.wasm._bodies``), and the producer DWARF translation's loops (``emitter.dwarf._translate``, a shared object
of its own: only a module with producer DWARF loads it); all other metadata lives in pyproject.toml."""

from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

#: The modules once built as shared objects of their own, now in the JIT shim's (``emitter/_native_part.py``).
_MERGED = ("emitter/_rows", "emitter/wasm/_listing", "emitter/wasm/_bodies")


class _BuildExt(build_ext):
    """An in-place build also removes an earlier build's own objects of the merged modules: the import system
    prefers an extension to a module's source, so one left behind would shadow the module that loads it from the
    shim's object."""

    def run(self) -> None:
        super().run()
        if self.inplace:
            for stem in _MERGED:
                for stale in Path(stem).parent.glob(Path(stem).name + ".*.so"):
                    stale.unlink()


setup(
    cmdclass={"build_ext": _BuildExt},
    ext_modules=[
        Extension(
            "emitter.jit._native",
            # The Wasm exception runtime (personality, throw) and the WASI host functions are built in, so JIT code
            # resolves them here. And the core-file writer, for post-mortem debugging of traps and fatal signals, and the
            # guard-region fault handler (traps of loads and stores made without a bounds check).
            # And the other C modules a compile loads, as one shared object (``emitter/_native_part.py``): a debugger
            # stops at and reads each one a program loads. ``_rows``: pure functions over packed line tables and
            # decoded bodies (debug information at a tenth of the compile time needs these loops out of the
            # interpreter); ``_listing``: the listing's rows; ``_bodies``: function bodies decoded and typed in one
            # pass (the fast path of decoder.py and validate.py, bounds-checked: its input is the module's bytes).
            sources=["emitter/jit/_native.c", "emitter/runtime/jitdebug_eh.c", "emitter/runtime/jitdebug_core.c",
                     "emitter/runtime/jitdebug_guard.c", "emitter/wasi/jitdebug_wasi.c",
                     "emitter/_rows.c", "emitter/wasm/_listing.c", "emitter/wasm/_bodies.c"],
            include_dirs=["emitter/runtime", "emitter/wasi"],
            # Frame pointers and unwind tables: debuggers and unwinders walk through the shim's frames too.
            # No function split into hot and cold parts: LLDB takes such a function to start at its cold part and
            # unwinds its hot part wrongly (a step out of a Wasm function that throws stopped in `jitdebug_throw`).
            extra_compile_args=["-O2", "-g", "-fno-omit-frame-pointer", "-fasynchronous-unwind-tables",
                                "-fno-reorder-blocks-and-partition"],
            libraries=["dl", "pthread"],
        ),
        # The producer-DWARF translation's loops over line rows and native pieces (bounds-checked: its input is
        # the producer's bytes).
        Extension("emitter.dwarf._translate", sources=["emitter/dwarf/_translate.c", "emitter/dwarf/_translate_dies.c",
                                                      "emitter/dwarf/_translate_scan.c"],
                  depends=["emitter/dwarf/_leb128.h", "emitter/dwarf/_translate_dies.h",
                           "emitter/dwarf/_translate_scan.h"],
                  extra_compile_args=["-O2", "-g", "-Wall", "-Wextra"]),
    ],
)
