"""The fixed-width SIMD lowering: v128 values and every ``0xFD`` instruction on SSE4.1 (and SSE4.2's
``pcmpgtq``, which x86-64-v2, the baseline the scalar code already needs for ``popcnt``, includes).

Values: a v128 takes two adjacent 8-byte operand slots (depths and block arities count 8-byte units, so branches
and the multi-value result area move it as two words) and a 16-byte local slot; the v128 whose low unit is at
depth ``j`` lives at ``slot(j + 1)`` (the lower address). Slots are not 16-byte aligned: values are moved with
``movdqu`` and every packed instruction takes register operands (legacy SSE faults on a misaligned m128).
Lane extracts and replaces read and write the slot's bytes directly.

Registers: xmm0-xmm5 only, caller-saved in System V and Win64 alike, so no frame ever saves a vector register
and the unwind program is the scalar one. Constants are built in registers (``mov``/``movq``/``pinsrq``,
``pcmpeqd`` for all-ones) rather than loaded from a pool.

Floats follow x86 SSE NaN behaviour as wasmtime does on x86-64: arithmetic propagates a quieted input NaN or
produces the default NaN (both allowed by the spec); ``min``/``max`` are made symmetric and give the canonical NaN
for a NaN lane; ``pmin``/``pmax`` are ``minps``/``maxps`` with the operands in the spec's order. Traps: only the
memory instructions trap (the same bounds check as the scalar ones, the whole access checked at once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import UnsupportedError
from ..wasm.module import BlockType, Instr, Module, ValType
from ..wasm.simd_opcodes import SIMD_OPCODES
from ..x64.asm import R11, RAX, RBP, RCX, RDX, RSP, Assembler, Label, Mem
from .abi import ArgLocation
from .memories import memarg_memory

if TYPE_CHECKING:
    from .function import FunctionCompiler

Handler = Callable[["FunctionCompiler", Instr], bool]

V128 = ValType.V128
#: Scratch vector registers (all caller-saved on both ABIs).
X0, X1, X2, X3, X4, X5 = range(6)


# -- layout ---------------------------------------------------------------------------------------------------
def units(types: tuple[ValType, ...] | list[ValType]) -> int:
    """8-byte operand units of ``types`` (a v128 takes two)."""
    n = len(types)
    for t in types:
        if t is V128:
            n += 1
    return n


def local_offsets(base: int, types: list[ValType]) -> list[int]:
    """Each local's distance below rbp (8 bytes each, 16 for a v128), then the hidden result pointer's."""
    out = []
    at = base
    for t in types:
        at += 16 if t is V128 else 8
        out.append(at)
    out.append(at + 8)
    return out


def global_offsets(module: Module) -> tuple[list[int], int]:
    """Each defined global's offset in the globals' storage (8 bytes each, 16 for a v128) and the total size."""
    out = []
    at = 0
    for g in module.globals:
        out.append(at)
        at += 16 if g.type is V128 else 8
    return out, at


def _type_has_vector(module: Module, type_index: int) -> bool:
    t = module.types[type_index]
    return V128 in t.params or V128 in t.results


#: The instructions other than SIMD ones through which a v128 can occur (``vector_functions``): calls, globals,
#: blocks (by their type) and the typed ``select``.
_TYPED_OPS = frozenset(["call", "call_indirect", "global.get", "global.set", "select", "block", "loop", "if", "try",
                        "try_table"])


def vector_functions(module: Module) -> frozenset[int]:
    """The defined functions in which a v128 value can occur: v128 locals, parameters or results, a SIMD
    instruction, a call or block of a type with v128, or an access to a v128 global. Raises ``UnsupportedError``
    for what the lowering does not take (v128 exception payloads, imported v128 globals)."""
    for tag in module.tags:
        if _type_has_vector(module, tag):
            raise UnsupportedError("exception tags with v128 payloads are not supported")
    vector_globals = {i for i in range(module.num_imported_globals + len(module.globals))
                      if module.global_type(i).type is V128}
    # Only these instructions can bring a v128 in: one set lookup passes over the others (most of a body).
    suspects = SIMD_HANDLERS.keys() | _TYPED_OPS
    out = set()
    for function in module.functions:
        if V128 in function.locals or _type_has_vector(module, function.type_index):
            out.add(function.index)
            continue
        for op, imm, _ in function.body:
            if op not in suspects:
                continue
            if op in SIMD_HANDLERS:
                break
            head = imm[0] if imm else None
            if op == "call" and isinstance(head, int) and _type_has_vector(module, module.func_types[head]):
                break
            if op == "call_indirect" and isinstance(head, int) and _type_has_vector(module, head):
                break
            if op in ("global.get", "global.set") and head in vector_globals:
                break
            if isinstance(head, BlockType) and (head.result is V128 or (
                    head.type_index is not None and _type_has_vector(module, head.type_index))):
                break
            if op == "select" and imm == (V128,):
                break
        else:
            continue
        out.add(function.index)
    return frozenset(out)


def _v(c: FunctionCompiler, j: int) -> Mem:
    """The v128 whose low unit is at depth ``j``."""
    return c.slot(j + 1)


def _high(m: Mem) -> Mem:
    return Mem(m.base, m.disp + 8, m.index, m.scale)


def _copy16(a: Assembler, dst: Mem, src: Mem) -> None:
    a.movdqu_load(X0, src)
    a.movdqu_store(dst, X0)


# -- calls ----------------------------------------------------------------------------------------------------
def pass_vector(c: FunctionCompiler, src: Mem, loc: ArgLocation) -> None:
    """A v128 argument at ``src`` to its place at a call (vector registers already loaded stay intact)."""
    a = c.a
    if c.abi.vector_by_reference:
        if loc.kind == "gpr":
            a.lea(8, loc.register, src)
        else:
            a.lea(8, RAX, src)
            a.mov(8, _outgoing(loc), RAX)
    elif loc.kind == "xmm":
        a.movdqu_load(loc.register, src)
    else:
        out = _outgoing(loc)
        a.mov(8, RAX, src)
        a.mov(8, out, RAX)
        a.mov(8, RAX, _high(src))
        a.mov(8, _high(out), RAX)


def _outgoing(loc: ArgLocation) -> Mem:
    return Mem(RSP, loc.stack_offset)


def spill_vector(c: FunctionCompiler, dst: Mem, loc: ArgLocation) -> None:
    """A v128 parameter from where the caller put it to its local slot ``dst`` (argument registers intact)."""
    a = c.a
    if c.abi.vector_by_reference:
        if loc.kind == "gpr":
            pointer = loc.register
        else:
            a.mov(8, R11, Mem(RBP, c.incoming_base + loc.stack_offset))
            pointer = R11
        a.mov(8, RAX, Mem(pointer, 0))
        a.mov(8, dst, RAX)
        a.mov(8, RAX, Mem(pointer, 8))
        a.mov(8, _high(dst), RAX)
    elif loc.kind == "xmm":
        a.movdqu_store(dst, loc.register)
    else:
        src = Mem(RBP, c.incoming_base + loc.stack_offset)
        a.mov(8, RAX, src)
        a.mov(8, dst, RAX)
        a.mov(8, RAX, _high(src))
        a.mov(8, _high(dst), RAX)


# -- the type-generic instructions on v128 values -------------------------------------------------------------
def vector_handlers(generic: dict[str, Handler]) -> dict[str, Handler]:
    """``generic`` with the instructions whose code depends on their operands' type taking v128 into account."""

    def local_get(c: FunctionCompiler, i: Instr) -> bool:
        index = c.int_immediate(i.imm[0])
        if c.local_types[index] is not V128:
            return generic["local.get"](c, i)
        _copy16(c.a, _v(c, c.depth), c.local(index))
        c.push(2)
        return False

    def local_set(c: FunctionCompiler, i: Instr) -> bool:
        index = c.int_immediate(i.imm[0])
        if c.local_types[index] is not V128:
            return generic[i.op](c, i)
        _copy16(c.a, c.local(index), _v(c, c.depth - 2))
        if i.op == "local.set":
            c.depth -= 2
        return False

    def global_access(c: FunctionCompiler, i: Instr) -> bool:
        index = c.int_immediate(i.imm[0])
        if c.module.global_type(index).type is not V128:
            return generic[i.op](c, i)
        if index < c.module.num_imported_globals:
            raise UnsupportedError("imported globals are not supported", i.offset)
        from ..x64.asm import RipRel
        storage = RipRel(c.sym.globals, c.ctx.global_offsets[index - c.module.num_imported_globals])
        if i.op == "global.get":
            c.a.movdqu_load(X0, storage)
            c.a.movdqu_store(_v(c, c.depth), X0)
            c.push(2)
        else:
            c.depth -= 2
            c.a.movdqu_load(X0, _v(c, c.depth))
            c.a.movdqu_store(storage, X0)
        return False

    def drop(c: FunctionCompiler, i: Instr) -> bool:
        if i.imm != (V128,):
            return generic["drop"](c, i)
        c.depth -= 2
        return False

    def select(c: FunctionCompiler, i: Instr) -> bool:
        if i.imm != (V128,):
            return generic["select"](c, i)
        a = c.a
        d = c.depth
        keep = Label()
        a.mov(4, RCX, c.slot(d - 1))
        a.test(4, RCX, RCX)
        a.jcc("ne", keep)
        _copy16(a, _v(c, d - 5), _v(c, d - 3))
        a.bind(keep)
        c.depth = d - 3
        return False

    out = dict(generic)
    out.update({"local.get": local_get, "local.set": local_set, "local.tee": local_set,
                "global.get": global_access, "global.set": global_access, "drop": drop, "select": select})
    return out


