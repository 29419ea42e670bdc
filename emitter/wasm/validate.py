"""Module validation: the spec's algorithm (operand stack and control stack, as in the spec's appendix), index
bounds, constant expressions and the module-level rules. After ``validate`` succeeds the compiler may assume every
body is well typed: every index in bounds, every branch to an existing label with matching types, every memory
access to an existing memory with at most natural alignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emitter.errors import ValidationError
from emitter.wasm import proposals
from emitter.wasm.features import DEFAULT, Features
from emitter.wasm.module import BlockType, Catch, FuncType, Instr, Limits, Module, Table, ValType
from emitter.wasm.opcodes import BY_NAME

_REF_TYPES = frozenset({ValType.FUNCREF, ValType.EXTERNREF, ValType.EXNREF})
#: The operand stack holds value types, or None for the spec's "Unknown" (below an unreachable point).
_Val = ValType | None
MAX_TABLE_ELEMS = 2**32 - 1


@dataclass(slots=True)
class _Frame:
    """One control-stack entry. ``kind``: function, block, loop, if, else, try, catch, catch_all, try_table."""

    kind: str
    start_types: tuple[ValType, ...]
    end_types: tuple[ValType, ...]
    height: int
    unreachable: bool = False

    @property
    def label_types(self) -> tuple[ValType, ...]:
        return self.start_types if self.kind == "loop" else self.end_types


def _text(t: _Val) -> str:
    return "unknown" if t is None else t.text


def _types_text(types: tuple[ValType, ...]) -> str:
    return "[" + " ".join(t.text for t in types) + "]"


class _Context:
    """The module-level facts a body is checked against (the spec's context C)."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.types = module.types
        self.func_types = module.func_types
        tables = [module.table_type(i) for i in range(len(module.imported("table")) + len(module.tables))]
        self.tables = [t.elem_type for t in tables]
        #: Each table's index type (imports first): i64 for a 64-bit table (memory64's table64).
        self.table_index_types = [ValType.I64 if t.limits.index64 else ValType.I32 for t in tables]
        memories = [*(i.desc for i in module.imported("memory")), *module.memories]
        #: Each memory's address type (imports first): i64 for a 64-bit memory (memory64).
        self.address_types = [ValType.I64 if isinstance(m, Limits) and m.index64 else ValType.I32 for m in memories]
        self.num_memories = len(memories)
        self.globals = [module.global_type(i) for i in range(module.num_imported_globals + len(module.globals))]
        self.tags = module.tags
        self.elem_types = [e.elem_type for e in module.elements]
        self.data_count = module.data_count
        self.refs = _declared_refs(module)


def _declared_refs(module: Module) -> frozenset[int]:
    """Functions that ``ref.func`` may name in a body: those referenced outside bodies (the spec's C.refs)."""
    refs = {e.index for e in module.exports if e.kind == "func"}
    for seg in module.elements:
        refs.update(f for f in seg.functions if f is not None)
    for init in [*(g.init for g in module.globals), *(t.init for t in module.tables if t.init is not None)]:
        refs.update(i.imm[0] for i in init if i.op == "ref.func" and isinstance(i.imm[0], int))
    return frozenset(refs)


class _BodyValidator:
    """Types one instruction sequence: a function body, or a constant expression (``const_globals`` set)."""

    def __init__(self, ctx: _Context, locals_: list[ValType], results: tuple[ValType, ...],
                 const_globals: int | None = None) -> None:
        self.ctx = ctx
        self.locals = locals_
        self.vals: list[_Val] = []
        self.ctrls: list[_Frame] = [_Frame("function", (), results, 0)]
        #: For constant expressions: how many globals (a prefix of the index space) ``global.get`` may read.
        self.const_globals = const_globals
        self.offset = 0

    def fail(self, message: str) -> ValidationError:
        return ValidationError(message, self.offset)

    # The operand stack, as the spec's appendix writes it.
    def pop(self, expect: _Val = None) -> _Val:
        frame = self.ctrls[-1]
        if len(self.vals) == frame.height:
            if frame.unreachable:
                return expect
            raise self.fail(f"type mismatch: expected {_text(expect)} but nothing on stack")
        actual = self.vals.pop()
        if expect is not None and actual is not None and actual is not expect:
            raise self.fail(f"type mismatch: expected {expect.text}, found {actual.text}")
        return actual if actual is not None else expect

    def pop_types(self, types: tuple[ValType, ...]) -> None:
        for t in reversed(types):
            self.pop(t)

    def push_ctrl(self, kind: str, start: tuple[ValType, ...], end: tuple[ValType, ...]) -> None:
        self.ctrls.append(_Frame(kind, start, end, len(self.vals)))
        self.vals.extend(start)

    def pop_ctrl(self) -> _Frame:
        frame = self.ctrls[-1]
        self.pop_types(frame.end_types)
        if len(self.vals) != frame.height:
            raise self.fail(f"type mismatch: values remaining on stack at end of block (expected "
                            f"{_types_text(frame.end_types)})")
        self.ctrls.pop()
        return frame

    def set_unreachable(self) -> None:
        frame = self.ctrls[-1]
        del self.vals[frame.height:]
        frame.unreachable = True

    def label(self, depth: int) -> _Frame:
        if depth >= len(self.ctrls):
            raise self.fail(f"unknown label {depth}: branch depth too large")
        return self.ctrls[-1 - depth]

    # Index checks.
    def func_type(self, index: int) -> FuncType:
        if index >= len(self.ctx.func_types):
            raise self.fail(f"unknown function {index}: function index out of bounds")
        return self.type_at(self.ctx.func_types[index])

    def type_at(self, index: int) -> FuncType:
        if index >= len(self.ctx.types):
            raise self.fail(f"unknown type {index}: type index out of bounds")
        return self.ctx.types[index]

    def table(self, index: int) -> ValType:
        if index >= len(self.ctx.tables):
            raise self.fail(f"unknown table {index}: table index out of bounds")
        return self.ctx.tables[index]

    def table_index(self, index: int) -> ValType:
        """The index type of a table (already checked to exist): i32, or i64 for a 64-bit table."""
        return self.ctx.table_index_types[index]

    def memory(self, index: int) -> ValType:
        """Memory ``index``'s address type (unknown memories fail)."""
        if index >= self.ctx.num_memories:
            raise self.fail(f"unknown memory {index}")
        return self.ctx.address_types[index]

    def tag(self, index: int) -> FuncType:
        if index >= len(self.ctx.tags):
            raise self.fail(f"unknown tag {index}: tag index out of bounds")
        return self.type_at(self.ctx.tags[index])

    def local(self, index: int) -> ValType:
        if index >= len(self.locals):
            raise self.fail(f"unknown local {index}: local index out of bounds")
        return self.locals[index]

    def data(self, index: int) -> None:
        if self.ctx.data_count is None:
            raise self.fail("data count section required")
        if index >= self.ctx.data_count:
            raise self.fail(f"unknown data segment {index}")

    def elem(self, index: int) -> ValType:
        if index >= len(self.ctx.elem_types):
            raise self.fail(f"unknown elem segment {index}")
        return self.ctx.elem_types[index]

    def block_type(self, bt: BlockType) -> tuple[tuple[ValType, ...], tuple[ValType, ...]]:
        if bt.type_index is not None:
            ft = self.type_at(bt.type_index)
            return ft.params, ft.results
        return (), (() if bt.result is None else (bt.result,))

    def run(self, body: list[Instr] | tuple[Instr, ...]) -> None:
        for ins in body:
            self.offset = ins.offset
            self.instr(ins)
            if not self.ctrls:
                return
        raise self.fail("END opcode expected")

    def instr(self, ins: Instr) -> None:
        op = ins.op
        info = BY_NAME[op]
        imm: Any = ins.imm
        if info.signature is not None:
            params, results = info.signature
            if info.immediate == "memarg" or info.immediate == "memarg_lane":
                # The memory index follows the fixed immediates when it is not 0 (``decoder.memarg``).
                fixed = 2 if info.immediate == "memarg" else 3
                address = self.memory(int(imm[fixed]) if len(imm) > fixed else 0)
                if int(imm[0]) > info.natural_align:
                    raise self.fail("alignment must not be larger than natural")
                if address is not ValType.I32:
                    params = (address, *params[1:])
            if info.lanes and any(lane >= info.lanes for lane in (
                    imm if info.immediate == "shuffle" else imm[2:3] if info.immediate == "memarg_lane" else imm[-1:])):
                raise self.fail("invalid lane index")
            vals = self.vals
            count = len(params)
            # Well-typed code is the common case: compare the operands with the signature at once; the general
            # algorithm runs for the rest (unknown operands below an unreachable point, or an error to report).
            if count and len(vals) - count >= self.ctrls[-1].height and tuple(vals[-count:]) == params:
                del vals[-count:]
            else:
                for t in reversed(params):
                    self.pop(t)
            vals.extend(results)
            return
        match op:
            case "local.get":
                self.vals.append(self.local(imm[0]))
            case "local.set":
                self.pop(self.local(imm[0]))
            case "local.tee":
                t = self.local(imm[0])
                self.pop(t)
                self.vals.append(t)
            case "global.get":
                self.vals.append(self.global_get(imm[0]))
            case "global.set":
                self.global_set(imm[0])
            case "call":
                ft = self.func_type(imm[0])
                self.pop_types(ft.params)
                self.vals.extend(ft.results)
            case "call_indirect":
                type_index, table_index = imm
                if self.table(table_index) is not ValType.FUNCREF:
                    raise self.fail("type mismatch: call_indirect table must have type funcref")
                ft = self.type_at(type_index)
                self.pop(self.ctx.table_index_types[table_index])
                self.pop_types(ft.params)
                self.vals.extend(ft.results)
            case "return_call" | "return_call_indirect":
                self.tail_call(op, imm)
            case "drop":
                if self.pop() is ValType.V128:
                    self.ctx.module.vector_operands.add(ins.offset)
            case "select":
                self.select(imm)
                if not imm and self.vals[-1] is ValType.V128:
                    self.ctx.module.vector_operands.add(ins.offset)
            case _:
                self.control_or_other(op, imm)

    def tail_call(self, op: str, imm: Any) -> None:
        """``return_call``/``return_call_indirect``: a call whose results are the function's own, then like
        ``return`` (the code after it is unreachable)."""
        if op == "return_call":
            ft = self.func_type(imm[0])
        else:
            type_index, table_index = imm
            if self.table(table_index) is not ValType.FUNCREF:
                raise self.fail("type mismatch: return_call_indirect table must have type funcref")
            ft = self.type_at(type_index)
            self.pop(self.ctx.table_index_types[table_index])
        if tuple(ft.results) != tuple(self.ctrls[0].end_types):
            raise self.fail(f"type mismatch: {op} callee results differ from the function's results")
        self.pop_types(ft.params)
        self.set_unreachable()

    def global_get(self, index: int) -> ValType:
        if index >= len(self.ctx.globals):
            raise self.fail(f"unknown global {index}: global index out of bounds")
        gt = self.ctx.globals[index]
        if self.const_globals is not None and index >= self.const_globals:
            raise self.fail(f"unknown global {index}: a constant expression reads only the globals before it "
                            "(Wasm 2.0: the imported ones)")
        if self.const_globals is not None and gt.mutable:
            raise self.fail("constant expression required: global.get of a mutable global")
        return gt.type

    def global_set(self, index: int) -> None:
        if index >= len(self.ctx.globals):
            raise self.fail(f"unknown global {index}: global index out of bounds")
        gt = self.ctx.globals[index]
        if not gt.mutable:
            raise self.fail("global is immutable: cannot modify it with `global.set`")
        self.pop(gt.type)

    def select(self, types: tuple[ValType, ...]) -> None:
        self.pop(ValType.I32)
        if types:
            if len(types) != 1:
                raise self.fail("invalid result arity: typed select needs exactly one type")
            self.pop(types[0])
            self.pop(types[0])
            self.vals.append(types[0])
            return
        t1 = self.pop()
        t2 = self.pop()
        if t1 in _REF_TYPES or t2 in _REF_TYPES:
            raise self.fail("type mismatch: select only takes integral types (use a typed select for references)")
        if t1 is not None and t2 is not None and t1 is not t2:
            raise self.fail(f"type mismatch: select operands {t1.text} and {t2.text} differ")
        self.vals.append(t1 if t1 is not None else t2)

    def control_or_other(self, op: str, imm: Any) -> None:
        match op:
            case "nop":
                pass
            case "unreachable":
                self.set_unreachable()
            case "block" | "loop" | "if" | "try":
                params, results = self.block_type(imm[0])
                if op == "if":
                    self.pop(ValType.I32)
                self.pop_types(params)
                self.push_ctrl(op, params, results)
            case "else":
                if self.ctrls[-1].kind != "if":
                    raise self.fail("else found outside of an `if` block")
                frame = self.pop_ctrl()
                self.push_ctrl("else", frame.start_types, frame.end_types)
            case "end":
                frame = self.pop_ctrl()
                if frame.kind == "if" and frame.start_types != frame.end_types:
                    raise self.fail("type mismatch: if without else must leave its parameters as results")
                self.vals.extend(frame.end_types)
            case "br":
                self.pop_types(self.label(imm[0]).label_types)
                self.set_unreachable()
            case "br_if":
                self.pop(ValType.I32)
                types = self.label(imm[0]).label_types
                self.pop_types(types)
                self.vals.extend(types)
            case "br_table":
                self.br_table(*imm)
            case "return":
                self.pop_types(self.ctrls[0].end_types)
                self.set_unreachable()
            case "try_table":
                self.try_table(*imm)
            case "catch" | "catch_all":
                self.legacy_catch(op, imm)
            case "delegate":
                if self.ctrls[-1].kind != "try":
                    raise self.fail("delegate found outside of a `try` block")
                frame = self.pop_ctrl()
                self.label(imm[0])
                self.vals.extend(frame.end_types)
            case "rethrow":
                if self.label(imm[0]).kind not in ("catch", "catch_all"):
                    raise self.fail("invalid rethrow label: target was not a `catch` block")
                self.set_unreachable()
            case "throw":
                ft = self.tag(imm[0])
                self.pop_types(ft.params)
                self.set_unreachable()
            case "throw_ref":
                self.pop(ValType.EXNREF)
                self.set_unreachable()
            case _:
                self.reference_or_bulk(op, imm)

    def br_table(self, labels: tuple[int, ...], default: int) -> None:
        self.pop(ValType.I32)
        arity = len(self.label(default).label_types)
        for depth in labels:
            types = self.label(depth).label_types
            if len(types) != arity:
                raise self.fail("type mismatch: br_table target labels have different number of types")
            # Check each target against the stack without consuming it. An operand the unreachable stack made
            # up stays unknown (the spec's bottom type) when pushed back: it must meet every target, as it
            # does in ``(unreachable) (br_table 0 1 ...)`` to an f32 and an f64 label.
            height = self.ctrls[-1].height
            popped = []
            for t in reversed(types):
                unknown = len(self.vals) == height or self.vals[-1] is None
                actual = self.pop(t)
                popped.append(None if unknown else actual)
            self.vals.extend(reversed(popped))
        self.pop_types(self.label(default).label_types)
        self.set_unreachable()

    def try_table(self, bt: BlockType, catches: tuple[Catch, ...]) -> None:
        params, results = self.block_type(bt)
        self.pop_types(params)
        for c in catches:
            expected: tuple[ValType, ...]
            match c.kind, c.tag:
                case "catch", int(tag):
                    expected = self.tag(tag).params
                case "catch_ref", int(tag):
                    expected = self.tag(tag).params + (ValType.EXNREF,)
                case "catch_all", _:
                    expected = ()
                case _:
                    expected = (ValType.EXNREF,)
            if self.label(c.label).label_types != expected:
                raise self.fail(f"type mismatch: {c.kind} label expects {_types_text(self.label(c.label).label_types)}"
                                f" but the clause delivers {_types_text(expected)}")
        self.push_ctrl("try_table", params, results)

    def legacy_catch(self, op: str, imm: Any) -> None:
        if self.ctrls[-1].kind not in ("try", "catch"):
            raise self.fail(f"{op} found outside of a `try` block")
        frame = self.pop_ctrl()
        params = self.tag(imm[0]).params if op == "catch" else ()
        self.ctrls.append(_Frame(op, params, frame.end_types, len(self.vals)))
        self.vals.extend(params)

    def reference_or_bulk(self, op: str, imm: Any) -> None:
        i32 = ValType.I32
        match op:
            case "memory.size":
                self.vals.append(self.memory(imm[0]))
            case "memory.grow":
                address = self.memory(imm[0])
                self.pop(address)
                self.vals.append(address)
            case "ref.null":
                self.vals.append(imm[0])
            case "ref.is_null":
                t = self.pop()
                if t is not None and t not in _REF_TYPES:
                    raise self.fail(f"type mismatch: expected a reference type, found {t.text}")
                self.vals.append(i32)
            case "ref.func":
                self.func_type(imm[0])
                if self.const_globals is None and imm[0] not in self.ctx.refs:
                    raise self.fail(f"undeclared function reference to function {imm[0]}")
                self.vals.append(ValType.FUNCREF)
            case "table.get":
                t = self.table(imm[0])
                self.pop(self.table_index(imm[0]))
                self.vals.append(t)
            case "table.set":
                t = self.table(imm[0])
                self.pop(t)
                self.pop(self.table_index(imm[0]))
            case "table.size":
                self.table(imm[0])
                self.vals.append(self.table_index(imm[0]))
            case "table.grow":
                t = self.table(imm[0])
                index = self.table_index(imm[0])
                self.pop(index)
                self.pop(t)
                self.vals.append(index)
            case "table.fill":
                t = self.table(imm[0])
                index = self.table_index(imm[0])
                self.pop(index)
                self.pop(t)
                self.pop(index)
            case "table.copy":
                if self.table(imm[0]) is not self.table(imm[1]):
                    raise self.fail("type mismatch: table.copy between tables of different types")
                destination, source = self.table_index(imm[0]), self.table_index(imm[1])
                # As for memory.copy: the length is i64 only between two 64-bit tables.
                length = i32 if i32 in (destination, source) else ValType.I64
                self.pop_types((destination, source, length))
            case "table.init":
                if self.elem(imm[0]) is not self.table(imm[1]):
                    raise self.fail("type mismatch: table.init segment and table types differ")
                self.pop_types((self.table_index(imm[1]), i32, i32))
            case "elem.drop":
                self.elem(imm[0])
            case "memory.init":
                self.data(imm[0])
                self.pop_types((self.memory(imm[1]), i32, i32))
            case "data.drop":
                self.data(imm[0])
            case "memory.copy":
                destination, source = self.memory(imm[0]), self.memory(imm[1])
                # The length is i64 only between two 64-bit memories.
                length = i32 if i32 in (destination, source) else ValType.I64
                self.pop_types((destination, source, length))
            case "memory.fill":
                address = self.memory(imm[0])
                self.pop_types((address, i32, address))
            case _:
                raise AssertionError(f"validator has no rule for {op}")


def _memory_pages(memory: Limits) -> int:
    """The most pages a memory may have: 4 GiB for 32-bit memories, 2^64 bytes for 64-bit ones."""
    return 1 << 48 if memory.index64 else 65536


def _table_entries(limits: Limits) -> int:
    """The most entries a table type may declare: u32 sizes, or any u64 for a 64-bit table (table64)."""
    return (1 << 64) - 1 if limits.index64 else MAX_TABLE_ELEMS


def _check_limits(limits: Limits, maximum: int, what: str, offset: int) -> None:
    if limits.minimum > maximum or (limits.maximum is not None and limits.maximum > maximum):
        raise ValidationError(f"{what} size must be at most {maximum}", offset)
    if limits.maximum is not None and limits.minimum > limits.maximum:
        raise ValidationError(f"size minimum must not be greater than maximum ({what})", offset)


def _const_expr(ctx: _Context, expr: tuple[Instr, ...], expected: ValType, const_globals: int) -> None:
    _BodyValidator(ctx, [], (expected,), const_globals).run(expr)


def validate(module: Module, features: Features = DEFAULT) -> None:
    """Raise ``ValidationError`` (with the offending module offset) unless the module is valid with the proposals
    ``features`` switches on (``emitter/wasm/features.py``)."""
    if not (features.simd and features.tail_call and features.exceptions and features.extended_const):
        proposals.check(module, features)
    ctx = _Context(module)
    types = module.types

    def check_type(index: int, offset: int) -> FuncType:
        if index >= len(types):
            raise ValidationError(f"unknown type {index}: type index out of bounds", offset)
        return types[index]

    def check_tag_type(index: int, offset: int) -> None:
        if check_type(index, offset).results:
            raise ValidationError("invalid exception type: tag types must have no results", offset)

    for imp in module.imports:
        match imp.kind:
            case "func" if isinstance(imp.desc, int):
                check_type(imp.desc, imp.offset)
            case "tag" if isinstance(imp.desc, int):
                check_tag_type(imp.desc, imp.offset)
            case "table" if isinstance(imp.desc, Table):
                _check_limits(imp.desc.limits, _table_entries(imp.desc.limits), "table", imp.offset)
            case "memory" if isinstance(imp.desc, Limits):
                _check_limits(imp.desc, _memory_pages(imp.desc), "memory", imp.offset)
    num_imported_funcs = module.num_imported_functions
    for i, f in enumerate(module.functions):
        check_type(module.func_types[num_imported_funcs + i], f.body_offset)
    for table in module.tables:
        _check_limits(table.limits, _table_entries(table.limits), "table", module.section_offsets.get("table", 0))
    for memory in module.memories:
        _check_limits(memory, _memory_pages(memory), "memory", module.section_offsets.get("memory", 0))
    if ctx.num_memories > 1 and not features.multi_memory:
        # Invalid in Wasm 2.0 (the spec's "multiple memories"); the multi-memory proposal is not compiled.
        raise ValidationError("multiple memories: multi-memory support is not enabled",
                              module.section_offsets.get("memory", module.section_offsets.get("import", 0)))
    num_imported_tags = len(module.imported("tag"))
    for tag_type in module.tags[num_imported_tags:]:
        check_tag_type(tag_type, module.section_offsets.get("tag", 0))
    # Wasm 2.0: a constant expression's global.get reads an imported global only; Wasm 3.0 (``constant_globals``)
    # any earlier one, so a global's initialiser those before it and a segment every global.
    num_imported_globals = module.num_imported_globals
    relaxed = features.constant_globals
    for position, g in enumerate(module.globals):
        _const_expr(ctx, g.init, g.type, num_imported_globals + position if relaxed else num_imported_globals)
    all_globals = len(ctx.globals)
    segment_globals = all_globals if relaxed else num_imported_globals
    for table in module.tables:
        if table.init is not None:
            _const_expr(ctx, table.init, table.elem_type, segment_globals)
    names: set[str] = set()
    limits = {"func": len(module.func_types), "table": len(ctx.tables), "memory": ctx.num_memories,
              "global": all_globals, "tag": len(module.tags)}
    for export in module.exports:
        if export.name in names:
            raise ValidationError(f"duplicate export name {export.name!r}", export.offset)
        names.add(export.name)
        if export.index >= limits[export.kind]:
            raise ValidationError(f"unknown {export.kind} {export.index}: exported {export.kind} index out of bounds",
                                  export.offset)
    if module.start is not None:
        start_offset = module.section_offsets.get("start", 0)
        if module.start >= len(module.func_types):
            raise ValidationError(f"unknown function {module.start}: start function index out of bounds",
                                  start_offset)
        ft = check_type(module.func_types[module.start], start_offset)
        if ft.params or ft.results:
            raise ValidationError("invalid start function: start function must have type [] -> []", start_offset)
    for seg in module.elements:
        for target in seg.functions:
            if target is not None and target >= len(module.func_types):
                raise ValidationError(f"unknown function {target}: element segment function index out of bounds",
                                      seg.offset)
        for _, index in seg.global_items:
            # A constant expression: an immutable imported global (Wasm 2.0) of the segment's reference type.
            get = (Instr("global.get", (index,), seg.offset), Instr("end", (), seg.offset))
            _const_expr(ctx, get, seg.elem_type, segment_globals)
        if seg.mode == "active" and seg.offset_expr is not None:
            if seg.table >= len(ctx.tables):
                raise ValidationError(f"unknown table {seg.table}: element segment table out of bounds", seg.offset)
            if ctx.tables[seg.table] is not seg.elem_type:
                raise ValidationError("type mismatch: element segment type differs from the table's", seg.offset)
            _const_expr(ctx, seg.offset_expr, ctx.table_index_types[seg.table], segment_globals)
    for data in module.data:
        if data.memory is not None and data.offset_expr is not None:
            if data.memory >= ctx.num_memories:
                raise ValidationError(f"unknown memory {data.memory}: data segment memory out of bounds",
                                      data.offset)
            _const_expr(ctx, data.offset_expr, ctx.address_types[data.memory], segment_globals)
    for func in module.functions:
        if func.prevalidated:
            continue
        ft = types[module.func_types[func.index]]
        _BodyValidator(ctx, [*ft.params, *func.locals], ft.results).run(func.body)
