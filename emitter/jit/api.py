"""The embedding API: compile a Wasm module, link it with host functions, memories, tables and globals or other
instances' exports, call its exports like Python functions, read and write its memories, tables and globals.

    module = compile_wasm("demo.wat")
    with module.instantiate({"log": print}) as instance:          # imports by field name (or (module, field))
        print(instance.exports["run"](41))

    linker = Linker()                                              # wasmtime-py's shape, for several modules
    linker.define("spectest", "memory", Memory(MemoryType(1, 2)))
    linker.define("spectest", "print_i32", Func(FuncType((ValType.I32,), ()), print))
    first = linker.instantiate(compile_wasm("a.wat"))              # runs the start function, as wasmtime does
    linker.define_instance("a", first)                             # ``register`` in the spec's scripts
    second = linker.instantiate(compile_wasm("b.wat"))             # imports ("a", "mem"), ("a", "f")...

Exports (``Instance.exports``): a function is an ``Export`` (a ``Func``: calling it returns None, the value, or a
tuple for several results; ``call_bits`` for exact bit patterns), a memory a ``Memory``, a table a ``Table``, a
global a ``Global`` (see ``externals.py``: values, and how memories grow). An import is resolved by module and
field name first, then by field name alone (the C-ABI key of ``jitdebug run``). Its type is checked at
instantiation as the spec's import matching says (limits subtyping with the current size, global mutability and
type, table element type, exact function type), failing with wasmtime's message (``LinkError``); a Python callable
or a ``NativeFunction`` has no type to check and is called with the import's type.

A Python callable (or a host ``Func``) goes through a ctypes callback and the module's host adapter: if it raises,
the Wasm code stops there (as at a trap) and the call of the export raises that exception, with the Wasm backtrace
in a note. A ``NativeFunction`` is called directly with the C convention. An instance's function (an ``Export``,
or any funcref ``Func``) given as an import is called directly, code to code; an instance that imports from
another must be freed first (an instance owns its code: ``free`` unmaps it).

A tag import ``(import "M" "T" (tag ...))`` is a ``struct jitdebug_tag`` descriptor, identity by address (see
``emitter/codegen/exceptions.py``): a ``Tag`` the embedding creates (instances given the same ``Tag`` catch each
other's exceptions) or a ``NativeTag`` defined by native code, e.g. the one a native import throws with
``jitdebug_throw``. The module refers to it with 32-bit pc-relative references (its LSDA type table), as an AOT
object does, so the descriptor must lie within 2 GiB of the JIT code: ``Tag`` maps its descriptor like the JIT
code, and shared libraries are mapped in the same area.

Native code reading an instance's memory: ``Instance.memory(0)`` (a ``Memory``: ``data_ptr``, ``data_len``, and
``record``, the address of the live ``struct jitdebug_memory``), or in the module state the vmctx words: word 0
the base of memory 0, word 8 a pointer to its record (the size is at offset 8 of the record; see
``emitter/codegen/runtime.py``).

Debug information: each instance's image is registered with the debuggers (GDB JIT interface) lazily, together
with every other instance loaded since (``registrar.py``), at the latest when Wasm code is entered through this
API. A host that calls compiled code by address itself (``Export.address`` flushes when read; addresses from
``Instance.loaded`` do not) calls ``flush_debug_info()`` before.
"""

from __future__ import annotations

import ctypes
import os
import re
import struct
import tempfile
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..codegen.runtime import STACK_BUDGET, STACK_RESERVE, VMCTX_MEMORY_BASE, VMCTX_STACK_LIMIT, StateSymbols, TrapCode
from ..codegen.simd import global_offsets
from ..compiled import CompiledModule, ValueType
from ..errors import JitdebugError, TrapError, UnsupportedError
from ..gcpause import collector_paused
from ..wasi.config import WasiConfig, WasiContext
from ..wasi.config import host_functions as wasi_host_functions
from ..wasi.preview1 import WASI_MODULE
from ..wasi.thunks import LINK_CONTEXT_OFFSET, link_symbol
from ..wasm.features import DEFAULT, Features
from ..wasm.module import FuncType, GlobalType, Instr, Module, ValType
from ..wasm.names import display_name
from . import _native
from .backtrace import WasmFrame, wasm_frames
from .cache import CompileCache
from .externals import (
    LIVE_INSTANCES,
    Func,
    Global,
    Memory,
    Table,
    check_callable,
    host_callback,
    instantiation_trap,
    invoke,
    lanes,
    memory_fault_cause,
    raise_trap,
    v128_bits,
)
from .loader import LoadedModule
from .lowered import Lowerings
from .memory import Region
from .perf import PerfWriter
from .registrar import REGISTRAR
from .types import MemoryType, TableType, func_type_text, limits_match, limits_text, signature_id

#: ``struct jitdebug_tag``: parameter count, tag index.
_TAG_DESCRIPTOR = struct.Struct("<II")

_FROM_WASM = {ValType.I32: ValueType.I32, ValType.I64: ValueType.I64, ValType.F32: ValueType.F32,
              ValType.F64: ValueType.F64, ValType.V128: ValueType.V128}
#: Re-exported: v128 values cross as 16 bytes (``externals.py``).
_V128_HELPERS = (lanes, v128_bits)
_TO_WASM = {v: k for k, v in _FROM_WASM.items()}
_MASK64 = (1 << 64) - 1


