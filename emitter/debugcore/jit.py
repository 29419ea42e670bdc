"""Walk the GDB JIT interface's registered images in inferior memory.

``struct jit_descriptor { uint32_t version, action_flag; jit_code_entry *relevant_entry, *first_entry; }`` and
``struct jit_code_entry { jit_code_entry *next, *prev; const char *symfile_addr; uint64_t symfile_size; }``.
The list lives in a process that may be broken, so every read is bounded: a cycle, a wild pointer or an absurd
size ends the walk with a warning instead of a hang (a time budget backs the count limits).
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass

from .adapter import DebuggerAdapter, InferiorReadError

DESCRIPTOR_SYMBOL = "__jit_debug_descriptor"
REGISTER_SYMBOL = "__jit_debug_register_code"
_DESCRIPTOR = struct.Struct("<IIQQ")
_ENTRY = struct.Struct("<QQQQ")
#: ``action_flag`` while ``__jit_debug_register_code`` runs for an image being unregistered (``relevant_entry``,
#: still linked: the JIT unlinks it after the call, as the protocol has it).
JIT_UNREGISTER_FN = 2
MAX_ENTRIES = 100_000
MAX_IMAGE_SIZE = 256 << 20
TIME_BUDGET = 0.5


@dataclass(frozen=True, slots=True)
class JitEntry:
    address: int
    symfile_addr: int
    symfile_size: int


@dataclass(frozen=True, slots=True)
class JitDescriptor:
    version: int
    action_flag: int
    relevant_entry: int
    first_entry: int


def read_descriptor(adapter: DebuggerAdapter) -> JitDescriptor | None:
    """The descriptor, or None when the inferior has no JIT interface (or it is unreadable)."""
    address = adapter.symbol_address(DESCRIPTOR_SYMBOL)
    if address is None:
        return None
    try:
        return JitDescriptor(*_DESCRIPTOR.unpack(adapter.read_memory(address, _DESCRIPTOR.size)))
    except InferiorReadError:
        adapter.warning(f"cannot read {DESCRIPTOR_SYMBOL} at {address:#x}")
        return None


def read_entries(adapter: DebuggerAdapter) -> list[JitEntry]:
    """The registered images in list order, without the one being unregistered (the JIT is in
    ``__jit_debug_register_code`` for it: it is gone once the call returns); stops with a warning at the first
    sign of corruption."""
    descriptor = read_descriptor(adapter)
    if descriptor is None:
        return []
    if descriptor.version != 1:
        adapter.warning(f"{DESCRIPTOR_SYMBOL} has version {descriptor.version}, expected 1; JIT code ignored")
        return []
    entries: list[JitEntry] = []
    seen: set[int] = set()
    absurd: list[int] = []
    deadline = time.monotonic() + TIME_BUDGET
    address = descriptor.first_entry
    while address:
        if address in seen:
            adapter.warning(f"JIT code list has a cycle at entry {address:#x}; list cut there")
            break
        if len(seen) >= MAX_ENTRIES or time.monotonic() > deadline:
            adapter.warning(f"JIT code list longer than {len(seen)} entries; the rest is ignored")
            break
        seen.add(address)
        try:
            raw = adapter.read_memory(address, _ENTRY.size)
        except InferiorReadError:
            adapter.warning(f"JIT code entry at {address:#x} is unreadable; list cut there")
            break
        next_address, _prev, symfile_addr, symfile_size = _ENTRY.unpack(raw)
        if descriptor.action_flag == JIT_UNREGISTER_FN and address == descriptor.relevant_entry:
            pass
        elif 0 < symfile_size <= MAX_IMAGE_SIZE:
            entries.append(JitEntry(address, symfile_addr, symfile_size))
        else:
            absurd.append(address)
        address = next_address
    if absurd:
        adapter.warning(f"{len(absurd)} JIT code entries with an absurd image size skipped (first at {absurd[0]:#x})")
    return entries
