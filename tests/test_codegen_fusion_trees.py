"""Expression-tree groups (``emitter/codegen/trees.py``): trees of integer operations with their values in scratch
registers, loads starting a group (the loaded value straight into a local or a tree), on 32- and 64-bit memories
and memories other than 0, and stores of tree values; where no producer DWARF describes a function, groups that go
on through loads, stores and local writes, each with a row of its own. They compute what wasmtime computes
(results and the whole text of every trap), and every group keeps the debugging contract at each of its native
instructions, row by row: in each row's native range the instruction that writes a local, linear memory or (where
producer DWARF may read them) an operand slot below the depth the group started at is its last one and the only
one; nothing pushes, pops or calls; only loads, stores and local writes (and the instruction after a visible write)
have rows after the group's first instruction, and only a load's or store's row touches linear memory (``wasm
watch`` names an access's instruction by its row). The contract check is shown to fail on code that writes a
visible location early, and on a second local write in one row."""

from __future__ import annotations

import itertools
import re
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import wasmtime

import emitter.codegen.function as function
import emitter.codegen.trees as trees
from emitter.aot import render_listing
from emitter.codegen.compiler import compile_module
from emitter.compiled import LineTable
from emitter.errors import TrapError
from emitter.jit import compile_wasm
from emitter.wasm.load import load_bytes
from tests.wasm_clang import wasm_clang

SHOOTOUT = Path(__file__).resolve().parent.parent / "samples" / "kernels" / "shootout"

_I32 = [0, 1, -1, 7, 31, 32, 0x7FFFFFFF, -0x80000000, 0x12345678]
_I64 = [0, 1, -1, 63, 64, 0x7FFFFFFF, 0x80000000, -0x8000000000000000, 0x123456789ABCDEF0]
#: Addresses around the ends of memory 0 (1 page), memory 1 (2 pages) and the 64-bit memory 2 (3 pages).
_ADDRESSES = [0, 4, 0xFFF8, 0xFFFC, 0xFFFD, 0x10000, 0x1FFFC, 0x20000, 0x2FFF8, 0x30000, 0xFFFFFFF0]


def _tree(t: str, depth: int, leaf: int = 0) -> str:
    """A balanced tree of ``2 ** depth`` leaves over the operations a group takes: more live values than
    scratch registers at depth 4."""
    if depth == 0:
        return f"(local.get {leaf % 2})" if leaf % 3 else f"({t}.const {leaf * 0x1234567 - 99})"
    ops = ["add", "xor", "sub", "mul", "rotl", "or", "shr_u", "and", "shl", "shr_s", "rotr"]
    op = ops[(depth * 5 + leaf) % len(ops)]
    return f"({t}.{op} {_tree(t, depth - 1, 2 * leaf)} {_tree(t, depth - 1, 2 * leaf + 1)})"


