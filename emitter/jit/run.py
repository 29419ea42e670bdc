"""``jitdebug run IN.wasm|IN.wat [--library LIB.so]... [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]...
[--invoke NAME] [--] [ARGS...]``: JIT-compile, run, print the results.

A module importing ``wasi_snapshot_preview1`` runs as ``wasmtime run`` runs it: a command's ``_start`` with ARGS
as its argv after the module's path, stdio inherited, ``--dir``/``--env`` as wasmtime spells them, and its
``proc_exit`` status as the exit code; a reactor's ``_initialize`` runs before the ``--invoke``d function.

Like wasmtime's CLI: each result on its own line; a trap or an uncaught Wasm exception prints the Wasm backtrace
(wasmtime's format) on stderr and exits 1. Without ``--invoke`` the module's ``_start`` export runs if it has
one, else only its instantiation (data segments, start function). Function imports ``(import "M" "F")`` are
bound to the native functions ``F`` of the ``--library`` libraries or of the process, under the AOT C ABI (see
``libraries.py``), so a C function can be a debugger's breakpoint under any depth of Wasm frames. Bad input,
a library that does not load and an import with no native function are one line on stderr
(``jitdebug: error: ...``) and exit code 2.
"""

from __future__ import annotations

import math
import os
import struct
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from ..codegen.runtime import StateSymbols
from ..compiled import ValueType
from ..errors import JitdebugError, TrapError
from ..wasi.config import WasiConfig, WasiExit
from ..wasi.preview1 import imports_wasi
from ..wasm.features import DEFAULT, Features
from .api import Import, Signature, compile_wasm
from .cache import CompileCache
from .coredump import set_core_dump, take_written
from .libraries import resolve_imports


def _parse(text: str, value_type: ValueType, name: str) -> int | float:
    try:
        if value_type in (ValueType.I32, ValueType.I64):
            return int(text, 0)
        if value_type is ValueType.V128:
            # wasmtime reads a v128 argument as one unsigned 128-bit integer (lane 0 in the low bits).
            value = int(text, 0)
            if not 0 <= value < 1 << 128:
                raise ValueError(text)
            return value
        return float(text)
    except ValueError:
        raise JitdebugError(f"argument {text!r} of {name!r} is not a valid {value_type.value}") from None


def _shortest_f32(value: float) -> str:
    """The shortest decimal that reads back as the same f32 (Rust's ``Display`` for ``f32``)."""
    bits = struct.pack("<f", value)
    for precision in range(1, 10):
        text = f"{value:.{precision}g}"
        if struct.pack("<f", float(text)) == bits:
            return text
    return repr(value)


