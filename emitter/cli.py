"""The ``jitdebug`` command line.

Each subcommand is one row of ``COMMANDS``: its arguments and the handler that runs it. Handlers are named as
``"module:function"`` and imported only when their subcommand runs, so a subcommand whose module is heavy (or
absent from a build) costs the others nothing. Every error a user can cause ends as one line on stderr,
``jitdebug: error: ...``, and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TextIO

from .errors import JitdebugError

EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is the same single line (and exit code 2) as every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"jitdebug: error: {self.prog.removeprefix('jitdebug ')}: {message}\n")


def _compile_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, metavar="IN", help="module to compile (.wasm binary or .wat text)")
    parser.add_argument("-o", dest="output", type=Path, required=True, metavar="OUT",
                        help="object file to write; the Wasm listing the line table names is written beside it")
    parser.add_argument("--target", choices=("x86_64-linux", "x86_64-windows"), default="x86_64-linux",
                        help="x86_64-linux: ELF relocatable object; x86_64-windows: COFF object (or DLL with --dll)")
    parser.add_argument("--dll", action="store_true", help="write a Windows DLL (x86_64-windows only)")
    parser.add_argument("--header", type=Path, metavar="OUT.h",
                        help="also write a C header declaring the exports, the imports and the trap hook")
    parser.add_argument("--export-prefix", default="", metavar="P", help="prefix of every exported symbol")
    _optimize_argument(parser, "on x86_64-linux, the object's own signal handler turns a fault into the trap; "
                               "x86_64-windows objects always check")
    _wasm_switches(parser)


def _optimize_argument(parser: argparse.ArgumentParser, where: str) -> None:
    parser.add_argument("-O", "--optimize", dest="optimize", action="append", default=[], metavar="KEY[=VAL]",
                        help="optimization option, as wasmtime's CLI spells them: signals-based-traps=y|n (y, the "
                             "default: loads and stores of 32-bit memories rely on guard pages, a fault is the trap "
                             f"({where}); n: an explicit bounds check before each)")


class _WasmSwitches(argparse.Action):
    """``-W KEY[=y|n][,...]`` (wasmtime's spelling): folded into ``namespace.features`` as they come, so a bad one
    is a usage error; ``-W help`` prints the switches and exits, as wasmtime's does."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from .wasm.features import DEFAULT, SwitchError, switches_help, with_switches

        if values == "help":
            sys.stdout.write(switches_help())
            parser.exit(0)
        try:
            namespace.features = with_switches(getattr(namespace, "features", None) or DEFAULT, str(values))
        except SwitchError as error:
            parser.error(str(error))


def _wasm_switches(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-W", "--wasm", dest="features", action=_WasmSwitches, default=None, metavar="KEY[=y|n]",
                        help="switch a proposal on or off, as wasmtime's CLI spells them: memory64, multi-memory, "
                             "tail-call, simd, exceptions, extended-const (all on by default; comma lists; -W help "
                             "lists them); a module using one that is off is refused")


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, metavar="IN", help="module to run (.wasm binary or .wat text)")
    parser.add_argument("--invoke", metavar="NAME", help="export to call (default: the start function only)")
    parser.add_argument("--library", action="append", default=[], metavar="LIB.so",
                        help="shared library whose C functions satisfy the imports (repeatable; searched in order, "
                             "before the process)")
    parser.add_argument("-C", "--codegen", action="append", default=[], metavar="KEY[=VAL]",
                        help="code generation option, as wasmtime's CLI spells them: cache=y|n (the compile cache, "
                             "on by default; JITDEBUG_CACHE=0 turns it off too)")
    _optimize_argument(parser, "the runtime's signal handler")
    _wasm_switches(parser)
    parser.add_argument("-D", dest="debug_options", action="append", default=[], metavar="coredump=FILE",
                        help="debug option, wasmtime's spelling: coredump=FILE writes an ELF core file of the process "
                             "at a trap, an uncaught exception or a fatal signal (for gdb -c / lldb -c)")
    parser.add_argument("--core-dump", metavar="FILE", help="the same as -D coredump=FILE")
    parser.add_argument("--dir", action="append", default=[], metavar="HOST[::GUEST]",
                        help="WASI: grant the program the host directory HOST, named GUEST (default HOST) inside "
                             "(repeatable)")
    parser.add_argument("--argv0", metavar="NAME", help="WASI: the program's argv[0] (default: IN as given)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME[=VALUE]",
                        help="WASI: set the program's environment variable NAME, or pass on this process's value "
                             "(repeatable)")
    parser.add_argument("args", nargs="*", metavar="ARGS",
                        help="arguments of the invoked function; of a WASI program, its argv after its name "
                             "(after -- when they look like options)")


def _cache_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("clear", "dir"),
                        help="clear: remove every cached module; dir: print the cache's directory")


def _codegen_options(options: Sequence[str]) -> dict[str, bool]:
    """``-C KEY[=VAL]`` options; ``cache`` is the one there is (a bare key means yes)."""
    values: dict[str, bool] = {}
    for option in options:
        key, equals, value = option.partition("=")
        if key != "cache":
            raise JitdebugError(f"unknown -C option {key!r} (known: cache)")
        flag = value.strip().lower() if equals else "y"
        if flag not in ("y", "yes", "true", "on", "n", "no", "false", "off"):
            raise JitdebugError(f"-C {key}: expected y or n, got {value!r}")
        values[key] = flag in ("y", "yes", "true", "on")
    return values