def _functions() -> list[tuple[str, str, list[tuple[int, ...]]]]:
    out: list[tuple[str, str, list[tuple[int, ...]]]] = []
    pairs32 = list(itertools.product(_I32, repeat=2))
    pairs64 = list(itertools.product(_I64, repeat=2))
    for t, pairs in (("i32", pairs32), ("i64", pairs64)):
        for depth in (2, 3, 4):
            out.append((f"tree{depth}_{t}", f"(param {t} {t}) (result {t}) {_tree(t, depth)}", pairs))
        out.append((f"tee_{t}", f"(param {t} {t}) (result {t}) (local {t}) "
                    f"(local.set 0 ({t}.add (local.get 1) (local.tee 2 ({t}.xor (local.get 0) (local.get 1))))) "
                    f"({t}.sub ({t}.mul (local.get 0) (local.get 2)) ({t}.rotl (local.get 1) (i32.const 0) "
                    f"{'' if t == 'i32' else 'i64.extend_i32_u'}))", pairs))
        for cmp in ("lt_s", "ge_u", "eq", "ne"):
            out.append((f"brif_{t}_{cmp}", f"(param {t} {t}) (result i32) (block $b (br_if $b (i32.eqz (i32.eqz "
                        f"({t}.{cmp} ({t}.add (local.get 0) (local.get 1)) ({t}.shl (local.get 1) ({t}.const 3))))))"
                        f" (return (i32.const 7))) (i32.const 9)", pairs))
            out.append((f"if_{t}_{cmp}", f"(param {t} {t}) (result {t}) (if (result {t}) ({t}.{cmp} ({t}.and "
                        f"(local.get 0) ({t}.const 0xff)) (local.get 1)) (then ({t}.add (local.get 0) ({t}.const 1)))"
                        f" (else ({t}.sub (local.get 1) (local.get 0))))", pairs))
        out.append((f"if_value_{t}", f"(param {t} {t}) (result i32) (if (result i32) ({t}.eqz ({t}.and "
                    f"(local.get 0) (local.get 1))) (then (i32.const 1)) (else (i32.const 2)))", pairs))
    out.append(("extends", "(param i32 i32) (result i64) (i64.add (i64.extend_i32_u (i32.add (local.get 0) "
                "(local.get 1))) (i64.add (i64.extend_i32_s (local.get 0)) (i64.extend8_s (i64.extend_i32_u "
                "(local.get 1)))))", pairs32))
    out.append(("wraps", "(param i64 i64) (result i32) (i32.add (i32.wrap_i64 (i64.mul (local.get 0) (local.get 1)))"
                " (i32.extend16_s (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 17)))))", pairs64))
    out.append(("wide_const", "(param i64 i64) (result i64) (i64.xor (i64.and (local.get 0) "
                "(i64.const 0x7ffff0000000000f)) (i64.mul (local.get 1) (i64.const -0x123456789)))", pairs64))
    out.append(("wrap_branch", "(param i64 i64) (result i32) (block $b (br_if $b (i32.wrap_i64 (i64.const "
                "0x100000000))) (return (i32.const 1))) (block $c (br_if $c (i32.wrap_i64 (i64.and (local.get 0) "
                "(local.get 1)))) (return (i32.const 2))) (if (result i32) (i32.wrap_i64 (i64.const 0x100000001)) "
                "(then (i32.const 3)) (else (i32.const 4)))", pairs64))
    out.append(("low32", "(param i64 i64) (result i64) (local i64) (local.set 2 (i64.and (local.get 1) (i64.const "
                "0xffffffff))) (i64.add (i64.and (local.get 0) (i64.const 0xffffffff)) (i64.mul (local.get 2) "
                "(i64.and (i64.mul (local.get 0) (local.get 1)) (i64.const 0xffffffff))))", pairs64))
    out.append(("cmp_value", "(param i32 i32) (result i32) (i32.add (i32.lt_u (local.get 0) (local.get 1)) "
                "(i32.mul (i32.eqz (local.get 1)) (i32.const 10)))", pairs32))
    # A group that ends with a value replacing the operand below it and pushes above it: the former is the
    # visible write, after the others (a call's result is the operand: calls are not in groups).
    for t, pairs in (("i32", pairs32), ("i64", pairs64)):
        out.append((f"around_call_{t}", f"(param {t} {t}) (result {t}) (call $two_{t} ({t}.add (call $id_{t} "
                    f"(local.get 0)) ({t}.const 3)) ({t}.mul (local.get 1) (local.get 0)))", pairs))
    # Local writes inside a group: a pushed local overwritten before its reader (the reader sees the old value),
    # a chain of tees as in ChaCha's rounds, a store of a tee'd value and of a wide constant.
    for t, pairs in (("i32", pairs32), ("i64", pairs64)):
        out.append((f"overwritten_{t}", f"(param {t} {t}) (result {t}) (local {t}) ({t}.add (local.get 0) "
                    f"({t}.mul (local.tee 0 ({t}.xor (local.get 1) ({t}.const 5))) (local.get 0)))", pairs))
        out.append((f"tees_{t}", f"(param {t} {t}) (result {t}) (local {t} {t}) (local.set 2 ({t}.add (local.get 0)"
                    f" (local.tee 0 ({t}.rotl ({t}.xor (local.get 1) (local.tee 1 ({t}.add (local.get 1) "
                    f"(local.get 0)))) ({t}.const 7))))) (local.set 3 ({t}.sub (local.get 2) (local.tee 0 "
                    f"({t}.shl (local.get 3) ({t}.const 1))))) ({t}.xor ({t}.xor (local.get 0) (local.get 1)) "
                    f"({t}.xor (local.get 2) (local.get 3)))", pairs))
    # Loads and stores: the address read from the local, or a tree; the value a tree; every memory kind.
    addresses = [(a, v) for a in _ADDRESSES for v in (0, -1, 0x1234567)]
    for m, addr_t in (("$m0", "i32"), ("$m1", "i32"), ("$m64", "i64")):
        get = "(local.get 0)"
        plus = f"({addr_t}.add (local.get 0) ({addr_t}.const 8))"
        out.append((f"load_{m}", f"(param {addr_t} i32) (result i32) (local i32) (local.set 2 (i32.load {m} "
                    f"offset=4 {get})) (i32.add (local.get 2) (i32.load8_s {m} {plus}))", addresses))
        out.append((f"load64_{m}", f"(param {addr_t} i32) (result i64) (i64.add (i64.load {m} {get}) "
                    f"(i64.load32_s {m} offset=2 {plus}))", addresses))
        out.append((f"store_tee_{m}", f"(param {addr_t} i32) (result i64) (local i64) (i64.store {m} offset=8 "
                    f"{get} (local.tee 2 (i64.xor (i64.extend_i32_u (local.get 1)) (i64.const 0x7eadbeefcafe))))"
                    f" (i32.store8 {m} offset=2 {plus} (i32.add (local.get 1) (i32.load8_u {m} {get}))) "
                    f"(i64.store {m} {get} (i64.const -0x123456789abc)) (i64.add (local.get 2) (i64.load {m} "
                    f"{plus}))", addresses))
        # A group ending in a push after its store (the call reads it from its slot).
        out.append((f"store_push_{m}", f"(param {addr_t} i32) (result i32) (i32.store {m} offset=4 {get} "
                    f"(local.get 1)) (i32.add (call $id_i32 (i32.const 3)) (i32.load {m} offset=4 {get}))",
                    addresses))
        out.append((f"store_{m}", f"(param {addr_t} i32) (result i32) (i32.store {m} offset=1 {get} (i32.add "
                    f"(local.get 1) (i32.const 5))) (i32.store8 {m} {plus} (local.get 1)) (i64.store {m} offset=16"
                    f" {get} (i64.const 0x1122334455667788)) (i32.store16 {m} offset=3 {get} (i32.const -2)) "
                    f"(i32.add (i32.load {m} offset=1 {get}) (i32.load16_u {m} offset=16 {get}))", addresses))
        # A group from a load whose later local.tee takes an operand pushed before the group (the float
        # conversions end the groups before it), which stays in its slot.
        out.append((f"tee_below_{m}", f"(param {addr_t} i32) (result i64) (local i32 i64) (i64.trunc_sat_f64_s "
                    f"(f64.convert_i32_s (local.get 1))) (i32.load16_u {m} offset=2 {get}) (i32.extend16_s) "
                    f"(local.set 2) (local.tee 3) (i64.add (i64.extend_i32_u (local.get 2)))", addresses))
    # Float comparisons (not eq/ne) on slots, locals and loaded bits, into branches, ifs and values; float loads
    # and stores as bits. Operands: signed zeros, infinities, a NaN, a subnormal.
    for t, it, bits in (("f32", "i32", _F32), ("f64", "i64", _F64)):
        pairs = list(itertools.product(bits, repeat=2))
        as_float = f"(local.set 2 ({t}.reinterpret_{it} (local.get 0))) (local.set 3 ({t}.reinterpret_{it} " \
                   f"(local.get 1)))"
        for cmp in ("lt", "gt", "le", "ge"):
            out.append((f"fcmp_{t}_{cmp}", f"(param {it} {it}) (result i32) ({t}.{cmp} ({t}.reinterpret_{it} "
                        f"(local.get 0)) ({t}.reinterpret_{it} (local.get 1)))", pairs))
            out.append((f"fbrif_{t}_{cmp}", f"(param {it} {it}) (result i32) (local {t} {t}) {as_float} (block $b "
                        f"(br_if $b (i32.eqz ({t}.{cmp} (local.get 2) (local.get 3)))) (return (i32.const 7))) "
                        f"(block $c (br_if $c ({t}.{cmp} (local.get 3) (local.get 2))) (return (i32.const 8))) "
                        "(i32.const 9)", pairs))
            out.append((f"fif_{t}_{cmp}", f"(param {it} {it}) (result i32) (local {t} {t}) {as_float} (if (result "
                        f"i32) ({t}.{cmp} (local.get 2) (local.get 3)) (then (i32.const 1)) (else (i32.const 2)))",
                        pairs))
        out.append((f"fvalues_{t}", f"(param {it} {it}) (result i32) (local {t} {t}) {as_float} (i32.add ({t}.gt "
                    f"(local.get 2) (local.get 3)) (i32.mul (i32.eqz ({t}.le (local.get 3) (local.get 2))) "
                    "(i32.const 10)))", pairs))
        size = 4 if t == "f32" else 8
        for m, addr_t in (("$m0", "i32"), ("$m64", "i64")):
            addresses = [(a, v) for a in _ADDRESSES for v in bits[:4]]
            out.append((f"fmem_{t}_{m}", f"(param {addr_t} {it}) (result i32) (local {t}) ({it}.store {m} "
                        f"offset={size} (local.get 0) (local.get 1)) ({t}.store {m} (local.get 0) ({t}.load {m} "
                        f"offset={size} (local.get 0))) (block $b (br_if $b (i32.eqz ({t}.lt ({t}.load {m} "
                        f"(local.get 0)) (local.tee 2 ({t}.load {m} offset={size} (local.get 0)))))) (return "
                        f"(i32.const 7))) (i32.add ({t}.ge (local.get 2) ({t}.load {m} (local.get 0))) "
                        f"(i32.wrap_{it} ({it}.load {m} (local.get 0))))" if it == "i64" else
                        f"(param {addr_t} {it}) (result i32) (local {t}) ({it}.store {m} "
                        f"offset={size} (local.get 0) (local.get 1)) ({t}.store {m} (local.get 0) ({t}.load {m} "
                        f"offset={size} (local.get 0))) (block $b (br_if $b (i32.eqz ({t}.lt ({t}.load {m} "
                        f"(local.get 0)) (local.tee 2 ({t}.load {m} offset={size} (local.get 0)))))) (return "
                        f"(i32.const 7))) (i32.add ({t}.ge (local.get 2) ({t}.load {m} (local.get 0))) "
                        f"({it}.load {m} (local.get 0)))", addresses))
    return out


