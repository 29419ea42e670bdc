"""The Windows x64 calling convention: the data the compiler's ABI seam needs.

Arguments go by position: the n-th argument uses rcx/rdx/r8/r9 or xmm0-3 whichever its type, the rest go on
the stack above 32 bytes of shadow space that every caller reserves. rbx, rbp, rsi, rdi, r12-r15 and xmm6-15 are
callee-saved; the compiler only uses xmm0-3 (arguments) and xmm0-5 (scratch, the SIMD lowering), so it never
saves a vector register. A v128 argument is passed as a pointer to a copy, a v128 result comes back in xmm0.
Frames follow the Windows unwinder's rules (``seh_frames``).
"""

from __future__ import annotations

from ..x64.asm import R8, R9, R12, R13, R14, R15, RBX, RCX, RDI, RDX, RSI
from .abi import Abi

WIN64 = Abi(
    name="Windows x64",
    int_args=(RCX, RDX, R8, R9),
    float_args=(0, 1, 2, 3),
    positional=True,
    shadow_space=32,
    callee_saved=frozenset({RBX, RSI, RDI, R12, R13, R14, R15}),
    target="x86_64-windows",
    seh_frames=True,
    unwind_exception_size=64,
    vector_by_reference=True,
)
