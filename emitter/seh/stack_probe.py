"""A stack probe with mingw's ``___chkstk_ms`` contract, for images that do not link libgcc (our DLLs).

It touches every page from rsp+8 down to rsp+8-rax so the guard page grows the stack in order, and returns with
rsp and every register unchanged. It has its own unwind program (two pushes, a pop epilogue), so it is described
at every instruction like any other function.
"""

from __future__ import annotations

import dataclasses

from ..compiled import CompiledFunction, CompiledModule
from ..unwind import UnwindProgram
from .instructions import STACK_PROBE_SYMBOL

#: push rcx; push rax; lea rcx, [rsp+0x18]; cmp rax, 0x1000; jb done
#: loop: sub rcx, 0x1000; or qword ptr [rcx], 0; sub rax, 0x1000; cmp rax, 0x1000; ja loop
#: done: sub rcx, rax; or qword ptr [rcx], 0; pop rax; pop rcx; ret
STACK_PROBE_CODE = bytes.fromhex(
    "51" "50" "488d4c2418" "483d00100000" "7219"
    "4881e900100000" "48830900" "482d00100000" "483d00100000" "77e7"
    "4829c1" "48830900" "58" "59" "c3")


def stack_probe_function() -> CompiledFunction:
    program = UnwindProgram(STACK_PROBE_SYMBOL)
    program.push(1, "rcx").push(2, "rax").prologue_end(2)
    program.epilogue_begin(0x2F).pop(0x30, "rax").pop(0x31, "rcx").epilogue_end(0x32)
    return CompiledFunction(STACK_PROBE_SYMBOL, STACK_PROBE_CODE, program, frame_base=None)


def with_stack_probe(module: CompiledModule) -> CompiledModule:
    """``module`` plus a local stack probe when one of its functions calls it and none defines it."""
    names = {f.name for f in module.functions}
    called = any(r.symbol == STACK_PROBE_SYMBOL for f in module.functions for r in f.relocations)
    if not called or STACK_PROBE_SYMBOL in names:
        return module
    return dataclasses.replace(module, functions=[*module.functions, stack_probe_function()])