def _float_bits(size: int, values: list[float]) -> list[int]:
    code = "f" if size == 4 else "d"
    return [int.from_bytes(struct.pack("<" + code, v), "little", signed=True) for v in values]


_FLOATS = [0.0, -0.0, 1.0, -1.5, 2.5, float("inf"), float("-inf"), float("nan"), 1e-40]
_F32 = _float_bits(4, _FLOATS)
_F64 = _float_bits(8, [*_FLOATS[:-1], 5e-324])


def _module_text() -> str:
    body = "\n".join(f'(func (export "{name}") {text})' for name, text, _ in _functions())
    body += "".join(f"(func $id_{t} (param {t}) (result {t}) local.get 0)(func $two_{t} (param {t} {t}) "
                    f"(result {t}) ({t}.sub (local.get 0) (local.get 1)))" for t in ("i32", "i64"))
    return f"(module (memory $m0 1) (memory $m1 2) (memory $m64 i64 3)\n{body})"


def _outcome(call: Any, trap: type[Exception], args: tuple[int, ...]) -> str:
    try:
        value = call(*args)
    except trap as error:
        return f"trap {error}"
    return f"ok {int(value) & ((1 << 64) - 1):#x}"


def test_tree_groups_compute_what_wasmtime_computes(tmp_path: Path) -> None:
    text = _module_text()
    config = wasmtime.Config()
    config.wasm_multi_memory = True
    config.wasm_memory64 = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    theirs = wasmtime.Instance(store, wasmtime.Module(engine, text), []).exports(store)
    source = tmp_path / "trees.wat"
    source.write_text(text)
    differing = []
    checked = traps = 0
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        for name, _, arguments in _functions():
            func = theirs[name]
            assert isinstance(func, wasmtime.Func)
            for args in arguments:
                want = _outcome(lambda *a, f=func: f(store, *a), wasmtime.Trap, args)
                got = _outcome(instance.exports[name], TrapError, args)
                checked += 1
                traps += want.startswith("trap")
                if got != want:
                    differing.append(f"{name}{args}: ours {got!r}, wasmtime {want!r}")
    assert not differing, f"{len(differing)} of {checked} differ:\n" + "\n".join(differing[:10])
    assert checked > 1500 and traps > 100


