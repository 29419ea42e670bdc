"""Small machine-code functions the loader adds to a module before lowering it, so that they get symbols, FDEs
and debug info like every other function (an unwinder stopped in them never meets undescribed code).

* Veneer ``S.veneer``: ``jmp [rip+0]`` followed by the 8-byte address of ``S``. Compiled code reaches imports and
  runtime hooks with rel32 calls, but a ctypes callback or a shared library may be further than 2 GiB away.
* Host adapter ``F.host``: calls the veneer of the Python import ``F`` and then the runtime hook
  ``jitdebug_check_host_error``, which turns an exception raised by the Python callable into a trap before
  any more Wasm code runs. It keeps the import's results (rax, xmm0) across that check.

The names end in a dot suffix, as GCC's ``.cold`` clones do, and never in ``@...``: LLDB reads ``S@plt`` as the
symbol ``S`` at version ``plt``, so ``breakpoint set -n S`` would also stop in the veneer.
"""

from __future__ import annotations

from ..compiled import CompiledFunction
from ..obj.model import Relocation, RelocKind
from ..unwind import UnwindProgram

HOST_ERROR_HOOK = "jitdebug_check_host_error"


def veneer_name(symbol: str) -> str:
    return f"{symbol}.veneer"


def adapter_name(symbol: str) -> str:
    return f"{symbol}.host"


def veneer(symbol: str) -> CompiledFunction:
    code = bytes.fromhex("ff2500000000") + bytes(8)  # jmp qword ptr [rip+0]; .quad symbol
    return CompiledFunction(
        name=veneer_name(symbol),
        code=code,
        unwind=UnwindProgram(function=veneer_name(symbol)),
        relocations=[Relocation(6, RelocKind.ABSOLUTE, 8, symbol)],
        frame_base=None,
        align=16,
    )


def host_adapter(symbol: str) -> CompiledFunction:
    name = adapter_name(symbol)
    code = bytes.fromhex(
        "55"                    # 0:  push rbp
        "4889e5"                # 1:  mov rbp, rsp
        "4883ec10"              # 4:  sub rsp, 16
        "e800000000"            # 8:  call F.veneer
        "48890424"              # 13: mov [rsp], rax
        "66480f7e442408"        # 17: movq [rsp+8], xmm0
        "e800000000"            # 24: call jitdebug_check_host_error.veneer
        "488b0424"              # 29: mov rax, [rsp]
        "f30f7e442408"          # 33: movq xmm0, [rsp+8]
        "4889ec"                # 39: mov rsp, rbp
        "5d"                    # 42: pop rbp
        "c3"                    # 43: ret
    )
    unwind = UnwindProgram(function=name)
    unwind.push(1, "rbp").set_frame_pointer(4, "rbp").alloc(8, 16).prologue_end(8)
    unwind.epilogue_begin(39).reset_sp_from_fp(42).pop(43, "rbp").epilogue_end(44)
    return CompiledFunction(
        name=name,
        code=code,
        unwind=unwind,
        relocations=[
            Relocation(9, RelocKind.CALL, 4, veneer_name(symbol), -4),
            Relocation(25, RelocKind.CALL, 4, veneer_name(HOST_ERROR_HOOK), -4),
        ],
        align=16,
    )
