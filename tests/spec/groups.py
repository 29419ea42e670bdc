"""The groups of the official spec suite the project runs: the one place that says which files belong to which
group, how they are converted, and whether pytest runs them.

A group's files are held to ``ratchet.json`` (see ``ratchet.py``): a file at 100% must stay at 100%, a file
below is held to its recorded count of passing commands. Enabling a group: set ``enabled=True`` here, then
``python -m tests.spec --group NAME --update-ratchet`` records its counts (README, "Conformance").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emitter.wasm.features import WASM2, Features

#: The vendored copy of the suite (upstream layout: the core files at the top, ``proposals/<name>/``).
WAST_ROOT = Path(__file__).resolve().parent / "wast"


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    #: Folder under ``WAST_ROOT`` and the glob of its files there.
    folder: str
    pattern: str
    #: False: pytest does not collect the group (``python -m tests.spec --group NAME`` still runs it).
    enabled: bool
    #: File names (without folder) to leave out of the glob: they belong to another group.
    exclude_prefix: str = ""
    only_prefix: str = ""
    #: When given, exactly these file names of the folder (the pattern then only documents the group).
    names: tuple[str, ...] = ()
    #: ``wasm-tools json-from-wast``, or ``wast2json --enable-all`` (wabt) for the legacy exception-handling
    #: files, which wasm-tools no longer parses.
    converter: str = "wasm-tools"
    what: str = ""
    #: Proposals the decoder and validator accept for this group's files (``emitter/wasm/features.py``): those
    #: that make Wasm 2.0's malformed or invalid modules valid, which the core files expect refused.
    features: Features = WASM2

    def files(self) -> list[Path]:
        folder = WAST_ROOT / self.folder
        found = sorted(folder.glob(self.pattern))
        if self.names:
            found = [p for p in found if p.name in self.names]
        if self.exclude_prefix:
            found = [p for p in found if not p.name.startswith(self.exclude_prefix)]
        if self.only_prefix:
            found = [p for p in found if p.name.startswith(self.only_prefix)]
        return found


GROUPS: tuple[Group, ...] = (
    Group("core", ".", "*.wast", enabled=True, exclude_prefix="simd_", what="Wasm 2.0 core, without SIMD"),
    Group("simd", ".", "*.wast", enabled=True, only_prefix="simd_", what="Wasm 2.0 core, fixed-width SIMD"),
    Group("tail-call", "proposals/tail-call", "*.wast", enabled=True, what="tail calls"),
    Group("extended-const", "proposals/extended-const", "*.wast", enabled=True, what="extended constant expressions"),
    Group("multi-memory", "proposals/multi-memory", "*.wast", enabled=True, what="multiple memories",
          features=Features(multi_memory=True)),
    Group("exception-handling", "proposals/exception-handling", "*.wast", enabled=True,
          what="exception handling (try_table, throw_ref, exnref)"),
    Group("exception-handling-legacy", "proposals/exception-handling/legacy", "*.wast", enabled=True,
          converter="wast2json", what="legacy exception handling (try/catch/rethrow/delegate)"),
    Group("memory64", "proposals/wasm-3.0", "*64.wast", enabled=True, what="memory64 (the Wasm 3.0 suite's files)",
          features=Features(memory64=True, multi_memory=True)),
    #: The Wasm 3.0 suite's files that test 64-bit tables (memory64's table64): the table instructions,
    #: ``call_indirect`` and imports. They hold GC and typed-function-reference modules too (``(ref $t)``,
    #: ``struct``, ``call_ref``), which the compiler refuses: the ratchet holds those files below 100%.
    Group("table64", "proposals/wasm-3.0", "*.wast", enabled=True, what="table64 (the Wasm 3.0 suite's table files)",
          features=Features(memory64=True, multi_memory=True, table_initializers=True),
          names=tuple(f"{name}.wast" for name in (
              "call_indirect", "imports", "table", "table_copy", "table_copy_mixed", "table_fill", "table_get",
              "table_grow", "table_init", "table_set", "table_size"))),
)


def group(name: str) -> Group:
    for candidate in GROUPS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no spec group {name!r} (known: {', '.join(g.name for g in GROUPS)})")


def file_key(path: Path) -> str:
    """A file's name in the ratchet and the table: its path under the vendored root (a file elsewhere, such as
    the runner's own test, by its name)."""
    resolved = path.resolve()
    if resolved.is_relative_to(WAST_ROOT):
        return resolved.relative_to(WAST_ROOT).as_posix()
    return path.name
