"""An instance's state as the user sees it: ``wasm globals`` (every defined global by name, type and value) and
``wasm memory [-m N] ADDR [LEN]`` (linear memory ``N``, default 0, by Wasm address), read through the instance's
vmctx, ``<m>.memories`` and globals blob (found by the plugin metadata), in a live process or a core file alike.

Which instance: ``MODULE`` when given (``wasm memory watchme+0x40``), else the module of the innermost Wasm frame
on the stack, else the only module with a memory; ``wasm watch`` chooses the same way.
"""

from __future__ import annotations

import re
import struct
from typing import TYPE_CHECKING

from .adapter import InferiorReadError
from .format import wasm_frames
from .modules import LoadedModule

if TYPE_CHECKING:
    from .session import Session

MAX_DUMP = 4096
MEMORY_USAGE = "wasm memory [-m N] [MODULE+]ADDR [LEN]"


def instance_for(session: Session, name: str | None, command: str) -> LoadedModule:
    """The instance a memory address refers to (see the module docstring); ValueError naming ``command``."""
    with_memory = [m for m in session.modules() if m.meta.has_memory and m.vmctx is not None]
    if name is not None:
        chosen = [m for m in with_memory if m.meta.display_name == name]
        if not chosen:
            raise ValueError(f"{command}: no loaded Wasm module {name!r} with a memory")
        if len(chosen) > 1:
            raise ValueError(f"{command}: {len(chosen)} instances of {name!r} are loaded; stop in one of its "
                             "functions and give the address alone")
        return chosen[0]
    try:
        frames = session.frames()
    except InferiorReadError:
        frames = []
    for _frame, location in wasm_frames(session.index(), frames):
        if location.module in with_memory:
            return location.module
    if len(with_memory) == 1:
        return with_memory[0]
    if not with_memory:
        raise ValueError(f"{command}: no loaded Wasm module has a linear memory")
    raise ValueError(f"{command}: several Wasm modules have a memory; name one: MODULE+ADDR")


def memory_count(module: LoadedModule) -> int:
    """How many memories the instance has (as far as its state symbols tell)."""
    if module.memories is not None:
        return module.memories[1]
    return 1 if module.meta.has_memory else 0


def base_word_of(session: Session, module: LoadedModule, index: int = 0) -> int:
    """The address of the word holding memory ``index``'s native base: vmctx word 0 for memory 0 (what the code and
    the DWARF of C variables read), else word 0 of the memory's record (the exporter's, for an imported memory).
    ``memory_of`` has checked the index."""
    if module.vmctx is None:
        raise ValueError(f"the state of {module.meta.display_name} is not found")
    if not index or module.memories is None:
        return module.vmctx
    return int.from_bytes(session.adapter.read_memory(module.memories[0] + 8 * index, 8), "little")


def memory_of(session: Session, module: LoadedModule, index: int = 0) -> tuple[int, int]:
    """The native base and the size in bytes of the instance's linear memory ``index``. Memory 0: vmctx word 0,
    and the second word of the memory's record, which vmctx word 1 points to (shared by every instance importing
    the memory). Another memory: its record, whose address is word ``index`` of ``<m>.memories``: base, size."""
    if module.vmctx is None:
        raise ValueError(f"the state of {module.meta.display_name} is not found")
    if index:
        count = memory_count(module)
        if module.memories is None or not 0 <= index < count:
            raise ValueError(f"{module.meta.display_name} has no memory {index} (it has {count})")
        record = int.from_bytes(session.adapter.read_memory(module.memories[0] + 8 * index, 8), "little")
        words = session.adapter.read_memory(record, 16)
        return int.from_bytes(words[:8], "little"), int.from_bytes(words[8:], "little")
    words = session.adapter.read_memory(module.vmctx, 16)
    record = int.from_bytes(words[8:], "little")
    size = int.from_bytes(session.adapter.read_memory(record + 8, 8), "little") if record else 0
    return int.from_bytes(words[:8], "little"), size