class LinkError(JitdebugError):
    """An import that is missing or whose type does not match (wasmtime's wording: ``unknown import: `M::F` has
    not been defined``, ``incompatible import type for `M::F```, then the reason under ``Caused by:``)."""


@dataclass(frozen=True, slots=True)
class Signature:
    """A function type in the C ABI's value types (numbers, v128; at most one result), as ``jitdebug run`` parses
    arguments. ``Export`` calls any type (``Export.type``); this is the C ABI's view of it."""

    params: tuple[ValueType, ...]
    results: tuple[ValueType, ...] = ()

    @staticmethod
    def of(func_type: FuncType, what: str) -> Signature:
        types = func_type.params + func_type.results
        unsupported = [t.text for t in types if t not in _FROM_WASM]
        if unsupported or len(func_type.results) > 1:
            params = "".join(f" {t.text}" for t in func_type.params)
            results = "".join(f" {t.text}" for t in func_type.results)
            raise UnsupportedError(f"{what} has type (func (param{params}) (result{results})), which the JIT's C ABI "
                                   "cannot call (i32, i64, f32, f64 and at most one result)")
        return Signature(tuple(_FROM_WASM[t] for t in func_type.params),
                         tuple(_FROM_WASM[t] for t in func_type.results))

    @property
    def func_type(self) -> FuncType:
        return FuncType(tuple(_TO_WASM[t] for t in self.params), tuple(_TO_WASM[t] for t in self.results))


@dataclass(frozen=True, slots=True)
class NativeFunction:
    """An import implemented by native code at ``address`` (C calling convention)."""

    address: int


@dataclass(frozen=True, slots=True)
class NativeTag:
    """A tag import whose ``struct jitdebug_tag`` descriptor native code defines at ``address``. ``params``, when
    known (another instance's tag), are its Wasm parameter types: an import must declare exactly those, not
    only as many (the descriptor holds just the count)."""

    address: int
    params: tuple[object, ...] | None = None


class Tag:
    """A tag the embedding defines: owns a ``struct jitdebug_tag`` (parameter count, index 0: no module's own tag)
    in memory mapped like the JIT code; its address is its identity, shared by every instance it is given to."""

    def __init__(self, params: Sequence[ValueType] = ()) -> None:
        self.params = tuple(params)
        self._region = Region(_TAG_DESCRIPTOR.size)
        self._region.write(0, _TAG_DESCRIPTOR.pack(len(self.params), 0))
        weakref.finalize(self, self._region.unmap)

    @property
    def address(self) -> int:
        return self._region.address

    def __repr__(self) -> str:
        return f"Tag(({', '.join(t.value for t in self.params)}) at {self.address:#x})"


Extern = Func | Memory | Table | Global
Import = Callable[..., Any] | NativeFunction | Tag | NativeTag | Extern


def flush_debug_info() -> None:
    """Register every loaded module with the debuggers now (they are registered in batches, and otherwise only
    when Wasm code is entered through this API): for a host about to call compiled code through an address."""
    REGISTRAR.flush()


class Export(Func):
    """A function export. Calls raise ``TrapError`` on a trap (its text is wasmtime's backtrace); one result comes
    back as the value, several as a tuple."""

    def __init__(self, instance: Instance, name: str, address: int, func_type: FuncType,
                 descriptor: int = 0) -> None:
        # A weak reference: the instance holds its exports, and a cycle would keep a freed instance's loaded module
        # (tens of thousands of objects for a large one) until a full collection. A live instance cannot vanish
        # (``LIVE_INSTANCES`` holds it until ``free``); an export outliving its freed instance raises as it would.
        self._instance = weakref.ref(instance)
        self._module_name = instance.loaded.compiled.name
        self.name = name
        self._address = address
        self.type = func_type
        self.host = None
        self.host_bits = False
        self._descriptor = descriptor

    @property
    def owner(self) -> Instance:  # type: ignore[override]
        return self.instance

    @owner.setter
    def owner(self, value: Any) -> None:
        pass

    @property
    def descriptor(self) -> int:
        if not self._descriptor:
            raise JitdebugError(f"export {self.name!r} has no funcref descriptor (a hand-made module)")
        return self._descriptor

    @property
    def code(self) -> int:
        return self._address

    @property
    def signature(self) -> Signature:
        """Its type in the C ABI's value types (raises for a function with reference types)."""
        return Signature.of(self.type, f"export {self.name!r}")

    @property
    def instance(self) -> Instance:
        instance = self._instance()
        if instance is None:
            raise JitdebugError(f"module {self._module_name!r} has been freed")
        return instance

    @property
    def address(self) -> int:
        """The export's code address, for native callers: the module is registered with the debuggers first."""
        REGISTRAR.flush()
        return self._address

    def _check_owner(self) -> None:
        self.instance.check_live()

    def __eq__(self, other: object) -> bool:
        if self._descriptor and isinstance(other, Func) and other._descriptor:
            return self._descriptor == other._descriptor
        return self is other

    def __hash__(self) -> int:
        return hash(self._descriptor or id(self))

    def __repr__(self) -> str:
        return f"Export({self.name!r}, {func_type_text(self.type)})"


