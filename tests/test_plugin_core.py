"""The debugger-agnostic plugin core on a mock debugger: metadata round trip, the JIT list walk (also corrupted),
pc -> Wasm mapping and backtraces checked against wasmtime, breakpoint resolution, stepping."""

from __future__ import annotations

import dataclasses
import struct
import time
from pathlib import Path

import pytest
import wasmtime

from emitter.compiled import CallSite, CompiledFunction, CompiledModule, LineEntry, TagInfo, ValueType
from emitter.debugcore import format, stepping
from emitter.debugcore.adapter import NativeFrame
from emitter.debugcore.jit import DESCRIPTOR_SYMBOL, read_entries
from emitter.debugcore.mock import MockAdapter
from emitter.debugcore.session import CommandError, Session
from emitter.debugmeta import MAGIC, MetadataError, decode_all, decode_metadata, encode_metadata
from emitter.unwind import UnwindProgram
from tests.codegen_loader import compile_wat
from tests.plugin_programs import Program, build, elf_symbols, elf_text, link_jit

WAT = """(module $demo
 (func $leaf (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
 (func (param i32) (result i32) local.get 0 call $leaf)
 (func (export "run") (result i32) i32.const 7 call 1))"""

DESCRIPTOR = 0x1000
ENTRIES = 0x2000
IMAGE = 0x10000


def _module() -> CompiledModule:
    unwind = UnwindProgram("f").push(1, "rbp").set_frame_pointer(4, "rbp")
    f = CompiledFunction("wasm-function[3]", bytes(40), unwind, wasm_index=3, wasm_body_offset=0x50,
                         lines=[LineEntry(0, 0), LineEntry(4, 7, wasm_offset=0x52), LineEntry(4, 8, wasm_offset=0x53),
                                LineEntry(9, 9, wasm_offset=0x55), LineEntry(12, 9, wasm_offset=0x55)],
                         call_sites=[CallSite(10, 15, 30, filters=(2, 1)), CallSite(2, 5, None)],
                         catch_types=["mod.tag0", None])
    g = CompiledFunction("fact", bytes(3), UnwindProgram("g"), wasm_index=4, wasm_body_offset=0x70)
    thunk = CompiledFunction("veneer", bytes(8), UnwindProgram("veneer"))
    return CompiledModule("mod", [f, thunk, g], source_file="m.wat", source_dir="/src", wasm_name="mod",
                          tags=[TagInfo("host_tag", 0, ()), TagInfo("mod.tag1", 1, (ValueType.I32, ValueType.F64))])


def test_metadata_round_trip() -> None:
    meta = decode_metadata(encode_metadata(_module()))
    assert (meta.name, meta.source_file, meta.source_dir) == ("mod", "m.wat", "/src")
    f, g = meta.functions  # the runtime veneer (no Wasm index) is not a Wasm function
    assert (f.symbol, f.display_name, f.wasm_index, f.body_offset, f.code_size) == (
        "wasm-function[3]", "<wasm function 3>", 3, 0x50, 40)
    # Same code offset: the last entry wins; consecutive equal entries merge.
    assert [(e.code_offset, e.wasm_offset, e.line) for e in f.map] == [(0, None, 0), (4, 0x53, 8), (9, 0x55, 9)]
    assert [(s.start, s.end, s.landing_pad, s.filters) for s in f.call_sites] == [(2, 5, None, ()),
                                                                                   (10, 15, 30, (2, 1))]
    assert f.catch_types == ("mod.tag0", None)
    # push rbp; mov rbp, rsp: CFA rsp+8, rsp+16, then rbp+16 (DWARF 7 = rsp, 6 = rbp, 16 = return address).
    assert [(r.start, r.cfa_register, r.cfa_offset) for r in f.unwind_rows] == [(0, 7, 8), (1, 7, 16), (4, 6, 16)]
    assert dict(f.unwind_rows[-1].saved) == {6: 16, 16: 8}
    assert (g.display_name, g.map, g.call_sites) == ("fact", (), ())
    assert [(t.symbol, t.index, t.params) for t in meta.tags] == [("host_tag", 0, ()), ("mod.tag1", 1, ("i32", "f64"))]