# -- the contract at every native instruction -------------------------------------------------------------------
@dataclass
class Group:
    code: bytes
    start_depth: int
    locals: list[int]  # each local's distance below rbp
    operands_base: int
    offsets: list[int]  # the Wasm offsets of the group's instructions
    ops: list[str]
    function: int
    #: Whether its loads, stores and local writes after the first instruction have rows of their own (no
    #: producer DWARF names an operand-stack value there, so no operand slot is visible), and so have the
    #: producer's barriers inside it.
    rows_inside: bool
    #: Where its rows start in ``code``, with each row's Wasm offset (the first: the group's start).
    rows: list[tuple[int, int]]
    barriers: frozenset[int]
    decoded: list[str] | None = None


_ACCESSES = re.compile(r"\.(load|store)")


def _record(monkeypatch: pytest.MonkeyPatch, emit_early: bool = False) -> list[Group]:
    """Record every tree group the compiler emits (its code alone, the depth it started at, the frame layout, its
    rows); ``emit_early``: a deliberately broken emitter writing the visible operand first (the check must see
    it)."""
    groups: list[Group] = []
    original = trees.fuse_tree

    def recording(c: Any, body: list[Any], index: int, stop: int) -> int:
        start, depth, lines = len(c.a.code), c.depth, len(c.lines)
        taken = original(c, body, index, stop)
        if taken:
            inside = [i.op for i in body[index + 1:index + taken] if _ACCESSES.search(i.op)]
            assert c.group_rows or not inside, f"a memory access inside a group at {body[index].offset:#x}"
            rows = [(at - start, offset) for at, _, offset, _ in c.lines[lines - 1:] if at >= start]
            groups.append(Group(bytes(c.a.code[start:]), depth, c.local_offsets[:len(c.local_types)],
                                c.operands_base, [i.offset for i in body[index:index + taken]],
                                [i.op for i in body[index:index + taken]], c.index, c.group_rows, rows,
                                c.ctx.fusion_barriers))
        return taken

    monkeypatch.setattr(function, "fuse_tree", recording)
    if emit_early:
        def materialise(self: Any) -> None:
            w = self.w
            for j, entry in sorted(enumerate(w.stack, w.low), key=lambda je: je[0] >= w.start):
                self.store_slot(j, entry)
        monkeypatch.setattr(trees._Emitter, "materialise", materialise)
    return groups