# -- constants ------------------------------------------------------------------------------------------------
def _const(a: Assembler, reg: int, value: int) -> None:
    """A 128-bit constant into ``reg`` (clobbers rax)."""
    value &= (1 << 128) - 1
    if value == 0:
        a.packed("pxor", reg, reg)
        return
    if value == (1 << 128) - 1:
        a.packed("pcmpeqd", reg, reg)
        return
    low, high = value & (2**64 - 1), value >> 64
    a.mov_imm(8, RAX, low - (1 << 64) if low >> 63 else low)
    a.movq_to_xmm(8, reg, RAX)
    if high:
        a.mov_imm(8, RAX, high - (1 << 64) if high >> 63 else high)
        a.lane_insert("pinsrq", reg, RAX, 1)


def _splat(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    out = 0
    for k in range(128 // bits):
        out |= value << (k * bits)
    return out


def _h_const(c: FunctionCompiler, i: Instr) -> bool:
    value = c.int_immediate(i.imm[0])
    dst = _v(c, c.depth)
    for half, m in ((value & (2**64 - 1), dst), (value >> 64, _high(dst))):
        signed = half - (1 << 64) if half >> 63 else half
        if -(1 << 31) <= signed < 1 << 31:
            c.a.mov_store_imm(8, m, signed)
        else:
            c.a.mov_imm(8, RAX, signed)
            c.a.mov(8, m, RAX)
    c.push(2)
    return False


# -- shapes of lowering ---------------------------------------------------------------------------------------
Emit = Callable[[Assembler], int]


def _unary(emit: Emit) -> Handler:
    """v128 -> v128: the operand in xmm0, ``emit`` returns the register holding the result."""

    def handler(c: FunctionCompiler, i: Instr) -> bool:
        top = _v(c, c.depth - 2)
        c.a.movdqu_load(X0, top)
        c.a.movdqu_store(top, emit(c.a))
        return False

    return handler


def _binary(emit: Emit) -> Handler:
    """v128 v128 -> v128: the operands in xmm0 and xmm1."""

    def handler(c: FunctionCompiler, i: Instr) -> bool:
        lhs = _v(c, c.depth - 4)
        c.a.movdqu_load(X0, lhs)
        c.a.movdqu_load(X1, _v(c, c.depth - 2))
        c.a.movdqu_store(lhs, emit(c.a))
        c.depth -= 2
        return False

    return handler


def _ternary(emit: Emit) -> Handler:
    def handler(c: FunctionCompiler, i: Instr) -> bool:
        first = _v(c, c.depth - 6)
        c.a.movdqu_load(X0, first)
        c.a.movdqu_load(X1, _v(c, c.depth - 4))
        c.a.movdqu_load(X2, _v(c, c.depth - 2))
        c.a.movdqu_store(first, emit(c.a))
        c.depth -= 4
        return False

    return handler


def _to_i32(emit: Callable[[Assembler], None]) -> Handler:
    """v128 -> i32: the operand in xmm0, ``emit`` leaves the result in eax."""

    def handler(c: FunctionCompiler, i: Instr) -> bool:
        c.a.movdqu_load(X0, _v(c, c.depth - 2))
        emit(c.a)
        c.depth -= 2
        c.a.mov(4, c.slot(c.depth), RAX)
        c.push()
        return False

    return handler


def _op(name: str, swap: bool = False, imm: int | None = None) -> Emit:
    """One packed instruction on (xmm0, xmm1), or on (xmm1, xmm0) with ``swap``."""

    def emit(a: Assembler) -> int:
        if swap:
            a.packed(name, X1, X0, imm)
            return X1
        a.packed(name, X0, X1, imm)
        return X0

    return emit


def _not(emit: Emit) -> Emit:
    def out(a: Assembler) -> int:
        reg = emit(a)
        a.packed("pcmpeqd", X5, X5)
        a.packed("pxor", reg, X5)
        return reg

    return out


def _unsigned_ge(maxu: str, eq: str) -> Emit:
    """a >= b (unsigned) as max_u(a, b) == a; ``pminu`` for <=."""

    def emit(a: Assembler) -> int:
        a.movdqu_load(X2, X0)
        a.packed(maxu, X2, X1)
        a.packed(eq, X0, X2)
        return X0

    return emit


def _neg(sub: str) -> Emit:
    def emit(a: Assembler) -> int:
        a.packed("pxor", X1, X1)
        a.packed(sub, X1, X0)
        return X1

    return emit


def _sign_mask(a: Assembler, reg: int, size: int, keep_sign: bool) -> None:
    """All lanes 0x80..0 (``keep_sign``) or 0x7F..F, for lane size 4 or 8."""
    a.packed("pcmpeqd", reg, reg)
    if keep_sign:
        a.packed_shift_imm("pslld" if size == 4 else "psllq", reg, 8 * size - 1)
    else:
        a.packed_shift_imm("psrld" if size == 4 else "psrlq", reg, 1)


def _fabs(size: int) -> Emit:
    def emit(a: Assembler) -> int:
        _sign_mask(a, X1, size, False)
        a.packed("pand", X0, X1)
        return X0

    return emit


def _fneg(size: int) -> Emit:
    def emit(a: Assembler) -> int:
        _sign_mask(a, X1, size, True)
        a.packed("pxor", X0, X1)
        return X0

    return emit


def _fmin_max(size: int, is_max: bool) -> Emit:
    """Wasm min/max: NaN if either lane is NaN (canonical), -0 < +0, whatever the operand order. x86's
    ``minps``/``maxps`` return the second operand when either is NaN or both are zero: both orders are computed
    and combined. The NaN a lane gets is wasmtime's on x86-64, bit for bit: min's is negative, max's has the sign
    of the combined NaN."""
    s = "ps" if size == 4 else "pd"
    shift = "psrld" if size == 4 else "psrlq"
    # A NaN's sign, exponent and quiet bit: the rest of the all-ones pattern is cleared.
    keep = 10 if size == 4 else 13

    def emit(a: Assembler) -> int:
        op = ("max" if is_max else "min") + s
        a.movdqu_load(X2, X0)
        a.packed(op, X2, X1)  # op(a, b)
        a.packed(op, X1, X0)  # op(b, a)
        if is_max:
            # d = x ^ y; t = y | d; r = t - d: +0 for (+0, -0), NaN when either is NaN.
            a.packed("pxor", X2, X1)
            a.packed("por", X1, X2)
            a.packed("sub" + s, X1, X2)
        else:
            a.packed("por", X1, X2)  # -0 wins, NaN stays NaN
        a.movdqu_load(X2, X1)
        a.packed("cmp" + s, X2, X1, 3)  # unordered: NaN lanes
        if not is_max:
            a.packed("por", X1, X2)  # min's NaN lanes all ones (negative); max keeps the NaN's sign, as wasmtime
        a.packed_shift_imm(shift, X2, keep)
        a.packed("andn" + s, X2, X1)
        return X2

    return emit


def _round(size: int, mode: int) -> Emit:
    def emit(a: Assembler) -> int:
        a.packed("roundps" if size == 4 else "roundpd", X0, X0, mode | 8)
        return X0

    return emit


def _single(name: str) -> Emit:
    def emit(a: Assembler) -> int:
        a.packed(name, X0, X0)
        return X0

    return emit


def _splat_reg(a: Assembler, reg: int, value: int, bits: int) -> None:
    _const(a, reg, _splat(value, bits))


def _high_half(emit_low: Emit) -> Emit:
    """The same on the high 64 bits, moved down first."""

    def emit(a: Assembler) -> int:
        a.packed("pshufd", X0, X0, 0xEE)
        return emit_low(a)

    return emit


def _extmul(extend: str, mul: str, high: bool) -> Emit:
    def emit(a: Assembler) -> int:
        if high:
            a.packed("pshufd", X0, X0, 0xEE)
            a.packed("pshufd", X1, X1, 0xEE)
        a.packed(extend, X0, X0)
        a.packed(extend, X1, X1)
        a.packed(mul, X0, X1)
        return X0

    return emit


def _extmul64(mul: str, high: bool) -> Emit:
    """``pmuldq``/``pmuludq`` multiply lanes 0 and 2: the lanes wanted are moved there."""

    def emit(a: Assembler) -> int:
        order = 0xFA if high else 0x50
        a.packed("pshufd", X0, X0, order)
        a.packed("pshufd", X1, X1, order)
        a.packed(mul, X0, X1)
        return X0

    return emit


def _i64_mul(a: Assembler) -> int:
    """lo(a)*lo(b) + ((hi(a)*lo(b) + lo(a)*hi(b)) << 32) with ``pmuludq``."""
    a.movdqu_load(X2, X0)
    a.packed_shift_imm("psrlq", X2, 32)
    a.packed("pmuludq", X2, X1)
    a.movdqu_load(X3, X1)
    a.packed_shift_imm("psrlq", X3, 32)
    a.packed("pmuludq", X3, X0)
    a.packed("paddq", X2, X3)
    a.packed_shift_imm("psllq", X2, 32)
    a.packed("pmuludq", X0, X1)
    a.packed("paddq", X0, X2)
    return X0


def _i64_abs(a: Assembler) -> int:
    a.packed("pxor", X1, X1)
    a.packed("pcmpgtq", X1, X0)
    a.packed("pxor", X0, X1)
    a.packed("psubq", X0, X1)
    return X0


def _popcnt(a: Assembler) -> int:
    """Nibble lookup with ``pshufb``."""
    _const(a, X2, int.from_bytes(bytes(bin(n).count("1") for n in range(16)), "little"))
    _splat_reg(a, X3, 0x0F, 8)
    a.movdqu_load(X1, X0)
    a.packed("pand", X1, X3)
    a.packed_shift_imm("psrlw", X0, 4)
    a.packed("pand", X0, X3)
    a.movdqu_load(X4, X2)
    a.packed("pshufb", X4, X1)
    a.packed("pshufb", X2, X0)
    a.packed("paddb", X2, X4)
    return X2


def _q15mulr(a: Assembler) -> int:
    """``pmulhrsw``, whose one overflow (-1 * -1 in Q15 gives 0x8000) saturates to 0x7FFF as the spec says."""
    a.packed("pmulhrsw", X0, X1)
    _splat_reg(a, X1, 0x8000, 16)
    a.packed("pcmpeqw", X1, X0)
    a.packed("pxor", X0, X1)
    return X0


def _extadd(signed: bool, bits: int) -> Emit:
    def emit(a: Assembler) -> int:
        if bits == 8:
            _splat_reg(a, X1, 1, 8)
            if signed:
                a.packed("pmaddubsw", X1, X0)  # unsigned 1s times signed lanes
                return X1
            a.packed("pmaddubsw", X0, X1)  # unsigned lanes times signed 1s
            return X0
        _splat_reg(a, X1, 1, 16)
        if signed:
            a.packed("pmaddwd", X0, X1)
            return X0
        # Unsigned: bias each lane to signed (-0x8000), add pairwise, take the bias (2 * 0x8000) back.
        _splat_reg(a, X2, 0x8000, 16)
        a.packed("pxor", X0, X2)
        a.packed("pmaddwd", X0, X1)
        _splat_reg(a, X2, 0x10000, 32)
        a.packed("paddd", X0, X2)
        return X0

    return emit


def _swizzle(a: Assembler) -> int:
    """``pshufb`` zeroes a lane whose index has bit 7 set: indices from 16 on are pushed there (saturating)."""
    _splat_reg(a, X2, 0x70, 8)
    a.packed("paddusb", X1, X2)
    a.packed("pshufb", X0, X1)
    return X0


def _h_shuffle(c: FunctionCompiler, i: Instr) -> bool:
    lanes = [c.int_immediate(x) for x in i.imm]
    first = sum((n if n < 16 else 0x80) << (8 * k) for k, n in enumerate(lanes))
    second = sum((n - 16 if n >= 16 else 0x80) << (8 * k) for k, n in enumerate(lanes))
    a = c.a
    lhs = _v(c, c.depth - 4)
    a.movdqu_load(X0, lhs)
    a.movdqu_load(X1, _v(c, c.depth - 2))
    _const(a, X2, first)
    _const(a, X3, second)
    a.packed("pshufb", X0, X2)
    a.packed("pshufb", X1, X3)
    a.packed("por", X0, X1)
    a.movdqu_store(lhs, X0)
    c.depth -= 2
    return False


def _bitselect(a: Assembler) -> int:
    a.packed("pand", X0, X2)
    a.packed("pandn", X2, X1)
    a.packed("por", X0, X2)
    return X0


def _any_true(a: Assembler) -> None:
    a.packed("ptest", X0, X0)
    a.setcc("ne", RAX)
    a.movzx(4, RAX, 1, RAX)


def _all_true(eq: str) -> Callable[[Assembler], None]:
    def emit(a: Assembler) -> None:
        a.packed("pxor", X1, X1)
        a.packed(eq, X1, X0)  # all-ones lanes where a lane is zero
        a.packed("ptest", X1, X1)
        a.setcc("e", RAX)
        a.movzx(4, RAX, 1, RAX)

    return emit


def _bitmask(bits: int) -> Callable[[Assembler], None]:
    def emit(a: Assembler) -> None:
        if bits == 8:
            a.pmovmskb(RAX, X0)
        elif bits == 16:
            a.packed("packsswb", X0, X0)  # signed saturation keeps each lane's sign
            a.pmovmskb(RAX, X0)
            a.movzx(4, RAX, 1, RAX)
        else:
            a.movmsk(bits // 8, RAX, X0)

    return emit


# -- shifts ---------------------------------------------------------------------------------------------------
_SHIFT_OPS = {("shl", 16): "psllw", ("shl", 32): "pslld", ("shl", 64): "psllq", ("shr_u", 16): "psrlw",
              ("shr_u", 32): "psrld", ("shr_u", 64): "psrlq", ("shr_s", 16): "psraw", ("shr_s", 32): "psrad"}


def _shift(kind: str, bits: int) -> Handler:
    """Shift every lane by the i32 operand modulo the lane width."""

    def handler(c: FunctionCompiler, i: Instr) -> bool:
        a = c.a
        d = c.depth
        vec = _v(c, d - 3)
        a.mov(4, RCX, c.slot(d - 1))
        a.alu("and", 4, RCX, bits - 1, imm=True)
        a.movdqu_load(X0, vec)
        a.movq_to_xmm(4, X1, RCX)
        if bits == 8:
            _shift8(a, kind)
        elif kind == "shr_s" and bits == 64:
            # (x >>u n) ^ m - m with m = 1 << (63 - n): the sign extended by subtraction.
            a.packed("psrlq", X0, X1)
            _sign_mask(a, X2, 8, True)
            a.packed("psrlq", X2, X1)
            a.packed("pxor", X0, X2)
            a.packed("psubq", X0, X2)
        else:
            a.packed(_SHIFT_OPS[kind, bits], X0, X1)
        a.movdqu_store(vec, X0)
        c.depth = d - 1
        return False

    return handler


def _shift8(a: Assembler, kind: str) -> None:
    """Byte lanes (no byte shifts in SSE): shifted as words and masked, or (arithmetic) widened to words."""
    if kind == "shr_s":
        a.movdqu_load(X2, X0)
        a.packed("punpcklbw", X2, X2)  # each byte in the high half of a word
        a.packed("punpckhbw", X0, X0)
        a.alu("add", 4, RCX, 8, imm=True)
        a.movq_to_xmm(4, X1, RCX)
        a.packed("psraw", X2, X1)
        a.packed("psraw", X0, X1)
        a.packed("packsswb", X2, X0)
        a.movdqu_load(X0, X2)
        return
    a.mov_imm(4, RDX, 0xFF)
    if kind == "shl":
        a.packed("psllw", X0, X1)
        a.shift("shl", 4, RDX)
    else:
        a.packed("psrlw", X0, X1)
        a.shift("shr", 4, RDX)
    # The byte mask of the bits that stayed in their own byte, in every byte.
    a.movq_to_xmm(4, X2, RDX)
    a.packed("pxor", X3, X3)
    a.packed("pshufb", X2, X3)
    a.packed("pand", X0, X2)


# -- conversions ----------------------------------------------------------------------------------------------
def _convert_u32_to_f32(a: Assembler) -> int:
    """Low 16 bits and high 16 bits converted exactly, then one rounding in the sum."""
    a.movdqu_load(X1, X0)
    a.packed_shift_imm("pslld", X1, 16)
    a.packed_shift_imm("psrld", X1, 16)
    a.packed("psubd", X0, X1)
    a.packed("cvtdq2ps", X1, X1)
    a.packed_shift_imm("psrld", X0, 1)
    a.packed("cvtdq2ps", X0, X0)
    a.packed("addps", X0, X0)
    a.packed("addps", X0, X1)
    return X0


def _trunc_sat_f32_s(a: Assembler) -> int:
    """``cvttps2dq`` gives 0x80000000 for NaN and out-of-range lanes: NaN lanes are zeroed first, positive
    overflow flipped to 0x7FFFFFFF."""
    a.movdqu_load(X1, X0)
    a.packed("cmpps", X1, X1, 0)  # ordered lanes
    a.packed("pand", X0, X1)
    a.packed("pxor", X1, X0)  # sign bit: the lane was positive
    a.packed("cvttps2dq", X0, X0)
    a.packed("pand", X1, X0)
    a.packed_shift_imm("psrad", X1, 31)
    a.packed("pxor", X0, X1)
    return X0


def _trunc_sat_f32_u(a: Assembler) -> int:
    """Negative and NaN lanes to 0, then the lanes below 2^31 and the part from 2^31 converted separately."""
    a.packed("pxor", X1, X1)
    a.packed("maxps", X0, X1)
    _splat_reg(a, X1, 0x4F000000, 32)  # 2^31
    a.movdqu_load(X2, X0)
    a.packed("cvttps2dq", X2, X2)  # right below 2^31, else 0x80000000
    a.packed("subps", X0, X1)
    a.packed("cmpps", X1, X0, 2)  # 2^31 <= x - 2^31: overflow
    a.packed("cvttps2dq", X0, X0)
    a.packed("pxor", X0, X1)  # overflow lanes: 0x80000000 ^ ~0 = 0x7FFFFFFF
    a.packed("pxor", X3, X3)
    a.packed("pmaxsd", X0, X3)  # lanes below 2^31 contribute nothing
    a.packed("paddd", X0, X2)
    return X0


def _f64_const_splat(a: Assembler, reg: int, bits: int) -> None:
    _const(a, reg, bits | bits << 64)


def _trunc_sat_f64_s(a: Assembler) -> int:
    a.movdqu_load(X1, X0)
    a.packed("cmppd", X1, X1, 0)
    a.packed("pand", X0, X1)  # NaN lanes to 0
    _f64_const_splat(a, X1, 0x41DFFFFFFFC00000)  # 2147483647.0
    a.packed("minpd", X0, X1)
    a.packed("cvttpd2dq", X0, X0)
    return X0


def _trunc_sat_f64_u(a: Assembler) -> int:
    """Clamped to [0, 2^32 - 1] and truncated, then the integer read off the mantissa of x + 2^52."""
    a.packed("pxor", X1, X1)
    a.packed("maxpd", X0, X1)
    _f64_const_splat(a, X2, 0x41EFFFFFFFE00000)  # 4294967295.0
    a.packed("minpd", X0, X2)
    a.packed("roundpd", X0, X0, 11)
    _f64_const_splat(a, X2, 0x4330000000000000)  # 2^52
    a.packed("addpd", X0, X2)
    a.packed("shufps", X0, X1, 0x88)
    return X0


def _convert_low_u32_to_f64(a: Assembler) -> int:
    """Each u32 as the mantissa of 2^52 + u, minus 2^52."""
    _splat_reg(a, X1, 0x43300000, 32)
    a.packed("unpcklps", X0, X1)
    _f64_const_splat(a, X1, 0x4330000000000000)
    a.packed("subpd", X0, X1)
    return X0


# -- lanes ----------------------------------------------------------------------------------------------------
_LANE_BYTES = {"i8x16": 1, "i16x8": 2, "i32x4": 4, "i64x2": 8, "f32x4": 4, "f64x2": 8}


def _h_extract(c: FunctionCompiler, i: Instr) -> bool:
    shape, _, kind = i.op.partition(".")
    size = _LANE_BYTES[shape]
    lane = c.int_immediate(i.imm[0])
    a = c.a
    src = _v(c, c.depth - 2)
    at = Mem(src.base, src.disp + lane * size)
    if size == 1 or size == 2:
        if kind.endswith("_s"):
            a.movsx(4, RAX, size, at)
        else:
            a.movzx(4, RAX, size, at)
    else:
        a.mov(size, RAX, at)
    c.depth -= 2
    a.mov(8, c.slot(c.depth), RAX)
    c.push()
    return False


def _h_replace(c: FunctionCompiler, i: Instr) -> bool:
    shape = i.op.partition(".")[0]
    size = _LANE_BYTES[shape]
    lane = c.int_immediate(i.imm[0])
    a = c.a
    vec = _v(c, c.depth - 3)
    a.mov(size if size >= 4 else 4, RAX, c.slot(c.depth - 1))
    a.mov(size, Mem(vec.base, vec.disp + lane * size), RAX)
    c.depth -= 1
    return False


def _h_splat(c: FunctionCompiler, i: Instr) -> bool:
    shape = i.op.partition(".")[0]
    size = _LANE_BYTES[shape]
    a = c.a
    d = c.depth
    a.movq_to_xmm(8 if size == 8 else 4, X0, c.slot(d - 1))
    _broadcast(a, size)
    c.depth = d - 1
    a.movdqu_store(_v(c, c.depth), X0)
    c.push(2)
    return False


def _broadcast(a: Assembler, size: int) -> None:
    """Lane 0 of xmm0 (``size`` bytes) into every lane."""
    if size == 1:
        a.packed("pxor", X1, X1)
        a.packed("pshufb", X0, X1)
    elif size == 2:
        a.packed("pshuflw", X0, X0, 0)
        a.packed("pshufd", X0, X0, 0)
    elif size == 4:
        a.packed("pshufd", X0, X0, 0)
    else:
        a.packed("punpcklqdq", X0, X0)


# -- memory ---------------------------------------------------------------------------------------------------
_EXTEND_LOADS = {"8x8_s": "pmovsxbw", "8x8_u": "pmovzxbw", "16x4_s": "pmovsxwd", "16x4_u": "pmovzxwd",
                 "32x2_s": "pmovsxdq", "32x2_u": "pmovzxdq"}


def _memarg(c: FunctionCompiler, i: Instr) -> int:
    """The memarg's offset (its alignment is a hint only)."""
    return c.int_immediate(i.imm[1])


def _h_load(c: FunctionCompiler, i: Instr) -> bool:
    kind = i.op[len("v128.load"):]
    size = 1 << SIMD_OPCODES_BY_NAME[i.op].natural_align
    a = c.a
    d = c.depth
    m = c.address(c.slot(d - 1), _memarg(c, i), size, memarg_memory(i))
    if kind == "":
        a.movdqu_load(X0, m)
    elif kind in _EXTEND_LOADS:
        a.packed(_EXTEND_LOADS[kind], X0, m)
    elif kind.endswith("_splat"):
        if size <= 2:
            a.movzx(4, RCX, size, m)
            a.movq_to_xmm(4, X0, RCX)
        elif size == 4:
            a.movss_load(4, X0, m)
        else:
            a.movq_load(X0, m)
        _broadcast(a, size)
    elif size == 4:  # load32_zero
        a.movss_load(4, X0, m)
    else:  # load64_zero
        a.movq_load(X0, m)
    a.movdqu_store(_v(c, d - 1), X0)
    c.depth = d + 1
    if c.depth > c.max_depth:
        c.max_depth = c.depth
    return False


def _h_store(c: FunctionCompiler, i: Instr) -> bool:
    d = c.depth
    m = c.address(c.slot(d - 3), _memarg(c, i), 16, memarg_memory(i))
    c.a.movdqu_load(X0, _v(c, d - 2))
    c.a.movdqu_store(m, X0)
    c.depth = d - 3
    return False


_LANE_INSERT = {1: "pinsrb", 2: "pinsrw", 4: "pinsrd", 8: "pinsrq"}
_LANE_EXTRACT = {1: "pextrb", 2: "pextrw", 4: "pextrd", 8: "pextrq"}


def _h_load_lane(c: FunctionCompiler, i: Instr) -> bool:
    size = 1 << SIMD_OPCODES_BY_NAME[i.op].natural_align
    lane = c.int_immediate(i.imm[2])
    a = c.a
    d = c.depth
    m = c.address(c.slot(d - 3), _memarg(c, i), size, memarg_memory(i))
    a.movdqu_load(X0, _v(c, d - 2))
    a.lane_insert(_LANE_INSERT[size], X0, m, lane)
    c.depth = d - 1
    a.movdqu_store(_v(c, d - 3), X0)
    return False


def _h_store_lane(c: FunctionCompiler, i: Instr) -> bool:
    size = 1 << SIMD_OPCODES_BY_NAME[i.op].natural_align
    lane = c.int_immediate(i.imm[2])
    a = c.a
    d = c.depth
    m = c.address(c.slot(d - 3), _memarg(c, i), size, memarg_memory(i))
    a.movdqu_load(X0, _v(c, d - 2))
    a.lane_extract(_LANE_EXTRACT[size], m, X0, lane)
    c.depth = d - 3
    return False


SIMD_OPCODES_BY_NAME = {info.name: info for info in SIMD_OPCODES.values()}
#: The SIMD instructions that access memory (the memory base register is loaded in their functions).
SIMD_MEMORY_OPS = frozenset(name for name, info in SIMD_OPCODES_BY_NAME.items()
                            if info.immediate in ("memarg", "memarg_lane"))


def _handlers() -> dict[str, Handler]:
    h: dict[str, Handler] = {"v128.const": _h_const, "i8x16.shuffle": _h_shuffle,
                             "i8x16.swizzle": _binary(_swizzle), "v128.bitselect": _ternary(_bitselect),
                             "v128.any_true": _to_i32(_any_true), "v128.not": _unary(_not(lambda a: X0)),
                             "v128.store": _h_store}
    for name, info in SIMD_OPCODES_BY_NAME.items():
        if info.immediate == "memarg" and name != "v128.store":
            h[name] = _h_load
        elif name.endswith("_lane") and name.startswith("v128.load"):
            h[name] = _h_load_lane
        elif name.endswith("_lane") and name.startswith("v128.store"):
            h[name] = _h_store_lane
        elif ".extract_lane" in name:
            h[name] = _h_extract
        elif name.endswith(".replace_lane"):
            h[name] = _h_replace
        elif name.endswith(".splat"):
            h[name] = _h_splat
    binary = {
        "v128.and": "pand", "v128.or": "por", "v128.xor": "pxor",
        "i8x16.add": "paddb", "i8x16.sub": "psubb", "i8x16.add_sat_s": "paddsb", "i8x16.add_sat_u": "paddusb",
        "i8x16.sub_sat_s": "psubsb", "i8x16.sub_sat_u": "psubusb", "i8x16.min_s": "pminsb",
        "i8x16.min_u": "pminub", "i8x16.max_s": "pmaxsb", "i8x16.max_u": "pmaxub", "i8x16.avgr_u": "pavgb",
        "i8x16.eq": "pcmpeqb", "i8x16.gt_s": "pcmpgtb", "i8x16.narrow_i16x8_s": "packsswb",
        "i8x16.narrow_i16x8_u": "packuswb",
        "i16x8.add": "paddw", "i16x8.sub": "psubw", "i16x8.mul": "pmullw", "i16x8.add_sat_s": "paddsw",
        "i16x8.add_sat_u": "paddusw", "i16x8.sub_sat_s": "psubsw", "i16x8.sub_sat_u": "psubusw",
        "i16x8.min_s": "pminsw", "i16x8.min_u": "pminuw", "i16x8.max_s": "pmaxsw", "i16x8.max_u": "pmaxuw",
        "i16x8.avgr_u": "pavgw", "i16x8.eq": "pcmpeqw", "i16x8.gt_s": "pcmpgtw",
        "i16x8.narrow_i32x4_s": "packssdw", "i16x8.narrow_i32x4_u": "packusdw",
        "i32x4.add": "paddd", "i32x4.sub": "psubd", "i32x4.mul": "pmulld", "i32x4.min_s": "pminsd",
        "i32x4.min_u": "pminud", "i32x4.max_s": "pmaxsd", "i32x4.max_u": "pmaxud", "i32x4.eq": "pcmpeqd",
        "i32x4.gt_s": "pcmpgtd", "i32x4.dot_i16x8_s": "pmaddwd",
        "i64x2.add": "paddq", "i64x2.sub": "psubq", "i64x2.eq": "pcmpeqq", "i64x2.gt_s": "pcmpgtq",
        "f32x4.add": "addps", "f32x4.sub": "subps", "f32x4.mul": "mulps", "f32x4.div": "divps",
        "f64x2.add": "addpd", "f64x2.sub": "subpd", "f64x2.mul": "mulpd", "f64x2.div": "divpd",
    }
    for name, instr in binary.items():
        h[name] = _binary(_op(instr))
    h["v128.andnot"] = _binary(_op("pandn", swap=True))
    for shape, (eq, gt, maxu, minu, sub) in {
        "i8x16": ("pcmpeqb", "pcmpgtb", "pmaxub", "pminub", "psubb"),
        "i16x8": ("pcmpeqw", "pcmpgtw", "pmaxuw", "pminuw", "psubw"),
        "i32x4": ("pcmpeqd", "pcmpgtd", "pmaxud", "pminud", "psubd"),
        "i64x2": ("pcmpeqq", "pcmpgtq", "", "", "psubq"),
    }.items():
        h[f"{shape}.ne"] = _binary(_not(_op(eq)))
        h[f"{shape}.lt_s"] = _binary(_op(gt, swap=True))
        h[f"{shape}.le_s"] = _binary(_not(_op(gt)))
        h[f"{shape}.ge_s"] = _binary(_not(_op(gt, swap=True)))
        h[f"{shape}.neg"] = _unary(_neg(sub))
        if maxu:
            h[f"{shape}.ge_u"] = _binary(_unsigned_ge(maxu, eq))
            h[f"{shape}.le_u"] = _binary(_unsigned_ge(minu, eq))
            h[f"{shape}.lt_u"] = _binary(_not(_unsigned_ge(maxu, eq)))
            h[f"{shape}.gt_u"] = _binary(_not(_unsigned_ge(minu, eq)))
    for shape, size in (("f32x4", 4), ("f64x2", 8)):
        s = "ps" if size == 4 else "pd"
        for name, predicate, swap in (("eq", 0, False), ("ne", 4, False), ("lt", 1, False), ("le", 2, False),
                                      ("gt", 1, True), ("ge", 2, True)):
            h[f"{shape}.{name}"] = _binary(_op("cmp" + s, swap, predicate))
        h[f"{shape}.min"] = _binary(_fmin_max(size, False))
        h[f"{shape}.max"] = _binary(_fmin_max(size, True))
        h[f"{shape}.pmin"] = _binary(_op("min" + s, swap=True))
        h[f"{shape}.pmax"] = _binary(_op("max" + s, swap=True))
        h[f"{shape}.abs"] = _unary(_fabs(size))
        h[f"{shape}.neg"] = _unary(_fneg(size))
        h[f"{shape}.sqrt"] = _unary(_single("sqrt" + s))
        for name, mode in (("nearest", 0), ("floor", 1), ("ceil", 2), ("trunc", 3)):
            h[f"{shape}.{name}"] = _unary(_round(size, mode))
    for shape, abs_op in (("i8x16", "pabsb"), ("i16x8", "pabsw"), ("i32x4", "pabsd")):
        h[f"{shape}.abs"] = _unary(_single(abs_op))
    h["i64x2.abs"] = _unary(_i64_abs)
    h["i64x2.mul"] = _binary(_i64_mul)
    h["i8x16.popcnt"] = _unary(_popcnt)
    h["i16x8.q15mulr_sat_s"] = _binary(_q15mulr)
    for shape, eq, bits in (("i8x16", "pcmpeqb", 8), ("i16x8", "pcmpeqw", 16), ("i32x4", "pcmpeqd", 32),
                            ("i64x2", "pcmpeqq", 64)):
        h[f"{shape}.all_true"] = _to_i32(_all_true(eq))
        h[f"{shape}.bitmask"] = _to_i32(_bitmask(bits))
        for kind in ("shl", "shr_s", "shr_u"):
            h[f"{shape}.{kind}"] = _shift(kind, bits)
    for wide, narrow, s_ext, u_ext in (("i16x8", "i8x16", "pmovsxbw", "pmovzxbw"),
                                       ("i32x4", "i16x8", "pmovsxwd", "pmovzxwd"),
                                       ("i64x2", "i32x4", "pmovsxdq", "pmovzxdq")):
        for sign, ext in (("s", s_ext), ("u", u_ext)):
            h[f"{wide}.extend_low_{narrow}_{sign}"] = _unary(_single(ext))
            h[f"{wide}.extend_high_{narrow}_{sign}"] = _unary(_high_half(_single(ext)))
            if wide != "i64x2":
                mul = "pmullw" if wide == "i16x8" else "pmulld"
                h[f"{wide}.extmul_low_{narrow}_{sign}"] = _binary(_extmul(ext, mul, False))
                h[f"{wide}.extmul_high_{narrow}_{sign}"] = _binary(_extmul(ext, mul, True))
            else:
                mul = "pmuldq" if sign == "s" else "pmuludq"
                h[f"{wide}.extmul_low_{narrow}_{sign}"] = _binary(_extmul64(mul, False))
                h[f"{wide}.extmul_high_{narrow}_{sign}"] = _binary(_extmul64(mul, True))
    for sign in ("s", "u"):
        h[f"i16x8.extadd_pairwise_i8x16_{sign}"] = _unary(_extadd(sign == "s", 8))
        h[f"i32x4.extadd_pairwise_i16x8_{sign}"] = _unary(_extadd(sign == "s", 16))
    h["f32x4.convert_i32x4_s"] = _unary(_single("cvtdq2ps"))
    h["f32x4.convert_i32x4_u"] = _unary(_convert_u32_to_f32)
    h["i32x4.trunc_sat_f32x4_s"] = _unary(_trunc_sat_f32_s)
    h["i32x4.trunc_sat_f32x4_u"] = _unary(_trunc_sat_f32_u)
    h["i32x4.trunc_sat_f64x2_s_zero"] = _unary(_trunc_sat_f64_s)
    h["i32x4.trunc_sat_f64x2_u_zero"] = _unary(_trunc_sat_f64_u)
    h["f64x2.convert_low_i32x4_s"] = _unary(_single("cvtdq2pd"))
    h["f64x2.convert_low_i32x4_u"] = _unary(_convert_low_u32_to_f64)
    h["f32x4.demote_f64x2_zero"] = _unary(_single("cvtpd2ps"))
    h["f64x2.promote_low_f32x4"] = _unary(_single("cvtps2pd"))
    missing = set(SIMD_OPCODES_BY_NAME) - set(h)
    if missing:
        raise AssertionError(f"SIMD instructions without a lowering: {sorted(missing)}")
    return h


SIMD_HANDLERS = _handlers()