def _value(data: bytes, value_type: str) -> str:
    match value_type:
        case "i32":
            value = int.from_bytes(data[:4], "little")
            signed = value - (1 << 32) if value >> 31 else value
            return f"{signed} ({value:#x})"
        case "i64":
            value = int.from_bytes(data, "little")
            signed = value - (1 << 64) if value >> 63 else value
            return f"{signed} ({value:#x})"
        case "f32":
            return repr(struct.unpack("<f", data[:4])[0])
        case "f64":
            return repr(struct.unpack("<d", data)[0])
        case "v128":
            return "i32x4 " + " ".join(f"0x{w:08x}" for w in struct.unpack("<4I", data))
        case _:
            value = int.from_bytes(data, "little")
            return "null" if value == 0 else f"{value:#x}"


def format_globals(session: Session, name: str | None = None) -> str:
    rows = [("Module", "Global", "Type", "Mutable", "Value")]
    for module in session.modules():
        if name is not None and module.meta.display_name != name:
            continue
        if not module.meta.globals:
            continue
        blob = None
        # 8 bytes a global, 16 a v128, in order.
        offsets = [0]
        for glob in module.meta.globals:
            offsets.append(offsets[-1] + (16 if glob.type == "v128" else 8))
        if module.globals_address is not None:
            try:
                blob = session.adapter.read_memory(module.globals_address, offsets[-1])
            except InferiorReadError:
                blob = None
        for position, glob in enumerate(module.meta.globals):
            start, end = offsets[position], offsets[position + 1]
            value = _value(blob[start:end], glob.type) if blob else "<unreadable>"
            rows.append((module.meta.display_name, glob.name, glob.type, "yes" if glob.mutable else "no", value))
    if len(rows) == 1:
        return "No Wasm globals." if name is None else f"No Wasm globals in {name!r}."
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def format_memory(session: Session, argument: str) -> str:
    """``wasm memory [-m N] [MODULE+]ADDR [LEN]``: 16 bytes a line, with the Wasm address of each line, of memory
    ``N`` (default 0); a first line names the memory when ``-m`` is given or the module has several."""
    words = argument.split()
    index: int | None = None
    if words[:1] == ["-m"]:
        try:
            index = int(words[1], 0) if len(words) > 1 else -1
        except ValueError:
            index = -1
        if index < 0:
            raise ValueError(f"usage: {MEMORY_USAGE} (N: a memory index)")
        words = words[2:]
    if not 1 <= len(words) <= 2:
        raise ValueError(f"usage: {MEMORY_USAGE}")
    target = words[0]
    names = {m.meta.display_name for m in session.modules()}
    found = re.fullmatch(r"(.+)\+(0x[0-9a-fA-F]+|\d+)", target)
    module_name = None
    if found and found[1] in names:
        module_name, target = found[1], found[2]
    try:
        address = int(target, 0)
        length = int(words[1], 0) if len(words) == 2 else 64
    except ValueError:
        raise ValueError(f"usage: {MEMORY_USAGE} (numbers)") from None
    if not 1 <= length <= MAX_DUMP:
        raise ValueError(f"wasm memory: length {length} is not between 1 and {MAX_DUMP}")
    module = instance_for(session, module_name, "wasm memory")
    try:
        base, size = memory_of(session, module, index or 0)
    except ValueError as error:
        raise ValueError(f"wasm memory: {error}") from None
    which = f"memory {index or 0}" if index is not None or memory_count(module) > 1 else "memory"
    if not 0 <= address <= address + length <= size:
        raise ValueError(f"wasm memory: {module.meta.display_name}+{address:#x} ({length} bytes) is outside its "
                         f"{which} of {size:#x} bytes")
    data = session.adapter.read_memory(base + address, length)
    lines = [] if which == "memory" else [f"{module.meta.display_name} {which} ({size:#x} bytes):"]
    for at in range(0, length, 16):
        chunk = data[at: at + 16]
        lines.append(f"{module.meta.display_name}+{address + at:#010x}:  " + " ".join(f"{b:02x}" for b in chunk))
    return "\n".join(lines)
