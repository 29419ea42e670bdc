"""The Wasm binary decoder: bytes → ``Module``, every instruction with its module offset.

Malformed input of any shape raises ``DecodeError`` naming the module offset; valid Wasm that uses a proposal the
backend does not compile (threads, GC, tail calls, memory64, ...) raises ``UnsupportedError``. The few
validation rules the decoder meets first (a non-constant instruction in a constant expression, an element of the
wrong reference type) raise ``ValidationError``, so ``decode`` raises only ``WasmError`` subclasses. Every loop
consumes at least one byte per iteration and every count is checked against the bytes left, so arbitrary input
neither hangs nor allocates more than its own size.
"""

from __future__ import annotations

from typing import NoReturn

from emitter.errors import DecodeError, UnsupportedError, ValidationError
from emitter.wasm import native_bodies
from emitter.wasm.features import WASM2, Features
from emitter.wasm.module import (
    BlockType,
    Catch,
    DataSegment,
    ElemSegment,
    Export,
    Function,
    FuncType,
    Global,
    GlobalType,
    Import,
    Instr,
    Limits,
    Module,
    Table,
    ValType,
)
from emitter.wasm.opcodes import (
    CONST_OPS,
    MISC_OPCODES,
    MISC_PREFIX,
    OPCODES,
    UNSUPPORTED_OPCODES,
    UNSUPPORTED_PREFIXES,
    OpInfo,
)
from emitter.wasm.simd_opcodes import SIMD_OPCODES, SIMD_PREFIX

MAGIC = b"\0asm"
VERSION = b"\x01\0\0\0"
#: Engines cap the locals of one function (wasmtime and V8 at 50,000); so do we, before expanding them.
MAX_LOCALS = 50_000
#: Memories are at most 4 GiB in 64 KiB pages (32-bit memories).
MAX_PAGES = 65536
#: 64-bit memories (memory64) are at most 2^64 bytes: 2^48 pages.
MAX_PAGES_64 = 1 << 48

SECTION_NAMES = {1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export",
                 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount", 13: "tag"}
#: Position of each section id in the required order (the tag section sits between memory and global).
_SECTION_RANK = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}
_VALTYPES = {t.value: t for t in ValType}
_VALTYPE_BYTES = {t: bytes([t.value]) for t in ValType}
_REFTYPES = {ValType.FUNCREF.value: ValType.FUNCREF, ValType.EXTERNREF.value: ValType.EXTERNREF,
             ValType.EXNREF.value: ValType.EXNREF}
_EXTERNAL_KINDS = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}
_CATCH_KINDS = {0: "catch", 1: "catch_ref", 2: "catch_all", 3: "catch_all_ref"}
_BLOCK_EMPTY = BlockType()
_OPENERS = frozenset({"block", "loop", "if", "try", "try_table"})
_NO_IMMEDIATE, _UNSIGNED, _SIGNED = range(3)
#: One-byte opcodes with no immediate or a single LEB128 one (an index, or an ``i32``/``i64`` constant): the
#: name and which. ``_Reader.body`` decodes them inline when the immediate is a single byte.
_SHORT = {code: (info.name, _NO_IMMEDIATE if info.immediate == "none" else
                 _SIGNED if info.immediate in ("i32", "i64") else _UNSIGNED)
          for code, info in OPCODES.items()
          if info.immediate in ("none", "local", "global", "label", "func", "table", "tag", "memory", "data", "elem",
                                "i32", "i64")}
#: The immediates of a one-byte LEB128, unsigned and signed, by byte: shared tuples (a module repeats them).
_UNSIGNED_BYTE = [(value,) for value in range(0x80)]
_SIGNED_BYTE = [(value - 0x80 if value & 0x40 else value,) for value in range(0x80)]


def _unsupported_type(byte: int, offset: int) -> NoReturn:
    if 0x63 <= byte <= 0x74:
        raise UnsupportedError(f"reference type {byte:#04x} (GC / typed function references) is not supported",
                               offset)
    raise DecodeError(f"malformed value type {byte:#04x}", offset)