class Instance:
    """A loaded module with its imports bound. ``free()`` (or leaving a ``with`` block) unregisters and unmaps it;
    calling an export afterwards raises ``JitdebugError``.

    The constructor is the low-level form (a ``CompiledModule`` with C-ABI exports and function imports by
    symbol); ``WasmModule.instantiate`` and ``Linker.instantiate`` build instances of Wasm modules."""

    def __init__(self, compiled: CompiledModule, *, exports: Mapping[str, Signature],
                 imports: Mapping[str, tuple[Callable[..., Any] | NativeFunction, Signature | FuncType]],
                 tags: Mapping[str, Tag | NativeTag] | None = None, perf: PerfWriter | None = None,
                 display_names: Mapping[int, str | None] | None = None, debug_info: bool = True,
                 symbols: Mapping[str, int] | None = None, keep: Sequence[object] = (),
                 wasi: WasiContext | None = None, lowerings: Lowerings | None = None) -> None:
        """``wasi``: the instance's WASI context, which it then owns (freed with it)."""
        self._callbacks: list[object] = []
        self._wasi = wasi
        # The instance keeps its tags alive: a ``Tag``'s descriptor must outlive every module referring to it.
        self._tags = dict(tags or {})
        #: What the instance links to (memories, tables, globals, other instances' functions): kept alive with it.
        self._keep = list(keep)
        self.memories: list[Memory] = []
        self.tables: list[Table] = []
        self.globals: list[Global] = []
        resolve: dict[str, int] = {name: tag.address for name, tag in self._tags.items()}
        resolve.update(symbols or {})
        host: set[str] = set()
        for name, (function, signature) in imports.items():
            if isinstance(function, NativeFunction):
                resolve[name] = function.address
            else:
                func_type = signature.func_type if isinstance(signature, Signature) else signature
                bits = isinstance(function, Func) and function.host_bits
                target = function.host if isinstance(function, Func) and function.host is not None else function
                callback = host_callback(name, target, func_type, bits=bits)
                self._callbacks.append(callback)
                resolve[name] = ctypes.cast(callback, ctypes.c_void_p).value or 0
                host.add(name)
        with collector_paused():  # loading allocates much and frees it all; see gcpause
            self.loaded = LoadedModule(compiled, resolve, host_imports=frozenset(host), perf=perf,
                                       debug_info=debug_info, lowerings=lowerings)
        if wasi is not None:
            link = self.loaded.address(link_symbol(compiled.name)) + LINK_CONTEXT_OFFSET
            ctypes.c_uint64.from_address(link).value = wasi.address
        self.display_names = dict(display_names or {})
        #: Exported functions outside the C ABI, with the reason: ``jitdebug run`` cannot call them (Python can).
        self.uncallable: dict[str, str] = {}
        self.exports: dict[str, Any] = {
            name: Export(self, name, self.loaded.address(name), signature.func_type)
            for name, signature in exports.items()}
        self._live = True
        LIVE_INSTANCES[self] = None

    def check_live(self) -> None:
        if not self._live:
            raise JitdebugError(f"module {self.loaded.compiled.name!r} has been freed")

    def call_symbol(self, symbol: str) -> None:
        """Call a function of the module that takes and returns nothing, by symbol (e.g. its instantiation)."""
        self.check_live()
        trapped, _, _, code, frames = invoke(self.loaded.address(symbol), [], [], [])
        if trapped:
            self.raise_trap(code, frames)

    def run_start(self) -> None:
        """Instantiate now (the start function): exports otherwise do it on their first call."""
        self.call_symbol(StateSymbols(self.loaded.compiled.name).instantiate)

    def memory(self, index: int = 0) -> Memory:
        return self.memories[index]

    def function_descriptor(self, index: int) -> int:
        """The address of function ``index``'s descriptor in this module (a funcref value)."""
        return self.loaded.address(StateSymbols(self.loaded.compiled.name).funcs) + 16 * index

    def frames(self, return_addresses: Sequence[int]) -> list[WasmFrame]:
        """Wasm frames of a native trace: this instance's and those of every other live instance, since a chain of
        calls may cross modules (imports bound to another instance's code)."""
        others = [(i.loaded, i.display_names) for i in list(LIVE_INSTANCES) if i is not self]
        return wasm_frames(return_addresses, [(self.loaded, self.display_names), *others])

    def raise_trap(self, code: int, return_addresses: Sequence[int]) -> None:
        raise_trap(code, return_addresses, self)

    def memory_fault_cause(self) -> str:
        return memory_fault_cause(self.loaded)

    def free(self) -> None:
        if self._live:
            self._live = False
            LIVE_INSTANCES.pop(self, None)
            self.loaded.free()
            self._callbacks.clear()
            # Its memories and tables go with it unless another holder (an importer, the embedding) keeps them.
            self.memories, self.tables, self.globals, self._keep = [], [], [], []
            if self._wasi is not None:
                self._wasi.close()

    def __enter__(self) -> Instance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.free()


def _kind(value: object) -> str:
    if isinstance(value, Memory):
        return "memory"
    if isinstance(value, Table):
        return "table"
    if isinstance(value, Global):
        return "global"
    if isinstance(value, Tag | NativeTag):
        return "tag"
    return "func"