def _optimize_options(options: Sequence[str]) -> dict[str, bool]:
    """``-O KEY[=VAL]`` options; ``signals-based-traps`` is the one there is (a bare key means yes)."""
    values: dict[str, bool] = {}
    for option in options:
        for item in option.split(","):
            key, equals, value = item.partition("=")
            if key != "signals-based-traps":
                raise JitdebugError(f"unknown -O option {key!r} (known: signals-based-traps)")
            flag = value.strip().lower() if equals else "y"
            if flag not in ("y", "yes", "true", "on", "n", "no", "false", "off"):
                raise JitdebugError(f"-O {key}: expected y or n, got {value!r}")
            values[key] = flag in ("y", "yes", "true", "on")
    return values


def signals_based_traps(namespace: argparse.Namespace) -> bool:
    """``-O signals-based-traps`` of ``run`` and ``compile`` (y unless given otherwise)."""
    return _optimize_options(namespace.optimize).get("signals-based-traps", True)


def _core_dump(namespace: argparse.Namespace) -> str | None:
    """The core file named by ``-D coredump=FILE`` or ``--core-dump FILE`` (the last one given)."""
    path = namespace.core_dump
    for option in namespace.debug_options:
        name, equals, value = option.partition("=")
        if name != "coredump" or not equals or not value:
            raise JitdebugError(f"unknown debug option -D {option!r} (supported: -D coredump=FILE)")
        path = value
    return path


def _runtime_arguments(parser: argparse.ArgumentParser) -> None:
    from .runtime.command import add_arguments

    add_arguments(parser)


def _passthrough_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("argv", nargs=argparse.REMAINDER, metavar="[OPTIONS...] -- PROGRAM ARGS...",
                        help="debugger options (passed unchanged), then the program to debug")


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    #: ``"module:function"`` taking the parsed arguments and returning the exit code.
    handler: str
    #: Everything after the subcommand name goes to the handler unparsed (debugger options look like ours).
    passthrough: bool = False
    #: Options may follow positionals (``run IN --invoke NAME ARGS...``), which plain ``parse_args`` rejects.
    intermixed: bool = False


COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("compile", "compile a module to a linkable object (C ABI)", _compile_arguments,
            "emitter.aot:compile_command"),
    Command("run", "JIT-compile a module, run it and print the results", _run_arguments, "emitter.cli:run_handler",
            intermixed=True),
    Command("cache", "manage the cache of compiled modules that 'jitdebug run' keeps", _cache_arguments,
            "emitter.cli:cache_handler"),
    Command("runtime", "print where the AOT C runtimes are, or build them into a static library",
            _runtime_arguments, "emitter.runtime.command:runtime_command"),
    Command("gdb", "start GDB with the Wasm plugin loaded", _passthrough_arguments, "emitter.cli:gdb_handler",
            passthrough=True),
    Command("lldb", "start LLDB with the Wasm plugin loaded", _passthrough_arguments, "emitter.cli:lldb_handler",
            passthrough=True),
)}


def run_handler(namespace: argparse.Namespace) -> int:
    from .jit.cache import enabled_by_environment
    from .jit.run import run_command

    cache = _codegen_options(namespace.codegen).get("cache", enabled_by_environment())
    return run_command(str(namespace.input), namespace.invoke, list(namespace.args), namespace.library,
                       cache=cache, core_dump=_core_dump(namespace), dirs=namespace.dir, env=namespace.env,
                       argv0=namespace.argv0, features=namespace.features,
                       signals_based_traps=signals_based_traps(namespace))


def cache_handler(namespace: argparse.Namespace) -> int:
    from .jit.cache import CompileCache

    cache = CompileCache()
    if namespace.action == "dir":
        print(cache.directory)
    else:
        print(f"removed {cache.clear()} cached modules from {cache.directory}")
    return 0


def gdb_handler(namespace: argparse.Namespace) -> int:
    from .debuggers import gdb_command

    return gdb_command(list(namespace.argv))


def lldb_handler(namespace: argparse.Namespace) -> int:
    from .debuggers import lldb_command

    return lldb_command(list(namespace.argv))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jitdebug", description="WebAssembly to x86-64 objects that debuggers understand")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS.values():
        command.add_arguments(subparsers.add_parser(command.name, help=command.help, description=command.help))
    return parser


def resolve_handler(command: Command) -> Handler:
    """Import the handler of ``command``; a build without its module is a user-visible error, not a traceback."""
    module_name, _, function_name = command.handler.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is None or not module_name.startswith(error.name):
            raise
        raise JitdebugError(f"'jitdebug {command.name}' is not available in this build") from None
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise JitdebugError(f"'jitdebug {command.name}' is not available in this build")
    return handler  # type: ignore[no-any-return]


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """Warnings (producer DWARF dropped in part, say) as one line each, like errors: no source location."""
    print(f"jitdebug: warning: {message}", file=sys.stderr if file is None else file)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (argparse usage errors raise SystemExit(2))."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    command = COMMANDS.get(arguments[0]) if arguments else None
    if command is not None and command.passthrough:
        # argparse would claim debugger options such as -batch or -ex; the handler splits at "--" itself.
        namespace = argparse.Namespace(command=command.name, argv=arguments[1:])
    elif command is not None and command.intermixed:
        sub = _Parser(prog=f"jitdebug {command.name}", description=command.help)
        command.add_arguments(sub)
        namespace = sub.parse_intermixed_args(arguments[1:])
        namespace.command = command.name
    else:
        namespace = parser.parse_args(arguments)
        command = COMMANDS[namespace.command]
    warnings.showwarning = _show_warning
    try:
        return resolve_handler(command)(namespace)
    except JitdebugError as error:
        print(f"jitdebug: error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
