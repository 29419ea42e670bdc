"""Guard-region traps in an AOT object for x86-64 Linux: the object's own SIGSEGV/SIGBUS handler, in machine code.

The JIT's accesses without a compare (``guards.py``) rely on the runtime's handler (``emitter/runtime/
jitdebug_guard.c``). A C host links nothing but the object (``aot_memory.py``), so an object whose code has such
accesses brings its handler along, written here with raw Linux system calls (no libc symbol, as ``aot_memory.py``):

``<m>.guard_install`` (called by ``<m>.instantiate`` right after ``<m>.memory_reserve``, so once per process)
    ``rt_sigaction`` of ``<m>.guard_handler`` for SIGSEGV and SIGBUS (``SA_SIGINFO | SA_ONSTACK | SA_RESTORER``,
    empty mask), the action it replaces kept in ``<m>.guard_previous``; then calls ``jitdebug_guard_armed``. If the
    kernel refuses, the process ends with a one-line error and exit code 1 (the accesses would crash instead of
    trapping).
``<m>.guard_handler`` (``void (int, siginfo_t *, ucontext_t *)``)
    a fault the kernel raised (``si_code > 0``) whose address lies in the reservation of one of the object's 32-bit
    memories (base to base + ``reserved``, from the memory records) at a pc inside one of the object's guard sites
    (``<m>.guard_sites``) resumes at the site's trap stub with rax = the faulting address, as the JIT's handler
    does: the stub reports the trap exactly as an explicit check's. Anything else calls ``jitdebug_guard_unhandled``
    and goes to the previous action, as it expects: an ``SA_SIGINFO`` handler or a plain one is jumped to with the
    handler's own arguments (so it returns through the restorer as if the kernel had called it), and ``SIG_DFL`` or
    ``SIG_IGN`` is put back as it was, then the handler returns: a fault happens again when the instruction runs
    again, with the old disposition (the process dies of the signal, or an ignored one is forced to the default by
    the kernel, as without us); a signal that was sent is sent again to the thread (``tgkill``). Two objects in one
    process chain this way: the later one's previous action is the earlier one's handler.
``<m>.guard_restorer``
    ``rt_sigreturn``: x86-64 Linux needs ``SA_RESTORER`` (the return address the kernel pushes for the handler).
    Its call-frame information is the signal frame's (a CIE with augmentation ``S``, the interrupted registers read
    from the ``ucontext`` at rsp), so a debugger stopped in the handler unwinds through it into the interrupted
    code; its FDE starts one byte (a ``nop``) before the address the kernel returns to, because an unwinder looks
    up a caller's FDE at its return address minus one, as glibc's ``__restore_rt`` does.
``jitdebug_guard_armed``, ``jitdebug_guard_unhandled``
    weak empty functions with the names of the runtime's hooks (``jitdebug_guard.h``), where the debugger plugins
    break to let guard faults pass silently and to stop again on a real crash; every object defines them weak, the
    linker keeps one.

The sites table (also what the LLDB plugin reads) and one record per object in the read-only section
``jitdebug_guards`` (a C identifier: the linker keeps it whole), pointers as ``rel32`` offsets from the field that
holds them (no dynamic relocation in a PIE), little endian, records 8-byte aligned::

    record  u32 magic "JDGS"  u32 version (1)  u32 record size  u32 site count  u32 memory count
            rel32 <m>.guard_sites  rel32 memory record (base at 0, reserved bytes at 24)*  zero padding to 8
    site    rel32 code start  u32 code length  rel32 trap stub

The handler scans the sites linearly (a fault is rare; the table is in code order per function). The Windows
target keeps explicit checks (an object there would need a vectored exception handler).
"""

from __future__ import annotations

import struct

from ..compiled import CompiledFunction, DataBlob, LineEntry, LineTable
from ..encoding import sleb128, uleb128
from ..obj.model import Relocation, RelocKind
from ..unwind import UnwindProgram
from ..x64.asm import R8, R9, R10, R11, RAX, RCX, RDI, RDX, RSI, RSP, Assembler, Label, Mem, RipRel
from .aot_memory import epilogue, fatal, finished, prologue
from .runtime import MEMORY_RECORD_BASE, MEMORY_RECORD_RESERVED, StateSymbols