def _incompatible(module: str, name: str, reason: str) -> LinkError:
    return LinkError(f"incompatible import type for `{module}::{name}`\n\nCaused by:\n    {reason}\n")


def check_import(module: str, name: str, kind: str, expected: object, value: object) -> None:
    """The spec's import matching, with wasmtime's messages."""
    found = _kind(value)
    if found != kind:
        found_text = "function" if found == "func" else found  # wasmtime's words
        raise _incompatible(module, name, f"expected {kind}, but found {found_text}")
    if isinstance(value, Func) and isinstance(expected, FuncType) and value.type != expected:
        raise _incompatible(module, name, f"types incompatible: expected type `{func_type_text(expected)}`, found "
                                          f"type `{func_type_text(value.type)}`")
    if isinstance(value, Memory) and isinstance(expected, MemoryType):
        actual = value.type
        if actual.is_64 != expected.is_64:
            raise _incompatible(module, name, "memory types incompatible: expected "
                                f"{'64' if expected.is_64 else '32'}-bit memory, found "
                                f"{'64' if actual.is_64 else '32'}-bit memory")
        if not limits_match(actual.minimum, actual.maximum, expected.minimum, expected.maximum):
            raise _incompatible(module, name, "memory types incompatible: expected memory limits "
                                f"{limits_text(expected.minimum, expected.maximum)} doesn't match provided memory "
                                f"limits {limits_text(actual.minimum, actual.maximum)}")
    if isinstance(value, Table) and isinstance(expected, TableType):
        actual_table = value.type
        if actual_table.is_64 != expected.is_64:
            raise _incompatible(module, name, "table types incompatible: expected "
                                f"{'64' if expected.is_64 else '32'}-bit table, found "
                                f"{'64' if actual_table.is_64 else '32'}-bit table")
        if actual_table.element is not expected.element:
            raise _incompatible(module, name, f"table types incompatible: expected table of type "
                                f"`{expected.element.text}`, found table of type `{actual_table.element.text}`")
        if not limits_match(actual_table.minimum, actual_table.maximum, expected.minimum, expected.maximum):
            raise _incompatible(module, name, "table types incompatible: expected table limits "
                                f"{limits_text(expected.minimum, expected.maximum)} doesn't match provided table "
                                f"limits {limits_text(actual_table.minimum, actual_table.maximum)}")
    if isinstance(value, Global) and isinstance(expected, GlobalType):
        if value.type.mutable != expected.mutable:
            want, got = ("mutable", "immutable") if expected.mutable else ("immutable", "mutable")
            raise _incompatible(module, name, f"global types incompatible: expected {want} global, found {got} "
                                "global")
        if value.type.type is not expected.type:
            raise _incompatible(module, name, f"global types incompatible: expected global of type "
                                f"`{expected.type.text}`, found global of type `{value.type.type.text}`")


Lookup = Callable[[str, str], object]


@dataclass
class WasmModule:
    """A compiled Wasm module, ready to be instantiated (any number of times)."""

    module: Module
    compiled: CompiledModule
    #: False: instances get no DWARF and are not registered with debuggers (see ``compile_wasm``).
    debug_info: bool = True
    #: Where its instances' lowered objects are kept: the compile cache it came through, if any (``lowered.py``).
    lowerings: Lowerings = field(default_factory=Lowerings)

    def signature(self, function_index: int, what: str) -> Signature:
        return Signature.of(self.module.types[self.module.func_types[function_index]], what)

    def instantiate(self, imports: Mapping[str | tuple[str, str], Import] | None = None, *,
                    perf: PerfWriter | None = None, wasi: WasiConfig | None = None) -> Instance:
        """Instantiate with ``imports`` keyed by ``(module, field)`` or by field name alone (looked up in that
        order). The start function runs on the first call of an export (or ``Instance.run_start()``); the active
        segments are copied now (a segment out of bounds raises ``TrapError``). The module's
        ``wasi_snapshot_preview1`` imports are the native WASI host functions, seeing the world ``wasi`` describes
        (required when the module imports WASI)."""
        given = dict(imports or {})
        used: set[object] = set()

        def lookup(module: str, name: str) -> object:
            for key in ((module, name), name):
                if key in given:
                    used.add(key)
                    return given[key]
            raise LinkError(f"missing import {module}.{name}")

        instance = self.link(lookup, perf=perf, wasi=wasi)
        unused = [k for k in given if k not in used]
        if unused:
            instance.free()
            raise JitdebugError(f"unknown imports: {', '.join(sorted(map(_key_text, unused)))}")
        return instance

    def link(self, lookup: Lookup, *, perf: PerfWriter | None = None, start: bool = False,
             wasi: WasiConfig | None = None) -> Instance:
        """Resolve every import through ``lookup(module, field)`` (which raises ``LinkError`` for a missing one),
        check its type, load, initialise globals and the active segments, and with ``start`` run the start
        function. WASI imports are bound as ``instantiate`` says."""
        context = self._wasi_context(wasi)
        try:
            return _link(self, lookup, perf, start, context)
        except BaseException:
            if context is not None:
                context.close()
            raise

    def _wasi_context(self, wasi: WasiConfig | None) -> WasiContext | None:
        if not any(i.module == WASI_MODULE for i in self.module.imports):
            if wasi is not None:
                raise JitdebugError(f"a WASI configuration was given but the module imports no {WASI_MODULE}")
            return None
        if wasi is None:
            raise JitdebugError(f"the module imports {WASI_MODULE}: instantiate it with wasi=WasiConfig(...)")
        return wasi.open()

    def _tag(self, module: str, name: str, tag_index: int, tag: object) -> Tag | NativeTag:
        """The descriptor given for tag import ``module.name``, checked against the import's parameters (a
        handler copies exactly that many payload words)."""
        params = [_FROM_WASM.get(t) for t in self.module.types[self.module.tags[tag_index]].params]
        wanted = f"a tag with {len(params)} parameter{'s' if len(params) != 1 else ''}"
        if not isinstance(tag, Tag | NativeTag):
            raise LinkError(f"import {module}.{name} is {wanted}; a {type(tag).__name__} was given")
        count = len(tag.params) if isinstance(tag, Tag) else _TAG_DESCRIPTOR.unpack(
            ctypes.string_at(tag.address, _TAG_DESCRIPTOR.size))[0]
        if count != len(params):
            raise LinkError(f"import {module}.{name} is {wanted}; the given tag has {count}")
        declared = tuple(self.module.types[self.module.tags[tag_index]].params)
        if isinstance(tag, NativeTag) and tag.params is not None and tag.params != declared:
            raise LinkError(f"incompatible import type for `{module}::{name}`\n\nCaused by:\n    tag types "
                            f"incompatible: expected a tag of ({_tag_types(declared)}), found one of "
                            f"({_tag_types(tag.params)})\n")
        if isinstance(tag, Tag) and list(tag.params) != params:
            types = ", ".join(t.value if t is not None else "ref" for t in params)
            raise LinkError(f"import {module}.{name} is a tag of ({types}); the given tag has "
                            f"({', '.join(t.value for t in tag.params)})")
        return tag


