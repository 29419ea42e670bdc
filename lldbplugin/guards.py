"""Guard-region faults pass silently; a real crash still stops.

Loads and stores of 32-bit memories are made without a bounds check where the memory's guard pages catch an access
out of bounds (``emitter/codegen/guards.py``): such an access raises SIGSEGV in Wasm code, which the runtime's
handler (``emitter/runtime/jitdebug_guard.c``) turns into the Wasm trap by resuming the thread at the access's trap
stub with the faulting address in rax. LLDB stops at every SIGSEGV by default; by hand a user would type ``process
handle SIGSEGV -s false -p true -n false`` and then miss a real crash.

The plugin makes LLDB stop silently at SIGSEGV and SIGBUS (``-s true -n false``) and decides each such stop in a
stop hook. A guard fault (the pc inside a registered access, the address inside a registered reservation: the
runtime's exported tables, read as its handler reads them) is resolved here, as the handler would: rax and the pc
are set and the program goes on at once, without the signal (passing it from an auto-continued stop is unreliable:
LLDB 19 may deliver it a second time, with ``tgkill``, at a later internal stop). The trap then takes its usual
path (a breakpoint on ``jitdebug_trap`` still stops). Any other fault stops, passed on when the user continues, as
LLDB would without the plugin.

An AOT program's objects have handlers of their own (``emitter/codegen/aot_guards.py``), whose sites and memories
each object describes in a record of the section ``jitdebug_guards``: the hook reads those records too, as the
object's handler reads its tables.
"""

from __future__ import annotations

import bisect
import struct

import lldb

SIGNALS = {"SIGSEGV": 11, "SIGBUS": 7}
HOOK = f"{__name__}.GuardFaultHook"
#: ``struct site_table``: low, high, count, then (start, end, stub) u64 triples.
_HEADER = struct.Struct("<QQQ")
_SITE = 24
#: An AOT object's record in ``jitdebug_guards``: magic, version, size, site count, memory count, rel32 sites, then
#: a rel32 per memory record; a site is rel32 start, u32 length, rel32 stub (``emitter/codegen/aot_guards.py``).
AOT_SECTION = "jitdebug_guards"
_AOT_MAGIC = 0x5347444A
_AOT_HEADER = struct.Struct("<IIIIIi")
_AOT_SITE = struct.Struct("<iIi")
_MEMORY_RESERVED = 24


def install(debugger: lldb.SBDebugger) -> None:
    """Before any target (``lldb -O``) the settings go to LLDB's dummy target, which every new target copies."""
    _handle(debugger, passing=False)
    result = lldb.SBCommandReturnObject()
    debugger.GetCommandInterpreter().HandleCommand(f"target stop-hook add -P {HOOK}", result)


def _handle(debugger: lldb.SBDebugger, *, passing: bool) -> None:
    interpreter = debugger.GetCommandInterpreter()
    for name in SIGNALS:
        result = lldb.SBCommandReturnObject()
        interpreter.HandleCommand(f"process handle {name} --stop true --pass {str(passing).lower()} --notify false",
                                  result)


def _symbol(target: lldb.SBTarget, name: str) -> int | None:
    found = target.FindSymbols(name)
    if not found.GetSize():
        return None
    address = found.GetContextAtIndex(0).GetSymbol().GetStartAddress().GetLoadAddress(target)
    return None if address == lldb.LLDB_INVALID_ADDRESS else int(address)


def _read(process: lldb.SBProcess, address: int, size: int) -> bytes | None:
    error = lldb.SBError()
    data = process.ReadMemory(address, size, error) if size else b""
    return data if error.Success() and data is not None and len(data) == size else None


def guard_stub(target: lldb.SBTarget, process: lldb.SBProcess, pc: int, address: int) -> int | None:
    """The trap stub a fault at ``pc`` on ``address`` resumes at, None if it is no guard fault."""
    stub = _runtime_stub(target, process, pc, address)
    return stub if stub is not None else _object_stub(target, process, pc, address)


def _object_stub(target: lldb.SBTarget, process: lldb.SBProcess, pc: int, address: int) -> int | None:
    """The stub from the ``jitdebug_guards`` records of the module holding ``pc`` (an AOT program's objects)."""
    module = target.ResolveLoadAddress(pc).GetModule()
    section = module.FindSection(AOT_SECTION) if module.IsValid() else None
    if section is None or not section.IsValid():
        return None
    start, size = section.GetLoadAddress(target), section.GetByteSize()
    data = _read(process, start, size) if start != lldb.LLDB_INVALID_ADDRESS else None
    at = 0
    while data is not None and at + _AOT_HEADER.size <= size:
        magic, _version, length, sites, memories, table = _AOT_HEADER.unpack_from(data, at)
        if magic != _AOT_MAGIC or length < _AOT_HEADER.size:
            at += 8  # zero padding between records
            continue
        if any(_in_memory(process, start + at + _AOT_HEADER.size + 4 * k, data, at + _AOT_HEADER.size + 4 * k,
                          address) for k in range(memories)):
            table_address = start + at + 20 + table
            raw = _read(process, table_address, _AOT_SITE.size * sites)
            for k in range(sites if raw is not None else 0):
                offset, length_, stub = _AOT_SITE.unpack_from(raw or b"", _AOT_SITE.size * k)
                site = table_address + _AOT_SITE.size * k
                if 0 <= pc - (site + offset) < length_:
                    return site + 8 + stub
        at += length
    return None


