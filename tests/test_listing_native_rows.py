"""The listing's rows written in C (``emitter.wasm._listing``): generated modules with nesting (block, loop,
if/else, try_table), named and unnamed locals (non-ASCII names too) and constants of every size, checked against
the WAT they were generated from, against wabt's ``wasm2wat`` and against the listing's own indexes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
import wasmtime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emitter.wasm import _listing
from emitter.wasm.decoder import decode
from emitter.wasm.listing import Listing, _Renderer, render_listing
from emitter.wasm.module import Instr, Module
from tests.tools import run

_ROW = re.compile(r"^  0x([0-9a-f]+): ( *)(.*)$")
_I32 = st.integers(-(2**31), 2**31 - 1)
_I64 = st.integers(-(2**63), 2**63 - 1)


@dataclass
class _Function:
    """A generated function: its WAT and, for every instruction, the text and depth the listing must show."""

    name: str | None
    params: int
    local_names: list[str | None]
    wat: list[str] = field(default_factory=list)
    expected: list[tuple[str, int]] = field(default_factory=list)


@st.composite
def _module(draw: st.DrawFn, exceptions: bool) -> tuple[str, list[_Function]]:
    """A module as WAT, instruction by instruction; types need not check (the listing does not care)."""
    count = draw(st.integers(1, 3))
    names = [draw(st.sampled_from([None, f"f{i}x"])) for i in range(count)]
    functions: list[_Function] = []
    for index in range(count):
        params = draw(st.integers(0, 2))
        locals_ = draw(st.integers(0, 3))
        local_names = [draw(st.sampled_from([None, f"v{index}x{i}x"])) for i in range(params + locals_)]
        func = _Function(names[index], params, local_names)

        def local(i: int, func: _Function = func) -> str:
            name = func.local_names[i]
            return f"${name}" if name else str(i)

        def call(i: int) -> str:
            name = names[i]
            return f"${name}" if name else str(i)

        def emit(depth: int, budget: int, labels: int, func: _Function = func) -> None:
            for _ in range(draw(st.integers(0, budget))):
                kind = draw(st.sampled_from(["plain", "i32", "i64", "local", "global", "br", "br_table", "call",
                                             "memory", "block", "if"] + (["try_table"] if exceptions else [])))
                if kind in ("block", "if", "try_table") and depth < 4:
                    result = draw(st.sampled_from(["", " (result i32)", " (result i64)"]))
                    if kind == "block":
                        op = draw(st.sampled_from(["block", "loop"]))
                        text = op + result
                    elif kind == "if":
                        op, text = "if", "if" + result
                    else:
                        op = "try_table"
                        clauses = draw(st.lists(st.sampled_from(["catch 0", "catch_ref 0", "catch_all",
                                                                 "catch_all_ref"]), max_size=2))
                        text = op + result + "".join(f" ({c} {draw(st.integers(0, labels))})" for c in clauses)
                    func.wat.append(text)
                    func.expected.append((text, depth))
                    emit(depth + 1, budget // 2, labels + 1)
                    if op == "if" and draw(st.booleans()):
                        func.wat.append("else")
                        func.expected.append(("else", depth))
                        emit(depth + 1, budget // 2, labels + 1)
                    func.wat.append("end")
                    func.expected.append(("end", depth))
                    continue
                match kind:
                    case "i32":
                        text = f"i32.const {draw(_I32)}"
                    case "i64":
                        text = f"i64.const {draw(_I64)}"
                    case "local" if func.local_names:
                        op = draw(st.sampled_from(["local.get", "local.set", "local.tee"]))
                        text = f"{op} {local(draw(st.integers(0, len(func.local_names) - 1)))}"
                    case "global":
                        text = f"{draw(st.sampled_from(['global.get', 'global.set']))} {draw(st.integers(0, 1))}"
                    case "br":
                        text = f"{draw(st.sampled_from(['br', 'br_if']))} {draw(st.integers(0, labels))}"
                    case "br_table":
                        targets = draw(st.lists(st.integers(0, labels), min_size=1, max_size=4))
                        text = "br_table " + " ".join(map(str, targets))
                    case "call":
                        text = f"call {call(draw(st.integers(0, count - 1)))}"
                    case "memory":
                        op, natural = draw(st.sampled_from([("i32.load", 2), ("i64.store", 3), ("i32.load8_u", 0)]))
                        offset = draw(st.sampled_from([0, 1, 4096, 2**32 - 1]))
                        align = draw(st.integers(0, natural))
                        text = op + (f" offset={offset}" if offset else "") + (
                            f" align={1 << align}" if align != natural else "")
                    case _:
                        text = draw(st.sampled_from(["i32.add", "drop", "nop", "i64.mul", "select", "return"]))
                func.wat.append(text)
                func.expected.append((text, depth))

        emit(0, 12, 0)
        func.wat.append("end")  # the body's own end, which WAT leaves implicit
        func.expected.append(("end", 0))
        functions.append(func)
    parts = ["(module (memory 1) (global (mut i32) (i32.const 0)) (global (mut i64) (i64.const 0))"]
    if exceptions:
        parts.append("(tag (param))")
    for func in functions:
        param_decls = "".join(f" (param ${n} i32)" if n else " (param i32)" for n in func.local_names[:func.params])
        local_decls = "".join(f" (local ${n} i64)" if n else " (local i64)" for n in func.local_names[func.params:])
        parts.append(f"(func{' $' + func.name if func.name else ''}{param_decls} (result i32){local_decls}")
        parts.extend(func.wat[:-1])
        parts.append(")")
    parts.append(")")
    return "\n".join(parts), functions


def _rows(listing: Listing) -> list[tuple[int, int, str, int]]:
    """(offset, depth, text, line) of every row."""
    rows = []
    for number, line in enumerate(listing.text.splitlines(), start=1):
        if m := _ROW.match(line):
            assert len(m.group(2)) % 2 == 0, line
            rows.append((int(m.group(1), 16), len(m.group(2)) // 2, m.group(3), number))
    return rows


def _check_indexes(module: Module, listing: Listing) -> None:
    """One row per instruction at its offset, in order; ``offsets``/``lines``/``line_of`` agree with the rows."""
    rows = _rows(listing)
    instrs = [ins for func in module.functions for ins in func.body]
    assert [row[0] for row in rows] == [ins.offset for ins in instrs] == listing.offsets
    assert [row[3] for row in rows] == listing.lines
    ends = [ins.offset for ins in instrs[1:]] + [instrs[-1].offset + 3]
    for (offset, _, _, line), end in zip(rows, ends, strict=True):
        # The instruction's own offset and every byte of its immediates are on its line.
        assert {listing.line_of(at) for at in range(offset, end)} == {line}
    with pytest.raises(KeyError, match="no instruction at or before module offset"):
        listing.line_of(instrs[0].offset - 1)
    lines = listing.text.splitlines()
    for func in module.functions:
        assert lines[listing.function_line(func.index) - 1].startswith("(func")


def _non_ascii(name: str) -> str:
    return f"{name}_ñ名λ🙂"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_module(exceptions=True))
def test_rows_show_each_instruction_as_written_at_its_depth(generated: tuple[str, list[_Function]]) -> None:
    wat, functions = generated
    module = decode(bytes(wasmtime.wat2wasm(wat)))
    listing = render_listing(module, "gen")
    _check_indexes(module, listing)
    rows = iter(_rows(listing))
    for func in functions:
        for (text, depth), (_, row_depth, row_text, _) in zip(func.expected, rows, strict=False):
            assert (row_text, row_depth) == (text, depth)
    assert next(rows, None) is None

    # Names from the name section are any UTF-8: the same listing with every name spelled in non-ASCII.
    renamed = {name: _non_ascii(name) for name in module.function_names.values()}
    renamed |= {name: _non_ascii(name) for names in module.local_names.values() for name in names.values()}
    module.function_names = {i: _non_ascii(name) for i, name in module.function_names.items()}
    module.local_names = {f: {i: _non_ascii(name) for i, name in names.items()}
                          for f, names in module.local_names.items()}
    again = render_listing(module, "gen")
    assert again.text == re.sub(r"\$(\w+)", lambda m: f"${renamed[m.group(1)]}", listing.text)
    assert (again.offsets, again.lines, again.function_lines) == (listing.offsets, listing.lines,
                                                                   listing.function_lines)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_module(exceptions=False))
def test_rows_read_like_wasm2wat(tmp_path_factory: pytest.TempPathFactory,
                                 generated: tuple[str, list[_Function]]) -> None:
    wat, _ = generated
    tmp = tmp_path_factory.mktemp("wat")
    (tmp / "m.wat").write_text(wat)
    run(["wat2wasm", "--no-check", "--debug-names", "-o", tmp / "m.wasm", tmp / "m.wat"])
    module = decode((tmp / "m.wasm").read_bytes())
    ours = [(depth, text) for _, depth, text, _ in _rows(render_listing(module, "m"))]
    # wabt's instruction lines: 4 spaces in a function, 2 more per block; without label comments; the body's
    # own end is implicit.
    theirs = []
    in_func = False
    for line in run(["wasm2wat", "--no-check", tmp / "m.wasm"]).stdout.splitlines():
        text = re.sub(r"\s*(;;.*|\(;.*?;\))", "", line).rstrip()
        opens_func = text.startswith("  (func")
        if not (in_func or opens_func):
            continue
        in_func = True
        # A line with more ")" than "(" closes the function, as does a header line that closes itself.
        balance = text.count("(") - text.count(")")
        if closes := balance < 0 or (opens_func and balance == 0):
            text = text[:-1]
        if not opens_func and not text.lstrip().startswith("(local"):
            theirs.append(((len(text) - len(text.lstrip()) - 4) // 2, text.strip()))
        if closes:
            theirs.append((0, "end"))
            in_func = False
    assert ours == theirs


def test_offset_column_widens_with_the_module() -> None:
    # 6,000 ten-byte constants put the last offsets past 0xffff: every row then has five digits.
    body = " ".join(f"i64.const {-(2**62) - i} drop" for i in range(6000))
    module = decode(bytes(wasmtime.wat2wasm(f"(module (func (local $x i32) local.get $x drop) (func {body}))")))
    listing = render_listing(module)
    rows = [line for line in listing.text.splitlines() if _ROW.match(line)]
    assert module.functions[-1].end_offset > 0xFFFF
    assert all(re.match(r"  0x[0-9a-f]{5}: ", row) for row in rows)
    assert rows[0].split(": ", 1)[1] == "local.get $x"
    _check_indexes(module, listing)
    small = decode(bytes(wasmtime.wat2wasm("(module (func i32.const -1 drop))")))
    assert [row.split(":")[0] for row in render_listing(small).text.splitlines() if _ROW.match(row)] == [
        f"  0x{ins.offset:04x}" for ins in small.functions[0].body]


def test_rows_spell_immediates_as_the_renderer_does() -> None:
    # The rows writer spells calls, memory arguments and block types itself: every row must read as the renderer's
    # own spelling of the instruction, for callees with and without names, odd alignments and typed blocks too.
    wat = """(module (type $t (func (param i32) (result i32 i32))) (memory 1)
      (func $named (param i32) (result i32) local.get 0)
      (func (result i32) i32.const 1 call $named call 2 drop)
      (func $renamed (local i32)
        i32.const 0 block (type $t) i32.const 1 end drop drop
        i32.const 0 if (result i64) i64.const 1 else i64.const 2 end drop
        loop block end end
        i32.const 0 i32.load offset=8 align=2 i64.load8_u offset=4294967295 drop
        i32.const 0 i64.load align=8 i64.store32 offset=16 align=1))"""
    module = decode(bytes(wasmtime.wat2wasm(wat)))
    module.function_names[2] = ""  # an empty name is no name: the callee is its index
    body = module.functions[2].body
    load = next(i for i, ins in enumerate(body) if ins.op == "i32.load")
    body[load] = Instr("i32.load", (70, 2**70), body[load].offset)  # too wide to spell in C
    listing = render_listing(module, "imm")
    _check_indexes(module, listing)
    reference = _Renderer(module)
    expected = [reference.instr(func.index, ins) for func in module.functions for ins in func.body]
    assert [text for _, _, text, _ in _rows(listing)] == expected
    assert "call 2" in expected and "i32.load offset=1180591620717411303424 align=1180591620717411303424" in expected
    assert "block (type 0) (param i32) (result i32 i32)" in expected and "i64.store32 offset=16 align=1" in expected


def test_rows_keep_offsets_wider_than_the_column_and_reject_malformed_bodies() -> None:
    texts: list[tuple[int, Instr]] = []

    def instr(func_index: int, ins: Instr) -> str:
        texts.append((func_index, ins))
        return f"{ins.op} <{ins.imm[0]}>"

    rows = _listing.Rows(4, {"call": 0}, instr, {}, {})
    assert rows.write(";; module m\n") == 1
    body = [Instr("call", (7,), 0x12), Instr("call", (7,), 0x123456789), Instr("nop", (), 2**40)]
    assert rows.function("(func (;3;)", "(local i32)", 3, body, False) == 3
    text, index = rows.finish()
    offsets, lines = index.offsets(), index.lines()
    assert text == (";; module m\n\n(func (;3;)\n  (local i32)\n  0x0012: call <7>\n  0x123456789: call <7>\n"
                    "  0x10000000000: nop\n")
    assert texts == [(3, body[0])]  # one text per distinct instruction
    assert (offsets, lines) == ([0x12, 0x123456789, 2**40], [5, 6, 7])
    assert [index.line_of(at) for at in (0x12, 0x13, 0x123456789, 2**41)] == [5, 5, 6, 7]
    text, index = rows.finish()
    assert (text, index.offsets(), index.lines()) == ("", [], [])  # finish starts over
    with pytest.raises(TypeError):
        rows.function("(func)", "", 3, [("nop", ())], False)  # type: ignore[list-item]
    with pytest.raises(ValueError):
        rows.function("(func)", "", 3, [Instr("nop", (), -1)], False)
    with pytest.raises(ValueError, match="sorted"):
        _listing.LineIndex([4, 2], [1, 2])
    rows.finish()
    rows.function("(func)", "", 0, [Instr("nop", (), 4), Instr("nop", (), 2)], False)
    with pytest.raises(ValueError, match="sorted"):
        rows.finish()
