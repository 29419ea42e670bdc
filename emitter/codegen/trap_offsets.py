"""Which Wasm offset a trap report names for an ``unreachable`` that wasmtime turns into a conditional trap.

wasmtime (Cranelift) makes a conditional branch whose successor block does nothing but trap into a conditional
trap at the branch: the report then names the branch (``br_if``, ``if``), not the ``unreachable``. Measured
against wasmtime-py 50 (``tests/test_trap_offsets.py``), the rule is:

- a successor "does nothing but trap" when the first instruction Cranelift lowers in it is the ``unreachable``:
  before it only pure instructions (constants, locals, arithmetic that cannot trap, comparisons, conversions that
  cannot trap, ``select``, ``drop``, ``nop``, the start of a ``block``, a ``global.get`` of an immutable global
  with a constant initialiser), since Cranelift lowers no unused pure value; a load (a mutable global, the
  memory's size), a store, a call, a trapping operation, or the start of another control block (``loop``,
  ``if``, ``try_table``, an ``end``) ends the search;
- a ``br_if``'s successors are its fall-through (the instructions after it) and its target (the code after the
  target block's ``end``; a loop's header never qualifies); an ``if``'s are its then-arm and its else-arm (without
  an ``else``, the code after its ``end``);
- when both successors qualify, only the false one (fall-through, else-arm) becomes the conditional trap.

A fall-through, a then-arm and an else-arm are entered only through their branch, so the ``unreachable`` there is
reported at the branch whichever way execution got there: the code stays, only the offset its trap report names
moves (``CompiledFunction.trap_offsets``), and the debugger's rows stay on the ``unreachable``. The code after an
``end`` may have other ways in (another branch to the label, the fall-through into the ``end``); it is treated
so only when the branch is its single one. Otherwise wasmtime's offset depends on the path taken, as each
conditional edge into it is a trap of its own: that edge is compiled as a jump to an out-of-line trap stub named
after the branch (as a bounds check's stub is named after its access), and the other ways in reach the
``unreachable`` and its own offset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ..wasm.module import Instr, Module

_PURE = frozenset([
    "nop", "drop", "select", "local.get", "local.set", "local.tee", "i32.const", "i64.const", "f32.const",
    "f64.const", "v128.const", "ref.null", "ref.is_null", "block",
])
#: Numeric instructions that cannot trap: arithmetic, bitwise, comparisons, float rounding and the conversions that
#: do not trap (``trunc_sat``; ``trunc`` to an integer traps, ``div``/``rem`` of integers too).
_PURE_NUMERIC = re.compile(
    r"(i32|i64)\.(add|sub|mul|and|or|xor|shl|shr_s|shr_u|rotl|rotr|clz|ctz|popcnt|eqz|eq|ne|lt_s|lt_u|gt_s|gt_u"
    r"|le_s|le_u|ge_s|ge_u|wrap_i64|extend_i32_s|extend_i32_u|extend8_s|extend16_s|extend32_s|reinterpret_f32"
    r"|reinterpret_f64|trunc_sat_f32_s|trunc_sat_f32_u|trunc_sat_f64_s|trunc_sat_f64_u)"
    r"|(f32|f64)\.(add|sub|mul|div|min|max|copysign|abs|neg|ceil|floor|trunc|nearest|sqrt|eq|ne|lt|gt|le|ge"
    r"|convert_i32_s|convert_i32_u|convert_i64_s|convert_i64_u|demote_f64|promote_f32|reinterpret_i32"
    r"|reinterpret_i64)"
    r"|(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.(?!.*(load|store)).*")
#: Blocks whose ``end`` is a merge point a branch may target.
_FORWARD = frozenset(["block", "if", "try_table"])
_OPENERS = frozenset(["block", "loop", "if", "try_table"])
#: Instructions after which the code is unreachable until the enclosing frame's ``else`` or ``end``.
_ENDS_FLOW = frozenset(["unreachable", "br", "br_table", "return", "return_call", "return_call_indirect",
                        "return_call_ref", "throw", "throw_ref"])
#: Legacy exception handling: its clauses are not modelled (its functions keep every trap's own offset).
_LEGACY = frozenset(["try", "catch", "catch_all", "delegate", "rethrow"])


@dataclass(frozen=True, slots=True)
class TrapPlan:
    """Where a function's trap reports move to a branch: ``moved``, each ``unreachable`` (module offset) always
    reported at a branch (module offset), as the only way into its block is that branch; ``stub_edges``, the
    branches (module offsets) whose conditional edge into a trapping block that other edges also reach is
    compiled as a jump to a trap stub of their own, named after the branch (a ``br_if``'s taken edge, an
    ``if``'s false edge)."""

    moved: dict[int, int] = field(default_factory=dict)
    stub_edges: frozenset[int] = frozenset()


NO_PLAN = TrapPlan()


def trap_plan(module: Module, body: Sequence[Instr]) -> TrapPlan:
    """The plan of the function ``body`` (``NO_PLAN`` when nothing moves)."""
    if not any(instr.op == "unreachable" for instr in body):
        return NO_PLAN
    if any(instr.op in _LEGACY for instr in body):
        return NO_PLAN
    pure_globals = _constant_globals(module)
    ends, elses = _structure(body)

    def trap_at(start: int) -> int | None:
        """The index of the ``unreachable`` a block starting at ``start`` begins with (after pure code)."""
        k = start
        while k < len(body):
            instr = body[k]
            op = instr.op
            if op == "unreachable":
                return k
            if op in _PURE or _PURE_NUMERIC.fullmatch(op) or (op == "global.get" and instr.imm[0] in pure_globals):
                k += 1
                continue
            return None
        return None

    predecessors, edges = _predecessors(body, ends, elses)
    moved: dict[int, int] = {}
    stubs: set[int] = set()

    def merge_edge(opener: int, offset: int) -> bool:
        """The edge of the branch at ``offset`` into the code after ``opener``'s end, if that code traps: the
        trap moves when the edge is its only way in, else the edge gets a stub."""
        after = trap_at(ends[opener] + 1) if opener in ends else None
        if after is None:
            return False
        if predecessors.get(opener) == 1:
            moved[body[after].offset] = offset
        else:
            stubs.add(offset)
        return True

    for index, kind, fresh, merge in edges:
        offset = body[index].offset
        false_trap = trap_at(fresh) if fresh is not None else None
        if kind == "br_if":
            if false_trap is not None:
                moved[body[false_trap].offset] = offset
            elif merge is not None:
                merge_edge(merge, offset)
            continue
        # an ``if``: ``fresh`` is its then-arm; its else-arm, or the code after its end, is the false side
        else_index = elses.get(index)
        if else_index is not None:
            else_trap = trap_at(else_index + 1)
            if else_trap is not None:
                moved[body[else_trap].offset] = offset
                continue
        elif merge_edge(index, offset):
            continue  # the false side traps: the then-arm's trap stays its own
        if false_trap is not None:
            moved[body[false_trap].offset] = offset
    if not moved and not stubs:
        return NO_PLAN
    return TrapPlan(moved, frozenset(stubs))


def _constant_globals(module: Module) -> frozenset[int]:
    """Global indices whose ``global.get`` is a constant for Cranelift: defined, immutable, constant-initialised."""
    imported = module.num_imported_globals
    return frozenset(imported + k for k, glob in enumerate(module.globals)
                     if not glob.mutable and [i.op for i in glob.init][1:] in ([], ["end"])
                     and glob.init[0].op.endswith(".const"))


def _structure(body: Sequence[Instr]) -> tuple[dict[int, int], dict[int, int]]:
    """Each block opener's matching ``end`` index, and each ``if``'s ``else`` index."""
    ends: dict[int, int] = {}
    elses: dict[int, int] = {}
    stack: list[int] = []
    for k, instr in enumerate(body):
        if instr.op in _OPENERS:
            stack.append(k)
        elif instr.op == "else" and stack:
            elses[stack[-1]] = k
        elif instr.op == "end" and stack:
            ends[stack.pop()] = k
    return ends, elses


def _predecessors(body: Sequence[Instr], ends: dict[int, int], elses: dict[int, int]
                  ) -> tuple[dict[int, int], list[tuple[int, str, int | None, int | None]]]:
    """How many control edges reach the code after each forward block's ``end`` (by the opener's index), counting
    only reachable code; and the reachable conditional branches: ``(index, "br_if" | "if", the fresh successor's
    first index (fall-through or then-arm), the opener of a br_if's forward target or None)``."""
    predecessors: dict[int, int] = {}
    edges: list[tuple[int, str, int | None, int | None]] = []
    #: Open frames: (opener index or -1 for the function, kind).
    frames: list[tuple[int, str]] = [(-1, "func")]
    reachable = True
    dead = 0  # blocks opened in unreachable code

    def target(depth: int) -> int | None:
        if depth >= len(frames):
            return None
        opener, kind = frames[-1 - depth]
        return opener if kind in _FORWARD and opener >= 0 else None

    def branch_to(depth: int) -> None:
        opener = target(depth)
        if opener is not None:
            predecessors[opener] = predecessors.get(opener, 0) + 1

    for k, instr in enumerate(body):
        op = instr.op
        if not reachable:
            if op in _OPENERS:
                dead += 1
                continue
            if op == "end" and dead:
                dead -= 1
                continue
            if op == "else" and dead:
                continue
            if op not in ("end", "else"):
                continue
        if op in _OPENERS:
            frames.append((k, op))
            if op == "if":
                edges.append((k, "if", k + 1, None))
                if k not in elses:
                    predecessors[k] = predecessors.get(k, 0) + 1  # the false edge goes to the code after end
            elif op == "try_table":
                for catch in cast("tuple[Any, ...]", instr.imm[1]):
                    branch_to(int(catch.label) + 1)  # catch labels count from outside the try_table
            continue
        if op == "else":
            opener, _ = frames[-1]
            if reachable:
                predecessors[opener] = predecessors.get(opener, 0) + 1
            reachable = True
            continue
        if op == "end":
            opener, kind = frames.pop()
            if kind in _FORWARD and opener >= 0:
                if reachable:
                    predecessors[opener] = predecessors.get(opener, 0) + 1
                reachable = predecessors.get(opener, 0) > 0
            if not frames:
                break
            continue
        if op == "br_if":
            edges.append((k, "br_if", k + 1, target(cast(int, instr.imm[0]))))
            branch_to(cast(int, instr.imm[0]))
        elif op in ("br", "br_on_null", "br_on_non_null"):
            branch_to(cast(int, instr.imm[0]))
        elif op == "br_table":
            labels, default = cast("tuple[tuple[int, ...], int]", instr.imm)
            for depth in {*labels, default}:
                branch_to(depth)
        if op in _ENDS_FLOW:
            reachable = False
    return predecessors, edges