_WRITES = re.compile(r"^(mov|add|sub|and|or|xor|shl|shr|sar|rol|ror|set\w+|inc|dec|neg|not)\s")


def violations(groups: list[Group]) -> list[str]:
    """Every breach of the contract in the recorded groups, decoding each group's code with GNU objdump. A group
    is cut into the native ranges of its rows; in each, at most one instruction writes what a debugger sees (a
    local, linear memory, and where operand slots are visible an operand slot below the starting depth), and it
    is the range's last (the next instruction starts a row); a range that touches linear memory is a load's or a
    store's row."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "groups.bin"
        path.write_bytes(b"".join(g.code for g in groups))
        listing = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", str(path)],
                                 capture_output=True, text=True, check=True).stdout
    decoded: list[tuple[int, str]] = []
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0].strip().endswith(":"):
            decoded.append((int(parts[0].strip()[:-1], 16), " ".join(parts[-1].split())))
    out = []
    at = 0
    for g in groups:
        mine = [(address - at, text) for address, text in decoded if at <= address < at + len(g.code)]
        at += len(g.code)
        g.decoded = [text for _, text in mine]
        locals_ = {f"[rbp-{d:#x}]" for d in g.locals}
        visible_slots = set() if g.rows_inside else {f"[rbp-{g.operands_base + 8 * (j + 1):#x}]"
                                                     for j in range(g.start_depth)}
        op_at = dict(zip(g.offsets, g.ops, strict=True))
        starts = [row_start for row_start, _ in g.rows] + [len(g.code)]
        for (row_start, offset), end in zip(g.rows, starts[1:], strict=True):
            piece = [text for address, text in mine if row_start <= address < end]
            where_ = f"function {g.function} group at {g.offsets[0]:#x}, row {offset:#x}"
            visible = []
            for k, text in enumerate(piece):
                mnemonic = text.split()[0]
                if mnemonic in ("push", "pop", "call", "ret", "leave", "enter") or "rsp" in text:
                    out.append(f"{where_}: {text!r} moves the stack pointer")
                if "PTR [rbx+" in text and not _ACCESSES.search(op_at.get(offset, "")):
                    out.append(f"{where_}: {text!r} touches linear memory in a {op_at.get(offset)}'s row")
                if not _WRITES.match(text) or mnemonic.startswith("cmp"):
                    continue
                destination = text.split(None, 1)[1].split(",")[0]
                if "PTR" not in destination:
                    continue  # a register
                place = destination.split("PTR", 1)[1].strip()
                if place in locals_ or place in visible_slots or not place.startswith("[rbp-"):
                    visible.append((k, text))
            if end == len(g.code) and piece and piece[-1].startswith("j") and visible:
                out.append(f"{where_}: a visible write before its branch: {visible}")
            elif len(visible) > 1 or (visible and visible[0][0] != len(piece) - 1):
                out.append(f"{where_}: visible writes {visible} in {piece}")
    return out


def _rows(compiled: Any, listing: Any, groups: list[Group]) -> list[str]:
    """Rows on the listing lines of a group's instructions after its first that should have none (a trap stub's
    row included: it reports the access's Wasm offset), and loads, stores and local writes of a group with rows
    inside that have none."""
    rows = {line for f in compiled.functions if f.wasm_index is not None
            for line in LineTable.of(f.lines).line_numbers}
    out = []
    for g in groups:
        for o, op, before in zip(g.offsets[1:], g.ops[1:], g.ops, strict=False):
            # An access or a local write has a row; the instruction after a visible write may have one (a
            # debugger there sees the write made: ``violations`` checks that the write ends its row's code).
            own = g.rows_inside and bool(_ACCESSES.search(op) or op in ("local.set", "local.tee"))
            after_write = g.rows_inside and (".store" in before or before in ("local.set", "local.tee"))
            has = listing.line_of(o) in rows
            own = own or (g.rows_inside and o in g.barriers)  # a producer barrier's own row
            if has != own and not (has and after_write):
                out.append(f"group at {g.offsets[0]:#x}: {o:#x} ({op}) {'has no' if own else 'has a'} row")
    return out


def _kernel(name: str, tmp_path: Path) -> bytes:
    wasm = tmp_path / f"{name}.wasm"
    wasm_clang(["--target=wasm32-wasi", "-O2", "-DNDEBUG", f"-I{SHOOTOUT}", "-nostartfiles", "-Wl,--no-entry",
                "-Wl,--export=__main_void", "-o", wasm, SHOOTOUT / f"{name}.c"])
    return wasm.read_bytes()


def test_every_group_writes_what_a_debugger_sees_with_its_last_instruction(monkeypatch: pytest.MonkeyPatch,
                                                                           tmp_path: Path) -> None:
    groups = _record(monkeypatch)
    modules = [load_bytes(wasmtime.wat2wasm(_module_text()))]
    modules += [load_bytes(_kernel(name, tmp_path)) for name in ("xchacha20", "gimli", "base64", "heapsort")]
    wrong_rows = []
    for module in modules:
        before = len(groups)
        listing = render_listing(module, "trees")
        compiled = compile_module(module, module_name="trees", listing=listing)
        wrong_rows += _rows(compiled, listing, groups[before:])
    assert len(groups) > 2000, len(groups)
    assert violations(groups) == []
    assert wrong_rows == []
    # Both kinds: groups with rows inside (most) and without (those reaching where the C library's producer
    # DWARF names operand-stack values).
    assert sum(len(g.rows) > 1 for g in groups) > 1000 and sum(not g.rows_inside for g in groups) > 20
    # What the groups are: trees in several scratch registers, loads with their address from the slot.
    texts = [" ".join(g.decoded or []) for g in groups]
    assert sum(len(set(re.findall(r"\br(?:8|9|10|11)d?\b|\b[er][sd]i\b", t))) >= 3 for t in texts) > 50
    assert sum(bool(re.search(r"mov eax,DWORD PTR \[rbp-0x[0-9a-f]+\].*\[rbx\+rax\*1\]", t)) for t in texts) > 100
    # Float comparisons in groups (the tree module's and heapsort's), their operands' bits in registers and slots.
    assert sum(any(re.fullmatch(r"f(32|64)\.(lt|gt|le|ge)", op) for op in g.ops) for g in groups) > 20


def test_the_contract_check_sees_an_early_visible_write(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = _record(monkeypatch, emit_early=True)
    monkeypatch.setattr(trees, "rows_in_groups", lambda c: False)  # operand slots below the start visible
    compile_module(load_bytes(wasmtime.wat2wasm(_module_text())), module_name="trees")
    found = violations(groups)
    assert len(found) >= 2 and all("visible writes" in f for f in found), found


def test_the_contract_check_sees_a_second_local_write_in_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = _record(monkeypatch)
    original = trees._Emitter.write_local

    def twice(self: Any, target: int, value: Any) -> None:
        original(self, target, value)
        original(self, target, value)

    monkeypatch.setattr(trees._Emitter, "write_local", twice)
    compile_module(load_bytes(wasmtime.wat2wasm(_module_text())), module_name="trees")
    found = violations(groups)
    assert len(found) >= 10 and all("visible writes" in f for f in found), found


# -- planned and encoded once per shape -------------------------------------------------------------------------
def _constants_module() -> bytes:
    """The same group shapes with constants of every encoding class (imm8, imm32, imm64, shift counts of 1 and
    others, as i32 and i64), so that templates are patched across classes' boundaries and within them."""
    values = [0, 1, -1, 2, 33, 65, 127, 128, -128, -129, 257, 289, 0x7FFF, 0x7FFFFFFF, -0x80000000, 0x80000000,
              0x123456789, -0x123456789A, 0xFFFFFFFF, 0xFFFFFF80]  # the i64 low-half mask (a zero extension)
    functions = []
    for n, value in enumerate(values):
        v32 = (value + (1 << 31)) % (1 << 32) - (1 << 31)
        for t, v in (("i32", v32), ("i64", value)):
            functions.append(
                f'(func (export "{t}_{n}") (param {t} {t}) (result {t}) (local {t})'
                f" (local.set 2 ({t}.add (local.get 0) ({t}.const {v})))"
                f" (local.set 2 ({t}.shl (local.get 2) ({t}.const {v})))"
                f" (local.set 2 ({t}.mul ({t}.xor (local.get 2) ({t}.const {v})) ({t}.const {v})))"
                f" (local.set 1 ({t}.const {v}))"
                f" (if ({t}.lt_s (local.get 2) ({t}.const {v})) (then (local.set 2 ({t}.sub (local.get 2)"
                f" (local.get 1)))))"
                f" ({t}.rotr ({t}.and (local.get 2) ({t}.const {v})) ({t}.const {v})))")
    return bytes(wasmtime.wat2wasm(f"(module {' '.join(functions)})"))


