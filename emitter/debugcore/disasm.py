"""``wasm disas``: a function's native code interleaved with the Wasm instructions (and listing lines) it
implements. capstone is not in the debuggers' Python: it is imported lazily, from the project's virtual
environment when needed (same Python version, so the same ABI)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from .adapter import InferiorReadError
from .format import format_functions
from .listing import listing_line
from .modules import LoadedFunction
from .session import CommandError, Session


def _capstone() -> ModuleType:
    try:
        return importlib.import_module("capstone")
    except ImportError:
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        site = Path(__file__).resolve().parents[2] / ".venv" / "lib" / version / "site-packages"
        if site.is_dir() and str(site) not in sys.path:
            sys.path.append(str(site))
        try:
            return importlib.import_module("capstone")
        except ImportError:
            raise CommandError("wasm disas needs capstone (pip install capstone)") from None


def _choose(session: Session, name: str | None) -> LoadedFunction:
    if name is None:
        try:
            location = session.locate(session.adapter.read_register("pc"))
        except InferiorReadError:
            location = None
        if location is None:
            raise CommandError("not stopped in Wasm code; name a function: wasm disas FUNC")
        return location.function
    module, bang, function = name.rpartition("!")
    matches = [f for m in session.modules() for f in m.functions
               if function in (f.meta.display_name, f.meta.symbol)
               and (not bang or module in (m.meta.display_name, m.meta.name))]
    if len(matches) != 1:
        found = format_functions(session.modules(), None) if not matches else "\n".join(
            f.qualified_name for f in matches)
        raise CommandError(f"{'no' if not matches else 'several'} Wasm functions named {name!r}:\n{found}")
    return matches[0]


def disassemble(session: Session, name: str | None = None) -> str:
    function = _choose(session, name)
    capstone = _capstone()
    engine = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    code = session.adapter.read_memory(function.address, function.meta.code_size)
    try:
        current: int | None = session.adapter.read_register("pc")
    except InferiorReadError:  # no process: no pc to mark
        current = None
    meta = function.meta
    lines = [f"Wasm function {function.qualified_name}"
             + (f" (index {meta.wasm_index}, body at {meta.body_offset:#x})" if meta.body_offset is not None else "")
             + f", {function.address:#x}-{function.end:#x}:"]
    entry_starts = {e.code_offset: e for e in meta.map}
    for insn in engine.disasm(code, function.address):
        entry = entry_starts.get(insn.address - function.address)
        if entry is not None:
            where = f"wasm {entry.wasm_offset:#x}" if entry.wasm_offset is not None else "(no wasm instruction)"
            text = listing_line(function.module, entry.line) if entry.line else None
            lines.append(f"  {where}" + (f"  {entry.line}: {text}" if text is not None else ""))
        marker = "=> " if insn.address == current else "   "
        lines.append(f"{marker}{insn.address:#x} <+{insn.address - function.address}>:\t{insn.mnemonic}\t{insn.op_str}"
                     .rstrip())
    return "\n".join(lines)