def test_version_2_records_without_a_tag_table_still_decode() -> None:
    """Objects written before the tag table (record version 2) stay debuggable: same body, no tag table."""
    current = encode_metadata(dataclasses.replace(_module(), tags=[]))
    body = current[9:-1]  # the header, then everything but the empty tag table's count
    old = struct.pack("<4sBI", MAGIC, 2, len(body)) + body
    meta = decode_metadata(old)
    assert meta.tags == () and meta.functions == decode_metadata(current).functions
    with pytest.raises(MetadataError):
        decode_metadata(struct.pack("<4sBI", MAGIC, 1, len(body)) + body)


def test_metadata_records_concatenate_like_a_linker() -> None:
    one = encode_metadata(_module())
    two = encode_metadata(CompiledModule("", []))
    modules = decode_all(one + b"\0" * 3 + two)
    assert [m.display_name for m in modules] == ["mod", "<unknown>"]


def test_truncated_or_garbled_metadata_is_a_metadata_error() -> None:
    data = encode_metadata(_module())
    for cut in range(1, len(data)):
        with pytest.raises(MetadataError):
            decode_metadata(data[:cut])
    garbled = bytearray(data)
    garbled[9] = 0xFF  # the module name's length
    with pytest.raises(MetadataError):
        decode_metadata(bytes(garbled))


def _jit_adapter(tmp_path: Path) -> tuple[MockAdapter, Program, bytes]:
    """The test program's JIT image mapped into a mock inferior and registered in its descriptor."""
    program = build(tmp_path, WAT, {2: "run"})
    image_path, _host, _entry = link_jit(tmp_path, program)
    image = image_path.read_bytes()
    adapter = MockAdapter(symbols={DESCRIPTOR_SYMBOL: DESCRIPTOR})
    adapter.map(DESCRIPTOR, struct.pack("<IIQQ", 1, 1, ENTRIES, ENTRIES))
    adapter.map(ENTRIES, struct.pack("<QQQQ", 0, 0, IMAGE, len(image)) + bytes(32 * 16))
    adapter.map(IMAGE, image)
    adapter.map(*elf_text(image_path))
    return adapter, program, image


def _symbols(tmp_path: Path) -> dict[str, int]:
    return {name: value for value, _size, name, _kind in elf_symbols(tmp_path / "jit_image.elf")}


def _wasmtime_trap(wasm: Path) -> wasmtime.Trap:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module.from_file(engine, str(wasm)), [])
    run = instance.exports(store)["run"]
    assert isinstance(run, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as trap:
        run(store)
    return trap.value


def _native(tmp_path: Path) -> tuple[int, dict[str, int]]:
    """From the linked image, by capstone: the address of the trapping ``div`` and, per function symbol, the
    return address of its call."""
    import capstone

    image = tmp_path / "jit_image.elf"
    functions = [(value, size, name) for value, size, name, kind in elf_symbols(image) if kind == "STT_FUNC"]
    base, code = elf_text(image)
    div = 0
    returns = {}
    for insn in capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64).disasm(code, base):
        if insn.mnemonic == "div":
            div = insn.address
        if insn.mnemonic == "call":
            owner = next(name for start, size, name in functions
                         if start <= insn.address < start + size and name != "run")
            returns[owner] = insn.address + insn.size
    return div, returns


def test_backtrace_matches_wasmtime(tmp_path: Path) -> None:
    adapter, program, _ = _jit_adapter(tmp_path)
    div, returns = _native(tmp_path)
    adapter.native_frames = [NativeFrame(0, div, 0, True), NativeFrame(1, returns["wasm-function[1]"], 0, False),
                             NativeFrame(2, returns["wasm-function[2]"], 0, False), NativeFrame(3, 0x401000, 0, False)]
    text = format.format_backtrace(Session(adapter).index(), adapter.frames())
    ours = [line.split("  [#")[0] for line in text.splitlines() if "[#" in line]
    expected = [line for line in str(_wasmtime_trap(program.wasm)).splitlines() if " - " in line]
    assert ours == expected
    assert [line.rsplit("[#", 1)[1] for line in text.splitlines() if "[#" in line] == ["0]", "1]", "2]"]
    assert "at prog.listing:" in text


