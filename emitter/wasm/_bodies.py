"""``_bodies.c``, built into the JIT shim's shared object (``emitter/_native_part.py`` says why)."""

from emitter._native_part import load

load(__name__)