ARMED = "jitdebug_guard_armed"
UNHANDLED = "jitdebug_guard_unhandled"
HOOKS = (ARMED, UNHANDLED)
SECTION = "jitdebug_guards"
MAGIC = 0x5347444A  # "JDGS"
VERSION = 1
_HEADER = 24
_SITE = 12

_SIGBUS = 7
_SIGSEGV = 11
_SIGNALS = (_SIGSEGV, _SIGBUS)
_SA_SIGINFO_BIT = 2
_SA_FLAGS = 0x4 | 0x0400_0000 | 0x0800_0000  # SA_SIGINFO | SA_RESTORER | SA_ONSTACK
_SIG_IGN = 1
_KERNEL_SIGACTION = 32  # handler, flags, restorer, 8-byte mask
_SIGSET_SIZE = 8
_SYS_RT_SIGACTION = 13
_SYS_RT_SIGRETURN = 15
_SYS_GETPID = 39
_SYS_GETTID = 186
_SYS_TGKILL = 234
#: ``siginfo_t`` and ``ucontext_t`` on x86-64 Linux: si_code, si_addr; uc_mcontext.gregs at 40 (REG_R8 = 0 ..).
_SI_CODE = 8
_SI_ADDR = 16
_GREGS = 40
_GREG = {"r8": 0, "r9": 1, "r10": 2, "r11": 3, "r12": 4, "r13": 5, "r14": 6, "r15": 7, "rdi": 8, "rsi": 9,
         "rbp": 10, "rbx": 11, "rdx": 12, "rax": 13, "rcx": 14, "rsp": 15, "rip": 16}
_INSTALL_FAILED = b"jitdebug: error: cannot install the guard-region signal handler\n"


def _greg(name: str) -> int:
    return _GREGS + 8 * _GREG[name]


def guard_functions(state: StateSymbols, functions: list[CompiledFunction],
                    memories: list[int]) -> tuple[list[CompiledFunction], list[DataBlob]]:
    """The handler and what it needs for the guard sites of ``functions`` and the 32-bit ``memories`` (indices)."""
    sites, record = _tables(state, functions, memories)
    previous = DataBlob(state.guard_previous, _KERNEL_SIGACTION * len(_SIGNALS), align=8)
    message = DataBlob(state.guard_install_failed, len(_INSTALL_FAILED), _INSTALL_FAILED, writable=False, align=1)
    count = sum(len(f.guard_sites) for f in functions)
    code = [_handler(state, memories, count), _restorer(state), _install(state, message.name),
            _hook(ARMED), _hook(UNHANDLED)]
    return code, [sites, record, previous, message]