def test_corrupted_jit_lists_warn_and_end(tmp_path: Path) -> None:
    adapter, _program, image = _jit_adapter(tmp_path)
    cases = {
        "cycle": struct.pack("<QQQQ", ENTRIES, 0, IMAGE, len(image)),
        "wild": struct.pack("<QQQQ", 0xDEAD0000, 0, IMAGE, len(image)),
        "size": struct.pack("<QQQQ", 0, 0, IMAGE, 1 << 60),
    }
    for name, entry in cases.items():
        adapter.write(ENTRIES, entry)
        adapter.warnings.clear()
        session = Session(adapter)
        modules = session.modules()
        assert len(adapter.warnings) == 1, name
        assert len(modules) == (0 if name == "size" else 1), name
    # A list of 200000 distinct entries each pointing to the next: bounded by count and time.
    adapter.map(0x1000000, b"".join(struct.pack("<QQQQ", 0x1000000 + 32 * (i + 1), 0, 0, 0) for i in range(200_000)))
    adapter.write(DESCRIPTOR, struct.pack("<IIQQ", 1, 1, 0, 0x1000000))
    start = time.monotonic()
    adapter.warnings.clear()
    read_entries(adapter)
    assert time.monotonic() - start < 1.0
    assert len(adapter.warnings) == 2 and "longer than" in adapter.warnings[0]
    assert "absurd image size" in adapter.warnings[1]


def test_an_image_being_unregistered_is_not_listed(tmp_path: Path) -> None:
    """In ``__jit_debug_register_code`` for an unregistration the entry is still linked (the JIT unlinks it after
    the call): the walk leaves it out, so a JIT event sees the module gone (its watchpoints are deleted then)."""
    adapter, _program, _image = _jit_adapter(tmp_path)
    assert len(read_entries(adapter)) == 1
    adapter.write(DESCRIPTOR, struct.pack("<IIQQ", 1, 2, ENTRIES, ENTRIES))  # JIT_UNREGISTER_FN, still first
    assert read_entries(adapter) == [] and adapter.warnings == []
    adapter.write(DESCRIPTOR, struct.pack("<IIQQ", 1, 1, ENTRIES, ENTRIES))  # JIT_REGISTER_FN
    assert len(read_entries(adapter)) == 1


def test_breakpoints_resolve_pend_and_follow_registration(tmp_path: Path) -> None:
    adapter, program, _ = _jit_adapter(tmp_path)
    symbols = _symbols(tmp_path)
    session = Session(adapter)
    first_body = program.functions[0].instrs[0].offset
    call = program.functions[1].instrs[1].offset
    assert "demo!leaf" in session.add_breakpoint("leaf")
    session.add_breakpoint(f"demo+{call:#x}")
    session.add_breakpoint("<wasm function 2>")
    session.add_breakpoint("other!leaf")
    assert sorted(adapter.breakpoints.values()) == sorted(
        [program.address_of(first_body, symbols), program.address_of(call, symbols),
         program.address_of(program.functions[2].instrs[0].offset, symbols)])
    # Unregistered: every location goes away and the breakpoints are pending again; registered: back.
    adapter.write(DESCRIPTOR, struct.pack("<IIQQ", 1, 2, ENTRIES, 0))
    assert session.jit_event() == [] and adapter.breakpoints == {}
    adapter.write(DESCRIPTOR, struct.pack("<IIQQ", 1, 1, ENTRIES, ENTRIES))
    assert len(session.jit_event()) == 3 and len(adapter.breakpoints) == 3
    with pytest.raises(CommandError):
        session.add_breakpoint("demo+zz")


