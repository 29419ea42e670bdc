"""Wasm module → ``CompiledModule`` for x86-64: each function body through ``function.FunctionCompiler``, the
prologue built around it (``frame.py``), the module state laid out as data blobs (``runtime.py``), and the
instantiation function.

Why a baseline compiler of our own, single pass and slot-based: the debugging backend needs exact, simple
correspondences (every Wasm local has one frame slot for the whole function, every instruction one contiguous
code range) more than fast code, and compile speed matters for large modules.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Callable
from typing import Protocol

from ..compiled import (
    CompiledFunction,
    CompiledModule,
    DataBlob,
    FrameSlot,
    GlobalInfo,
    LineEntry,
    LineTable,
    TagInfo,
    ValueType,
    Variable,
)
from ..dwarf.translate_source import producer_dwarf
from ..errors import EmitError, UnsupportedError
from ..gcpause import collector_paused
from ..obj.model import Relocation
from ..unwind import UnwindOp
from ..wasi.preview1 import check_imports as check_wasi_imports
from ..wasi.thunks import link_wasi
from ..wasm.module import Function, FuncType, Instr, Module, ValType
from ..wasm.names import display_name, function_name
from ..x64.asm import RAX, RBX, RCX, RDI, RSI, RSP, Assembler, Mem, RipRel
from . import aot_globals, aot_guards, aot_memory, exceptions, guards, host_access, return_values, runtime, tables
from .abi import Abi
from .frame import Prologue, emit_epilogue, frame_allocation
from .frametable import frame_table
from .function import FunctionBody, FunctionCompiler, FunctionContext
from .memories import index64
from .parallel import map_ranges
from .runtime import (
    MEMORY32_MAX_PAGES,
    MEMORY_CAP_PAGES,
    MEMORY_GROW_HOOK,
    MEMORY_HEADROOM_PAGES,
    MEMORY_RECORD_BASE,
    MEMORY_RECORD_BYTES,
    STACK_BUDGET,
    STACK_BUDGET_WINDOWS,
    TABLE_CAP_ENTRIES,
    TABLE_HEADROOM,
    TABLE_RECORD_BYTES,
    TRAP_HOOK,
    VMCTX_INSTANTIATED,
    VMCTX_MEMORY,
    VMCTX_MEMORY_BASE,
    VMCTX_STACK_LIMIT,
    VMCTX_TABLES,
    WASM_PAGE,
    StateSymbols,
    TrapCode,
    absolute,
    memory_maximum_bytes,
    memory_reservation,
)
from .simd import global_offsets, vector_functions
from .targets import abi_for

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_VALUE_TYPES = {ValType.I32: ValueType.I32, ValType.I64: ValueType.I64, ValType.F32: ValueType.F32,
                ValType.F64: ValueType.F64, ValType.V128: ValueType.V128}


class Listing(Protocol):
    def line_of(self, offset: int, /) -> int: ...


def compile_module(module: Module, *, module_name: str, listing: Listing | None = None, export_prefix: str = "",
                   target: str = "x86_64-linux", default_trap_hook: bool = False,
                   c_host: bool = False, linkable: bool = False,
                   signature_id: Callable[[FuncType], int] | None = None,
                   signals_based_traps: bool = True, debug_info: bool = True) -> CompiledModule:
    """Compile every defined function; exports become C-ABI symbols ``export_prefix + name`` (a function with
    several results is not one: the C ABI has one result). With ``default_trap_hook`` the module also defines the
    weak default ``jitdebug_trap`` (for AOT objects). With ``c_host`` (AOT objects linked into a C program) the
    export ``_start`` is ``P jitdebug_start`` and the memory accessors are defined (``host_access``).

    ``linkable`` (the JIT): memories, tables and imported globals are undefined symbols the embedding resolves
    (``runtime.py``: memory and table records, global cells), so they may be imports or shared; the embedding
    copies the active segments; imports of every kind are accepted and function imports get symbols of their own
    (``CompiledModule.import_symbols``). ``signature_id`` gives canonical signature ids (else per module).
    ``signals_based_traps`` (wasmtime's option): loads and stores of 32-bit memories whose offset fits the guard
    go without a compare where every memory is reserved with a guard (``guards.py``: the JIT on x86-64 Linux, and
    objects for C hosts there, which then bring their own signal handler: ``aot_guards.py``); False keeps every
    explicit check, and an access out of bounds reports no fault line (wasmtime's reports without signals-based
    traps). Objects without ``c_host`` (the compiler's tests, loaded into their own process) keep the checks.
    Without ``debug_info`` (the JIT's ``debug_info=False``: no DWARF will be written) the producer's DWARF sets no
    fusion barriers (it is still kept, for backtraces' source details)."""
    abi = abi_for(target)
    check_wasi_imports(module)  # before compiling: a bad WASI import is an error at load, as in wasmtime
    with collector_paused():  # millions of short-lived objects, no cycles: see gcpause
        compiler = _ModuleCompiler(module, module_name, listing, export_prefix, abi, c_host=c_host,
                                   linkable=linkable, signature_id=signature_id,
                                   guard_regions=(signals_based_traps and (linkable or c_host)
                                                  and target == "x86_64-linux"),
                                   fault_reports=signals_based_traps, debug_info=debug_info)
        compiled = compiler.run()
    if c_host:
        compiled.functions.extend(host_access.memory_accessors(abi, compiler.sym, export_prefix,
                                                               compiler.n_memories))
    compiled.wasm_dwarf = compiler.wasm_dwarf
    compiled.export_prefix = export_prefix
    compiled.wasm_name = module.module_name
    compiled.wasm_has_debug_info = bool(module.custom_sections.get(".debug_info"))
    if default_trap_hook:
        hook, messages = runtime.default_trap_hook(abi)
        compiled.functions.append(hook)
        compiled.data.append(messages)
    return link_wasi(compiled, module, target=target)


class _ModuleCompiler:
    def __init__(self, module: Module, module_name: str, listing: Listing | None, prefix: str, abi: Abi, *,
                 c_host: bool = False, linkable: bool = False,
                 signature_id: Callable[[FuncType], int] | None = None, guard_regions: bool = False,
                 fault_reports: bool = True, debug_info: bool = True) -> None:
        self.module = module
        self.guard_regions = guard_regions
        self.fault_reports = fault_reports
        self.c_host = c_host
        self.linkable = linkable
        self.signature_id = signature_id
        self.name = module_name
        self.abi = abi
        self.sym = StateSymbols(module_name)
        self.prefix = prefix
        self.line_of: Callable[[int], int] | None = listing.line_of if listing is not None else None
        #: The producer's DWARF (None without): read once, for the fusion barriers and the translation later.
        self.wasm_dwarf = producer_dwarf(module, module_name)
        self.debug_info = debug_info
        for imp in module.imports:
            if imp.kind not in ("func", "tag", "global") and not linkable:
                raise UnsupportedError(f"imported {imp.kind} {imp.module}.{imp.name} is not supported (only "
                                       "function, tag and global imports link to C symbols)", imp.offset)
        self.n_memories = len(module.imported("memory")) + len(module.memories)
        self.n_tables = len(module.imported("table")) + len(module.tables)
        for index, limits in enumerate(() if linkable else module.memories):
            # A 64-bit memory's base never moves, so what is reserved is all it may grow to (``aot_memory.py``,
            # as in the JIT): 4 GiB of address space.
            if limits.index64 and limits.minimum > MEMORY32_MAX_PAGES:
                raise UnsupportedError(f"64-bit memory {index} of {limits.minimum} pages is over the "
                                       f"{MEMORY32_MAX_PAGES}-page reservation of a compiled object",
                                       module.section_offsets.get("memory"))
        self.n_imported = module.num_imported_functions
        self.symbols = self._function_symbols()
        self.signature_ids = self._signature_ids()
        self.exports: dict[int, list[str]] = {}
        for export in module.exports:
            if export.kind != "func":
                continue
            ftype = module.func_type(export.index)
            if len(ftype.results) > 1 and not linkable:
                continue  # not a C symbol (the header says so); the JIT calls it with a result pointer
            self.exports.setdefault(export.index, []).append(self.export_symbol(export.name))
        if c_host:
            symbols = {e.name: self.export_symbol(e.name) for e in module.exports if e.kind in ("func", "tag")}
            accessors = {f"(memory accessor {name})": prefix + name
                         for name in host_access.accessor_names(self.n_memories)}
            host_access.check_distinct({**accessors, **symbols})
        if not linkable:
            defined = {symbol: f"export {name!r}" for name, symbol in
                       ((e.name, self.export_symbol(e.name)) for e in module.exports if e.kind in ("func", "tag"))}
            aot_globals.check_imports(module, defined)
        #: The 32-bit memories of an object whose code has accesses without a check: they reserve the guard, and
        #: the object installs its handler at instantiation (``aot_guards.py``). Known once the code is compiled.
        self.guarded_memories: list[int] = []
        self.table_capacities = [] if linkable else [self._table_capacity(t) for t in range(len(module.tables))]
        self.prologues: dict[tuple[tuple[int, ...], int], Prologue] = {}
        self.frame_slots: dict[int, FrameSlot] = {}
        self.variables: dict[tuple[str, ValType, int, bool], Variable] = {}

    def _fill_table(self, a: Assembler, table: int, init: tuple[Instr, ...], entries: int,
                    offsets: list[int]) -> None:
        """Instantiation code writing a table initialiser's value into the table's first ``entries`` entries (its
        storage is zero-filled: a null initialiser needs none)."""
        head = init[0]
        if head.op == "ref.null" or not entries:
            return
        if head.op == "ref.func" and isinstance(head.imm[0], int):
            a.lea(8, RAX, RipRel(self.sym.funcs, 16 * head.imm[0]))
        else:
            aot_globals.emit_const(a, self.module, self.sym, offsets, init, head.offset)
        a.lea(8, RDI, RipRel(self.sym.indexed("table", table)))
        a.mov_imm(8, RCX, entries)
        loop = a.label()
        a.bind(loop)
        a.mov(8, Mem(RDI, 0), RAX)
        a.alu("add", 8, RDI, 8, imm=True)
        a.alu("sub", 8, RCX, 1, imm=True)
        a.jcc("ne", loop)

    def _table_capacity(self, index: int) -> int:
        """Entries of static storage for table ``index``: room to grow, within the cap (``.bss`` costs the object
        nothing, but the process maps it all)."""
        limits = self.module.tables[index].limits
        if limits.minimum > TABLE_CAP_ENTRIES:
            raise UnsupportedError(f"table {index} of {limits.minimum} entries exceeds the static capacity cap of "
                                   f"{TABLE_CAP_ENTRIES} entries", self.module.section_offsets.get("table"))
        maximum = limits.maximum if limits.maximum is not None else 1 << 32
        return max(limits.minimum, min(maximum, limits.minimum + TABLE_HEADROOM, TABLE_CAP_ENTRIES))

    # -- names --------------------------------------------------------------------------------------------------
    def export_symbol(self, name: str) -> str:
        """The global symbol of the export ``name`` (``host_access.export_symbol`` in objects for C hosts)."""
        return host_access.export_symbol(name, self.prefix) if self.c_host else self.prefix + name

    def _function_symbols(self) -> list[str]:
        """Imports: the imported name (a C symbol). Defined functions: the name section's name, else
        ``wasm-function[N]``, made unique.

        Exports are the C ABI contract, so they keep their names: a function whose name equals an import, the
        export of another function, a symbol of the runtime, or an earlier function's name gets ``[N]`` appended
        (N its index, as in ``wasm-function[N]``). A name equal to the function's own export is that symbol."""
        out: list[str] = []
        state_prefix = f"{self.sym.prefix}."
        taken = {TRAP_HOOK, f"{TRAP_HOOK}.messages", exceptions.PERSONALITY, *aot_guards.HOOKS}
        taken.update(self.export_symbol(e.name) for e in self.module.exports if e.kind in ("func", "tag"))
        if self.c_host:
            taken.update(self.prefix + name for name in host_access.accessor_names(self.n_memories))
        own_exports: dict[int, set[str]] = {}
        for export in self.module.exports:
            if export.kind == "func":
                own_exports.setdefault(export.index, set()).add(self.export_symbol(export.name))
        imports = [i for i in self.module.imports if i.kind == "func"]
        if self.linkable:
            # Each import its own symbol, even two of one field name (from different modules, or of different
            # types), and never an export's: the embedding binds them one by one.
            fields = [i.name for i in imports]
            for index, imp in enumerate(imports):
                name = imp.name
                if fields.count(name) > 1 or name in taken or name.startswith(state_prefix):
                    name = f"{name}[import{index}]"
                out.append(name)
                taken.add(name)
        else:
            for imp in imports:
                out.append(imp.name)
                taken.add(imp.name)
        state = f"{self.sym.prefix}."
        total = self.n_imported + len(self.module.functions)
        for index in range(self.n_imported, total):
            name = function_name(self.module, index)
            own = own_exports.get(index, set())
            if name.startswith(state):  # the module's state blobs, ``<m>.<item>``
                name = f"{name}[{index}]"
            while name not in own and name in taken:  # repeated: a name section may itself spell ``f[3]``
                name = f"{name}[{index}]"
            taken.add(name)
            out.append(name)
        return out

    @property
    def reserves_memory(self) -> bool:
        """An object for x86-64 Linux with a memory of its own reserves and commits it (``aot_memory.py``); the
        JIT's embedding creates memories, and a Windows object keeps static storage."""
        return not self.linkable and bool(self.module.memories) and self.abi.target == "x86_64-linux"

    def _grow_symbol(self) -> str | None:
        """What ``memory.grow`` calls: the JIT's hook, an object's ``<m>.memory_grow``, or None (static storage,
        grown inline)."""
        if self.linkable:
            return MEMORY_GROW_HOOK
        return aot_memory.grow_symbol(self.sym) if self.reserves_memory else None

    def _signature_ids(self) -> list[int]:
        if self.signature_id is not None:
            return [self.signature_id(t) for t in self.module.types]
        first: dict[FuncType, int] = {}
        return [first.setdefault(t, i) for i, t in enumerate(self.module.types)]

    # -- driver -------------------------------------------------------------------------------------------------
    def run(self) -> CompiledModule:
        out = CompiledModule(self.name)
        ctx = FunctionContext(self.module, self.abi, self.sym, self.symbols, self.signature_ids,
                              self.sym.instantiate, self.line_of, set(self.exports), self._tag_symbols(),
                              imported_functions=self.n_imported,
                              imported_globals=self.module.num_imported_globals, grow_hook=self.linkable,
                              grow_symbol=self._grow_symbol())
        ctx.global_offsets = global_offsets(self.module)[0]
        ctx.guard_regions = self.guard_regions
        ctx.fault_reports = self.fault_reports
        ctx.memory64 = index64(self.module)
        ctx.table64 = tables.index64(self.module)
        ctx.vector_functions = vector_functions(self.module)
        ctx.vector_module = bool(ctx.vector_functions)
        if self.wasm_dwarf is not None and self.debug_info:
            # Imported only for producer DWARF: its reader loads a C extension (a shared object more for a
            # debugger to read at every start).
            from ..dwarf.fusion_barriers import fusion_limits
            from ..dwarf.return_types import return_plans

            limits = fusion_limits(self.wasm_dwarf)
            ctx.fusion = limits is not None
            if limits is not None:
                ctx.fusion_barriers = limits.barriers
                ctx.stack_ranges = limits.stack
            ctx.return_plans = return_values.plans_for(self.abi.name, return_plans(self.module, self.wasm_dwarf,
                                                                                   ctx.memory64))
            self.wasm_dwarf = return_values.mark_extents(self.wasm_dwarf, ctx.return_plans)
        functions = self.module.functions
        # Each function compiles on its own (the caches it shares only memoise), so ranges of them can go to
        # other cores: ``parallel.py``. The weights balance the ranges by instruction count.
        out.functions.extend(map_ranges(lambda start, stop: [self._function(ctx, f) for f in functions[start:stop]],
                                        [len(f.body) for f in functions]))
        if self.reserves_memory and self.guard_regions and any(f.guard_sites for f in out.functions):
            self.guarded_memories = [k for k, limits in enumerate(self.module.memories) if not limits.index64]
        compiled = list(out.functions)
        out.functions.append(self._instantiate())
        if self.reserves_memory:
            functions_, blobs = aot_memory.memory_functions(self.sym, len(self.module.memories))
            out.functions.extend(functions_)
            out.data.extend(blobs)
        if self.guarded_memories:
            functions_, blobs = aot_guards.guard_functions(self.sym, compiled, self.guarded_memories)
            out.functions.extend(functions_)
            out.data.extend(blobs)
        out.data.extend(self._data_blobs())
        out.data.extend(self._tag_blobs())
        out.tags = self._tag_table()
        if not self.linkable:
            # The AOT runtime's trap reports read it through the linker's section bounds; a JIT image has none
            # (its trap reports are the embedding's): not built there.
            out.data.extend(frame_table(self.module, self.sym, out.functions))
        out.state_prefix = self.sym.prefix
        out.has_memory = bool(self.module.memories) or bool(self.module.imported("memory"))
        out.memory_count = self.n_memories
        out.export_names = tuple(export.name for export in self.module.exports if export.kind != "memory")
        out.globals = self._global_infos()
        out.import_symbols = self.symbols[:self.n_imported]
        return out

    def _function(self, ctx: FunctionContext, function: Function) -> CompiledFunction:
        name = self.symbols[function.index]
        try:
            body = FunctionCompiler(ctx, function.index, name).compile()
            compiled = self._assemble(name, body)
        except EmitError as e:
            raise e.located(name) from None
        compiled.exports = tuple(self.exports.get(function.index, ()))
        compiled.wasm_index = function.index
        compiled.display_name = display_name(self.module, function.index)
        compiled.wasm_body_offset = function.body_offset
        params = len(self.module.func_type(function.index).params)
        local_names = self.module.local_names.get(function.index, {})
        compiled.variables = [
            self._variable(local_names.get(i) or (f"param{i}" if i < params else f"local{i}"), t,
                           -body.local_offsets[i], i < params)
            for i, t in enumerate(body.local_types)]
        hidden = len(self.module.func_type(function.index).results) > 1 or function.index in ctx.return_plans
        # Producer DWARF names operand-stack values by index, 8 bytes each: not where a v128 takes two units
        # (such values show as optimized out rather than wrong).
        if function.index not in ctx.vector_functions:
            compiled.operand_stack = self._frame_slot(-(body.locals_base + 8 * (len(body.local_types) + hidden + 1)))
        return compiled

    def _global_infos(self) -> list[GlobalInfo]:
        m = self.module
        imported = m.num_imported_globals
        exported = {e.index: e.name for e in reversed(m.exports) if e.kind == "global"}
        return [GlobalInfo(m.global_names.get(imported + g) or exported.get(imported + g) or f"global[{imported + g}]",
                           glob.type.name.lower(), glob.mutable) for g, glob in enumerate(m.globals)]

    def _frame_slot(self, offset: int) -> FrameSlot:
        slot = self.frame_slots.get(offset)
        if slot is None:
            slot = self.frame_slots[offset] = FrameSlot(offset)
        return slot

    def _variable(self, name: str, wasm_type: ValType, offset: int, is_parameter: bool) -> Variable:
        """The description of a local; functions repeat the same few (``param0`` in the first slot...), and equal
        values are shared rather than built again, which also keeps the compiled module small."""
        key = (name, wasm_type, offset, is_parameter)
        variable = self.variables.get(key)
        if variable is None:
            variable = self.variables[key] = Variable(name, _VALUE_TYPES.get(wasm_type, ValueType.ADDR),
                                                      self._frame_slot(offset), is_parameter=is_parameter)
        return variable

    def _prologue(self, saved: list[int], allocation: int, function: str) -> Prologue:
        """The prologue of a frame shape, built once per module (functions repeat a handful of shapes)."""
        key = (tuple(saved), allocation)
        prologue = self.prologues.get(key)
        if prologue is None:
            prologue = self.prologues[key] = Prologue(saved, allocation, RipRel(self.sym.vmctx, VMCTX_STACK_LIMIT),
                                                      function, seh=self.abi.seh_frames)
        return prologue

    def _assemble(self, name: str, body: FunctionBody) -> CompiledFunction:
        """Build the prologue for the now known frame size and prepend it to the body."""
        allocation = frame_allocation(len(body.saved), body.slots, body.outgoing)
        prologue = self._prologue(body.saved, allocation, name)
        code_buffer = prologue.code_for(body.overflow_stub)
        shift = len(code_buffer)
        code_buffer += body.asm.code
        code = bytes(code_buffer)
        unwind = prologue.unwind.renamed(name)
        unwind.extend(body.records, shift, prologue.epilogue_states)
        unwind.validate(len(code))
        relocations = list(prologue.asm.relocations)
        relocations += [Relocation(r.offset + shift, r.kind, r.size, r.symbol, r.addend) for r in body.asm.relocations]
        first_line = body.lines[0][1] if body.lines else 0
        lines = LineTable.statements(first_line, body.lines, shift, body.after_calls)
        call_sites = [dataclasses.replace(site, start=site.start + shift, end=site.end + shift,
                                          landing_pad=None if site.landing_pad is None else site.landing_pad + shift)
                      for site in body.call_sites]
        sites = guards.site_ranges([(site + shift, stub + shift) for site, stub in body.guard_sites], len(code))
        return CompiledFunction(name=name, code=code, unwind=unwind, lines=lines, relocations=relocations,
                                frame_base="rbp", call_sites=call_sites, catch_types=list(body.catch_types),
                                personality=exceptions.PERSONALITY if call_sites else None,
                                trap_offsets=tuple((start + shift, end + shift, wasm)
                                                   for start, end, wasm in body.trap_reports),
                                guard_sites=sites)

    # -- tags ---------------------------------------------------------------------------------------------------
    def _tag_symbols(self) -> list[str]:
        """Imported tags: the import's field name (a descriptor the host defines). Defined tags: the export's
        C symbol when exported (``prefix + name``), else ``<m>.tag<N>``."""
        exported = {e.index: self.export_symbol(e.name) for e in self.module.exports if e.kind == "tag"}
        symbols = [i.name for i in self.module.imported("tag")]
        for index in range(len(symbols), len(self.module.tags)):
            symbols.append(exported.get(index, self.sym.indexed("tag", index)))
        return symbols

    def _tag_table(self) -> list[TagInfo]:
        """Every tag's descriptor symbol and payload types: the plugins show a caught payload by type."""
        return [TagInfo(symbol, index, tuple(_VALUE_TYPES.get(t, ValueType.ADDR)
                                             for t in exceptions.tag_type(self.module, index).params))
                for index, symbol in enumerate(self._tag_symbols())]

    def _tag_blobs(self) -> list[DataBlob]:
        """One ``struct jitdebug_tag`` per defined tag: parameter count, tag index (identity is the address)."""
        symbols = self._tag_symbols()
        exported = {e.index for e in self.module.exports if e.kind == "tag"}
        first = len(self.module.imported("tag"))
        return [DataBlob(symbols[index], exceptions.TAG_DESCRIPTOR_SIZE,
                         struct.pack("<II", len(exceptions.tag_type(self.module, index).params), index),
                         writable=False, align=8, exported=index in exported)
                for index in range(first, len(self.module.tags))]

    # -- instantiation ------------------------------------------------------------------------------------------
    def _instantiate(self) -> CompiledFunction:
        """``<m>.instantiate``: once, set the stack limit if unset, copy active element and data segments (in
        that order, as the spec instantiates), run start."""
        a = Assembler()
        records: list[UnwindOp] = []
        saved = [RBX] + [r for r in (RSI, RDI) if r in self.abi.callee_saved]
        vmctx = self.sym.vmctx
        done = a.label()
        a.alu("cmp", 1, RipRel(vmctx, VMCTX_INSTANTIATED), 0, imm=True)
        a.jcc("ne", done)
        a.mov_store_imm(1, RipRel(vmctx, VMCTX_INSTANTIATED), 1)
        limit_set = a.label()
        a.alu("cmp", 8, RipRel(vmctx, VMCTX_STACK_LIMIT), 0, imm=True)
        a.jcc("ne", limit_set)
        a.lea(8, RCX, Mem(RSP, -(STACK_BUDGET_WINDOWS if self.abi.target == "x86_64-windows" else STACK_BUDGET)))
        a.mov(8, RipRel(vmctx, VMCTX_STACK_LIMIT), RCX)
        a.bind(limit_set)
        if self.reserves_memory:
            a.call_symbol(aot_memory.reserve_symbol(self.sym))
        if self.guarded_memories:
            a.call_symbol(self.sym.guard_install)
        offsets = global_offsets(self.module)[0]
        for g, glob in enumerate(() if self.linkable else self.module.globals):
            if aot_globals.reads_import(self.module, glob.init):
                aot_globals.emit_const(a, self.module, self.sym, offsets, glob.init, 0)
                a.mov(8, RipRel(self.sym.globals, offsets[g]), RAX)
        for t, table in enumerate(() if self.linkable else self.module.tables):
            if table.init is not None:
                self._fill_table(a, t, table.init, table.limits.minimum, offsets)
        # A segment out of bounds traps when it is reached: the segments before it stay written (the spec's
        # instantiation since bulk memory), none after it is.
        table_trap = a.label()
        needs_table_trap = False  # a segment is out of bounds whatever the imports: nothing after it is written
        checks_table = False  # a segment's offset is checked when it instantiates
        for index, element in enumerate(() if self.linkable else self.module.elements):
            if element.mode != "active" or element.offset_expr is None:
                continue
            if aot_globals.reads_import(self.module, element.offset_expr):
                aot_globals.emit_const(a, self.module, self.sym, offsets, element.offset_expr, element.offset)
                aot_globals.emit_bounds_check(a, len(element.functions),
                                              self.module.tables[element.table].limits.minimum, table_trap)
                checks_table = True
                if element.functions:
                    a.lea(8, RDI, RipRel(self.sym.indexed("table", element.table)))
                    a.lea(8, RDI, Mem(RDI, 0, RAX, 8))
                    a.lea(8, RSI, RipRel(self.sym.indexed("elem", index)))
                    a.mov_imm(4, RCX, 8 * len(element.functions))
                    a.rep_movsb()
                continue
            start = self._const_value(element.offset_expr, element.offset) & 0xFFFFFFFF
            if start + len(element.functions) > self.module.tables[element.table].limits.minimum:
                a.jmp(table_trap)
                needs_table_trap = True
                break
            if not element.functions:
                continue
            a.lea(8, RDI, RipRel(self.sym.indexed("table", element.table), 8 * start))
            a.lea(8, RSI, RipRel(self.sym.indexed("elem", index)))
            a.mov_imm(4, RCX, 8 * len(element.functions))
            a.rep_movsb()
        trap = a.label()
        needs_trap = False
        for index, segment in enumerate(() if needs_table_trap else () if self.linkable else self.module.data):
            if segment.memory is None or segment.offset_expr is None:
                continue
            limits = self.module.memories[segment.memory]
            if aot_globals.reads_import(self.module, segment.offset_expr):
                aot_globals.emit_const(a, self.module, self.sym, offsets, segment.offset_expr, segment.offset)
                aot_globals.emit_bounds_check(a, len(segment.data), limits.minimum * WASM_PAGE, trap,
                                              index64=limits.index64)
                needs_trap = True
                if segment.data:
                    if segment.memory == 0:
                        a.mov(8, RDI, RipRel(vmctx, VMCTX_MEMORY_BASE))
                    else:
                        a.mov(8, RDI, RipRel(self.sym.indexed("memrec", segment.memory), MEMORY_RECORD_BASE))
                    a.alu("add", 8, RDI, RAX)
                    a.lea(8, RSI, RipRel(self.sym.indexed("data", index)))
                    a.mov_imm(4, RCX, len(segment.data))
                    a.rep_movsb()
                continue
            start = self._const_value(segment.offset_expr, segment.offset) & (_MASK64 if limits.index64 else _MASK32)
            if start + len(segment.data) > limits.minimum * WASM_PAGE:
                a.jmp(trap)
                needs_trap = True
                break
            if not segment.data:
                continue
            if segment.memory == 0:
                a.mov(8, RDI, RipRel(vmctx, VMCTX_MEMORY_BASE))
            else:
                a.mov(8, RDI, RipRel(self.sym.indexed("memrec", segment.memory), MEMORY_RECORD_BASE))
            a.mov_imm(8 if start >= 1 << 31 else 4, RCX, start)
            a.alu("add", 8, RDI, RCX)
            a.lea(8, RSI, RipRel(self.sym.indexed("data", index)))
            a.mov_imm(4, RCX, len(segment.data))
            a.rep_movsb()
        after_call = False
        if self.module.start is not None:
            a.call_symbol(self.symbols[self.module.start])
            after_call = True
        a.bind(done)
        emit_epilogue(a, saved, records, seh=self.abi.seh_frames, after_call=after_call)
        overflow = a.offset
        a.alu("and", 8, RSP, -16, imm=True)
        if self.abi.shadow_space:
            a.alu("sub", 8, RSP, self.abi.shadow_space, imm=True)
        a.mov_imm(4, self.abi.int_args[0], int(TrapCode.STACK_OVERFLOW))
        a.call_symbol(TRAP_HOOK)
        a.ud2()
        for used, label, code in ((needs_trap, trap, TrapCode.MEMORY_OUT_OF_BOUNDS),
                                  (needs_table_trap or checks_table, table_trap, TrapCode.TABLE_OUT_OF_BOUNDS)):
            if used:
                a.bind(label)
                a.mov_imm(4, self.abi.int_args[0], int(code))
                a.call_symbol(TRAP_HOOK)
                a.ud2()
        body = FunctionBody(a, records, [], saved, 0, self.abi.shadow_space, overflow, 0, [])
        function = self._assemble(self.sym.instantiate, body)
        function.lines = LineTable([LineEntry(0, 0, is_statement=False)])
        return function

    def _const_value(self, expr: tuple[Instr, ...], offset: int) -> int:
        """Evaluate a constant expression to an integer (floats as bits; funcrefs are handled by the caller)."""
        stack: list[int] = []
        for instr in expr:
            match instr.op:
                case "i32.const" | "i64.const" | "f32.const" | "f64.const" | "v128.const":
                    stack.append(_imm(instr))
                case "ref.null":
                    stack.append(0)
                case "global.get":
                    g = _imm(instr) - self.module.num_imported_globals
                    if g < 0:
                        raise UnsupportedError("imported globals are not supported", instr.offset)
                    stack.append(self._const_value(self.module.globals[g].init, offset))
                case "i32.add" | "i64.add" | "i32.sub" | "i64.sub" | "i32.mul" | "i64.mul":
                    b, a = stack.pop(), stack.pop()
                    value = {"add": a + b, "sub": a - b, "mul": a * b}[instr.op[4:]]
                    stack.append(value & (0xFFFFFFFF if instr.op[1:3] == "32" else 0xFFFFFFFFFFFFFFFF))
                case "end":
                    break
                case other:
                    raise UnsupportedError(f"constant expression with {other} is not supported", instr.offset)
        if len(stack) != 1:
            raise UnsupportedError("malformed constant expression", offset)
        return stack[0]

    # -- data ---------------------------------------------------------------------------------------------------
    def _data_blobs(self) -> list[DataBlob]:
        m = self.module
        sym = self.sym
        blobs: list[DataBlob] = []
        vmctx = bytearray(VMCTX_TABLES + 8 * self.n_tables)
        vmctx_relocs: list[Relocation] = []
        if self.n_memories:
            # The record: in the JIT an undefined symbol (the embedding's memory; it also writes the base into
            # word 0), in an object a static record over static storage.
            vmctx_relocs.append(absolute(VMCTX_MEMORY, sym.indexed("memrec", 0)))
        for index, limits in enumerate(() if self.linkable else m.memories):
            record_symbol = sym.indexed("memrec", index)
            if self.reserves_memory:
                # Reserved and committed at instantiation (``aot_memory.py``): the base is 0 until then.
                maximum = memory_maximum_bytes(limits.maximum)
                reserved = guards.RESERVED if index in self.guarded_memories else memory_reservation(limits.maximum)
                record = struct.pack("<QQQQ", 0, limits.minimum * WASM_PAGE, maximum, reserved)
                blobs.append(DataBlob(record_symbol, MEMORY_RECORD_BYTES, record, align=8))
                continue
            if limits.minimum > MEMORY_CAP_PAGES:
                raise UnsupportedError(f"memory {index} of {limits.minimum} pages exceeds the static capacity cap "
                                       f"of {MEMORY_CAP_PAGES} pages")
            pages = limits.maximum if limits.maximum is not None else limits.minimum + MEMORY_HEADROOM_PAGES
            pages = max(limits.minimum, min(pages, MEMORY_CAP_PAGES))
            storage = sym.memory if index == 0 else sym.indexed("memory", index)
            blobs.append(DataBlob(storage, max(pages * WASM_PAGE, 16), align=4096))
            if index == 0:
                vmctx_relocs.append(absolute(VMCTX_MEMORY_BASE, storage))
            record = struct.pack("<QQQQ", 0, limits.minimum * WASM_PAGE, pages * WASM_PAGE, pages * WASM_PAGE)
            blobs.append(DataBlob(record_symbol, MEMORY_RECORD_BYTES, record, align=8,
                                  relocations=(absolute(0, storage),)))
        if self.n_memories > 1:
            # Every memory's record, for the memories other than 0 (``memories.py``).
            blobs.append(DataBlob(sym.memories, 8 * self.n_memories, bytes(8 * self.n_memories), align=8,
                                  relocations=tuple(absolute(8 * k, sym.indexed("memrec", k))
                                                    for k in range(self.n_memories))))
        for t in range(self.n_tables):
            vmctx_relocs.append(absolute(VMCTX_TABLES + 8 * t, sym.indexed("tabrec", t)))
        if not self.linkable:
            for t, (table, capacity) in enumerate(zip(m.tables, self.table_capacities, strict=True)):
                # Zero-filled: the active element segments are copied in at instantiation.
                blobs.append(DataBlob(sym.indexed("table", t), max(8 * capacity, 8)))
                record = struct.pack("<QQQ", 0, table.limits.minimum, capacity)
                blobs.append(DataBlob(sym.indexed("tabrec", t), TABLE_RECORD_BYTES, record, align=8,
                                      relocations=(absolute(0, sym.indexed("table", t)),)))
        blobs.append(DataBlob(sym.vmctx, len(vmctx), bytes(vmctx), relocations=tuple(vmctx_relocs)))
        imported_globals = m.num_imported_globals
        if imported_globals:
            # The JIT's embedding resolves ``<m>.gimport<K>`` to its cells; an object's host defines the field
            # names (``aot_globals.py``).
            targets = ([sym.indexed("gimport", k) for k in range(imported_globals)] if self.linkable
                       else aot_globals.import_symbols(m))
            blobs.append(DataBlob(sym.global_imports, 8 * imported_globals, bytes(8 * imported_globals),
                                  relocations=tuple(absolute(8 * k, target) for k, target in enumerate(targets))))
        blobs.append(DataBlob(sym.fault_address, 16, align=8))

        funcs = bytearray(16 * len(self.symbols))
        func_relocs = []
        for f, symbol in enumerate(self.symbols):
            func_relocs.append(absolute(16 * f, symbol))
            struct.pack_into("<Q", funcs, 16 * f + 8, self.signature_ids[m.func_types[f]])
        if self.linkable and self.n_imported:
            # Per function import its funcref: its own descriptor until the embedding binds it to another's.
            blobs.append(DataBlob(sym.import_funcrefs, 8 * self.n_imported, bytes(8 * self.n_imported),
                                  relocations=tuple(absolute(8 * f, sym.funcs, 16 * f)
                                                    for f in range(self.n_imported))))
        if funcs:
            # Writable because it holds relocated pointers (read-only would need text relocations in a PIE).
            blobs.append(DataBlob(sym.funcs, len(funcs), bytes(funcs), relocations=tuple(func_relocs)))

        if m.globals:
            offsets, size = global_offsets(m)
            data = bytearray(size)
            relocs = []
            for g, glob in enumerate(m.globals):
                head = glob.init[0] if glob.init else None
                if head is not None and head.op == "ref.func":
                    relocs.append(absolute(offsets[g], sym.funcs, 16 * _imm(head)))
                    continue
                try:
                    value = self._const_value(glob.init, 0)
                except UnsupportedError:
                    if not self.linkable and not aot_globals.reads_import(m, glob.init):
                        raise
                    continue  # reads an imported global: the embedding or ``<m>.instantiate`` writes it
                if glob.type is ValType.V128:
                    data[offsets[g]:offsets[g] + 16] = value.to_bytes(16, "little")
                else:
                    struct.pack_into("<Q", data, offsets[g], value & 0xFFFFFFFFFFFFFFFF)
            blobs.append(DataBlob(sym.globals, len(data), bytes(data), relocations=tuple(relocs)))

        lengths = bytearray(8 * len(m.data))
        for i, data_segment in enumerate(m.data):
            blobs.append(DataBlob(sym.indexed("data", i), max(len(data_segment.data), 1), data_segment.data or b"\0",
                                  writable=False, align=1))
            if data_segment.memory is None:
                struct.pack_into("<Q", lengths, 8 * i, len(data_segment.data))
        if lengths:
            blobs.append(DataBlob(sym.data_lengths, len(lengths), bytes(lengths)))

        lengths = bytearray(8 * len(m.elements))
        for i, seg in enumerate(m.elements):
            if seg.global_items and not self.linkable:
                # The global's value exists only at instantiation: static storage cannot hold it (the JIT's
                # embedding writes it, ``emitter/jit/api.py``).
                raise UnsupportedError("element item global.get is not supported", seg.offset)
            relocs = [absolute(8 * k, sym.funcs, 16 * f) for k, f in enumerate(seg.functions) if f is not None]
            size = max(8 * len(seg.functions), 8)
            blobs.append(DataBlob(sym.indexed("elem", i), size, bytes(size), relocations=tuple(relocs)))
            if seg.mode == "passive":
                struct.pack_into("<Q", lengths, 8 * i, len(seg.functions))
        if lengths:
            blobs.append(DataBlob(sym.elem_lengths, len(lengths), bytes(lengths)))
        return blobs


def _imm(instr: Instr) -> int:
    value = instr.imm[0]
    if not isinstance(value, int):
        raise UnsupportedError(f"unexpected immediate {value!r}", instr.offset)
    return value