class _Reader:
    """A cursor over ``data[pos:end]``; ``end`` is the innermost enclosing section or body limit."""

    __slots__ = ("data", "pos", "end", "features", "memory64")

    def __init__(self, data: bytes, pos: int, end: int, features: Features = WASM2,
                 memory64: tuple[bool, ...] = ()) -> None:
        self.data = data
        self.pos = pos
        self.end = end
        self.features = features
        #: Per memory (imports first), whether it is 64-bit: a memarg's offset is then a u64.
        self.memory64 = memory64

    def fail(self, message: str, offset: int | None = None) -> NoReturn:
        raise DecodeError(message, self.pos if offset is None else offset)

    def byte(self) -> int:
        if self.pos >= self.end:
            self.fail("unexpected end")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def take(self, n: int) -> bytes:
        if n > self.end - self.pos:
            self.fail("unexpected end")
        start = self.pos
        self.pos += n
        return self.data[start:self.pos]

    def u32(self) -> int:
        pos = self.pos
        if pos < self.end and self.data[pos] < 0x80:
            self.pos = pos + 1
            return self.data[pos]
        return self._uleb(32)

    def u64(self) -> int:
        return self._uleb(64)

    def _uleb(self, bits: int) -> int:
        start = self.pos
        max_bytes = (bits + 6) // 7
        result = 0
        for i in range(max_bytes):
            b = self.byte()
            shift = 7 * i
            if i == max_bytes - 1:
                if b & 0x80:
                    self.fail("integer representation too long", start)
                if b >> (bits - shift):
                    self.fail("integer too large", start)
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
        raise AssertionError("unreachable: the last byte either ends the number or fails")

    def sleb(self, bits: int) -> int:
        start = self.pos
        if start < self.end and self.data[start] < 0x80:
            self.pos = start + 1
            b = self.data[start]
            return b - 0x80 if b & 0x40 else b
        max_bytes = (bits + 6) // 7
        result = 0
        for i in range(max_bytes):
            b = self.byte()
            shift = 7 * i
            if i == max_bytes - 1:
                if b & 0x80:
                    self.fail("integer representation too long", start)
                used = bits - shift  # value bits in this byte, the sign bit included
                unused = (0x7F >> (used - 1)) << (used - 1)
                if (b & unused) not in (0, unused):
                    self.fail("integer too large", start)
            result |= (b & 0x7F) << shift
            if b < 0x80:
                if b & 0x40:
                    result -= 1 << (shift + 7)
                return result
        raise AssertionError("unreachable: the last byte either ends the number or fails")

    def count(self, min_item_size: int = 1) -> int:
        """A vector length, rejected early when the items cannot fit in what is left."""
        start = self.pos
        n = self.u32()
        if n * min_item_size > self.end - self.pos:
            self.fail("unexpected end: vector length exceeds the bytes left", start)
        return n

    def name(self) -> str:
        n = self.u32()
        start = self.pos
        raw = self.take(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.fail("malformed UTF-8 encoding", start)

    def valtype(self) -> ValType:
        b = self.byte()
        vt = _VALTYPES.get(b)
        if vt is None:
            _unsupported_type(b, self.pos - 1)
        return vt

    def reftype(self) -> ValType:
        b = self.byte()
        rt = _REFTYPES.get(b)
        if rt is None:
            if b in _VALTYPES:
                self.fail("malformed reference type", self.pos - 1)
            _unsupported_type(b, self.pos - 1)
        return rt

    def heap_type(self) -> ValType:
        """``ref.null``'s immediate: an abstract heap type byte, or (typed references) a type index."""
        at = self.pos
        if at < self.end and self.data[at] < 0x40:
            raise UnsupportedError("typed function references (ref.null of a type index) are not supported", at)
        return self.reftype()

    def limits(self, max_value: int | None) -> Limits:
        at = self.pos
        # A byte, not a LEB128: ``0x81 0x00`` is malformed, not 1. Flags of proposals we do not compile (shared
        # memories, memory64, custom page sizes) are malformed in Wasm 2.0, and the message says which proposal.
        flags = self.byte()
        if flags in (2, 3, 6, 7):
            self.fail(f"malformed limits flags {flags:#04x}: shared memories (threads) are not supported", at)
        if flags in (4, 5) and self.features.memory64:
            # A 64-bit memory, or (``max_value`` None) a 64-bit table: memory64's table64 uses the same flags.
            return self.limits64(flags, at) if max_value is not None else self.table_limits64(flags)
        if flags in (4, 5):
            # wasmtime's words, with memory64 off (``-W memory64=n``) and in the Wasm 2.0 reading.
            kind = "tables" if max_value is None else "memories"
            self.fail(f"malformed limits flags {flags:#04x}: memory64 must be enabled for 64-bit {kind}", at)
        if 8 <= flags <= 15:
            self.fail(f"malformed limits flags {flags:#04x}: custom page sizes are not supported", at)
        if flags > 1:
            self.fail(f"malformed limits flags {flags:#04x}", at)
        minimum = self.u32()
        maximum = self.u32() if flags == 1 else None
        if max_value is not None and (minimum > max_value or (maximum is not None and maximum > max_value)):
            raise ValidationError(f"memory size must be at most {max_value} pages (4GiB)", at)
        return Limits(minimum, maximum)

    def limits64(self, flags: int, at: int) -> Limits:
        """A 64-bit memory's limits (memory64): u64 sizes, at most 2^48 pages (2^64 bytes)."""
        minimum = self.u64()
        maximum = self.u64() if flags & 1 else None
        if minimum > MAX_PAGES_64 or (maximum is not None and maximum > MAX_PAGES_64):
            raise ValidationError(f"memory size must be at most {MAX_PAGES_64} pages (2^64 bytes)", at)
        return Limits(minimum, maximum, index64=True)

    def table_limits64(self, flags: int) -> Limits:
        """A 64-bit table's limits (table64): u64 sizes, i64 indices."""
        minimum = self.u64()
        maximum = self.u64() if flags & 1 else None
        return Limits(minimum, maximum, index64=True)

    def table_entry(self) -> Table:
        """A table section entry: a table type, or (function references) ``0x40 0x00``, a table type and the
        constant expression every entry starts as."""
        at = self.pos
        if not (self.features.table_initializers and at < self.end and self.data[at] == 0x40):
            return self.table_type()
        self.pos += 1
        if self.byte() != 0:
            self.fail("malformed table: expected 0x00 after 0x40", at)
        table = self.table_type()
        return Table(table.elem_type, table.limits, self.const_expr())

    def table_type(self) -> Table:
        elem_type = self.reftype()
        return Table(elem_type, self.limits(None))

    def global_type(self) -> GlobalType:
        vt = self.valtype()
        at = self.pos
        mut = self.byte()
        if mut > 1:
            self.fail("malformed mutability", at)
        return GlobalType(vt, mut == 1)

    def block_type(self) -> BlockType:
        at = self.pos
        if at >= self.end:
            self.fail("unexpected end")
        b = self.data[at]
        if b == 0x40:
            self.pos += 1
            return _BLOCK_EMPTY
        if b & 0x80 == 0 and b & 0x40:
            # A one-byte negative number: a value type.
            self.pos += 1
            vt = _VALTYPES.get(b)
            if vt is None:
                _unsupported_type(b, at)
            return BlockType(result=vt)
        index = self.sleb(33)
        if index < 0:
            self.fail("malformed block type", at)
        return BlockType(type_index=index)

    def memory_index(self) -> int:
        """The memory operand of ``memory.size``/``grow``/``fill``/``copy``/``init``: in Wasm 2.0 a reserved byte,
        read as the memory index it becomes with multiple memories. A LEB128 longer than one byte is malformed (the
        spec's "zero byte expected"), even when it encodes 0."""
        if self.features.multi_memory:
            return self.u32()
        at = self.pos
        index = self.byte()
        if index & 0x80:
            self.fail("zero byte expected", at)
        return index

    def memarg(self) -> tuple[int, ...]:
        """``(align, offset)``, or ``(align, offset, memory)`` for a memory other than 0 (multiple memories: bit
        6 of the flags says a memory index follows). A 64-bit memory's offset is a u64 (memory64)."""
        at = self.pos
        align = self.u32()
        memory = 0
        if align & 0x40:  # the memory-index bit of multiple memories: malformed in Wasm 2.0
            if not self.features.multi_memory:
                self.fail("malformed memop flags: multiple memories are not supported", at)
            align &= ~0x40
            memory = self.u32()
        if align >= 32:
            self.fail("malformed memop flags", at)
        offset = self.u64() if memory < len(self.memory64) and self.memory64[memory] else self.u32()
        return (align, offset) if memory == 0 else (align, offset, memory)

    def instr(self) -> Instr:
        """One instruction with its immediates (see ``Instr`` for their shapes)."""
        at = self.pos
        if at >= self.end:
            self.fail("unexpected end")
        code = self.data[at]
        self.pos = at + 1
        info = OPCODES.get(code)
        if info is None:
            info = self._rare_opcode(code, at)
        match info.immediate:
            case "none":
                imm: tuple[object, ...] = ()
            case "local" | "global" | "label" | "func" | "table" | "tag" | "data" | "elem":
                imm = (self.u32(),)
            case "memory":
                imm = (self.memory_index(),)
            case "i32":
                imm = (self.sleb(32),)
            case "i64":
                imm = (self.sleb(64),)
            case "memarg":
                imm = self.memarg()
            case "block":
                imm = (self.block_type(),)
            case "f32":
                imm = (int.from_bytes(self.take(4), "little"),)
            case "f64":
                imm = (int.from_bytes(self.take(8), "little"),)
            case "br_table":
                labels = tuple(self.u32() for _ in range(self.count()))
                imm = (labels, self.u32())
            case "call_indirect":
                type_index = self.u32()
                imm = (type_index, self.u32())
            case "select_types":
                imm = tuple(self.valtype() for _ in range(self.count()))
            case "reftype":
                imm = (self.heap_type(),)
            case "memory_init":
                data_index = self.u32()
                imm = (data_index, self.memory_index())
            case "memory_copy":
                destination = self.memory_index()
                imm = (destination, self.memory_index())
            case "table_init" | "table_copy":
                first = self.u32()
                imm = (first, self.u32())
            case "v128":
                imm = (int.from_bytes(self.take(16), "little"),)
            case "lane":
                imm = (self.byte(),)
            case "shuffle":
                imm = tuple(self.take(16))
            case "memarg_lane":
                align, offset, *memory = self.memarg()
                imm = (align, offset, self.byte(), *memory)
            case "try_table":
                block = self.block_type()
                catches = []
                for _ in range(self.count(2)):
                    kind_at = self.pos
                    kind = _CATCH_KINDS.get(self.byte())
                    if kind is None:
                        self.fail("malformed catch clause kind", kind_at)
                    tag = self.u32() if kind in ("catch", "catch_ref") else None
                    catches.append(Catch(kind, tag, self.u32()))
                imm = (block, tuple(catches))
            case other:
                raise AssertionError(f"opcode table names an unknown immediate kind {other!r}")
        return Instr(info.name, imm, at)

    def _rare_opcode(self, code: int, at: int) -> OpInfo:
        if code == MISC_PREFIX:
            sub = self.u32()
            info = MISC_OPCODES.get(sub)
            if info is None:
                self.fail(f"illegal opcode 0xfc {sub:#x}", at)
            return info
        if code == SIMD_PREFIX:
            sub = self.u32()
            info = SIMD_OPCODES.get(sub)
            if info is None:
                self.fail(f"illegal opcode 0xfd {sub:#x}", at)
            return info
        if code in UNSUPPORTED_PREFIXES:
            raise UnsupportedError(f"{UNSUPPORTED_PREFIXES[code]} instructions (prefix {code:#04x}) are not supported",
                                   at)
        if code in UNSUPPORTED_OPCODES:
            raise UnsupportedError(f"{UNSUPPORTED_OPCODES[code]} (opcode {code:#04x}) is not supported", at)
        self.fail(f"illegal opcode {code:#04x}", at)

    def const_expr(self) -> tuple[Instr, ...]:
        """A constant expression up to its ``end``; validation checks which instructions it uses."""
        instrs = []
        while True:
            ins = self.instr()
            instrs.append(ins)
            if ins.op == "end":
                return tuple(instrs)
            if ins.op not in CONST_OPS:
                raise ValidationError("constant expression required", ins.offset)

    def body(self, body_end: int) -> list[Instr]:
        """Instructions up to the ``end`` that closes the function, which must be the body's last byte.

        Most instructions are one opcode byte with no immediate or a one-byte LEB128 one (``_SHORT``): those are
        decoded here inline, the rest by ``instr``."""
        instrs: list[Instr] = []
        append = instrs.append
        data = self.data
        short = _SHORT
        depth = 1
        pos = self.pos
        while pos < body_end:
            form = short.get(data[pos])
            if form is not None and form[1] == _NO_IMMEDIATE:
                ins = Instr(form[0], (), pos)
                pos += 1
            elif form is not None and pos + 1 < body_end and data[pos + 1] < 0x80:
                value = data[pos + 1]
                ins = Instr(form[0], (_SIGNED_BYTE if form[1] == _SIGNED else _UNSIGNED_BYTE)[value], pos)
                pos += 2
            else:
                self.pos = pos
                ins = self.instr()
                pos = self.pos
            append(ins)
            op = ins.op
            if op in _OPENERS:
                depth += 1
            elif op == "end" or op == "delegate":
                depth -= 1
                if depth == 0:
                    self.pos = pos
                    if pos != body_end:
                        self.fail("operators remaining after end of function")
                    return instrs
        self.pos = pos
        self.fail("END opcode expected: unexpected end of section or function", body_end)


def decode(data: bytes, features: Features = WASM2, native: bool = True) -> Module:
    """Decode a whole binary module, with the proposals ``features`` switches on. Raises ``DecodeError``
    (malformed) or ``UnsupportedError``. ``native``: bodies go through the native pass first (``native_bodies.py``;
    the result is the same, and the bodies it typed are marked for the validator to skip); False decodes every
    body here, the model the native pass is compared against."""
    data = bytes(data)
    if len(data) < 4 or data[:4] != MAGIC:
        raise DecodeError("magic header not detected", 0)
    if len(data) < 8:
        raise DecodeError("unexpected end: truncated version", 4)
    if data[4:8] != VERSION:
        raise DecodeError("unknown binary version", 4)
    module = Module()
    r = _Reader(data, 8, len(data))
    last_rank = 0
    function_types: list[int] | None = None
    code_seen = False
    while r.pos < len(data):
        section_at = r.pos
        section_id = r.byte()
        size = r.u32()
        payload = r.pos
        if size > len(data) - payload:
            r.fail("unexpected end: section extends past the end of the module", section_at)
        section_end = payload + size
        if section_id == 0:
            _custom_section(module, _Reader(data, payload, section_end))
            r.pos = section_end
            continue
        rank = _SECTION_RANK.get(section_id)
        if rank is None:
            r.fail(f"malformed section id {section_id}", section_at)
        if rank <= last_rank:
            r.fail(f"unexpected {SECTION_NAMES[section_id]} section: sections out of order or duplicated",
                   section_at)
        last_rank = rank
        module.section_offsets[SECTION_NAMES[section_id]] = payload
        s = _Reader(data, payload, section_end, features)
        match section_id:
            case 1:
                _type_section(module, s)
            case 2:
                _import_section(module, s)
            case 3:
                function_types = [s.u32() for _ in range(s.count())]
                module.func_types.extend(function_types)
            case 4:
                module.tables.extend(s.table_entry() for _ in range(s.count(3)))
            case 5:
                module.memories.extend(s.limits(MAX_PAGES) for _ in range(s.count(2)))
            case 13:
                for _ in range(s.count(2)):
                    at = s.pos
                    if s.byte() != 0:
                        s.fail("malformed tag attribute", at)
                    module.tags.append(s.u32())
            case 6:
                for _ in range(s.count(3)):
                    gt = s.global_type()
                    module.globals.append(Global(gt.type, gt.mutable, s.const_expr()))
            case 7:
                for _ in range(s.count(3)):
                    at = s.pos
                    name = s.name()
                    kind_at = s.pos
                    kind = _EXTERNAL_KINDS.get(s.byte())
                    if kind is None:
                        s.fail("malformed export kind", kind_at)
                    module.exports.append(Export(name, kind, s.u32(), at))
            case 8:
                module.start = s.u32()
            case 9:
                module.elements.extend(_elem_segment(s) for _ in range(s.count()))
            case 12:
                module.data_count = s.u32()
            case 10:
                code_seen = True
                _code_section(module, s, function_types or [], native)
            case 11:
                count_at = s.pos
                n = s.count()
                if module.data_count is not None and module.data_count != n:
                    s.fail("data count and data section have inconsistent lengths", count_at)
                module.data.extend(_data_segment(s) for _ in range(n))
        if s.pos != section_end:
            s.fail(f"section size mismatch: {SECTION_NAMES[section_id]} section ends at {s.pos:#x}, "
                   f"declared end {section_end:#x}")
        r.pos = section_end
    if function_types and not code_seen:
        raise DecodeError("function and code section have inconsistent lengths", len(data))
    if module.data_count not in (None, 0) and not module.data:
        raise DecodeError("data count and data section have inconsistent lengths", len(data))
    return module


def _type_section(module: Module, s: _Reader) -> None:
    for _ in range(s.count(3)):
        at = s.pos
        form = s.byte()
        if form != 0x60:
            if form in (0x4E, 0x4F, 0x50, 0x5E, 0x5F):
                raise UnsupportedError("GC type definitions are not supported", at)
            s.fail(f"malformed function type form {form:#04x}", at)
        params = tuple(s.valtype() for _ in range(s.count()))
        results = tuple(s.valtype() for _ in range(s.count()))
        module.types.append(FuncType(params, results))


def _import_section(module: Module, s: _Reader) -> None:
    for _ in range(s.count(4)):
        at = s.pos
        module_name = s.name()
        name = s.name()
        kind_at = s.pos
        kind = _EXTERNAL_KINDS.get(s.byte())
        desc: object
        match kind:
            case "func":
                desc = s.u32()
                module.func_types.append(desc)
            case "table":
                desc = s.table_type()
            case "memory":
                desc = s.limits(MAX_PAGES)
            case "global":
                desc = s.global_type()
            case "tag":
                attr_at = s.pos
                if s.byte() != 0:
                    s.fail("malformed tag attribute", attr_at)
                desc = s.u32()
                module.tags.append(desc)
            case _:
                s.fail("malformed import kind", kind_at)
        module.imports.append(Import(module_name, name, kind, desc, at))


def _code_section(module: Module, s: _Reader, function_types: list[int], native: bool) -> None:
    count_at = s.pos
    n = s.count()
    if n != len(function_types):
        s.fail("function and code section have inconsistent lengths", count_at)
    first_index = module.num_imported_functions
    memory64 = tuple(m.index64 for m in [*(i.desc for i in module.imported("memory")), *module.memories]
                     if isinstance(m, Limits))
    tables = native_bodies.TABLES if native else None
    context = native_bodies.context(module) if native else None
    signatures: dict[int, tuple[bytes, bytes] | None] = {}
    for i in range(n):
        body_offset = s.pos
        size = s.u32()
        if size > s.end - s.pos:
            s.fail("unexpected end: function body extends past the code section", body_offset)
        body_end = s.pos + size
        b = _Reader(s.data, s.pos, body_end, s.features, memory64)
        locals_: list[ValType] = []
        codes: list[bytes] = []
        total = 0
        for _ in range(b.count(2)):
            at = b.pos
            count = b.u32()
            total += count
            if total > MAX_LOCALS:
                b.fail(f"too many locals (more than {MAX_LOCALS})", at)
            vt = b.valtype()
            locals_.extend([vt] * count)
            codes.append(_VALTYPE_BYTES[vt] * count)
        code_offset = b.pos
        decoded = None
        if tables is not None and context is not None:
            type_index = function_types[i]
            if type_index not in signatures:
                signatures[type_index] = native_bodies.signature_bytes(module, type_index)
            signature = signatures[type_index] or (b"", b"")
            decoded = tables.body(s.data, code_offset, body_end, signature[0] + b"".join(codes), signature[1],
                                  context)
        if decoded is None:
            body, prevalidated = b.body(body_end), False
        else:
            body, prevalidated = decoded
            prevalidated = prevalidated and signatures[function_types[i]] is not None
        module.functions.append(Function(first_index + i, function_types[i], locals_, body, body_offset,
                                         code_offset, body_end, locals_offset=body_end - size,
                                         prevalidated=prevalidated))
        s.pos = body_end


class _GlobalItem(int):
    """An element item ``global.get N``: the global index N, told apart from a function index by its type."""


def _elem_expr(s: _Reader, elem_type: ValType) -> int | None:
    expr = s.const_expr()
    head = expr[0]
    if len(expr) == 2 and head.op == "ref.func" and isinstance(head.imm[0], int):
        if elem_type is not ValType.FUNCREF:
            raise ValidationError(f"type mismatch: ref.func in an element segment of type {elem_type.text}",
                                  head.offset)
        return head.imm[0]
    if len(expr) == 2 and head.op == "ref.null":
        if head.imm[0] is not elem_type:
            raise ValidationError("type mismatch: ref.null type differs from the element segment's", head.offset)
        return None
    ops = [i.op for i in expr[:-1]]
    if any(op not in CONST_OPS for op in ops):
        raise ValidationError("constant expression required in an element segment", head.offset)
    if ops != ["global.get"]:
        # Anything else is no single reference: numbers (``i32.const``), several values, arithmetic.
        raise ValidationError(f"type mismatch: element expression {' '.join(ops)} is not one {elem_type.text}",
                              head.offset)
    return _GlobalItem(head.imm[0])  # type: ignore[call-overload]


def _elem_segment(s: _Reader) -> ElemSegment:
    at = s.pos
    flags = s.u32()
    if flags > 7:
        s.fail("malformed elements segment kind", at)
    passive_or_declarative = flags & 1
    explicit_table = flags & 2
    uses_exprs = flags & 4
    mode = ("declarative" if explicit_table else "passive") if passive_or_declarative else "active"
    table = s.u32() if explicit_table and not passive_or_declarative else 0
    offset_expr = s.const_expr() if mode == "active" else None
    elem_type = ValType.FUNCREF
    if passive_or_declarative or explicit_table:
        if uses_exprs:
            elem_type = s.reftype()
        else:
            kind_at = s.pos
            if s.byte() != 0:
                s.fail("malformed element kind", kind_at)
    global_items: tuple[tuple[int, int], ...] = ()
    if uses_exprs:
        items = [_elem_expr(s, elem_type) for _ in range(s.count(2))]
        global_items = tuple((k, int(item)) for k, item in enumerate(items) if isinstance(item, _GlobalItem))
        functions = tuple(None if isinstance(item, _GlobalItem) else item for item in items)
    else:
        functions = tuple(s.u32() for _ in range(s.count()))
    return ElemSegment(mode, table, offset_expr, functions, at, elem_type, global_items)


def _data_segment(s: _Reader) -> DataSegment:
    at = s.pos
    flags = s.u32()
    match flags:
        case 0:
            memory: int | None = 0
            offset_expr: tuple[Instr, ...] | None = s.const_expr()
        case 1:
            memory, offset_expr = None, None
        case 2:
            memory = s.u32()
            offset_expr = s.const_expr()
        case _:
            s.fail("malformed data segment kind", at)
    n = s.u32()
    return DataSegment(memory, offset_expr, s.take(n), at)


def _custom_section(module: Module, s: _Reader) -> None:
    name = s.name()
    module.custom_sections.setdefault(name, s.data[s.pos:s.end])
    module.custom_offsets.setdefault(name, s.pos)
    if name == "name":
        try:
            _name_section(module, s)
        except DecodeError:
            # Engines ignore a malformed name section (custom sections never invalidate a module): names only.
            module.module_name = None
            module.function_names.clear()
            module.local_names.clear()
            module.global_names.clear()


def _name_map(s: _Reader) -> dict[int, str]:
    return {s.u32(): s.name() for _ in range(s.count(2))}


def _name_section(module: Module, s: _Reader) -> None:
    while s.pos < s.end:
        sub_id = s.byte()
        size = s.u32()
        if size > s.end - s.pos:
            s.fail("unexpected end: name subsection extends past the section")
        sub = _Reader(s.data, s.pos, s.pos + size)
        match sub_id:
            case 0:
                module.module_name = sub.name()
            case 1:
                module.function_names.update(_name_map(sub))
            case 2:
                for _ in range(sub.count(2)):
                    func = sub.u32()
                    names = _name_map(sub)
                    if names:
                        module.local_names[func] = names
            case 7:
                module.global_names.update(_name_map(sub))
            case _:
                sub.pos = sub.end
        if sub.pos != sub.end:
            sub.fail("name subsection size mismatch")
        s.pos = sub.end