def _tag_types(params: Sequence[object]) -> str:
    return ", ".join(str(getattr(t, "value", t)) for t in params)


def _key_text(key: object) -> str:
    return f"{key[0]}.{key[1]}" if isinstance(key, tuple) else str(key)


def _link(wasm: WasmModule, lookup: Lookup, perf: PerfWriter | None, start: bool,
          wasi: WasiContext | None = None) -> Instance:
    # Building an instance allocates much and frees it all (a large module's names, signatures and export
    # wrappers): the collector is paused for it as for loading (see gcpause), not for the start function, which
    # runs the user's code. Measured: a sixth of a 16,000-function module's instantiation.
    with collector_paused():
        instance = _instance(wasm, lookup, perf, wasi)
    if start:
        try:
            instance.run_start()
        except BaseException as error:
            _discard(instance, wasm.module, error)
            raise
    return instance


def _instance(wasm: WasmModule, lookup: Lookup, perf: PerfWriter | None, wasi: WasiContext | None) -> Instance:
    """The instance of ``_link`` before its start function: imports bound, code loaded, segments copied."""
    module, compiled = wasm.module, wasm.compiled
    sym = StateSymbols(compiled.name)
    symbols: dict[str, int] = {}
    functions: dict[str, tuple[Callable[..., Any] | NativeFunction, FuncType]] = {}
    tags: dict[str, Tag | NativeTag] = {}
    keep: list[object] = []
    memories: list[Memory] = []
    tables: list[Table] = []
    globals_: list[Global | None] = []
    #: Per function index: the foreign funcref an import is bound to (identity kept in tables and globals).
    imported_funcs: dict[int, Func] = {}
    counts = {"func": 0, "tag": 0, "memory": 0, "table": 0, "global": 0}
    if wasi is not None:
        # The module's WASI imports go through its thunks to these (``emitter/wasi/thunks.py``).
        functions.update({symbol: (NativeFunction(address), FuncType((), ()))
                          for symbol, address in wasi_host_functions().items()})
    for wasm_import in module.imports:
        kind = wasm_import.kind
        index = counts[kind]
        counts[kind] += 1
        if wasm_import.module == WASI_MODULE and wasi is not None:
            continue
        try:
            value = lookup(wasm_import.module, wasm_import.name)
        except LinkError as error:
            if kind != "tag" or not str(error).startswith("missing import"):
                raise
            count = len(module.types[module.tags[index]].params)
            raise LinkError(f"{error} (a tag with {count} parameter{'s' if count != 1 else ''})") from None
        if kind == "tag":
            tags[wasm_import.name] = wasm._tag(wasm_import.module, wasm_import.name, index, value)
            continue
        if kind == "func":
            func_type = module.func_type(index)
            if isinstance(value, Tag | NativeTag | Memory | Table | Global):
                check_import(wasm_import.module, wasm_import.name, "func", func_type, value)
            symbol = compiled.import_symbols[index]
            if isinstance(value, Func):
                check_import(wasm_import.module, wasm_import.name, "func", func_type, value)
                if value.host is not None and not value._descriptor:
                    functions[symbol] = (value, func_type)
                else:
                    symbols[symbol] = value.code
                    imported_funcs[index] = value
                    keep.append(value)
            elif isinstance(value, NativeFunction):
                functions[symbol] = (value, func_type)
            elif callable(value):
                check_callable(func_type, f"import {wasm_import.module}.{wasm_import.name}")
                functions[symbol] = (value, func_type)
            else:
                raise LinkError(f"import {wasm_import.module}.{wasm_import.name} is a function; a "
                                f"{type(value).__name__} was given")
            continue
        desc = wasm_import.desc
        if kind == "memory":
            limits = desc
            expected: object = MemoryType(limits.minimum, limits.maximum, limits.index64)  # type: ignore[attr-defined]
        elif kind == "table":
            table_limits = desc.limits  # type: ignore[attr-defined]
            expected = TableType(desc.elem_type, table_limits.minimum, table_limits.maximum,  # type: ignore[attr-defined]
                                 table_limits.index64)
        else:
            expected = desc
        check_import(wasm_import.module, wasm_import.name, kind, expected, value)
        if isinstance(value, Memory):
            symbols[sym.indexed("memrec", index)] = value.record
            memories.append(value)
        elif isinstance(value, Table):
            symbols[sym.indexed("tabrec", index)] = value.record
            tables.append(value)
        elif isinstance(value, Global):
            symbols[sym.indexed("gimport", index)] = value.address
            globals_.append(value)
            keep.append(value)
    for limits in module.memories:
        memory = Memory(MemoryType(limits.minimum, limits.maximum, limits.index64))
        symbols[sym.indexed("memrec", len(memories))] = memory.record
        memories.append(memory)
    for table_def in module.tables:
        table_limits = table_def.limits
        table = Table(TableType(table_def.elem_type, table_limits.minimum, table_limits.maximum,
                                table_limits.index64))
        symbols[sym.indexed("tabrec", len(tables))] = table.record
        tables.append(table)
    names: dict[int, str | None] = {f.index: display_name(module, f.index, trap_report=True)
                                    if module.function_names.get(f.index)
                                    else None for f in module.functions}
    instance = Instance(compiled, exports={}, imports=functions, tags=tags, perf=perf, display_names=names,
                        debug_info=wasm.debug_info, symbols=symbols, keep=keep, wasi=wasi,
                        lowerings=wasm.lowerings)
    try:
        _initialise(instance, wasm, memories, tables, globals_, imported_funcs)
    except BaseException as error:
        _discard(instance, module, error)
        raise
    return instance


