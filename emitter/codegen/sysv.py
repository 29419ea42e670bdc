"""The System V AMD64 calling convention (Linux, the BSDs, macOS): the data the compiler's ABI seam needs."""

from __future__ import annotations

from ..x64.asm import R8, R9, R12, R13, R14, R15, RBX, RCX, RDI, RDX, RSI
from .abi import Abi

SYSV = Abi(
    name="System V AMD64",
    int_args=(RDI, RSI, RDX, RCX, R8, R9),
    float_args=tuple(range(8)),
    positional=False,
    shadow_space=0,
    callee_saved=frozenset({RBX, R12, R13, R14, R15}),
    target="x86_64-linux",
)