def _tables(state: StateSymbols, functions: list[CompiledFunction], memories: list[int]) -> tuple[DataBlob, DataBlob]:
    sites = bytearray()
    relocations: list[Relocation] = []
    for function in functions:
        for start, end, stub in function.guard_sites:
            at = len(sites)
            sites += struct.pack("<iIi", 0, end - start, 0)
            relocations.append(Relocation(at, RelocKind.PC_RELATIVE, 4, function.name, start))
            relocations.append(Relocation(at + 8, RelocKind.PC_RELATIVE, 4, function.name, stub))
    table = DataBlob(state.guard_sites, max(len(sites), 8), bytes(sites) or bytes(8), writable=False, align=8,
                     relocations=tuple(relocations))
    size = _HEADER + 4 * len(memories)
    size += -size % 8
    header = bytearray(size)
    struct.pack_into("<IIIII", header, 0, MAGIC, VERSION, size, len(sites) // _SITE, len(memories))
    pointers = [Relocation(20, RelocKind.PC_RELATIVE, 4, state.guard_sites, 0)]
    pointers += [Relocation(_HEADER + 4 * k, RelocKind.PC_RELATIVE, 4, state.indexed("memrec", memory), 0)
                 for k, memory in enumerate(memories)]
    record = DataBlob(state.guard_record, size, bytes(header), writable=False, align=8, relocations=tuple(pointers),
                      section=SECTION)
    return table, record


def _handler(state: StateSymbols, memories: list[int], count: int) -> CompiledFunction:
    """No frame of its own (CFA = rsp + 8 as at any entry) but around the call to ``jitdebug_guard_unhandled``;
    rdi, rsi, rdx are the kernel's arguments throughout, rax the faulting address."""
    a = Assembler()
    unwind = UnwindProgram(function=state.guard_handler)
    unwind.prologue_end(0)
    chain, inside, scan, found = Label(), Label(), Label(), Label()
    a.test(8, RSI, RSI)
    a.jcc("e", chain)
    a.alu("cmp", 4, Mem(RSI, _SI_CODE), 0, imm=True)
    a.jcc("le", chain)  # sent, not raised by an access
    a.mov(8, RAX, Mem(RSI, _SI_ADDR))
    for memory in memories:
        record = state.indexed("memrec", memory)
        other = Label()
        a.mov(8, RCX, RipRel(record, MEMORY_RECORD_BASE))
        a.test(8, RCX, RCX)
        a.jcc("e", other)  # not reserved yet
        a.mov(8, R8, RAX)
        a.alu("sub", 8, R8, RCX)
        a.alu("cmp", 8, R8, RipRel(record, MEMORY_RECORD_RESERVED))
        a.jcc("b", inside)
        a.bind(other)
    a.jmp(chain)
    a.bind(inside)
    a.mov(8, R8, Mem(RDX, _greg("rip")))
    a.lea(8, R9, RipRel(state.guard_sites))
    a.mov_imm(4, RCX, count)
    a.bind(scan)
    a.movsx(8, R10, 4, Mem(R9, 0))
    a.alu("add", 8, R10, R9)  # the site's start
    a.mov(8, R11, R8)
    a.alu("sub", 8, R11, R10)
    a.mov(4, R10, Mem(R9, 4))
    a.alu("cmp", 8, R11, R10)
    a.jcc("b", found)
    a.alu("add", 8, R9, _SITE, imm=True)
    a.alu("sub", 4, RCX, 1, imm=True)
    a.jcc("ne", scan)
    a.jmp(chain)
    a.bind(found)
    a.movsx(8, R10, 4, Mem(R9, 8))
    a.lea(8, R10, Mem(R9, 8, R10, 1))  # the stub
    a.mov(8, Mem(RDX, _greg("rax")), RAX)
    a.mov(8, Mem(RDX, _greg("rip")), R10)
    a.ret()
    a.bind(chain)
    for register, name in ((RDI, "rdi"), (RSI, "rsi"), (RDX, "rdx")):
        a.push(register)
        unwind.push(a.offset, name)
    a.call_symbol(UNHANDLED)  # rsp is 16-byte aligned here: the kernel enters a handler as a call would
    for register, name in ((RDX, "rdx"), (RSI, "rsi"), (RDI, "rdi")):
        a.pop(register)
        unwind.pop(a.offset, name)
    passes = Label()
    a.lea(8, RAX, RipRel(state.guard_previous))
    a.lea(8, RCX, Mem(RAX, _KERNEL_SIGACTION))
    a.alu("cmp", 4, RDI, _SIGSEGV, imm=True)
    a.cmov("ne", 8, RAX, RCX)
    a.mov(8, RCX, Mem(RAX, 0))
    a.bt("bt", 8, Mem(RAX, 8), _SA_SIGINFO_BIT)
    a.jcc("b", passes)
    a.alu("cmp", 8, RCX, _SIG_IGN, imm=True)
    a.jcc("a", passes)
    # SIG_DFL or SIG_IGN: put it back (the kernel keeps r8-r10 across a system call; it clobbers rax, rcx, r11).
    done, again = Label(), Label()
    a.mov(8, R8, RSI)
    a.mov(4, R9, RDI)
    a.mov(8, RSI, RAX)
    a.alu("xor", 4, RDX, RDX)
    a.mov_imm(4, R10, _SIGSET_SIZE)
    a.mov_imm(4, RAX, _SYS_RT_SIGACTION)
    a.syscall()
    a.test(8, R8, R8)
    a.jcc("e", again)
    a.alu("cmp", 4, Mem(R8, _SI_CODE), 0, imm=True)
    a.jcc("g", done)  # a fault: the instruction faults again
    a.bind(again)
    a.mov_imm(4, RAX, _SYS_GETPID)
    a.syscall()
    a.mov(8, RDI, RAX)
    a.mov_imm(4, RAX, _SYS_GETTID)
    a.syscall()
    a.mov(8, RSI, RAX)
    a.mov(4, RDX, R9)
    a.mov_imm(4, RAX, _SYS_TGKILL)
    a.syscall()  # delivered once the handler returns (the signal is blocked until then)
    a.bind(done)
    a.ret()
    a.bind(passes)
    a.jmp_indirect(RCX)
    return finished(state.guard_handler, a, unwind)


def _restorer(state: StateSymbols) -> CompiledFunction:
    a = Assembler()
    unwind = UnwindProgram(function=state.guard_restorer)
    a.nop()
    a.mov_imm(8, RAX, _SYS_RT_SIGRETURN)
    a.syscall()
    a.ud2()
    function = finished(state.guard_restorer, a, unwind)
    function.signal_frame_cfi = signal_frame_instructions()
    return function


def signal_frame_instructions() -> bytes:
    """FDE instructions of the restorer: at it rsp points at the ``ucontext_t`` (the handler's ``ret`` popped the
    return address), whose ``uc_mcontext`` holds every register of the interrupted code: CFA = its rsp, and each
    register (the return-address column: its rip) at its slot. DWARF numbers: rax rdx rcx rbx rsi rdi rbp rsp
    r8-r15 rip."""
    def breg7(offset: int) -> bytes:
        return bytes((0x77,)) + sleb128(offset)  # DW_OP_breg7 (rsp) + offset

    cfa = breg7(_greg("rsp")) + bytes((0x06,))  # DW_OP_deref
    out = bytearray((0x0F,)) + uleb128(len(cfa)) + cfa  # DW_CFA_def_cfa_expression
    names = ("rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
             "r15", "rip")
    for number, name in enumerate(names):
        location = breg7(_greg(name))
        out += bytes((0x10,)) + uleb128(number) + uleb128(len(location)) + location  # DW_CFA_expression
    return bytes(out)


def _install(state: StateSymbols, message: str) -> CompiledFunction:
    a, unwind = prologue(state.guard_install)
    a.alu("sub", 8, RSP, _KERNEL_SIGACTION, imm=True)
    unwind.alloc(a.offset, _KERNEL_SIGACTION)
    fail = Label()
    a.lea(8, RAX, RipRel(state.guard_handler))
    a.mov(8, Mem(RSP, 0), RAX)
    a.mov_store_imm(8, Mem(RSP, 8), _SA_FLAGS)
    a.lea(8, RAX, RipRel(state.guard_restorer, 1))  # past the nop the FDE starts with
    a.mov(8, Mem(RSP, 16), RAX)
    a.mov_store_imm(8, Mem(RSP, 24), 0)
    for index, signal in enumerate(_SIGNALS):
        a.mov_imm(4, RDI, signal)
        a.mov(8, RSI, RSP)
        a.lea(8, RDX, RipRel(state.guard_previous, _KERNEL_SIGACTION * index))
        a.mov_imm(4, R10, _SIGSET_SIZE)
        a.mov_imm(4, RAX, _SYS_RT_SIGACTION)
        a.syscall()
        a.test(8, RAX, RAX)
        a.jcc("ne", fail)
    a.call_symbol(ARMED)
    epilogue(a, unwind)
    a.bind(fail)
    fatal(a, message, len(_INSTALL_FAILED))
    return finished(state.guard_install, a, unwind)


def _hook(name: str) -> CompiledFunction:
    a = Assembler()
    unwind = UnwindProgram(function=name)
    a.ret()
    code = bytes(a.code)
    unwind.validate(len(code))
    return CompiledFunction(name=name, code=code, unwind=unwind, exports=(name,), weak=True,
                            lines=LineTable([LineEntry(0, 0, is_statement=False)]), frame_base=None)