def _in_memory(process: lldb.SBProcess, field: int, data: bytes, at: int, address: int) -> bool:
    """Whether ``address`` is in the reservation of the memory whose record the rel32 at ``field`` points to."""
    record = field + struct.unpack_from("<i", data, at)[0]
    words = _read(process, record, _MEMORY_RESERVED + 8)
    if words is None:
        return False
    base, reserved = struct.unpack_from("<Q", words, 0)[0], struct.unpack_from("<Q", words, _MEMORY_RESERVED)[0]
    return base != 0 and 0 <= address - base < reserved


def _runtime_stub(target: lldb.SBTarget, process: lldb.SBProcess, pc: int, address: int) -> int | None:
    """The stub from the JIT runtime's tables."""
    symbols = {name: _symbol(target, f"jitdebug_guard_{name}")
               for name in ("tables", "tables_used", "memory_base", "memory_end", "memories_used")}
    if any(value is None for value in symbols.values()):
        return None
    counts = _read(process, symbols["memories_used"] or 0, 4), _read(process, symbols["tables_used"] or 0, 4)
    if counts[0] is None or counts[1] is None:
        return None
    memories, tables = struct.unpack("<i", counts[0])[0], struct.unpack("<i", counts[1])[0]
    bases = _read(process, symbols["memory_base"] or 0, 8 * memories)
    ends = _read(process, symbols["memory_end"] or 0, 8 * memories)
    pointers = _read(process, symbols["tables"] or 0, 8 * tables)
    if bases is None or ends is None or pointers is None:
        return None
    if not any(base <= address < end for base, end in zip(struct.unpack(f"<{memories}Q", bases),
                                                        struct.unpack(f"<{memories}Q", ends), strict=True)):
        return None
    for pointer in struct.unpack(f"<{tables}Q", pointers):
        header = _read(process, pointer, _HEADER.size) if pointer else None
        if header is None:
            continue
        low, high, count = _HEADER.unpack(header)
        if not low <= pc < high:
            continue
        raw = _read(process, pointer + _HEADER.size, _SITE * count)
        if raw is None:
            return None
        sites = list(struct.iter_unpack("<QQQ", raw))
        index = bisect.bisect_right([site[0] for site in sites], pc) - 1
        if index >= 0 and pc < sites[index][1]:
            return sites[index][2]
    return None


def _siginfo_address(thread: lldb.SBThread) -> int | None:
    """``si_addr`` of a fault the kernel raised (None for a signal that was sent)."""
    info = thread.GetSiginfo()
    if not info.IsValid():
        return None
    code = info.GetChildMemberWithName("si_code").GetValueAsSigned(0)
    fields = info.GetChildMemberWithName("_sifields").GetChildMemberWithName("_sigfault")
    address = fields.GetChildMemberWithName("si_addr")
    return int(address.GetValueAsUnsigned()) if code > 0 and address.IsValid() else None


class GuardFaultHook:
    """``target stop-hook add -P``: resolves a guard fault and resumes (returns False); stops at any other fault."""

    def __init__(self, target: lldb.SBTarget, _extra_args: lldb.SBStructuredData, _internal_dict: dict) -> None:
        self.target = target

    def handle_stop(self, exe_ctx: lldb.SBExecutionContext, _stream: lldb.SBStream) -> bool:
        thread = exe_ctx.GetThread()
        if (not thread.IsValid() or thread.GetStopReason() != lldb.eStopReasonSignal
                or thread.GetStopReasonDataAtIndex(0) not in SIGNALS.values()):
            return True
        target, frame = exe_ctx.GetTarget(), thread.GetFrameAtIndex(0)
        address = _siginfo_address(thread)
        stub = None if address is None else guard_stub(target, exe_ctx.GetProcess(), frame.GetPC(), address)
        debugger = target.GetDebugger()
        if stub is None:
            _handle(debugger, passing=True)  # a real fault: continuing hands it to the program, as without us
            return True
        _handle(debugger, passing=False)
        frame.FindRegister("rax").SetValueFromCString(hex(address))
        frame.SetPC(stub)
        return False
