"""Text output of the ``wasm`` commands, identical in every debugger.

``wasm bt`` prints wasmtime's backtrace lines (``    0:     0x24 - demo!leaf``) followed by the debugger's own
frame number, ``  [#3]``, so the user can ``frame 3`` into it; the listing line follows, indented, when known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .adapter import NativeFrame
from .listing import listing_line
from .modules import CodeIndex, LoadedFunction, LoadedModule, WasmLocation

SOURCE_INDENT = " " * 20


def wasm_frames(index: CodeIndex, frames: list[NativeFrame]) -> list[tuple[NativeFrame, WasmLocation]]:
    """The Wasm frames among the native ones. Outer frames are looked up at pc - 1: a return address can be the
    first byte of the next instruction, and wasmtime reports the call instruction there."""
    out = []
    for frame in frames:
        pc = frame.pc if frame.exact else frame.pc - 1
        location = index.locate(pc)
        if location is not None:
            out.append((frame, location))
    return out


def backtrace_line(number: int, location: WasmLocation) -> str:
    offset = location.wasm_offset
    return f"{number:>5}: {offset if offset is not None else 0:#8x} - {location.function.qualified_name}"


def format_backtrace(index: CodeIndex, frames: list[NativeFrame], limit: int | None = None) -> str:
    found = wasm_frames(index, frames)
    if not found:
        return "No Wasm frames."
    lines = []
    for number, (frame, location) in enumerate(found[:limit]):
        lines.append(f"{backtrace_line(number, location)}  [#{frame.number}]")
        entry = location.entry
        module = location.module.meta
        if entry is not None and entry.line > 0 and module.source_file:
            lines.append(f"{SOURCE_INDENT}at {module.source_file}:{entry.line}")
    return "\n".join(lines)


def format_location(location: WasmLocation) -> str:
    """One line for a stop: pc, ``module!function``, Wasm offset, and the listing line when available."""
    offset = location.wasm_offset
    text = f"{location.pc:#018x} in {location.function.qualified_name}, wasm offset {offset or 0:#x}"
    entry = location.entry
    if entry is not None and entry.line > 0:
        source = listing_line(location.module.meta, entry.line)
        if source is not None:
            text += f"\n{entry.line:>8}  {source}"
        else:
            text += f" ({location.module.meta.source_file}:{entry.line})"
    return text


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows])


def format_modules(modules: list[LoadedModule]) -> str:
    if not modules:
        return "No Wasm modules loaded."
    rows = [(m.meta.display_name, str(len(m.functions)), f"{m.start:#x}-{m.end:#x}",
             str(sum(f.meta.code_size for f in m.functions)), m.origin) for m in modules]
    return _table(("Module", "Functions", "Address range", "Code size", "Origin"), rows)


def format_functions(modules: list[LoadedModule], pattern: str | None = None) -> str:
    """Functions whose ``module!function`` (or symbol) matches ``pattern`` (a regular expression, searched)."""
    regex = re.compile(pattern) if pattern else None
    chosen: list[LoadedFunction] = [f for m in modules for f in m.functions
                                    if regex is None or regex.search(f.qualified_name) or regex.search(f.meta.symbol)]
    if not chosen:
        return "No matching Wasm functions."
    rows = [(f.qualified_name, "-" if f.meta.wasm_index is None else str(f.meta.wasm_index),
             f"{f.address:#x}-{f.end:#x}", str(f.meta.code_size),
             "-" if f.meta.body_offset is None else f"{f.meta.body_offset:#x}", f.meta.symbol)
            for f in sorted(chosen, key=lambda f: f.address)]
    return _table(("Function", "Index", "Address range", "Size", "Body", "Symbol"), rows)