def test_replayed_groups_are_the_groups_emitted_afresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each group of a shape met before is planned and encoded by replaying the first one's (its constants'
    immediates patched, a load's or store's trap stubs made again at its own Wasm offset and row): with the check
    on, every replay is compared with the plan and the code and stubs made afresh."""
    checked = []
    with_stubs = []
    original = trees._verify

    def counting(*args: Any) -> None:
        original(*args)
        checked.append(len(args[-1].patches))
        with_stubs.append(len(args[-1].stubs))

    monkeypatch.setattr(trees, "_VERIFY", True)
    monkeypatch.setattr(trees, "_verify", counting)
    modules = [_constants_module(), bytes(wasmtime.wat2wasm(_module_text())), _kernel("xchacha20", tmp_path)]
    for wasm in modules:
        compile_module(load_bytes(wasm), module_name="trees")
    assert len(checked) > 150 and sum(1 for patches in checked if patches) > 80 and max(checked) >= 2, checked
    # (a group with loads or stores is replayed from its second occurrence on: see the test below)
    assert sum(1 for stubs in with_stubs if stubs) >= 1, with_stubs


def _offsets_text() -> str:
    """Groups of one shape with loads and stores, at static offsets of every displacement width (none, 8-bit,
    32-bit) and across the guard's limit (an explicit check past it), each shape met several times."""
    functions = []
    for n, offset in enumerate([0, 0, 1, 4, 127, 128, 129, 4096, 65532, 65533, (32 << 20) - 8, (32 << 20) + 8]):
        for k in range(3):
            functions.append(
                f'(func (export "f{n}_{k}") (param i32 i32) (result i32) (local i32)'
                f" (i32.store offset={offset} (local.get 0) (i32.add (local.get 1) (i32.const {k + 7 * n})))"
                f" (local.set 2 (i32.load8_u offset={offset} (local.get 0)))"
                f" (i64.store16 offset={offset} (local.get 1) (i64.const {300 + k}))"
                f" (i32.add (local.get 2) (i32.load16_s offset={offset} (local.get 1))))")
    return f"(module (memory 2) {' '.join(functions)})"


