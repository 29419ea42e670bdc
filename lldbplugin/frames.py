"""Frame names for editors: ``${script.frame:lldbplugin.frames.frame_name}`` in a frame format (lldb-dap's
``customFrameFormat``, or ``settings set frame-format``) names a Wasm frame as the other plugin views do,
``module!function [wasm 0xOFF]``, and any other frame by its function (LLDB 19 has no scripted frame providers,
so this is how a Debug Adapter Protocol client's stack trace gets the Wasm view)."""

from __future__ import annotations

import lldb

from emitter.debugcore.adapter import NativeFrame
from emitter.debugcore.format import wasm_frames

from .session import session_for

#: The frame format to give lldb-dap as ``customFrameFormat``.
FRAME_FORMAT = "${script.frame:lldbplugin.frames.frame_name}"


def frame_name(frame: lldb.SBFrame, _internal_dict: dict) -> str:
    thread = frame.GetThread()
    session = session_for(thread.GetProcess().GetTarget().GetDebugger())
    session.refresh()
    index = frame.GetFrameID()
    # The frame's pc is exact for the innermost frame and below a signal trampoline, else a return address.
    exact = index == 0 or thread.GetFrameAtIndex(index - 1).GetSymbol().GetName() in ("__restore_rt",
                                                                                       "_sigtramp")
    found = wasm_frames(session.index(), [NativeFrame(index, int(frame.GetPC()), int(frame.GetSP()), exact)])
    if found:
        location = found[0][1]
        return f"{location.function.qualified_name} [wasm {location.wasm_offset or 0:#x}]"
    name = frame.GetDisplayFunctionName() or frame.GetFunctionName()
    return name if name else f"{int(frame.GetPC()):#x}"
