from collections.abc import Callable

from emitter.wasm.module import BlockType, Instr

IMM_BAIL: int
IMM_NONE: int
IMM_U32: int
IMM_MEMIDX: int
IMM_I32: int
IMM_I64: int
IMM_F32: int
IMM_F64: int
IMM_MEMARG: int
IMM_BLOCK: int
IMM_BR_TABLE: int
IMM_TWO_U32: int
IMM_MEMORY_INIT: int
IMM_MEMORY_COPY: int
V_BAIL: int
V_SIG: int
V_NOP: int
V_UNREACHABLE: int
V_BLOCK: int
V_LOOP: int
V_IF: int
V_ELSE: int
V_END: int
V_BR: int
V_BR_IF: int
V_BR_TABLE: int
V_RETURN: int
V_CALL: int
V_CALL_INDIRECT: int
V_DROP: int
V_SELECT: int
V_LOCAL_GET: int
V_LOCAL_SET: int
V_LOCAL_TEE: int
V_GLOBAL_GET: int
V_GLOBAL_SET: int
V_MEMORY_SIZE: int
V_MEMORY_GROW: int
V_MEMORY_COPY: int
V_MEMORY_FILL: int
V_MEMORY_INIT: int
V_DATA_DROP: int
NEST_NONE: int
NEST_OPEN: int
NEST_CLOSE: int
MISC_COUNT: int
MAX_SIG: int

class Context:
    def __init__(self, types: list[tuple[bytes, bytes]], func_types: list[int], globals: bytes, tables: bytes,
                 memories: bytes, data_count: int, /) -> None: ...

class Tables:
    def __init__(self, ops: dict[int, tuple[str, int, int, int, int, bytes, bytes]],
                 misc: dict[int, tuple[str, int, int, int, int, bytes, bytes]], instr: type[Instr],
                 block_empty: BlockType, block_values: dict[int, BlockType],
                 block_index: Callable[[int], BlockType], /) -> None: ...
    def body(self, data: bytes, start: int, end: int, locals: bytes, results: bytes, context: Context, /
             ) -> tuple[list[Instr], bool] | None: ...