def test_step_and_next_move_by_wasm_instruction(tmp_path: Path) -> None:
    adapter, program, _ = _jit_adapter(tmp_path)
    symbols = _symbols(tmp_path)
    session = Session(adapter)
    f1 = program.functions[1]
    at = {i.offset: program.address_of(i.offset, symbols) for f in program.functions for i in f.instrs}
    sp = 0x7000
    # wasm step from f1's call: into leaf, whose prologue (2 instructions) has no Wasm offset.
    adapter.registers = {"pc": at[f1.instrs[1].offset], "sp": sp, "rbp": sp, "rsp": sp}
    leaf = symbols["leaf"]
    adapter.trace = [(leaf, sp - 8), (leaf + 1, sp - 16), (leaf + 4, sp - 16)]
    assert f"wasm offset {program.functions[0].instrs[0].offset:#x}" in stepping.run(session, adapter, "step")
    # wasm next inside leaf: two nops of one instruction, then the next instruction.
    first, second = program.functions[0].instrs[:2]
    adapter.registers.update(pc=at[first.offset])
    adapter.trace = [(at[first.offset] + 1, sp - 16), (at[second.offset], sp - 16)]
    assert stepping.run(session, adapter, "next").split("\n")[0].endswith(f"wasm offset {second.offset:#x}")
    # A signal ends stepping where it happened.
    adapter.registers.update(pc=at[first.offset])
    adapter.trace = [(at[first.offset] + 1, sp - 16)]
    adapter.interrupt_at = {at[first.offset] + 1}
    assert f"wasm offset {first.offset:#x}" in stepping.run(session, adapter, "next")
    adapter.registers.update(pc=0x401000)
    with pytest.raises(CommandError):
        stepping.run(session, adapter, "next")


def test_debugger_side_exception_layout_matches_the_compiler() -> None:
    """The plugin core reads exceptions with its own constants (it cannot import the compiler in a debugger)."""
    from emitter.codegen import exceptions as codegen
    from emitter.debugcore import exceptions as debugcore

    assert (debugcore.THROW, debugcore.THROW_REF) == (codegen.THROW, codegen.THROW_REF)
    assert (debugcore.TAG_OFFSET, debugcore.VALUES_OFFSET) == (codegen.EXCEPTION_TAG_OFFSET,
                                                               codegen.EXCEPTION_VALUES_OFFSET)
    header = (Path(__file__).parents[1] / "emitter" / "runtime" / "jitdebug_eh.h").read_text()
    assert f"{debugcore.EXCEPTION_CLASS:#x}ull" in header.lower()


def test_handler_search_follows_the_filters_outwards() -> None:
    """Frame 1 catches only tag B, frame 2 catches everything: a tag-A exception lands in frame 2, a tag-B one in
    frame 1, a foreign one (no tag) in frame 2; a call outside any try region is passed over."""
    from emitter.debugcore.exceptions import WasmException, find_handler
    from emitter.debugcore.modules import CodeIndex, LoadedFunction, LoadedModule

    unwind = UnwindProgram("f").push(1, "rbp").set_frame_pointer(4, "rbp")
    inner = CompiledFunction("inner", bytes(64), unwind, wasm_index=0, wasm_body_offset=0x10,
                             call_sites=[CallSite(10, 15, 40, filters=(1,))], catch_types=["m.tagB"])
    outer = CompiledFunction("outer", bytes(64), unwind, wasm_index=1, wasm_body_offset=0x30,
                             call_sites=[CallSite(20, 25, 50, filters=(2, 1))], catch_types=[None, "m.tagB"])
    meta = decode_metadata(encode_metadata(CompiledModule("m", [inner, outer], wasm_name="m")))
    tag_a, tag_b = 0x9000, 0x9008
    functions = (LoadedFunction.place(meta, meta.functions[0], 0x1000),
                 LoadedFunction.place(meta, meta.functions[1], 0x2000))
    index = CodeIndex([LoadedModule(meta, "test", functions, True, {"m.tagB": tag_b})])
    frames = [NativeFrame(0, 0x5000, 0x100, True),  # the throw routine
              NativeFrame(1, 0x1000 + 30, 0x110, False),  # inner, at a call outside its try region
              NativeFrame(2, 0x1000 + 15, 0x140, False),  # inner again (recursion), inside its try region
              NativeFrame(3, 0x2000 + 25, 0x180, False)]  # outer
    for tag, (frame, pad) in {tag_a: (3, 0x2000 + 50), tag_b: (2, 0x1000 + 40), None: (3, 0x2000 + 50)}.items():
        handler = find_handler(index, WasmException(tag, None, None, ()), frames)
        assert handler is not None and (handler.frame.number, handler.landing_pad) == (frame, pad), tag
        assert handler.sp == frames[frame].sp
    assert find_handler(index, WasmException(tag_a, None, None, ()), frames[:3]) is None


