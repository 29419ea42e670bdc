"""The ``wasm`` commands: parse arguments, call the core, print its text; errors become GDB errors."""

from __future__ import annotations

from collections.abc import Callable

import gdb

from emitter.debugcore import disasm, format, reverse, state, stepping
from emitter.debugcore.adapter import InferiorReadError
from emitter.debugcore.session import CommandError

from .session import GdbSession


class WasmPrefix(gdb.Command):
    """Wasm-level debugging: bt, modules, functions, break, catch, watch, globals, memory, step, next, finish,
    reverse-step, reverse-next, reverse-finish, disas."""

    def __init__(self) -> None:
        super().__init__("wasm", gdb.COMMAND_USER, prefix=True)


class WasmCommand(gdb.Command):
    def __init__(self, name: str, doc: str, run: Callable[[str], str], session: GdbSession) -> None:
        self.__doc__ = doc
        super().__init__(f"wasm {name}", gdb.COMMAND_USER)
        self._run = run
        self._session = session

    def invoke(self, argument: str, from_tty: bool) -> None:
        self._session.in_command = True
        try:
            text = self._run(argument.strip())
        except (CommandError, InferiorReadError, ValueError, gdb.error) as error:
            raise gdb.GdbError(str(error)) from None
        finally:
            self._session.in_command = False
        if text:
            gdb.write(text + "\n")


def register(session: GdbSession) -> None:
    def bt(argument: str) -> str:
        try:
            limit = int(argument) if argument else None
        except ValueError:
            raise CommandError(f"usage: wasm bt [N], not {argument!r}") from None
        return format.format_backtrace(session.index(), session.frames(), limit)

    commands = {
        "bt": ("Wasm backtrace (wasmtime's format), each frame followed by its GDB frame number: wasm bt [N]", bt),
        "modules": ("List the loaded Wasm modules.", lambda _: format.format_modules(session.modules())),
        "functions": ("List Wasm functions, optionally matching a regular expression: wasm functions [REGEX]",
                      lambda a: format.format_functions(session.modules(), a or None)),
        "break": ("Break at a Wasm function or instruction: wasm break FUNC | MODULE!FUNC | MODULE+0xOFFSET "
                  "(pending until the module is loaded).", session.add_breakpoint),
        "catch": ("Stop when a Wasm exception is thrown, or at the landing pad that catches it: "
                  "wasm catch throw | catch", session.add_catchpoint),
        "watch": ("Hardware watchpoint on linear memory: wasm watch [-l] [-m N] ADDR|MODULE+ADDR|EXPR [LEN] "
                  "[read|write|access]; wasm watch lists them, wasm watch delete N deletes one.",
                  session.watch),
        "globals": ("The Wasm globals of every module (or of MODULE) with their values: wasm globals [MODULE]",
                    lambda a: state.format_globals(session, a or None)),
        "memory": ("Linear memory by Wasm address, 16 bytes a line: wasm memory [-m N] [MODULE+]ADDR [LEN] "
                   "(memory N, default 0)",
                   lambda a: state.format_memory(session, a)),
        "step": ("Step to the next Wasm instruction, into calls; a throw is followed to its landing pad.",
                 lambda _: stepping.run(session, session.adapter, "step")),
        "next": ("Step to the next Wasm instruction of this frame, over calls; a throw is followed to its landing pad.",
                 lambda _: stepping.run(session, session.adapter, "next")),
        "finish": ("Run until the current Wasm function returns (or an exception lands in an outer frame).",
                   lambda _: stepping.run(session, session.adapter, "finish")),
        "reverse-step": ("Move back to the previous Wasm instruction, into calls (needs 'record full').",
                         lambda _: reverse.run(session, session.adapter, "reverse-step")),
        "reverse-next": ("Move back to the previous Wasm instruction of this frame, over calls (needs 'record full').",
                         lambda _: reverse.run(session, session.adapter, "reverse-next")),
        "reverse-finish": ("Move back to the Wasm call of the current function (needs 'record full').",
                           lambda _: reverse.run(session, session.adapter, "reverse-finish")),
        "disas": ("Disassemble a Wasm function with its Wasm instructions: wasm disas [FUNC | MODULE!FUNC]",
                  lambda a: disasm.disassemble(session, a or None)),
    }
    WasmPrefix()
    for name, (doc, run) in commands.items():
        WasmCommand(name, doc, run, session)