def _discard(instance: Instance, module: Module, error: BaseException) -> None:
    """An instance whose instantiation failed with ``error``: freed, unless a trap left it reachable."""
    if isinstance(error, TrapError) and any(i.kind in ("table", "global", "func") for i in module.imports):
        # The spec's instantiation stops at the trap, but what it did stays: the element segments before it
        # are written into an imported table, and the start function may have stored funcrefs wherever it
        # reaches. Freeing the instance would leave those pointing at unmapped code, so it is kept, as the
        # spec's store keeps it, when it reaches anything outside itself.
        _TRAPPED_INSTANCES.append(instance)
    else:
        instance.free()


#: Instances whose instantiation trapped after they could write into what they import (``_link``): never freed.
_TRAPPED_INSTANCES: list[Instance] = []


def _initialise(instance: Instance, wasm: WasmModule, memories: list[Memory], tables: list[Table],
                globals_: list[Global | None], imported_funcs: dict[int, Func]) -> None:
    """What instantiation does before the start function, in the spec's order: the memory base into the vmctx,
    the defined globals' values, the exports, then the active element segments and the active data segments,
    each checked against the current size (a segment out of bounds traps; those before it stay written)."""
    module, loaded = wasm.module, instance.loaded
    sym = StateSymbols(loaded.compiled.name)
    instance.memories, instance.tables = memories, tables
    vmctx = loaded.address(sym.vmctx)
    if memories:
        ctypes.c_uint64.from_address(vmctx + VMCTX_MEMORY_BASE).value = memories[0].data_ptr
    # The stack limit ``<m>.instantiate`` would set (``rsp - STACK_BUDGET``), kept clear of this thread's stack end.
    ctypes.c_uint64.from_address(vmctx + VMCTX_STACK_LIMIT).value = _native.stack_limit(STACK_BUDGET, STACK_RESERVE)
    funcs = loaded.address(sym.funcs) if module.func_types else 0

    def funcref(index: int) -> int:
        foreign = imported_funcs.get(index)
        return foreign.descriptor if foreign is not None else funcs + 16 * index

    if imported_funcs:
        slots = loaded.address(sym.import_funcrefs)
        for index, bound in imported_funcs.items():
            ctypes.c_uint64.from_address(slots + 8 * index).value = bound.descriptor
        remap = {funcs + 16 * index: bound.descriptor for index, bound in imported_funcs.items()}
        for number, element in enumerate(module.elements):
            if element.mode == "passive" and any(f in imported_funcs for f in element.functions if f is not None):
                words = (ctypes.c_uint64 * len(element.functions)).from_address(
                    loaded.address(sym.indexed("elem", number)))
                for k in range(len(element.functions)):
                    words[k] = remap.get(words[k], words[k])
    for number, element in enumerate(module.elements):
        if element.mode == "passive" and element.global_items:
            # A passive segment's items given by global.get: the global's value, read now (it is immutable).
            words = (ctypes.c_uint64 * len(element.functions)).from_address(
                loaded.address(sym.indexed("elem", number)))
            for position, index in element.global_items:
                words[position] = _global_word(globals_, index)
    if module.globals:
        cells = loaded.address(sym.globals)
        for glob, offset in zip(module.globals, global_offsets(module)[0], strict=True):
            own = Global.at(GlobalType(glob.type, glob.mutable), cells + offset, instance)
            if glob.type is not ValType.V128:  # a v128's constant is the compiler's (no import can feed it)
                own.write_word(_evaluate(glob.init, globals_, funcref))
            globals_.append(own)
    instance.globals = [g for g in globals_ if g is not None]
    first_defined = len(module.imported("table"))
    for number, table_def in enumerate(module.tables):
        if table_def.init is not None:
            # A table initialiser: every entry starts as its value (the globals it may read are written).
            table = tables[first_defined + number]
            table.write_words(0, [_evaluate(table_def.init, globals_, funcref)] * table.size())
    exports: dict[str, Any] = {}
    for export in module.exports:
        match export.kind:
            case "func":
                foreign = imported_funcs.get(export.index)
                if foreign is not None:
                    exports[export.name] = foreign
                else:
                    descriptor = funcs + 16 * export.index
                    code = ctypes.c_uint64.from_address(descriptor).value
                    exported = Export(instance, export.name, code, module.func_type(export.index), descriptor)
                    exports[export.name] = exported
            case "memory":
                exports[export.name] = memories[export.index]
            case "table":
                exports[export.name] = tables[export.index]
            case "global":
                exports[export.name] = globals_[export.index]
    instance.exports = exports
    for name, item in exports.items():
        if isinstance(item, Func):
            try:
                Signature.of(item.type, f"export {name!r}")
            except UnsupportedError as error:  # callable from Python, but not by ``jitdebug run``
                instance.uncallable[name] = str(error)
    for element in module.elements:
        if element.mode != "active" or element.offset_expr is None:
            continue
        table = tables[element.table]
        offset = _evaluate(element.offset_expr, globals_, funcref) & (_MASK64 if table.declared.is_64 else 0xFFFFFFFF)
        if offset + len(element.functions) > table.size():
            raise instantiation_trap(TrapCode.TABLE_OUT_OF_BOUNDS)
        entries = [0 if f is None else funcref(f) for f in element.functions]
        for position, index in element.global_items:
            entries[position] = _global_word(globals_, index)
        table.write_words(offset, entries)
    for segment in module.data:
        if segment.memory is None or segment.offset_expr is None:
            continue
        memory = memories[segment.memory]
        offset = _evaluate(segment.offset_expr, globals_, funcref) & (_MASK64 if memory.declared.is_64 else 0xFFFFFFFF)
        if offset + len(segment.data) > memory.data_len:
            raise instantiation_trap(TrapCode.MEMORY_OUT_OF_BOUNDS)
        memory.write(offset, segment.data)


