"""Types of the listing writer ``_listing.c`` (see its comments for what each does)."""

from collections.abc import Callable, Sequence

from emitter.wasm.module import Instr, ValType

CLOSES: int
MAX_INDENT: int
OPENS: int
LOCAL: int
INTEGERS: int
FUNC: int
MEMARG: int
BLOCK: int
ALIGN_SHIFT: int

class Rows:
    def __init__(
        self,
        width: int,
        flags: dict[str, int],
        instr: Callable[[int, Instr], str],
        names: dict[int, str],
        results: dict[ValType | None, str],
    ) -> None: ...
    def write(self, text: str, /) -> int: ...
    def function(
        self, header: str, locals: str, func_index: int, body: Sequence[Instr], named_locals: bool, /
    ) -> int: ...
    def finish(self) -> tuple[str, LineIndex]: ...

class LineIndex:
    def __init__(self, offsets: list[int], lines: list[int]) -> None: ...
    def line_of(self, offset: int, /) -> int: ...
    def offsets(self) -> list[int]: ...
    def lines(self) -> list[int]: ...
