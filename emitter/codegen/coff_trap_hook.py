"""The trap hook's default in COFF objects, without weak definitions.

On ELF the object defines ``jitdebug_trap`` *weak* and a host definition wins. GNU ld for PE (binutils 2.40)
does not resolve a weak *definition* for references from other objects, and not even for the object's own
references unless the object comes first on the command line: ``gcc host.c m.obj jitdebug_eh.c
jitdebug_eh_seh.c`` failed with ``undefined reference to jitdebug_trap``. What GNU ld and lld-link both resolve
is a weak *reference* (a weak external whose default is the absolute symbol 0): the host's definition when there
is one, else null. So a COFF object instead has

- ``jitdebug_trap`` as a weak reference, read through an 8-byte pointer ``jitdebug_trap.slot`` (what gcc does
  for ``if (&f)``; a rip-relative reference to address 0 would not reach);
- the default hook as the local ``jitdebug_trap.default``;
- a local ``jitdebug_trap.dispatch`` that every trap site calls: ``mov rax, [slot]; test rax, rax; je default;
  jmp rax`` — jumps, not calls, so the hook (the host's or the default) still returns to the trapping Wasm
  frame, which is the frame an unwinder or debugger sees above it, as on ELF. It is a leaf that never moves rsp:
  its unwind information is empty (Windows treats such a function as a leaf).

The runtime (``jitdebug_eh.c``) reaches the hook the same way on Windows, with its own default.
"""

from __future__ import annotations

import dataclasses
import struct

from ..compiled import CompiledFunction, CompiledModule, DataBlob, LineEntry, LineTable
from ..obj.model import Relocation, RelocKind
from ..unwind import UnwindProgram
from .runtime import TRAP_HOOK

DEFAULT = f"{TRAP_HOOK}.default"
DISPATCH = f"{TRAP_HOOK}.dispatch"
SLOT = f"{TRAP_HOOK}.slot"


def _dispatch() -> CompiledFunction:
    code = bytearray()
    relocations = []
    code += b"\x48\x8b\x05"  # mov rax, [rip + slot]
    relocations.append(Relocation(len(code), RelocKind.PC_RELATIVE, 4, SLOT, -4))
    code += bytes(4)
    code += b"\x48\x85\xc0"  # test rax, rax
    code += b"\x0f\x84"  # je default
    relocations.append(Relocation(len(code), RelocKind.PC_RELATIVE, 4, DEFAULT, -4))
    code += bytes(4)
    code += b"\xff\xe0"  # jmp rax
    unwind = UnwindProgram(function=DISPATCH)
    unwind.validate(len(code))
    return CompiledFunction(name=DISPATCH, code=bytes(code), unwind=unwind, relocations=relocations,
                            lines=LineTable([LineEntry(0, 0, is_statement=False)]), frame_base=None)


def without_weak_definition(module: CompiledModule) -> CompiledModule:
    """``module`` with its weak default hook (if any) turned into the dispatch described above; the hook's
    references then name ``jitdebug_trap`` only from ``jitdebug_trap.slot``, which the writer makes weak."""
    hooks = [f for f in module.functions if f.weak and TRAP_HOOK in f.exports]
    if not hooks:
        return module

    def retarget(relocations: list[Relocation]) -> list[Relocation]:
        return [r._replace(symbol=DISPATCH) if r.symbol == TRAP_HOOK else r for r in relocations]

    functions = []
    for function in module.functions:
        if function in hooks:
            functions.append(dataclasses.replace(function, name=DEFAULT, exports=(), weak=False,
                                                 unwind=function.unwind.renamed(DEFAULT)))
        else:
            functions.append(dataclasses.replace(function, relocations=retarget(function.relocations)))
    functions.append(_dispatch())
    data = [dataclasses.replace(b, relocations=tuple(retarget(list(b.relocations)))) for b in module.data]
    data.append(DataBlob(SLOT, 8, struct.pack("<Q", 0), writable=False, align=8,
                         relocations=(Relocation(0, RelocKind.ABSOLUTE, 8, TRAP_HOOK, 0),)))
    return dataclasses.replace(module, functions=functions, data=data)
