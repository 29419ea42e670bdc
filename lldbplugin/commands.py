"""The ``wasm`` commands: a command container and one class per subcommand. Each parses its argument, calls the
core and appends the core's text to the result; user errors become LLDB errors (``error: ...``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import lldb

from emitter.debugcore import disasm, format, state
from emitter.debugcore.adapter import InferiorReadError
from emitter.debugcore.session import CommandError

from . import stepping
from .session import LldbSession, session_for


class WasmCommand(ABC):
    """Base of the subcommands; LLDB instantiates each once, by class name, with the debugger it belongs to."""

    name: ClassVar[str]
    help: ClassVar[str]

    def __init__(self, debugger: lldb.SBDebugger, _internal_dict: dict) -> None:
        self.debugger = debugger

    def get_short_help(self) -> str:
        return self.help

    def __call__(self, debugger: lldb.SBDebugger, command: str, _exe_ctx: lldb.SBExecutionContext,
                 result: lldb.SBCommandReturnObject) -> None:
        session = session_for(debugger)
        session.refresh()
        session.adapter.result = result
        try:
            text = self.run(session, command.strip())
        except (CommandError, InferiorReadError, ValueError) as error:
            result.SetError(str(error))
            return
        finally:
            session.adapter.result = None
        if text:
            result.AppendMessage(text)
        result.SetStatus(lldb.eReturnStatusSuccessFinishResult)

    @abstractmethod
    def run(self, session: LldbSession, argument: str) -> str:
        """The command's text for ``argument``; raises ``CommandError`` for a user error."""


class Backtrace(WasmCommand):
    name = "bt"
    help = "Wasm backtrace (wasmtime's format), each frame followed by its LLDB frame number: wasm bt [N]"

    def run(self, session: LldbSession, argument: str) -> str:
        try:
            limit = int(argument) if argument else None
        except ValueError:
            raise CommandError(f"usage: wasm bt [N], not {argument!r}") from None
        return format.format_backtrace(session.index(), session.frames(), limit)


class Modules(WasmCommand):
    name = "modules"
    help = "List the loaded Wasm modules."

    def run(self, session: LldbSession, argument: str) -> str:
        return format.format_modules(session.modules())


class Functions(WasmCommand):
    name = "functions"
    help = "List Wasm functions, optionally matching a regular expression: wasm functions [REGEX]"

    def run(self, session: LldbSession, argument: str) -> str:
        return format.format_functions(session.modules(), argument or None)


class Break(WasmCommand):
    name = "break"
    help = ("Break at a Wasm function or instruction: wasm break FUNC | MODULE!FUNC | MODULE+0xOFFSET "
            "(pending until the module is loaded).")

    def run(self, session: LldbSession, argument: str) -> str:
        return session.add_breakpoint(argument)


class Catch(WasmCommand):
    name = "catch"
    help = "Stop when a Wasm exception is thrown, or at the landing pad that catches it: wasm catch throw | catch"

    def run(self, session: LldbSession, argument: str) -> str:
        return session.add_catchpoint(argument)


class Watch(WasmCommand):
    name = "watch"
    help = ("Hardware watchpoint on linear memory: wasm watch [-l] [-m N] ADDR|MODULE+ADDR|EXPR [LEN] "
            "[read|write|access]; wasm watch lists them, wasm watch delete N deletes one.")

    def run(self, session: LldbSession, argument: str) -> str:
        return session.watch(argument)


class Globals(WasmCommand):
    name = "globals"
    help = "The Wasm globals of every module (or of MODULE) with their values: wasm globals [MODULE]"

    def run(self, session: LldbSession, argument: str) -> str:
        return state.format_globals(session, argument or None)


class Memory(WasmCommand):
    name = "memory"
    help = ("Linear memory by Wasm address, 16 bytes a line: wasm memory [-m N] [MODULE+]ADDR [LEN] "
            "(memory N, default 0)")

    def run(self, session: LldbSession, argument: str) -> str:
        return state.format_memory(session, argument)


class Step(WasmCommand):
    name = "step"
    help = "Step to the next Wasm instruction, into calls; a throw is followed to its landing pad."

    def run(self, session: LldbSession, argument: str) -> str:
        return stepping.run(session, "step")


class Next(WasmCommand):
    name = "next"
    help = "Step to the next Wasm instruction of this frame, over calls; a throw is followed to its landing pad."

    def run(self, session: LldbSession, argument: str) -> str:
        return stepping.run(session, "next")


class Finish(WasmCommand):
    name = "finish"
    help = "Run until the current Wasm function returns (or an exception lands in an outer frame)."

    def run(self, session: LldbSession, argument: str) -> str:
        return stepping.run(session, "finish")


class ReverseStep(WasmCommand):
    """LLDB 19 cannot run a process backwards (no execution record; reverse-continue over gdb-remote came in a
    later LLDB): the commands exist with the same names and say so, rather than being unknown."""

    name = "reverse-step"
    help = "Move back by Wasm instruction: needs an execution record, which LLDB 19 has not (use GDB's record full)."

    def run(self, session: LldbSession, argument: str) -> str:
        raise CommandError(f"wasm {self.name}: LLDB 19 cannot execute backwards (no execution record); use "
                           "'jitdebug gdb' with 'record full'")


class ReverseNext(ReverseStep):
    name = "reverse-next"


class ReverseFinish(ReverseStep):
    name = "reverse-finish"


class Disassemble(WasmCommand):
    name = "disas"
    help = "Disassemble a Wasm function with its Wasm instructions: wasm disas [FUNC | MODULE!FUNC]"

    def run(self, session: LldbSession, argument: str) -> str:
        return disasm.disassemble(session, argument or None)


COMMANDS: tuple[type[WasmCommand], ...] = (Backtrace, Modules, Functions, Break, Catch, Watch, Globals, Memory,
                                           Step, Next, Finish, ReverseStep, ReverseNext, ReverseFinish,
                                           Disassemble)


def register(debugger: lldb.SBDebugger) -> None:
    """``wasm`` as a command container, each subcommand a class LLDB finds through the script dictionary."""
    interpreter = debugger.GetCommandInterpreter()
    commands = ['command container add -o -h "Wasm-level debugging: bt, modules, functions, break, catch, watch, '
                'globals, memory, step, next, finish, reverse-step, reverse-next, reverse-finish, disas." wasm']
    commands += [f"command script add -o -c {__name__}.{c.__name__} wasm {c.name}" for c in COMMANDS]
    for text in commands:
        result = lldb.SBCommandReturnObject()
        interpreter.HandleCommand(text, result)
        if not result.Succeeded():
            raise RuntimeError(f"jitdebug: {text!r} failed: {result.GetError()}")