#: Values of every numeric type, negative integers and non-integral floats: what a raw-word dump would garble.
PAYLOAD = (("i32", -7), ("i64", -1234567890123), ("f32", 1.5), ("f64", -2.25))
TYPED_TAG_WAT = """(module $m
  (tag $t (param i32 i64 f32 f64))
  (func (export "go") (i32.const -7) (i64.const -1234567890123) (f32.const 1.5) (f64.const -2.25) (throw $t)))"""


def _payload_word(value_type: str, value: int | float) -> int:
    """The 64-bit payload word the compiler stores for a value (i32 and f32 in the low half)."""
    match value_type:
        case "i32" | "i64":
            return int(value) & ((1 << (32 if value_type == "i32" else 64)) - 1)
        case "f32":
            return int(struct.unpack("<I", struct.pack("<f", value))[0])
    return int(struct.unpack("<Q", struct.pack("<d", value))[0])


def test_exception_payload_prints_by_the_tag_parameter_types() -> None:
    """The compiler's tag table reaches the plugin core through the metadata: an exception of a typed tag shows
    each payload value by type, at the throw and at a landing pad; a tag no module describes shows raw words."""
    from emitter.debugcore.exceptions import THROW, VALUES_OFFSET, exception_object, thrown
    from emitter.debugcore.modules import CodeIndex, LoadedFunction, LoadedModule

    compiled = compile_wat(TYPED_TAG_WAT, "m")[1]
    assert [(t.symbol, t.index, t.params) for t in compiled.tags] == [
        ("m.tag0", 0, (ValueType.I32, ValueType.I64, ValueType.F32, ValueType.F64))]
    meta = decode_metadata(encode_metadata(compiled))
    tag, stranger, exception, values = 0x9000, 0x9100, 0xA000, 0xB000
    index = CodeIndex([LoadedModule(meta, "test", (LoadedFunction.place(meta, meta.functions[0], 0x1000),), True,
                                    {"m.tag0": tag})])
    words = [_payload_word(t, v) for t, v in PAYLOAD]
    adapter = MockAdapter()
    adapter.map(tag, struct.pack("<II", len(PAYLOAD), 0))
    adapter.map(stranger, struct.pack("<II", 1, 5))
    # The exception object: class, the rest of _Unwind_Exception, tag, count, payload last value first.
    adapter.map(exception, struct.pack("<Q", 0x4A4442475741534D) + bytes(VALUES_OFFSET - 24)
                + struct.pack("<QQ", tag, len(words)) + struct.pack(f"<{len(words)}Q", *reversed(words)))
    adapter.map(values, struct.pack(f"<{len(words)}Q", *reversed(words)))
    expected = "tag m.tag0 (index 0), payload [" + ", ".join(f"{t} {v}" for t, v in PAYLOAD) + "]"
    assert exception_object(adapter, exception, index).describe() == expected
    adapter.registers.update(rdi=tag, rsi=values, rdx=len(words))
    assert thrown(adapter, THROW, index).describe() == expected
    adapter.registers.update(rdi=stranger, rsi=values, rdx=1)
    assert thrown(adapter, THROW, index).describe() == f"tag {stranger:#x} (index 5), payload [{words[-1]:#x}]"
