"""The x86-64 encoder against two independent oracles: GNU ``as`` (same Intel-syntax text → same bytes) and
capstone (our bytes → the text we meant). Every form the compiler uses appears here; a hypothesis property test
covers register/addressing-mode combinations, all batched into a single ``as`` run per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import capstone
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter.obj.model import RelocKind
from emitter.x64.asm import (
    ALU,
    CC,
    GPR_NAMES,
    LANE_EXTRACT,
    LANE_INSERT,
    PACKED,
    PACKED_SHIFT_IMM,
    R8,
    R11,
    R12,
    R13,
    RAX,
    RBP,
    RBX,
    RCX,
    RDI,
    RDX,
    RSI,
    RSP,
    SHIFT,
    SSE,
    Assembler,
    Mem,
    RipRel,
)
from tests.tools import run

Case = tuple[Callable[[Assembler], None], str]

_R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + [f"r{i}d" for i in range(8, 16)]
_R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] + [f"r{i}w" for i in range(8, 16)]
_R8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"] + [f"r{i}b" for i in range(8, 16)]
_PTR = {1: "byte", 2: "word", 4: "dword", 8: "qword", 16: "xmmword"}


def reg(size: int, r: int) -> str:
    return {1: _R8, 2: _R16, 4: _R32, 8: GPR_NAMES}[size][r]


def mem(m: Mem, size: int | None = None) -> str:
    parts = []
    if m.base is not None:
        parts.append(GPR_NAMES[m.base])
    if m.index is not None:
        parts.append(f"{GPR_NAMES[m.index]}*{m.scale}")
    text = " + ".join(parts)
    if m.disp or not parts:
        sign = "-" if m.disp < 0 else "+"
        text = f"{text} {sign} {abs(m.disp):#x}" if parts else f"{m.disp:#x}"
    body = f"[{text}]"
    return f"{_PTR[size]} ptr {body}" if size else body


def assemble(tmp_path: Path, texts: list[str]) -> tuple[bytes, list[tuple[int, int, str, int]]]:
    """Assemble with GNU as; return .text and its relocations as (offset, type, symbol, addend)."""
    src = tmp_path / "t.s"
    src.write_text(".intel_syntax noprefix\n.text\n" + "\n".join(texts) + "\n")
    obj = tmp_path / "t.o"
    run(["as", "--64", "-o", obj, src])
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        text = elf.get_section_by_name(".text").data()
        relocs = []
        rela = elf.get_section_by_name(".rela.text")
        if isinstance(rela, RelocationSection):
            symtab = elf.get_section(rela["sh_link"])
            for r in rela.iter_relocations():
                relocs.append((r["r_offset"], r["r_info_type"], symtab.get_symbol(r["r_info_sym"]).name,
                               r["r_addend"]))
    return text, relocs


def disassemble(code: bytes) -> list[str]:
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    return [f"{i.mnemonic} {i.op_str}".strip() for i in md.disasm(code, 0)]


def check(tmp_path: Path, cases: list[Case]) -> None:
    """Encode every case; the concatenation must equal what ``as`` makes of the texts, instruction by
    instruction (reported by index and text on the first difference)."""
    a = Assembler()
    bounds = []
    for emit, _ in cases:
        start = a.offset
        emit(a)
        bounds.append((start, a.offset))
    theirs, relocs = assemble(tmp_path, [text for _, text in cases])
    for (start, end), (_, text) in zip(bounds, cases, strict=True):
        ours = bytes(a.code[start:end])
        expected = theirs[start:start + len(ours)]
        assert ours == expected, f"{text}: ours {ours.hex(' ')}, as {theirs[start:start + 16].hex(' ')}"
    assert bytes(a.code) == theirs
    ours_relocs = [(r.offset, r.kind, r.symbol, r.addend) for r in a.relocations]
    kinds = {2: RelocKind.PC_RELATIVE, 4: RelocKind.CALL}  # R_X86_64_PC32, R_X86_64_PLT32
    assert ours_relocs == [(off, kinds[t], sym, add) for off, t, sym, add in relocs]


def cases_basic() -> list[Case]:
    c: list[Case] = []
    frame = Mem(RBP, -8)
    for size in (1, 2, 4, 8):
        c.append((lambda a, s=size: a.mov(s, RAX, RCX), f"mov {reg(size, RAX)}, {reg(size, RCX)}"))
        c.append((lambda a, s=size: a.mov(s, frame, RSI), f"mov {mem(frame, size)}, {reg(size, RSI)}"))
        c.append((lambda a, s=size: a.mov(s, R13, Mem(R12, 0x1000)), f"mov {reg(size, R13)}, "
                  f"{mem(Mem(R12, 0x1000), size)}"))
        c.append((lambda a, s=size: a.mov_store_imm(s, Mem(RSP, 16), -3),
                  f"mov {mem(Mem(RSP, 16), size)}, -3"))
    c.append((lambda a: a.mov(1, Mem(RAX, 0, RBX, 1), RDI), "mov byte ptr [rax + rbx*1], dil"))
    c.append((lambda a: a.mov_imm(4, R11, 0x12345678), "mov r11d, 0x12345678"))
    c.append((lambda a: a.mov_imm(8, RAX, -1), "mov rax, -1"))
    c.append((lambda a: a.mov_imm(8, R8, 0x123456789A), "movabs r8, 0x123456789a"))
    c.append((lambda a: a.movzx(4, RAX, 1, RCX), "movzx eax, cl"))
    c.append((lambda a: a.movzx(4, RAX, 1, RSI), "movzx eax, sil"))
    c.append((lambda a: a.movzx(8, RAX, 2, Mem(RBX, 2, RAX, 1)), "movzx rax, word ptr [rbx + rax*1 + 2]"))
    c.append((lambda a: a.movsx(4, RAX, 1, Mem(RBX, 0, RAX, 1)), "movsx eax, byte ptr [rbx + rax*1]"))
    c.append((lambda a: a.movsx(8, RAX, 2, RAX), "movsx rax, ax"))
    c.append((lambda a: a.movsx(8, RAX, 4, Mem(RBP, -16)), "movsxd rax, dword ptr [rbp - 0x10]"))
    c.append((lambda a: a.lea(8, RSP, Mem(RBP, -24)), "lea rsp, [rbp - 0x18]"))
    c.append((lambda a: a.lea(8, RAX, Mem(RSP, -0x80000)), "lea rax, [rsp - 0x80000]"))
    c.append((lambda a: a.lea(8, RDX, Mem(RCX, 0, RAX, 1)), "lea rdx, [rcx + rax*1]"))
    c.append((lambda a: a.lea(8, RCX, Mem(R13, 0)), "lea rcx, [r13]"))
    c.append((lambda a: a.lea(8, RCX, Mem(None, 0x40, RAX, 8)), "lea rcx, [rax*8 + 0x40]"))
    for r in (RBP, RBX, R12, R13):
        c.append((lambda a, r=r: a.push(r), f"push {GPR_NAMES[r]}"))
        c.append((lambda a, r=r: a.pop(r), f"pop {GPR_NAMES[r]}"))
    for op in ALU:
        for size in (4, 8):
            c.append((lambda a, op=op, s=size: a.alu(op, s, RAX, R8), f"{op} {reg(size, RAX)}, {reg(size, R8)}"))
            c.append((lambda a, op=op, s=size: a.alu(op, s, RCX, Mem(RBP, -0x100)),
                      f"{op} {reg(size, RCX)}, {mem(Mem(RBP, -0x100), size)}"))
            c.append((lambda a, op=op, s=size: a.alu(op, s, Mem(RBP, -8), RDX),
                      f"{op} {mem(Mem(RBP, -8), size)}, {reg(size, RDX)}"))
            c.append((lambda a, op=op, s=size: a.alu(op, s, RCX, 5, imm=True), f"{op} {reg(size, RCX)}, 5"))
            c.append((lambda a, op=op, s=size: a.alu(op, s, RAX, 0x1000, imm=True), f"{op} {reg(size, RAX)}, 0x1000"))
            c.append((lambda a, op=op, s=size: a.alu(op, s, R12, 0x1000, imm=True), f"{op} {reg(size, R12)}, 0x1000"))
        c.append((lambda a, op=op: a.alu(op, 1, RCX, RDX), f"{op} cl, dl"))
    c.append((lambda a: a.alu("cmp", 1, RipRel("flag"), 0, imm=True), "cmp byte ptr [rip + flag], 0"))
    c.append((lambda a: a.alu("cmp", 8, RSP, RipRel("limit")), "cmp rsp, qword ptr [rip + limit]"))
    c.append((lambda a: a.mov_store_imm(8, RipRel("state", 8), 0x100), "mov qword ptr [rip + state + 8], 0x100"))
    c.append((lambda a: a.lea(8, RSI, RipRel("data", 16)), "lea rsi, [rip + data + 16]"))
    c.append((lambda a: a.call_symbol("callee"), "call callee@PLT"))
    for size in (4, 8):
        c.append((lambda a, s=size: a.test(s, RAX, RAX), f"test {reg(size, RAX)}, {reg(size, RAX)}"))
        c.append((lambda a, s=size: a.imul(s, RAX, Mem(RBP, -16)), f"imul {reg(size, RAX)}, "
                  f"{mem(Mem(RBP, -16), size)}"))
        for op in ("not", "neg", "mul", "div", "idiv"):
            c.append((lambda a, op=op, s=size: a.unary(op, s, RCX), f"{op} {reg(size, RCX)}"))
        for op in SHIFT:
            c.append((lambda a, op=op, s=size: a.shift(op, s, RAX), f"{op} {reg(size, RAX)}, cl"))
            c.append((lambda a, op=op, s=size: a.shift(op, s, RDX, 1), f"{op} {reg(size, RDX)}, 1"))
            c.append((lambda a, op=op, s=size: a.shift(op, s, R11, 16), f"{op} {reg(size, R11)}, 0x10"))
        for op in ("bt", "btc", "btr", "bts"):
            c.append((lambda a, op=op, s=size: a.bt(op, s, RAX, 31), f"{op} {reg(size, RAX)}, 0x1f"))
        c.append((lambda a, s=size: a.bsr(s, RAX, RCX), f"bsr {reg(size, RAX)}, {reg(size, RCX)}"))
        c.append((lambda a, s=size: a.bsf(s, RAX, RCX), f"bsf {reg(size, RAX)}, {reg(size, RCX)}"))
        c.append((lambda a, s=size: a.popcnt(s, RAX, Mem(RBP, -8)), f"popcnt {reg(size, RAX)}, "
                  f"{mem(Mem(RBP, -8), size)}"))
        c.append((lambda a, s=size: a.cmov("e", s, RAX, RCX), f"cmove {reg(size, RAX)}, {reg(size, RCX)}"))
    c.append((lambda a: a.test(1, RCX, RCX), "test cl, cl"))
    for cc in CC:
        c.append((lambda a, cc=cc: a.setcc(cc, RAX), f"set{cc} al"))
    c.append((lambda a: a.setcc("e", RSI), "sete sil"))
    c.append((lambda a: a.cdq(), "cdq"))
    c.append((lambda a: a.cqo(), "cqo"))
    c.append((lambda a: a.call_indirect(R11), "call r11"))
    c.append((lambda a: a.jmp_indirect(RAX), "jmp rax"))
    for name, emit in [("ret", Assembler.ret), ("ud2", Assembler.ud2), ("nop", Assembler.nop),
                       ("int3", Assembler.int3), ("rep movsb", Assembler.rep_movsb),
                       ("rep stosb", Assembler.rep_stosb), ("std", Assembler.std), ("cld", Assembler.cld)]:
        c.append((emit, name))
    return c


def cases_sse() -> list[Case]:
    c: list[Case] = []
    for op in SSE:
        c.append((lambda a, op=op: a.sse(op, 1, 9), f"{op} xmm1, xmm9"))
        size = 8 if op.endswith(("sd", "pd")) else 4
        if op.endswith(("ps", "pd")):
            continue
        ptr = {"cvtss2sd": 4, "cvtsd2ss": 8}.get(op, size)
        c.append((lambda a, op=op: a.sse(op, 0, Mem(RBP, -8)), f"{op} xmm0, {mem(Mem(RBP, -8), ptr)}"))
    for size, name in ((4, "movss"), (8, "movsd")):
        c.append((lambda a, s=size: a.movss_load(s, 0, Mem(RBP, -8)), f"{name} xmm0, {mem(Mem(RBP, -8), size)}"))
        c.append((lambda a, s=size: a.movss_store(s, Mem(R12, 8), 12), f"{name} {mem(Mem(R12, 8), size)}, xmm12"))
        c.append((lambda a, s=size: a.movss_load(s, 1, 2), f"{name} xmm1, xmm2"))
        fname = "ss" if size == 4 else "sd"
        for isize in (4, 8):
            c.append((lambda a, s=size, i=isize: a.cvtsi2f(s, 0, i, RAX),
                      f"cvtsi2{fname} xmm0, {reg(isize, RAX)}"))
            c.append((lambda a, s=size, i=isize: a.cvttf2si(i, RAX, s, 1), f"cvtt{fname}2si {reg(isize, RAX)}, xmm1"))
        c.append((lambda a, s=size: a.cvtsi2f(s, 0, 4, Mem(RBP, -8)), f"cvtsi2{fname} xmm0, dword ptr [rbp - 8]"))
        for mode in (8, 9, 10, 11):
            c.append((lambda a, s=size, m=mode: a.round(s, 0, 0, m), f"round{fname} xmm0, xmm0, {mode}"))
    c.append((lambda a: a.movq_to_xmm(4, 1, RCX), "movd xmm1, ecx"))
    c.append((lambda a: a.movq_to_xmm(8, 1, RCX), "movq xmm1, rcx"))
    c.append((lambda a: a.movq_from_xmm(4, RAX, 0), "movd eax, xmm0"))
    c.append((lambda a: a.movq_from_xmm(8, R8, 15), "movq r8, xmm15"))
    c.append((lambda a: a.movups_load(0, Mem(RSI, 0, RCX, 1)), f"movups xmm0, {mem(Mem(RSI, 0, RCX, 1), 16)}"))
    c.append((lambda a: a.movups_store(Mem(R12, 8, R8, 1), 11), f"movups {mem(Mem(R12, 8, R8, 1), 16)}, xmm11"))
    return c


#: Packed instructions that take an immediate, and one the ``as`` text spells it with.
_PACKED_IMM = {"pshufd": 0x1B, "pshuflw": 0xE4, "cmpps": 3, "cmppd": 6, "shufps": 0x88, "roundps": 9, "roundpd": 11,
               "pblendw": 0xF0, "palignr": 5}


_CMP_PREDICATES = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"]


def cases_packed() -> list[Case]:
    """Every packed instruction the SIMD lowering emits, register-register (with REX registers) and from memory."""
    c: list[Case] = []
    for op in PACKED:
        imm = _PACKED_IMM.get(op)
        tail = "" if imm is None else f", {imm}"
        text = op
        if op.startswith("cmpp"):  # capstone spells the predicate as as does: cmpunordps
            text, tail = f"cmp{_CMP_PREDICATES[imm or 0]}{op[-2:]}", ""
        c.append((lambda a, op=op, i=imm: a.packed(op, 2, 11, i), f"{text} xmm2, xmm11{tail}"))
        c.append((lambda a, op=op, i=imm: a.packed(op, 9, 0, i), f"{text} xmm9, xmm0{tail}"))
        ptr = "qword ptr" if op.startswith("pmov") or op in ("cvtps2pd", "cvtdq2pd") else "xmmword ptr"
        c.append((lambda a, op=op, i=imm: a.packed(op, 0, Mem(RBX, 0, RAX, 1), i),
                  f"{text} xmm0, {ptr} [rbx + rax*1]{tail}"))
    for op in PACKED_SHIFT_IMM:
        c.append((lambda a, op=op: a.packed_shift_imm(op, 3, 7), f"{op} xmm3, 7"))
        c.append((lambda a, op=op: a.packed_shift_imm(op, 12, 31), f"{op} xmm12, 31"))
    for op, (_, size) in LANE_INSERT.items():
        gpr = reg(8 if size == 8 else 4, RAX)
        c.append((lambda a, op=op: a.lane_insert(op, 1, RAX, 1), f"{op} xmm1, {gpr}, 1"))
        c.append((lambda a, op=op, s=size: a.lane_insert(op, 0, Mem(RBX, 0, RAX, 1), 16 // s - 1),
                  f"{op} xmm0, {mem(Mem(RBX, 0, RAX, 1), size)}, {16 // size - 1}"))
    for op, (_, size) in LANE_EXTRACT.items():
        c.append((lambda a, op=op, s=size: a.lane_extract(op, Mem(RBX, 0, RAX, 1), 10, 16 // s - 1),
                  f"{op} {mem(Mem(RBX, 0, RAX, 1), size)}, xmm10, {16 // size - 1}"))
    frame = Mem(RBP, -0x28)
    c.append((lambda a: a.movdqu_load(0, frame), "movdqu xmm0, xmmword ptr [rbp - 0x28]"))
    c.append((lambda a: a.movdqu_load(3, 13), "movdqu xmm3, xmm13"))
    c.append((lambda a: a.movdqu_store(frame, 9), "movdqu xmmword ptr [rbp - 0x28], xmm9"))
    c.append((lambda a: a.movdqu_load(1, RipRel("g", 16)), "movdqu xmm1, xmmword ptr [rip + g + 16]"))
    c.append((lambda a: a.movq_load(2, Mem(RBX, 0, RAX, 1)), "movq xmm2, qword ptr [rbx + rax*1]"))
    c.append((lambda a: a.pmovmskb(RAX, 0), "pmovmskb eax, xmm0"))
    c.append((lambda a: a.pmovmskb(R8, 14), "pmovmskb r8d, xmm14"))
    c.append((lambda a: a.movmsk(4, RAX, 2), "movmskps eax, xmm2"))
    c.append((lambda a: a.movmsk(8, RAX, 10), "movmskpd eax, xmm10"))
    return c


def test_encoder_matches_gnu_as(tmp_path: Path) -> None:
    check(tmp_path, cases_basic() + cases_sse() + cases_packed())


def test_capstone_reads_back_what_we_meant() -> None:
    """Capstone decodes each encoding to an instruction of the same mnemonic and the same length."""
    for emit, text in cases_basic() + cases_sse() + cases_packed():
        a = Assembler()
        emit(a)
        decoded = disassemble(bytes(a.code))
        assert len(decoded) == 1, (text, decoded)
        mnemonic = text.split()[0] if not text.startswith("rep") else text
        assert decoded[0].startswith(mnemonic.replace("@PLT", "")), (text, decoded)


def test_labels_resolve_both_directions() -> None:
    a = Assembler()
    back = a.label()
    a.bind(back)
    a.nop()
    fwd = a.label()
    a.jcc("ne", fwd)
    a.jmp(back)
    a.bind(fwd)
    a.ret()
    assert disassemble(bytes(a.code)) == ["nop", "jne 0xc", "jmp 0", "ret"]


_REGS = st.integers(0, 15)
_MEMS = st.builds(Mem, st.integers(0, 15), st.sampled_from([0, 8, -8, 127, -128, 128, 0x7FFFFFF0, -0x80000000]),
                  st.one_of(st.none(), st.integers(0, 15).filter(lambda r: r != RSP)), st.sampled_from([1, 2, 4, 8]))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["mov_rm", "mov_mr", "alu", "lea", "movsx", "sse"]), _REGS, _MEMS,
                          st.sampled_from([1, 2, 4, 8])), min_size=40, max_size=40))
def test_operand_combinations_match_gnu_as(tmp_path_factory: object, program: list) -> None:
    """Random register × addressing-mode combinations (REX bits, SIB, rbp/r13 and rsp/r12 special cases,
    disp8/disp32), 40 per example, one ``as`` run per example."""
    import tempfile

    cases: list[Case] = []
    for kind, r, m, size in program:
        m = Mem(m.base, m.disp, m.index, m.scale if m.index is not None else 1)
        match kind:
            case "mov_rm":
                cases.append((lambda a, r=r, m=m, s=size: a.mov(s, r, m), f"mov {reg(size, r)}, {mem(m, size)}"))
            case "mov_mr":
                cases.append((lambda a, r=r, m=m, s=size: a.mov(s, m, r), f"mov {mem(m, size)}, {reg(size, r)}"))
            case "alu":
                s = max(size, 4)
                cases.append((lambda a, r=r, m=m, s=s: a.alu("sub", s, r, m), f"sub {reg(s, r)}, {mem(m, s)}"))
            case "lea":
                cases.append((lambda a, r=r, m=m: a.lea(8, r, m), f"lea {reg(8, r)}, {mem(m)}"))
            case "movsx":
                src = min(size, 2)
                cases.append((lambda a, r=r, m=m, s=src: a.movsx(8, r, s, m), f"movsx {reg(8, r)}, {mem(m, src)}"))
            case "sse":
                cases.append((lambda a, r=r, m=m: a.sse("addsd", r, m), f"addsd xmm{r}, {mem(m, 8)}"))
    with tempfile.TemporaryDirectory() as d:
        check(Path(d), cases)


def test_rip_relative_addend_accounts_for_trailing_immediate() -> None:
    a = Assembler()
    a.alu("cmp", 8, RipRel("x", 8), 0x1000, imm=True)
    (r,) = a.relocations
    assert (r.offset, r.addend) == (3, 8 - 8)  # disp field at 3, 4-byte imm after it
    assert a.offset == 11
    _ = (RDI, RSI)