def test_replayed_accesses_compute_and_trap_as_wasmtime(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Groups with loads and stores replayed from another group's code (their displacements patched, their trap
    stubs their own): with the check on, the values and trap reports (the access's Wasm offset) are wasmtime's."""
    monkeypatch.setattr(trees, "_VERIFY", True)
    stubs = []
    original = trees._verify

    def counting(*args: Any) -> None:
        original(*args)
        stubs.append(len(args[-1].stubs))

    monkeypatch.setattr(trees, "_verify", counting)
    text = _offsets_text()
    store = wasmtime.Store()
    theirs = wasmtime.Instance(store, wasmtime.Module(store.engine, text), []).exports(store)
    source = tmp_path / "offsets.wat"
    source.write_text(text)
    differing, traps = [], 0
    arguments = [(0, 0), (100, 200), (131000, 8), (8, 131060), (131071, 0), (0xFFFFFFF0, 4)]
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        for name in (f"f{n}_{k}" for n in range(12) for k in range(3)):
            func = theirs[name]
            assert isinstance(func, wasmtime.Func)
            for args in arguments:
                want = _outcome(lambda *a, f=func: f(store, *a), wasmtime.Trap, args)
                got = _outcome(instance.exports[name], TrapError, args)
                traps += want.startswith("trap")
                if got != want:
                    differing.append(f"{name}{args}: ours {got!r}, wasmtime {want!r}")
    assert not differing, "\n".join(differing[:10])
    assert traps > 50 and sum(1 for n in stubs if n) > 20, (traps, stubs)


def test_the_replay_check_sees_a_wrong_displacement_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key that forgot an access's displacement width would replay the wrong encoding: the check says so."""
    monkeypatch.setattr(trees, "_VERIFY", True)
    original = trees._access_class

    def lumped(c: Any, instr: Any) -> tuple[int, int, int] | None:
        found = original(c, instr)
        return None if found is None else (found[0], 4, found[2])

    monkeypatch.setattr(trees, "_access_class", lumped)
    with pytest.raises(AssertionError, match="tree template mismatch"):
        compile_module(load_bytes(bytes(wasmtime.wat2wasm(_offsets_text()))), module_name="trees", linkable=True)


def test_the_replay_check_sees_a_wrong_constant_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key that forgot whether a constant is a shift count of 1 (257 and 128 in one class: ``shl r, 1`` has no
    immediate) would replay the wrong encoding: the check says so."""
    monkeypatch.setattr(trees, "_VERIFY", True)
    original = trees._const_class
    monkeypatch.setattr(trees, "_const_class", lambda value: original(value)[:3])
    with pytest.raises(AssertionError, match="tree template mismatch"):
        compile_module(load_bytes(_constants_module()), module_name="trees")


# -- windows longer than the first ------------------------------------------------------------------------------
def _dot_module() -> str:
    """Matrix's inner statement: ten products of loads summed into a local (59 instructions before the
    ``local.set``), as one tree group with a row per load and the write."""
    terms = [f"(i32.mul (i32.load offset={4 * k} (local.get 0)) (i32.load offset={40 * k} (local.get 1)))"
             for k in range(10)]
    total = terms[0]
    for term in terms[1:]:
        total = f"(i32.add {total} {term})"
    data = "".join(f"\\{(7 * i + 3) % 256:02x}" for i in range(512))
    return (f'(module (memory 1) (data (i32.const 0) "{data}") (func (export "dot") (param i32 i32) (result i32)'
            f" (local i32) (local.set 2 {total}) (local.get 2)))")


def test_a_statement_longer_than_the_first_window_is_one_group(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    """A loop body's statement longer than the first window (``trees._FIRST_WINDOW``) is one group, its values
    in registers throughout: what it computes and how it traps is wasmtime's, and the contract holds at each of
    its native instructions."""
    text = _dot_module()
    groups = _record(monkeypatch)
    module = load_bytes(wasmtime.wat2wasm(text))
    listing = render_listing(module, "dot")
    compiled = compile_module(module, module_name="dot", listing=listing)
    longest = max(groups, key=lambda g: len(g.ops))
    assert longest.ops[:60].count("i32.load") == 20 and longest.ops[59] == "local.set", longest.ops
    # The first instruction's row, each load's, the local.set's (and the next instruction's, if it is in).
    assert len(longest.rows) == 22 + (len(longest.ops) > 60), longest.rows
    assert violations(groups) == [] and _rows(compiled, listing, groups) == []
    store = wasmtime.Store()
    func = wasmtime.Instance(store, wasmtime.Module(store.engine, text), []).exports(store)["dot"]
    assert isinstance(func, wasmtime.Func)
    source = tmp_path / "dot.wat"
    source.write_text(text)
    arguments = [(0, 0), (4, 100), (123, 7), (0xFFD8, 0), (0, 0xFE70), (0xFFDC, 0), (0, 0xFE99), (-1, 0)]
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        got = [_outcome(instance.exports["dot"], TrapError, args) for args in arguments]
    want = [_outcome(lambda *a: func(store, *a), wasmtime.Trap, args) for args in arguments]
    assert got == want and sum(w.startswith("trap") for w in want) == 3, (got, want)


class _CountingBody(list[Any]):
    """A function body that counts the instructions read from it."""

    reads = 0

    def __getitem__(self, k: Any) -> Any:
        _CountingBody.reads += 1
        return list.__getitem__(self, k)


def _short_groups_module() -> bytes:
    """Straight-line code whose windows run to the end of the function but whose groups are short: nine locals
    pushed and then written (a row's pinned registers run out), and right-nested sums of products (the scratch
    registers run out)."""
    sets = "".join(f"(local.get {j})" for j in range(9)) + "".join(f"(local.set {j})" for j in range(9))
    nested = "(local.get 0)"
    for j in range(12):
        nested = f"(i32.add (i32.mul (local.get {j % 9}) (local.get {(j + 1) % 9})) {nested})"
    locals_ = "(local i32 i32 i32 i32 i32 i32 i32 i32 i32)"
    return bytes(wasmtime.wat2wasm(f'(module (func (export "sets") {locals_} {sets * 300})'
                                   f'(func (export "nested") {locals_} {f"(local.set 0 {nested})" * 300}))'))


def test_window_scans_stay_linear_in_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window grows past the first only while the plan takes all of it, so code whose groups are short in long
    windows is read a few times per instruction, not up to ``trees._LIMIT`` times (as windows of that length from
    the start read it: the check sees that too)."""
    original = trees.fuse_tree
    monkeypatch.setattr(function, "fuse_tree", lambda c, body, index, stop: original(
        c, body if isinstance(body, _CountingBody) else _CountingBody(body), index, stop))
    module = load_bytes(_short_groups_module())
    instructions = sum(len(f.body) for f in module.functions)

    def reads() -> float:
        _CountingBody.reads = 0
        compile_module(module, module_name="short")
        return _CountingBody.reads / instructions

    assert reads() < 3
    monkeypatch.setattr(trees, "_FIRST_WINDOW", trees._LIMIT)
    assert reads() > 5
