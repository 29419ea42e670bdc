"""The calling-convention seam: everything the compiler needs to know about a platform's C calling convention.

The compiler never names an argument register itself; it asks an ``Abi`` where each parameter goes and which
registers a callee must preserve. ``sysv.py`` defines the System V AMD64 instance; a Win64 instance differs only in
data (positional register assignment, 32 bytes of shadow space, rsi/rdi/xmm6-15 callee-saved). Every Wasm
function, exported or not, uses the platform C convention, so exports and imports need no adapters and a table
entry can point at an import directly. Functions with more than one result add a hidden first integer argument:
a pointer to the result area (see ``compiler.py`` for the layout).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..wasm.module import ValType


@dataclass(frozen=True, slots=True)
class ArgLocation:
    """Where one argument lives at the call: a register (``gpr``/``xmm`` number) or a stack slot at
    ``[rsp + stack_offset]`` just before the ``call`` (the callee sees it at ``[rbp + 16 + stack_offset]``)."""

    kind: str  # "gpr", "xmm" or "stack"
    register: int = 0
    stack_offset: int = 0


@dataclass(frozen=True, slots=True)
class Abi:
    name: str
    #: Integer argument registers in order (hardware numbers, see ``x64.asm``).
    int_args: tuple[int, ...]
    #: Float argument registers in order (XMM numbers).
    float_args: tuple[int, ...]
    #: True when the n-th argument uses the n-th register of its class whatever the other arguments are (Win64);
    #: False when each class is counted separately (System V).
    positional: bool
    #: Bytes the caller reserves at ``[rsp]`` for the callee before stack arguments (Win64 shadow space).
    shadow_space: int
    #: General registers a callee must preserve (besides rbp and rsp, which every frame restores).
    callee_saved: frozenset[int]
    #: Name of the target in diagnostics and ``--target``.
    target: str
    #: Frames must be expressible in Windows x64 unwind info (see ``frame.py``): the frame pointer is set after
    #: the pushes, epilogues are ``lea rsp, [rbp]``/pops/``ret``, a page or more goes through ``___chkstk_ms``,
    #: and a call never ends the code before an epilogue.
    seh_frames: bool = False
    #: ``sizeof(struct _Unwind_Exception)`` in the platform's libgcc (32; mingw's SEH unwinder keeps six private
    #: words: 64): a Wasm exception's tag and payload follow it (``struct jitdebug_exception``).
    unwind_exception_size: int = 32
    #: v128 arguments are passed as a pointer to a caller-owned copy (Win64) rather than in a vector register.
    vector_by_reference: bool = False

    def assign(self, params: tuple[ValType, ...], hidden_pointer: bool = False) -> tuple[list[ArgLocation], int]:
        """Locations of ``params`` (after the hidden result pointer, when present, which takes the first integer
        register) and the bytes of stack arguments they need (a multiple of 8, shadow space not included)."""
        key = (self, params, hidden_pointer)
        known = _ASSIGNED.get(key)
        if known is None:
            locations, size = self._assign(params, hidden_pointer)
            known = _ASSIGNED[key] = (tuple(locations), size)  # every call and entry asks: a module has few types
        return list(known[0]), known[1]

    def _assign(self, params: tuple[ValType, ...], hidden_pointer: bool) -> tuple[list[ArgLocation], int]:
        out: list[ArgLocation] = []
        ints = 1 if hidden_pointer else 0
        floats = 0
        stack = self.shadow_space
        for i, t in enumerate(params):
            # A v128 is an ``__m128i``: in the next vector register (System V), or by reference where it would be
            # an integer (Win64 passes 16-byte values as a pointer to a copy the caller owns).
            is_float = t in (ValType.F32, ValType.F64) or (t is ValType.V128 and not self.vector_by_reference)
            if self.positional:
                position = i + (1 if hidden_pointer else 0)
                regs = self.float_args if is_float else self.int_args
                if position < len(regs):
                    out.append(ArgLocation("xmm" if is_float else "gpr", regs[position]))
                    continue
            elif is_float and floats < len(self.float_args):
                out.append(ArgLocation("xmm", self.float_args[floats]))
                floats += 1
                continue
            elif not is_float and ints < len(self.int_args):
                out.append(ArgLocation("gpr", self.int_args[ints]))
                ints += 1
                continue
            if t is ValType.V128 and not self.vector_by_reference:
                stack += stack % 16  # an ``__m128i`` on the stack is 16-byte aligned
                out.append(ArgLocation("stack", stack_offset=stack))
                stack += 16
                continue
            out.append(ArgLocation("stack", stack_offset=stack))
            stack += 8
        return out, stack - self.shadow_space


_ASSIGNED: dict[tuple[Abi, tuple[ValType, ...], bool], tuple[tuple[ArgLocation, ...], int]] = {}
