"""Types of the listing rows writer ``_listing.c`` (see its comments for what each does)."""

from collections.abc import Callable, Sequence

from emitter.wasm.module import Instr

CLOSES: int
OPENS: int
LOCAL: int
INTEGERS: int

class Rows:
    def __init__(
        self,
        width: int,
        flags: dict[str, int],
        instr: Callable[[int, Instr], str],
        offsets: list[int],
        lines: list[int],
    ) -> None: ...
    def body(self, func_index: int, body: Sequence[Instr], first_line: int, named_locals: bool, /) -> str: ...

class LineIndex:
    def __init__(self, offsets: list[int], lines: list[int]) -> None: ...
    def line_of(self, offset: int, /) -> int: ...
