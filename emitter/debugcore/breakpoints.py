"""``wasm break`` specifications (``FUNC``, ``MODULE!FUNC``, ``MODULE+0xOFFSET``) and their native addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .modules import CodeIndex, LoadedFunction


@dataclass(frozen=True, slots=True)
class BreakpointSpec:
    text: str
    module: str | None
    function: str | None
    wasm_offset: int | None


@dataclass(frozen=True, slots=True)
class ResolvedBreakpoint:
    address: int
    description: str


def parse_spec(text: str) -> BreakpointSpec:
    """Raises ``ValueError`` with a user-facing message."""
    text = text.strip()
    if not text:
        raise ValueError("usage: wasm break FUNC | MODULE!FUNC | MODULE+0xOFFSET")
    module, plus, offset = text.rpartition("+")
    if plus and "!" not in text:
        try:
            value = int(offset, 0)
        except ValueError:
            raise ValueError(f"bad Wasm offset {offset!r} in {text!r}") from None
        return BreakpointSpec(text, module, None, value)
    module, bang, function = text.partition("!")
    if bang:
        if not module or not function:
            raise ValueError(f"bad breakpoint {text!r}: expected MODULE!FUNC")
        return BreakpointSpec(text, module, function, None)
    return BreakpointSpec(text, None, text, None)


#: The hash a Rust symbol's demangled name ends with (``shapes::area::h0123456789abcdef``).
_RUST_HASH = re.compile(r"::h[0-9a-f]{16}$")


def _names(display: str, name: str) -> set[str]:
    """What a breakpoint may name: the display name (a Rust function's also without its hash, as its source
    spells it: every instantiation of a generic function shares it), the symbol."""
    return {display, name, _RUST_HASH.sub("", display)}


def resolve(spec: BreakpointSpec, index: CodeIndex) -> list[ResolvedBreakpoint]:
    """Every native address the spec names in the loaded modules (empty: pending)."""
    out = []
    for module in index.modules:
        if spec.module is not None and spec.module not in _names(module.meta.display_name, module.meta.name):
            continue
        if spec.wasm_offset is not None:
            found = _at_offset(list(module.functions), spec.wasm_offset)
            if found is not None:
                out.append(found)
            continue
        for function in module.functions:
            if spec.function in _names(function.meta.display_name, function.meta.symbol):
                out.append(_function_entry(function))
    return out


def _function_entry(function: LoadedFunction) -> ResolvedBreakpoint:
    """After the prologue: the first code that implements a Wasm instruction (where a Wasm frame is complete)."""
    body = next((e for e in function.meta.map if e.wasm_offset is not None), None)
    offset = body.code_offset if body is not None else 0
    where = f", wasm {body.wasm_offset:#x}" if body is not None and body.wasm_offset is not None else ""
    return ResolvedBreakpoint(function.address + offset, f"{function.qualified_name}{where}")


def _at_offset(functions: list[LoadedFunction], wasm_offset: int) -> ResolvedBreakpoint | None:
    """The first code of the instruction at ``wasm_offset``; an instruction without code (``block``, ``nop``)
    moves to the next one that has some, in the same function."""
    owners = [f for f in functions if f.meta.body_offset is not None and f.meta.body_offset <= wasm_offset]
    if not owners:
        return None
    function = max(owners, key=lambda f: f.meta.body_offset or 0)
    candidates = [e for e in function.meta.map if e.wasm_offset is not None and e.wasm_offset >= wasm_offset]
    if not candidates:
        return None
    entry = min(candidates, key=lambda e: (e.wasm_offset, e.code_offset))
    return ResolvedBreakpoint(function.address + entry.code_offset,
                              f"{function.qualified_name}, wasm {entry.wasm_offset:#x}")
