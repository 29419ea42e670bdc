"""Build the JIT runtime's native shim (``emitter.jit._native``); all other metadata lives in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "emitter.jit._native",
            # The Wasm exception runtime (personality, throw) is built in, so JIT code resolves it here.
            sources=["emitter/jit/_native.c", "emitter/runtime/jitdebug_eh.c"],
            include_dirs=["emitter/runtime"],
            # Frame pointers and unwind tables: debuggers and unwinders walk through the shim's frames too.
            extra_compile_args=["-O2", "-g", "-fno-omit-frame-pointer", "-fasynchronous-unwind-tables"],
            libraries=["dl", "pthread"],
        )
    ],
)