def _global_word(globals_: Sequence[Global | None], index: int) -> int:
    """The value of global ``index`` as a word (an element item ``global.get``)."""
    source = globals_[index]
    if source is None:
        raise UnsupportedError("an element item reads a global not yet initialised")
    return int(ctypes.c_uint64.from_address(source.address).value)


def _evaluate(expr: Sequence[Instr], globals_: Sequence[Global | None], funcref: Callable[[int], int]) -> int:
    """A constant expression's value as a 64-bit word (floats as bits, a funcref as its descriptor)."""
    stack: list[int] = []
    for instr in expr:
        op = instr.op
        if op == "end":
            break
        if op in ("i32.const", "f32.const"):
            stack.append(int(instr.imm[0]) & 0xFFFFFFFF)  # type: ignore[call-overload]
        elif op in ("i64.const", "f64.const"):
            stack.append(int(instr.imm[0]) & _MASK64)  # type: ignore[call-overload]
        elif op == "ref.null":
            stack.append(0)
        elif op == "ref.func":
            stack.append(funcref(int(instr.imm[0])))  # type: ignore[call-overload]
        elif op == "global.get":
            source = globals_[int(instr.imm[0])]  # type: ignore[call-overload]
            if source is None:
                raise UnsupportedError("constant expression reads a global not yet initialised", instr.offset)
            stack.append(ctypes.c_uint64.from_address(source.address).value)
        elif op in ("i32.add", "i32.sub", "i32.mul", "i64.add", "i64.sub", "i64.mul"):
            b, a = stack.pop(), stack.pop()
            value = a + b if op.endswith("add") else a - b if op.endswith("sub") else a * b
            stack.append(value & (0xFFFFFFFF if op.startswith("i32") else _MASK64))
        else:
            raise UnsupportedError(f"constant expression with {op} is not supported", instr.offset)
    if len(stack) != 1:
        raise UnsupportedError("malformed constant expression")
    return stack[0]