def format_value(value: int | float | bytes, value_type: ValueType) -> str:
    """A result as wasmtime prints it: integers in decimal, floats in Rust's ``Display`` (no exponent, no
    trailing ``.0``, ``inf``/``NaN``), a v128 as its unsigned 128-bit integer in decimal."""
    if isinstance(value, bytes):
        return str(int.from_bytes(value, "little"))
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = _shortest_f32(value) if value_type is ValueType.F32 else repr(value)
    plain = format(Decimal(text), "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return "-0" if plain == "0" and math.copysign(1.0, value) < 0 else plain


#: Where ``jitdebug run`` writes the listing instead of a temporary directory (kept after the run).
LISTING_DIR_ENVIRONMENT = "JITDEBUG_LISTING_DIR"


def run_command(path: str, invoke: str | None, args: list[str], libraries: Sequence[str] = (), *,
                cache: bool = False, core_dump: str | None = None, dirs: Sequence[str] = (),
                env: Sequence[str] = (), argv0: str | None = None, features: Features | None = None,
                signals_based_traps: bool = True) -> int:
    """Run the module at ``path`` with its imports from ``libraries`` and the process (and WASI, seeing the
    preopened ``dirs`` and the variables ``env``); returns the process exit code (0, the WASI program's exit
    status, 1 on a trap or uncaught exception, 2 on bad input). ``cache``: compile through the compile cache
    (``cache.py``). ``core_dump``: write a core file there at a trap (see ``coredump.py``); the listing then
    stays in ``CORE.listing/``, which the core's line tables name. ``features``: the proposals accepted
    (``-W``; default ``DEFAULT``). ``signals_based_traps`` False (``-O signals-based-traps=n``): an explicit
    bounds check before every load and store (``emitter/codegen/guards.py``)."""
    features = DEFAULT if features is None else features
    try:
        if core_dump is not None:
            set_core_dump(core_dump)
            listing = Path(core_dump + ".listing")
            listing.mkdir(exist_ok=True)
            return _run(path, invoke, args, libraries, str(listing.resolve()), CompileCache() if cache else None,
                        dirs, env, argv0, features, signals_based_traps)
        fixed = os.environ.get(LISTING_DIR_ENVIRONMENT)
        if fixed:
            # A known place (an editor sets breakpoints in the listing before the program runs).
            os.makedirs(fixed, exist_ok=True)
            return _run(path, invoke, args, libraries, os.path.abspath(fixed), CompileCache() if cache else None,
                        dirs, env, argv0, features, signals_based_traps)
        # The listing the line table names lives as long as the JIT images: a debugger reads it only then.
        with tempfile.TemporaryDirectory(prefix="jitdebug-") as listing_dir:
            return _run(path, invoke, args, libraries, listing_dir, CompileCache() if cache else None, dirs, env,
                        argv0, features, signals_based_traps)
    except TrapError as trap:
        sys.stdout.flush()
        sys.stderr.write(trap.backtrace)
        written = take_written()
        if written is not None:
            sys.stderr.write(f"core dumped at {written[0]} ({written[1]} bytes)\n")
        return 1
    except OSError as error:
        print(f"jitdebug: error: {error}", file=sys.stderr)
        return 2
    except WasiExit as done:
        return done.code
    except JitdebugError as error:
        print(f"jitdebug: error: {error}", file=sys.stderr)
        return 2


def wasi_config(path: str, invoke: str | None, args: Sequence[str], dirs: Sequence[str],
                env: Sequence[str], argv0: str | None = None) -> WasiConfig:
    """What ``wasmtime run`` gives a program: argv is ``argv0`` (default: the module's path as given), then
    ``args`` (unless they are the invoked function's); ``--dir HOST[::GUEST]`` preopens; ``--env NAME=VALUE`` or
    ``--env NAME`` (this process's value, if it has one); stdio inherited."""
    config = WasiConfig(argv=[argv0 if argv0 is not None else path, *(args if invoke is None else ())])
    for spec in dirs:
        host, separator, guest = spec.partition("::")
        if not host or (separator and not guest):
            raise JitdebugError(f"--dir {spec!r}: expected HOST or HOST::GUEST")
        if not os.path.isdir(host):
            raise JitdebugError(f"--dir {spec!r}: {host!r} is not a directory")
        config.preopen_dir(host, guest or host)
    variables: dict[str, str] = {}
    for spec in env:
        name, separator, value = spec.partition("=")
        if not name:
            raise JitdebugError(f"--env {spec!r}: expected NAME=VALUE or NAME")
        if separator:
            variables[name] = value
        elif name in os.environ:
            variables[name] = os.environ[name]
    config.env = variables
    return config


def _run(path: str, invoke: str | None, args: list[str], libraries: Sequence[str], listing_dir: str,
         cache: CompileCache | None, dirs: Sequence[str], env: Sequence[str], argv0: str | None,
         features: Features, signals_based_traps: bool) -> int:
    module = compile_wasm(path, listing_dir=listing_dir, cache=cache, features=features,
                          signals_based_traps=signals_based_traps)
    wasi = wasi_config(path, invoke, args, dirs, env, argv0) if imports_wasi(module.module) else None
    imports: dict[str | tuple[str, str], Import] = {}
    imports.update(resolve_imports(module.module, libraries))
    with module.instantiate(imports, wasi=wasi) as instance:
        if wasi is not None and invoke is None and "_start" in instance.exports:
            instance.exports["_start"]()  # a WASI command: ARGS are its argv
            return 0
        if wasi is not None and "_initialize" in instance.exports:
            instance.exports["_initialize"]()  # a WASI reactor, before the invoked function
        name = invoke if invoke is not None else "_start" if "_start" in instance.exports else None
        if name is None:
            if args:
                raise JitdebugError("arguments given without --invoke and the module has no _start")
            instantiate = StateSymbols(module.compiled.name).instantiate
            instance.call_symbol(instantiate)
            return 0
        export = instance.exports.get(name)
        if export is None:
            if name in instance.uncallable:
                raise JitdebugError(instance.uncallable[name])
            raise JitdebugError(f"module has no exported function {name!r}")
        signature: Signature = export.signature
        if len(args) != len(signature.params):
            raise JitdebugError(f"{name!r} takes {len(signature.params)} arguments, {len(args)} given")
        values = [_parse(a, t, name) for a, t in zip(args, signature.params, strict=True)]
        result = export(*values)
        if signature.results:
            print(format_value(result, signature.results[0]))
        return 0
