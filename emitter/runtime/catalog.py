"""The C runtimes the project ships for AOT hosts, one row each, and where an installed package keeps them.

A runtime is C source compiled with the host's own compiler (so it matches the host's C runtime and unwinder),
shipped as package data (``emitter/runtime/``, ``emitter/wasi/``...). ``jitdebug runtime``
(``emitter/runtime/command.py``) answers from this table: include directory, sources for a target, or a ready
static library. Adding a runtime is adding a row (its sources in a directory the package data includes):
nothing else in the command changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: The ``emitter`` package: runtimes' directories are relative to it, in a checkout and an installed package.
PACKAGE_DIR = Path(__file__).resolve().parent.parent

TARGETS = ("x86_64-linux", "x86_64-windows")


@dataclass(frozen=True, slots=True)
class Runtime:
    name: str
    summary: str
    #: Package directory holding the sources and headers, relative to ``PACKAGE_DIR`` (``runtime``, ``wasi``).
    directory: str
    #: Sources compiled for every target, then those for one target only.
    sources: tuple[str, ...]
    target_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Targets the runtime supports (all by default).
    targets: tuple[str, ...] = TARGETS
    #: Part of the library when no runtime is named (the one an AOT host of any module may need).
    default: bool = False
    #: Options the compiler needs for these sources, per target (beyond the include directory).
    cflags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Runtimes this one calls into, selected with it (before it).
    requires: tuple[str, ...] = ()

    @property
    def include_dir(self) -> Path:
        return PACKAGE_DIR / self.directory

    def source_paths(self, target: str) -> list[Path]:
        return [self.include_dir / s for s in self.sources + self.target_sources.get(target, ())]


RUNTIMES: dict[str, Runtime] = {r.name: r for r in (
    Runtime("eh", "Wasm exceptions (personality, throw, catch of foreign exceptions) and trap reports "
                  "(jitdebug_trap_report); every module with exceptions or a trap hook that reports needs it",
            "runtime", ("jitdebug_eh.c",), {"x86_64-windows": ("jitdebug_eh_seh.c",)}, default=True),
    Runtime("core", "post-mortem core files: with it linked, jitdebug_trap_report writes an ELF core to "
                    "$JITDEBUG_COREDUMP (jitdebug_core.h)",
            "runtime", ("jitdebug_core.c",), targets=("x86_64-linux",)),
    Runtime("wasi", "WASI preview 1 for AOT commands: the host functions and the main that runs jitdebug_wasi_start "
                    "with --dir/--env/--argv0 as wasmtime run spells them",
            "wasi", ("jitdebug_wasi.c", "jitdebug_wasi_main.c"), targets=("x86_64-linux",), requires=("eh",)),
)}
