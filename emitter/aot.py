"""Ahead-of-time compilation: a Wasm module on disk to a linkable object, its listing and (optionally) a C header.

The listing is written beside the object, ``OUT.o`` -> ``OUT.wat.lst`` (``listing_path``), and is the file the
object's line table names (with an absolute directory), so a debugger's ``list``/``step``/``next`` move through
it one Wasm instruction at a time, wherever the program runs from. The module name is the ``name`` section's
module name, else the input's file stem.

Outputs are all-or-nothing: every file is first written under a temporary name in its destination directory,
and only renamed into place once all of them are complete.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .codegen.compiler import compile_module
from .compiled import CompiledModule
from .errors import JitdebugError, WasmError
from .header import render_header
from .lower import write_object
from .wasi.aot import with_command_entries
from .wasm.features import DEFAULT, Features
from .wasm.listing import render_listing
from .wasm.load import load_module
from .wasm.module import Module

TARGETS = ("x86_64-linux", "x86_64-windows")

ObjectWriter = Callable[[CompiledModule, Path], None]

#: Windows writers, looked up when used: (module, function) for a COFF object and for a DLL.
_WINDOWS_WRITERS = {False: ("emitter.lower_coff", "write_object"), True: ("emitter.obj.pe", "write_dll")}


@dataclass(frozen=True, slots=True)
class AotOutputs:
    object: Path
    listing: Path
    header: Path | None


def listing_path(output: Path) -> Path:
    """Where the listing of the object ``output`` goes: ``dir/name.o`` -> ``dir/name.wat.lst``."""
    return output.with_name(output.name.removesuffix(output.suffix) + ".wat.lst" if output.suffix
                            else output.name + ".wat.lst")


def module_name_of(module: Module, source: Path) -> str:
    return module.module_name or source.stem


def _object_writer(target: str, dll: bool, output: Path) -> ObjectWriter:
    """The writer of ``output``. It is handed a temporary path (see ``_write_all``), so a writer that records its
    file's name (a DLL's export directory) is given ``output``'s name here."""
    if target == "x86_64-linux":
        if dll:
            raise JitdebugError("--dll needs --target x86_64-windows")
        return write_object
    if target != "x86_64-windows":
        raise JitdebugError(f"unknown target {target!r} (expected one of {', '.join(TARGETS)})")
    module_name, function_name = _WINDOWS_WRITERS[dll]
    kind = "DLL" if dll else "COFF object"
    try:
        writer = getattr(importlib.import_module(module_name), function_name, None)
    except ModuleNotFoundError:
        writer = None
    if not callable(writer):
        raise JitdebugError(f"target x86_64-windows: the {kind} writer is not available in this build")
    if dll:
        return functools.partial(writer, dll_name=output.name)
    return writer  # type: ignore[no-any-return]


def compile_file(source: Path, output: Path, *, target: str = "x86_64-linux", dll: bool = False,
                 header: Path | None = None, export_prefix: str = "", features: Features = DEFAULT,
                 signals_based_traps: bool = True) -> AotOutputs:
    """Compile ``source`` (.wasm or .wat) to the object ``output``, its listing and, if asked, a C header.

    ``signals_based_traps`` (``-O signals-based-traps``, wasmtime's option): on x86-64 Linux, loads and stores of
    32-bit memories whose offset fits the guard have no compare and the object's own signal handler turns their
    fault into the trap (``codegen/aot_guards.py``); False keeps every explicit check. Windows objects check.

    Raises ``JitdebugError`` (``WasmError`` located by module offset for bad input) and writes nothing then.
    """
    writer = _object_writer(target, dll, output)
    listing_file = listing_path(output)
    destinations = [output, listing_file] + ([header] if header is not None else [])
    _check_distinct(source, destinations)
    try:
        _, module = load_module(source, features)
        name = module_name_of(module, source)
        listing = render_listing(module, name)
        compiled = compile_module(module, module_name=name, listing=listing, export_prefix=export_prefix,
                                  target=target, default_trap_hook=True, c_host=True,
                                  signals_based_traps=signals_based_traps)
        compiled = with_command_entries(compiled, module)  # a WASI command links with the WASI runtime's main
    except (OSError, UnicodeError) as error:
        raise JitdebugError(f"cannot read {source}: {_reason(error)}") from None
    except WasmError as error:
        raise _in_file(error, source) from None
    compiled.source_file = listing_file.name
    compiled.source_dir = str(listing_file.parent.resolve())
    header_text = render_header(module, module_name=name, export_prefix=export_prefix) if header else None

    def write_text(text: str) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            path.write_text(text, encoding="utf-8")
        return write

    writes: list[tuple[Path, Callable[[Path], None]]] = [
        (output, lambda path: writer(compiled, path)),
        (listing_file, write_text(listing.text)),
    ]
    if header is not None and header_text is not None:
        writes.append((header, write_text(header_text)))
    _write_all(writes)
    return AotOutputs(output, listing_file, header)


def _check_distinct(source: Path, destinations: list[Path]) -> None:
    resolved = [d.resolve() for d in destinations]
    if len(set(resolved)) != len(resolved):
        raise JitdebugError(f"output files collide: {', '.join(map(str, destinations))}")
    if source.resolve() in resolved:
        raise JitdebugError(f"output would overwrite the input {source}")


def _in_file(error: WasmError, source: Path) -> WasmError:
    """The same error (type, offset) with its message naming the input file, unless it already does."""
    text = str(error)
    if not text.startswith(str(source)):
        error.args = (f"{source}: {text}",)
    return error


def _reason(error: BaseException) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


def _write_all(writes: list[tuple[Path, Callable[[Path], None]]]) -> None:
    """Write each file under a temporary name beside its destination, then rename them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for destination, write in writes:
            try:
                fd, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
            except OSError as error:
                raise JitdebugError(f"cannot write {destination}: {_reason(error)}") from None
            os.close(fd)
            temporary = Path(name)
            staged.append((temporary, destination))
            try:
                write(temporary)
            except OSError as error:
                raise JitdebugError(f"cannot write {destination}: {_reason(error)}") from None
        mode = 0o666 & ~_umask()  # mkstemp's 0600 would make outputs private, unlike any compiler's
        for staged_file, _ in staged:
            os.chmod(staged_file, mode)
        placed: list[Path] = []
        for staged_file, destination in staged:
            try:
                os.replace(staged_file, destination)
            except OSError as error:
                for path in placed:
                    path.unlink(missing_ok=True)
                raise JitdebugError(f"cannot write {destination}: {_reason(error)}") from None
            placed.append(destination)
    finally:
        for staged_file, _ in staged:
            staged_file.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def compile_command(args: argparse.Namespace) -> int:
    """``jitdebug compile``: the CLI handler."""
    from .cli import signals_based_traps

    compile_file(args.input, args.output, target=args.target, dll=args.dll, header=args.header,
                 export_prefix=args.export_prefix, features=args.features or DEFAULT,
                 signals_based_traps=signals_based_traps(args))
    return 0