class Linker:
    """Definitions by module and field name, as wasmtime-py's ``Linker``: host items (``define``) and every export
    of an instance (``define_instance``, the spec scripts' ``register``); ``instantiate`` resolves a module's
    imports from them and runs its start function."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], object] = {}

    def define(self, module: str, name: str, item: Import) -> None:
        self._items[(module, name)] = item

    def define_instance(self, module: str, instance: Instance) -> None:
        for name, item in instance.exports.items():
            self._items[(module, name)] = item

    def get(self, module: str, name: str) -> object:
        try:
            return self._items[(module, name)]
        except KeyError:
            raise LinkError(f"unknown import: `{module}::{name}` has not been defined") from None

    def instantiate(self, module: WasmModule, *, perf: PerfWriter | None = None,
                    wasi: WasiConfig | None = None) -> Instance:
        return module.link(self.get, perf=perf, start=True, wasi=wasi)


def compile_wasm(source: str | os.PathLike[str] | bytes, *, module_name: str | None = None,
                 listing_dir: str | os.PathLike[str] | None = None, debug_info: bool = True,
                 cache: CompileCache | None = None, features: Features = DEFAULT,
                 signals_based_traps: bool = True) -> WasmModule:
    """Decode, validate and compile ``source`` (a .wasm or .wat path, or the bytes of a binary module). The listing
    the line table names is written to ``listing_dir`` (default: a new temporary directory), so debuggers can show
    the Wasm lines of JIT frames. With ``debug_info`` False there is no listing, no DWARF and no registration with
    debuggers: what a production embedding that never debugs would pay. With a ``cache`` (``emitter.jit.cache``),
    a module compiled before with the same options by the same compiler is read from it instead. ``features``: the
    proposals beyond Wasm 2.0 to accept that change what Wasm 2.0 encodings mean (``emitter/wasm/features.py``).
    ``signals_based_traps`` (wasmtime's ``Config.signals_based_traps``, ``-O signals-based-traps``): loads and
    stores of 32-bit memories rely on the memory's guard region instead of a compare where the offset fits it, and
    a fault there is the trap (``emitter/codegen/guards.py``); False keeps an explicit check before every access."""
    with collector_paused():
        return _compile_wasm(source, module_name, listing_dir, debug_info, cache, features, signals_based_traps)


def compile_module_jit(module: Module, name: str, *, listing: Any = None,
                       signals_based_traps: bool = True, debug_info: bool = True) -> CompiledModule:
    """The JIT's compilation: linkable state (``runtime.py``) and canonical signature ids."""
    from ..codegen.compiler import compile_module

    return compile_module(module, module_name=name, listing=listing, linkable=True, signature_id=signature_id,
                          signals_based_traps=signals_based_traps, debug_info=debug_info)


def _compile_wasm(source: str | os.PathLike[str] | bytes, module_name: str | None,
                  listing_dir: str | os.PathLike[str] | None, debug_info: bool,
                  cache: CompileCache | None, features: Features, signals_based_traps: bool) -> WasmModule:
    stem = "module" if isinstance(source, bytes) else Path(source).stem
    key = None
    if cache is not None:
        try:
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            key = cache.key(data, module_name, stem, debug_info, features,
                            *(() if signals_based_traps else ("signals-based-traps=n",)))
        except OSError:
            key = None  # load_module reports the unreadable file
        hit = cache.load(key) if key is not None else None
        if hit is not None:
            return _from_cache(hit, listing_dir, Lowerings(cache, key))
    # Imported here: a cache hit needs neither the compiler nor the text assembler (a tenth of a second).
    from ..wasm.listing import render_listing
    from ..wasm.load import load_bytes, load_module

    module = load_bytes(source, features) if isinstance(source, bytes) else load_module(Path(source), features)[1]
    name = module_name or module.module_name or stem
    if not debug_info:
        plain = compile_module_jit(module, name, signals_based_traps=signals_based_traps, debug_info=False)
        result = WasmModule(_without_bodies(module), plain, debug_info=False, lowerings=Lowerings(cache, key))
        if cache is not None and key is not None:
            cache.store(key, (result.module, result.compiled, None))
        return result
    listing = render_listing(module, name)
    directory = Path(listing_dir) if listing_dir is not None else Path(tempfile.mkdtemp(prefix="jitdebug-"))
    listing_file = directory / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.wat.lst"
    listing_file.write_text(listing.text, encoding="utf-8")
    # From here on only the line index is needed: the text (megabytes for a large module) goes before code
    # generation, the compile's peak of memory.
    line_index = listing.index
    del listing
    compiled = compile_module_jit(module, name, listing=line_index, signals_based_traps=signals_based_traps)
    compiled.source_file = listing_file.name
    compiled.source_dir = str(directory.resolve())
    result = WasmModule(_without_bodies(module), compiled, lowerings=Lowerings(cache, key))
    if cache is not None and key is not None:
        cache.store(key, (result.module, compiled, listing_file.read_text(encoding="utf-8")))
    return result


def _from_cache(entry: tuple[Module, CompiledModule, str | None], listing_dir: str | os.PathLike[str] | None,
                lowerings: Lowerings) -> WasmModule:
    """A cached compile, its listing written where this compile's listing would go."""
    module, compiled, listing_text = entry
    if listing_text is None:
        return WasmModule(module, compiled, debug_info=False, lowerings=lowerings)
    directory = Path(listing_dir) if listing_dir is not None else Path(tempfile.mkdtemp(prefix="jitdebug-"))
    (directory / compiled.source_file).write_text(listing_text, encoding="utf-8")
    compiled.source_dir = str(directory.resolve())
    return WasmModule(module, compiled, lowerings=lowerings)


def _without_bodies(module: Module) -> Module:
    """``module`` (decoded here, for this compilation only) once compiled: instantiating needs its types, imports
    and exports, not the instructions, one object per instruction that the collector would keep walking."""
    for function in module.functions:
        function.body = []
    return module
