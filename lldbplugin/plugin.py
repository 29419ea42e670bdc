"""Wire the core to one LLDB debugger: its session, the ``wasm`` commands, and LLDB's GDB JIT loader."""

from __future__ import annotations

import sys

import lldb

import lldbplugin

from . import commands, guards, pointers
from . import frames as frames  # lldbplugin.frames.frame_name resolves in frame formats (lldb-dap)
from .session import LldbSession, session_for

JIT_LOADER_SETTING = "plugin.jit-loader.gdb.enable"


def _setting(debugger: lldb.SBDebugger, name: str) -> str:
    values = lldb.SBDebugger.GetInternalVariableValue(name, debugger.GetInstanceName())
    return values.GetStringAtIndex(0) if values is not None and values.GetSize() else ""


def enable_jit_loader(debugger: lldb.SBDebugger) -> str | None:
    """Turn LLDB's GDB JIT loader on where it is off (``off``, or ``default`` on Apple hosts, where it means
    off), so native ``bt`` and symbols see JIT images too. Returns the message for the user, None if on."""
    value = _setting(debugger, JIT_LOADER_SETTING)
    if value == "on" or (value == "default" and sys.platform != "darwin"):
        return None
    lldb.SBDebugger.SetInternalVariable(JIT_LOADER_SETTING, "on", debugger.GetInstanceName())
    return f"jitdebug: set {JIT_LOADER_SETTING} to on (was {value or 'unset'}) so LLDB loads JIT images"


def install(debugger: lldb.SBDebugger, internal_dict: dict) -> LldbSession:
    # LLDB resolves command classes and callbacks by dotted name from the script dictionary.
    internal_dict["lldbplugin"] = lldbplugin
    message = enable_jit_loader(debugger)
    if message is not None:
        debugger.GetOutputFile().Write((message + "\n").encode())
    commands.register(debugger)
    pointers.register(debugger)
    guards.install(debugger)
    return session_for(debugger)
