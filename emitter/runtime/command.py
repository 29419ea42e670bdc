"""``jitdebug runtime``: where the AOT runtimes are and how to link them, the way ``pkg-config``/``llvm-config``
answer, or a ready static library built with the target's C compiler.

    jitdebug runtime --cflags --sources            # -I<dir> <dir>/jitdebug_eh.c      (cc host.c m.o $(...))
    jitdebug runtime --target x86_64-windows --sources
    jitdebug runtime -o libjitdebug_rt.a           # cc host.c m.o libjitdebug_rt.a
    jitdebug runtime --target x86_64-windows -o jitdebug_rt.lib   # an ar archive: mingw ld and lld-link read it
    jitdebug runtime --list                        # every runtime of the table, one a line

Runtimes are named as positionals (``jitdebug runtime eh wasi -o ...``); none named means the default ones of
``catalog.RUNTIMES``. Query options print their answers space-separated on one line, in the order given.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import JitdebugError
from .catalog import RUNTIMES, TARGETS, Runtime

#: Compiler and archiver per target, overridden by ``--cc``/``--ar`` (``CC``/``AR`` for the native target).
_TOOLS = {"x86_64-linux": ("cc", "ar"), "x86_64-windows": ("x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-ar")}
#: Options of the library build: debuggers and unwinders walk through the runtime's frames (frame pointers,
#: unwind tables); position-independent so the archive also links into PIEs and shared objects.
_BUILD_FLAGS = {"x86_64-linux": ("-O2", "-g", "-fPIC", "-fno-omit-frame-pointer", "-fasynchronous-unwind-tables"),
                "x86_64-windows": ("-O2", "-g")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="RUNTIME",
                        help=f"runtimes to answer for (default: {', '.join(_defaults())}; see --list)")
    parser.add_argument("--target", choices=TARGETS, default="x86_64-linux", help="the host's target")
    parser.add_argument("--cflags", dest="queries", action="append_const", const="cflags",
                        help="print the compiler options (-I<dir>) the runtimes' headers need")
    parser.add_argument("--include-dir", dest="queries", action="append_const", const="include-dir",
                        help="print the directory of the runtimes' headers")
    parser.add_argument("--sources", dest="queries", action="append_const", const="sources",
                        help="print the C sources to compile beside the object for the target")
    parser.add_argument("--list", action="store_true", help="print every runtime with what it is for")
    parser.add_argument("-o", dest="output", type=Path, metavar="LIB",
                        help="write a static library of the runtimes for the target (libjitdebug_rt.a, .lib)")
    parser.add_argument("--cc", metavar="CC", help="C compiler for -o (default: $CC or cc; mingw gcc for Windows)")
    parser.add_argument("--ar", metavar="AR", help="archiver for -o (default: $AR or ar; mingw ar for Windows)")


def _defaults() -> list[str]:
    return [r.name for r in RUNTIMES.values() if r.default]


def selected(names: list[str], target: str) -> list[Runtime]:
    chosen = names or _defaults()
    unknown = [n for n in chosen if n not in RUNTIMES]
    if unknown:
        raise JitdebugError(f"runtime: unknown runtime {unknown[0]!r} (known: {', '.join(RUNTIMES)})")
    with_required: list[str] = []
    for name in chosen:
        with_required.extend((*RUNTIMES[name].requires, name))
    runtimes = [RUNTIMES[n] for n in dict.fromkeys(with_required)]
    for runtime in runtimes:
        if target not in runtime.targets:
            raise JitdebugError(f"runtime: {runtime.name!r} is not available for {target}")
    return runtimes


def answer(query: str, runtimes: list[Runtime], target: str) -> list[str]:
    include_dirs = list(dict.fromkeys(str(r.include_dir) for r in runtimes))
    match query:
        case "cflags":
            return [f"-I{d}" for d in include_dirs] + [f for r in runtimes for f in r.cflags.get(target, ())]
        case "include-dir":
            return include_dirs
        case _:
            return [str(p) for r in runtimes for p in r.source_paths(target)]


def runtime_command(namespace: argparse.Namespace) -> int:
    target: str = namespace.target
    runtimes = selected(list(namespace.names), target)
    queries: list[str] = namespace.queries or []
    if namespace.list:
        for runtime in RUNTIMES.values():
            default = " (default)" if runtime.default else ""
            print(f"{runtime.name}{default}: {runtime.summary}; targets {', '.join(runtime.targets)}")
        return 0
    if namespace.output is None and not queries:
        raise JitdebugError("runtime: nothing asked: give --cflags, --include-dir, --sources, --list or -o LIB")
    if queries:
        print(" ".join(shlex.quote(word) for q in queries for word in answer(q, runtimes, target)))
    if namespace.output is not None:
        build_library(runtimes, target, namespace.output, cc=namespace.cc, ar=namespace.ar)
    return 0


def _tool(explicit: str | None, environment: str, default: str, target: str) -> list[str]:
    """The command for a tool: given, else the environment's (native target only), else the target's default."""
    text = explicit or (os.environ.get(environment) if target == "x86_64-linux" else None) or default
    words = shlex.split(text)
    if not words or shutil.which(words[0]) is None:
        raise JitdebugError(f"runtime: {environment.lower()} {text!r} for {target} not found (give --"
                            f"{environment.lower()})")
    return words


def build_library(runtimes: list[Runtime], target: str, output: Path, *, cc: str | None = None,
                  ar: str | None = None) -> None:
    """Compile the runtimes' sources for ``target`` and archive them as ``output``, all-or-nothing."""
    compiler = _tool(cc, "CC", _TOOLS[target][0], target)
    archiver = _tool(ar, "AR", _TOOLS[target][1], target)
    if not output.parent.is_dir():
        raise JitdebugError(f"cannot write {output}: no such directory {output.parent}")
    includes = answer("cflags", runtimes, target)
    with tempfile.TemporaryDirectory(prefix="jitdebug-runtime-") as work:
        objects = []
        for index, source in enumerate(p for r in runtimes for p in r.source_paths(target)):
            obj = Path(work) / f"{index}_{source.stem}.o"
            _run([*compiler, *_BUILD_FLAGS[target], *includes, "-c", str(source), "-o", str(obj)],
                 f"compiling {source.name} for {target}")
            objects.append(str(obj))
        staged = Path(work) / output.name
        _run([*archiver, "rcs", str(staged), *objects], f"archiving {output.name}")
        temporary: str | None = None
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
            os.close(fd)
            shutil.copyfile(staged, temporary)
            os.replace(temporary, output)
        except OSError as error:
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
            raise JitdebugError(f"cannot write {output}: {error.strerror or error}") from None


def _run(argv: list[str], what: str) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as error:
        raise JitdebugError(f"runtime: {what}: cannot run {argv[0]}: {error.strerror or error}") from None
    if proc.returncode != 0:
        first = next((line for line in proc.stderr.splitlines() if line.strip()), f"exit {proc.returncode}")
        raise JitdebugError(f"runtime: {what}: {argv[0]} failed: {first}")
