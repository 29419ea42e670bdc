"""``wasm step``, ``wasm next`` and ``wasm finish``: move by Wasm instruction using the code -> Wasm map.

A stop is at the first native instruction of a Wasm instruction (a map entry's start), in a different Wasm
instruction or a different frame than where we started. A frame is (function, CFA), the CFA computed from the
metadata's unwind rows, so recursion is told apart. ``step`` steps into calls: into Wasm it stops at the callee's
first instruction after the prologue; native callees (runtime helpers, host imports) run to their return.
"""

from __future__ import annotations

import bisect

from .adapter import InferiorReadError
from .format import format_location
from .modules import WasmLocation
from .session import CommandError, Session

#: DWARF register numbers (x86-64) the unwind rows use as CFA base, by the names debuggers know.
_DWARF_REGISTER_NAMES = {6: "rbp", 7: "rsp"}
MAX_INSTRUCTIONS = 200_000


def _cfa(session: Session, location: WasmLocation) -> int | None:
    rows = location.function.meta.unwind_rows
    i = bisect.bisect_right([r.start for r in rows], location.pc - location.function.address) - 1
    if i < 0 or rows[i].cfa_register not in _DWARF_REGISTER_NAMES:
        return None
    return session.adapter.read_register(_DWARF_REGISTER_NAMES[rows[i].cfa_register]) + rows[i].cfa_offset


def _current(session: Session) -> WasmLocation:
    location = session.locate(session.adapter.read_register("pc"))
    if location is None:
        raise CommandError("not stopped in Wasm code")
    return location


def step(session: Session, *, over_calls: bool) -> str:
    """Run to the next Wasm instruction: ``over_calls`` False is ``wasm step``, True is ``wasm next``."""
    adapter = session.adapter
    start = _current(session)
    start_key = (start.function.address, _cfa(session, start), start.wasm_offset)
    previous_sp = adapter.read_register("sp")
    for _ in range(MAX_INSTRUCTIONS):
        completed = adapter.next_instruction() if over_calls else adapter.step_instruction()
        session.invalidate()
        if not completed:
            return _where(session)
        pc, sp = adapter.read_register("pc"), adapter.read_register("sp")
        location = session.locate(pc)
        if location is None:
            return_address = _native_callee_return(session, sp, previous_sp)
            if return_address is None:
                return f"Left Wasm code at {pc:#x}."
            if not adapter.run_to(return_address):
                return _where(session)
            session.invalidate()
            previous_sp = adapter.read_register("sp")
            continue
        previous_sp = sp
        entry = location.entry
        if entry is None or entry.wasm_offset is None or not location.function.is_entry_start(pc):
            continue
        if (location.function.address, _cfa(session, location), entry.wasm_offset) != start_key:
            return format_location(location)
    adapter.warning(f"no new Wasm instruction after {MAX_INSTRUCTIONS} machine instructions; stopped")
    return _where(session)


def _where(session: Session) -> str:
    """Where the thread is after stepping ended early (a signal, a breakpoint) or went on too long."""
    try:
        pc = session.adapter.read_register("pc")
    except InferiorReadError:
        return "The program is no longer running."
    location = session.locate(pc)
    return format_location(location) if location is not None else f"Stopped at {pc:#x}, outside Wasm code."


def _native_callee_return(session: Session, sp: int, previous_sp: int) -> int | None:
    """The return address into Wasm code when the last instruction called a native function, else None."""
    if sp != previous_sp - 8:
        return None
    return_address = int.from_bytes(session.adapter.read_memory(sp, 8), "little")
    return return_address if session.locate(return_address) is not None else None


def finish(session: Session) -> str:
    """Run until the current Wasm frame returns; report where (the caller, if it is Wasm)."""
    start = _current(session)
    session.adapter.finish()
    session.invalidate()
    pc = session.adapter.read_register("pc")
    location = session.locate(pc)
    returned = f"Run till exit from {start.function.qualified_name}"
    return f"{returned}\n{format_location(location)}" if location is not None else f"{returned}\nReturned to {pc:#x}."
