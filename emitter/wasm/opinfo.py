"""What the decoder, validator and listing know about one opcode (the tables are ``opcodes.py`` and
``simd_opcodes.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from emitter.wasm.module import ValType


@dataclass(frozen=True, slots=True)
class OpInfo:
    """What the decoder and validator need to know about one opcode.

    ``immediate`` is one of: ``none``, ``block``, ``label``, ``br_table``, ``func``, ``call_indirect``, ``local``,
    ``global``, ``table``, ``tag``, ``memory``, ``memarg``, ``i32``, ``i64``, ``f32``, ``f64``, ``select_types``,
    ``reftype``, ``data``, ``elem``, ``memory_init``, ``memory_copy``, ``table_init``, ``table_copy``,
    ``try_table``, and the SIMD ones (``simd_opcodes.py``). ``natural_align`` is the log2 access size of memory
    instructions (alignment may not exceed it); ``lanes`` bounds a lane index immediate.
    """

    name: str
    immediate: str
    signature: tuple[tuple[ValType, ...], tuple[ValType, ...]] | None = None
    natural_align: int = 0
    lanes: int = 0
