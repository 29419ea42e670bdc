"""The embedding API: compile a Wasm module, instantiate it with Python callables or native function pointers as
imports, call its exports like Python functions, free it.

    module = compile_wasm("demo.wat")
    with module.instantiate({"log": print}) as instance:
        print(instance.exports["run"](41))

Debug information: each instance's image is registered with the debuggers (GDB JIT interface) lazily, together
with every other instance loaded since (``registrar.py``), at the latest when Wasm code is entered through this
API. A host that calls compiled code by address itself (``Export.address`` flushes when read; addresses from
``Instance.loaded`` do not) calls ``flush_debug_info()`` before.

Imports are keyed by the import's field name, the C ABI symbol of ``(import "M" "F")``. A Python callable goes
through a ctypes callback and the module's host adapter: if it raises, the Wasm code stops there (as at a trap)
and the call of the export raises that exception, with the Wasm backtrace in a note. A ``NativeFunction`` is
called directly. Values cross as in the C ABI: i32/i64 are Python ints, f32/f64 Python floats.

A tag import ``(import "M" "T" (tag ...))`` is a ``struct jitdebug_tag`` descriptor, identity by address (see
``emitter/codegen/exceptions.py``): a ``Tag`` the embedding creates (instances given the same ``Tag`` catch each
other's exceptions) or a ``NativeTag`` defined by native code, e.g. the one a native import throws with
``jitdebug_throw``. The module refers to it with 32-bit pc-relative references (its LSDA type table), as an AOT
object does, so the descriptor must lie within 2 GiB of the JIT code: ``Tag`` maps its descriptor like the JIT
code, and shared libraries are mapped in the same area.
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import re
import struct
import tempfile
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..codegen.runtime import VMCTX_MEMORY_SIZE, StateSymbols, TrapCode
from ..compiled import CompiledModule, ValueType
from ..errors import JitdebugError, TrapError, UnsupportedError
from ..gcpause import collector_paused
from ..wasi.config import WasiConfig, WasiContext, WasiExit
from ..wasi.config import exit_code as wasi_exit_code
from ..wasi.config import host_functions as wasi_host_functions
from ..wasi.config import trap_message as wasi_trap_message
from ..wasi.preview1 import WASI_MODULE
from ..wasi.thunks import LINK_CONTEXT_OFFSET, link_symbol
from ..wasm.features import DEFAULT, Features
from ..wasm.module import FuncType, Module, ValType
from . import _native
from .backtrace import WasmFrame, format_backtrace, memory_fault, trap_message, wasm_frames
from .cache import CompileCache
from .loader import LoadedModule
from .memory import Region
from .perf import PerfWriter
from .registrar import REGISTRAR

#: ``jitdebug_wasi.h``: a host function's trap, and ``proc_exit`` of a context that exits by trap.
JITDEBUG_WASI_TRAP = 64
JITDEBUG_WASI_EXIT = 65

_INTEGER_REGISTERS = 6
_VECTOR_REGISTERS = 8
_STACK_WORDS = 16
_HOST_ERROR = -1
#: ``struct jitdebug_tag``: parameter count, tag index.
_TAG_DESCRIPTOR = struct.Struct("<II")

_CTYPES: dict[ValueType, type[Any]] = {
    ValueType.I32: ctypes.c_int32,
    ValueType.I64: ctypes.c_int64,
    ValueType.F32: ctypes.c_float,
    ValueType.F64: ctypes.c_double,
}
_FROM_WASM = {ValType.I32: ValueType.I32, ValType.I64: ValueType.I64, ValType.F32: ValueType.F32,
              ValType.F64: ValueType.F64, ValType.V128: ValueType.V128}


@dataclass(frozen=True, slots=True)
class Signature:
    """A function type in the C ABI: parameters and at most one result."""

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


@dataclass(frozen=True, slots=True)
class NativeFunction:
    """An import implemented by native code at ``address`` (C calling convention)."""

    address: int


@dataclass(frozen=True, slots=True)
class NativeTag:
    """A tag import whose ``struct jitdebug_tag`` descriptor native code defines at ``address``."""

    address: int


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


Import = Callable[..., Any] | NativeFunction | Tag | NativeTag


class _HostErrors(threading.local):
    def __init__(self) -> None:
        self.pending: BaseException | None = None


_host_errors = _HostErrors()
#: Instances not yet freed, in creation order (a dict as an ordered set): trap backtraces map frames of any of them.
_LIVE_INSTANCES: dict[Instance, None] = {}


def flush_debug_info() -> None:
    """Register every loaded module with the debuggers now (they are registered in batches, and otherwise only
    when Wasm code is entered through this API): for a host about to call compiled code through an address."""
    REGISTRAR.flush()


def _invoke(address: int, integers: Sequence[int], vectors: Sequence[int], stack: Sequence[int],
            vector_result: bool = False) -> tuple[bool, int, int, int, tuple[int, ...]]:
    """Every call into compiled code goes through here: pending debug registrations are flushed first."""
    REGISTRAR.enter()
    try:
        return _native.invoke(address, integers, vectors, stack, vector_result)
    finally:
        REGISTRAR.leave()


def v128_bits(value: object) -> int:
    """A v128 argument as its 128 bits: 16 bytes (lane 0 first, as in memory) or an int below 2**128."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if len(data) != 16:
            raise TypeError(f"a v128 is 16 bytes, not {len(data)}")
        return int.from_bytes(data, "little")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 128:
        return value
    raise TypeError(f"a v128 is 16 bytes or an int in [0, 2**128), not {value!r}")


_LANE_FORMATS = {"i8x16": "b", "u8x16": "B", "i16x8": "h", "u16x8": "H", "i32x4": "i", "u32x4": "I", "i64x2": "q",
                 "u64x2": "Q", "f32x4": "f", "f64x2": "d"}


def lanes(value: bytes, shape: str) -> tuple[int | float, ...]:
    """The lanes of a v128 (an export's result is 16 bytes) in ``shape``: ``i8x16``... ``f64x2``, or ``u8x16``...
    for unsigned integer lanes; lane 0 first."""
    code = _LANE_FORMATS.get(shape)
    if code is None:
        raise ValueError(f"unknown lane shape {shape!r} (one of {', '.join(_LANE_FORMATS)})")
    count = int(shape.split("x")[1])
    return struct.unpack(f"<{count}{code}", v128_bits(value).to_bytes(16, "little"))


def _integer(value: int, value_type: ValueType) -> int:
    bits = 32 if value_type is ValueType.I32 else 64
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _host_callback(name: str, function: Callable[..., Any], signature: Signature) -> Any:
    """A ctypes callback for a Python import. An exception is kept for the caller of the export and flagged to
    the host adapter, which traps as soon as the callback has returned."""
    if len(signature.params) > _INTEGER_REGISTERS:
        raise UnsupportedError(f"import {name!r} has more parameters than the host adapter passes in registers")
    if ValueType.V128 in signature.params + signature.results:
        raise UnsupportedError(f"import {name!r} has a v128 parameter or result, which a Python import cannot take "
                               "(ctypes has no vector type): bind it to a NativeFunction")
    restype = _CTYPES[signature.results[0]] if signature.results else None
    prototype = ctypes.CFUNCTYPE(restype, *(_CTYPES[t] for t in signature.params))

    def call(*args: Any) -> Any:
        try:
            result = function(*args)
            if signature.results:
                if signature.results[0] in (ValueType.I32, ValueType.I64):
                    return _integer(int(result), signature.results[0])
                return float(result)
            return None
        except BaseException as error:  # noqa: B036 - any exception must stop the Wasm code, not unwind C frames
            _host_errors.pending = error
            _native.set_host_error()
            return 0 if signature.results else None

    return prototype(call)


class Export:
    """A callable export. Calls raise ``TrapError`` on a trap (its text is wasmtime's backtrace)."""

    def __init__(self, instance: Instance, name: str, address: int, signature: Signature) -> None:
        # A weak reference: the instance holds its exports, and a cycle would keep a freed instance's loaded module
        # (tens of thousands of objects for a large one) until a full collection. A live instance cannot vanish
        # (``_LIVE_INSTANCES`` holds it until ``free``); an export outliving its freed instance raises as it would.
        self._instance = weakref.ref(instance)
        self._module_name = instance.loaded.compiled.name
        self.name = name
        self._address = address
        self.signature = signature

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

    def __call__(self, *args: int | float | bytes) -> Any:
        params = self.signature.params
        if len(args) != len(params):
            raise TypeError(f"{self.name}() takes {len(params)} arguments ({len(args)} given)")
        integers: list[int] = []
        vectors: list[int] = []
        stack: list[int] = []
        for value, value_type in zip(args, params, strict=True):
            match value_type:
                case ValueType.I32 | ValueType.I64:
                    word = int(value) & (2**64 - 1)
                    (integers if len(integers) < _INTEGER_REGISTERS else stack).append(word)
                case ValueType.F32:
                    word = struct.unpack("<I", struct.pack("<f", value))[0]
                    (vectors if len(vectors) < _VECTOR_REGISTERS else stack).append(word)
                case ValueType.V128:
                    bits = v128_bits(value)
                    if len(vectors) < _VECTOR_REGISTERS:
                        vectors.append(bits)
                    else:
                        stack.extend([0] * (len(stack) % 2) + [bits & (2**64 - 1), bits >> 64])
                case _:
                    word = struct.unpack("<Q", struct.pack("<d", value))[0]
                    (vectors if len(vectors) < _VECTOR_REGISTERS else stack).append(word)
        if len(stack) > _STACK_WORDS:
            raise UnsupportedError(f"export {self.name!r} has more parameters than the JIT entry passes")
        instance = self.instance
        instance.check_live()
        vector_result = self.signature.results == (ValueType.V128,)
        trapped, rax, xmm0, code, frames = _invoke(self._address, integers, vectors, stack, vector_result)
        if trapped:
            instance.raise_trap(code, frames)
        if not self.signature.results:
            return None
        result = self.signature.results[0]
        match result:
            case ValueType.V128:
                return xmm0.to_bytes(16, "little")
            case ValueType.I32 | ValueType.I64:
                return _integer(rax, result)
            case ValueType.F32:
                return struct.unpack("<f", struct.pack("<I", xmm0 & 0xFFFFFFFF))[0]
            case _:
                return struct.unpack("<d", struct.pack("<Q", xmm0))[0]


class Instance:
    """A loaded module with its imports bound. ``free()`` (or leaving a ``with`` block) unregisters and unmaps it;
    calling an export afterwards raises ``JitdebugError``."""

    def __init__(self, compiled: CompiledModule, *, exports: Mapping[str, Signature],
                 imports: Mapping[str, tuple[Callable[..., Any] | NativeFunction, Signature]],
                 tags: Mapping[str, Tag | NativeTag] | None = None, perf: PerfWriter | None = None,
                 display_names: Mapping[int, str | None] | None = None, debug_info: bool = True,
                 wasi: WasiContext | None = None) -> None:
        """``wasi``: the instance's WASI context, which it then owns (freed with it)."""
        self._callbacks = []
        self._wasi = wasi
        # The instance keeps its tags alive: a ``Tag``'s descriptor must outlive every module referring to it.
        self._tags = dict(tags or {})
        resolve: dict[str, int] = {name: tag.address for name, tag in self._tags.items()}
        host: set[str] = set()
        for name, (function, signature) in imports.items():
            if isinstance(function, NativeFunction):
                resolve[name] = function.address
            else:
                callback = _host_callback(name, function, signature)
                self._callbacks.append(callback)
                resolve[name] = ctypes.cast(callback, ctypes.c_void_p).value or 0
                host.add(name)
        with collector_paused():  # loading allocates much and frees it all; see gcpause
            self.loaded = LoadedModule(compiled, resolve, host_imports=frozenset(host), perf=perf,
                                       debug_info=debug_info)
        if wasi is not None:
            link = self.loaded.address(link_symbol(compiled.name)) + LINK_CONTEXT_OFFSET
            ctypes.c_uint64.from_address(link).value = wasi.address
        self.display_names = dict(display_names or {})
        #: Exported functions that ``exports`` leaves out, with the reason (their type has no C ABI form).
        self.uncallable: dict[str, str] = {}
        self.exports = {name: Export(self, name, self.loaded.address(name), signature)
                        for name, signature in exports.items()}
        self._live = True
        _LIVE_INSTANCES[self] = None

    def check_live(self) -> None:
        if not self._live:
            raise JitdebugError(f"module {self.loaded.compiled.name!r} has been freed")

    def call_symbol(self, symbol: str) -> None:
        """Call a function of the module that takes and returns nothing, by symbol (e.g. its instantiation)."""
        self.check_live()
        trapped, _, _, code, frames = _invoke(self.loaded.address(symbol), [], [], [])
        if trapped:
            self.raise_trap(code, frames)

    def frames(self, return_addresses: Sequence[int]) -> list[WasmFrame]:
        """Wasm frames of a native trace: this instance's and those of every other live instance, since a chain of
        calls may cross modules (imports bound to another instance's code)."""
        others = [(i.loaded, i.display_names) for i in list(_LIVE_INSTANCES) if i is not self]
        return wasm_frames(return_addresses, [(self.loaded, self.display_names), *others])

    def raise_trap(self, code: int, return_addresses: Sequence[int]) -> None:
        frames = self.frames(return_addresses)
        if code == JITDEBUG_WASI_EXIT:
            raise WasiExit(wasi_exit_code())
        if code == JITDEBUG_WASI_TRAP:
            *causes, message = wasi_trap_message().split("\n")
            raise TrapError(message, format_backtrace(frames, message, causes))
        if code == _HOST_ERROR and _host_errors.pending is not None:
            error, _host_errors.pending = _host_errors.pending, None
            error.add_note(format_backtrace(frames, None).rstrip())
            raise error
        if code == TrapCode.STACK_OVERFLOW and frames:
            # The stack check runs on entry, before the function's first instruction: wasmtime names no offset.
            frames[0] = dataclasses.replace(frames[0], module_offset=None)
        message = trap_message(code)
        causes = []
        if code == TrapCode.MEMORY_FAULT:
            state = StateSymbols(self.loaded.compiled.name)
            address = int.from_bytes(self.loaded.read(self.loaded.address(state.fault_address), 8), "little")
            size = int.from_bytes(self.loaded.read(self.loaded.address(state.vmctx) + VMCTX_MEMORY_SIZE, 8), "little")
            causes.append(memory_fault(address, size))
        raise TrapError(message, format_backtrace(frames, message, causes))

    def free(self) -> None:
        if self._live:
            self._live = False
            _LIVE_INSTANCES.pop(self, None)
            self.loaded.free()
            self._callbacks.clear()
            if self._wasi is not None:
                self._wasi.close()

    def __enter__(self) -> Instance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.free()


@dataclass
class WasmModule:
    """A compiled Wasm module, ready to be instantiated (any number of times)."""

    module: Module
    compiled: CompiledModule
    #: False: instances get no DWARF and are not registered with debuggers (see ``compile_wasm``).
    debug_info: bool = True

    def signature(self, function_index: int, what: str) -> Signature:
        return Signature.of(self.module.types[self.module.func_types[function_index]], what)

    def instantiate(self, imports: Mapping[str, Import] | None = None, *, perf: PerfWriter | None = None,
                    wasi: WasiConfig | None = None) -> Instance:
        """Bind ``imports`` by field name; the module's ``wasi_snapshot_preview1`` imports are the native WASI
        host functions, seeing the world ``wasi`` describes (required when the module imports WASI)."""
        given = dict(imports or {})
        bound: dict[str, tuple[Callable[..., Any] | NativeFunction, Signature]] = {}
        tags: dict[str, Tag | NativeTag] = {}
        function_index = 0
        tag_index = 0
        context = self._wasi_context(wasi)
        if context is not None:
            bound.update({symbol: (NativeFunction(address), Signature(()))
                          for symbol, address in wasi_host_functions().items()})
        for wasm_import in self.module.imports:
            if wasm_import.module == WASI_MODULE:
                function_index += 1
                continue
            if wasm_import.kind == "tag":
                tags[wasm_import.name] = self._tag(wasm_import.module, wasm_import.name, tag_index, given)
                tag_index += 1
                continue
            if wasm_import.kind != "func":
                continue
            if wasm_import.name not in given:
                raise JitdebugError(f"missing import {wasm_import.module}.{wasm_import.name}")
            function = given.pop(wasm_import.name)
            if isinstance(function, Tag | NativeTag):
                raise JitdebugError(f"import {wasm_import.module}.{wasm_import.name} is a function, not a tag")
            signature = self.signature(function_index, f"import {wasm_import.name!r}")
            bound[wasm_import.name] = (function, signature)
            function_index += 1
        if given:
            raise JitdebugError(f"unknown imports: {', '.join(sorted(given))}")
        # An export outside the C ABI (a reference type, several results) is not callable from here, but the
        # module still instantiates and its other exports work: calling that one is the error (``uncallable``).
        exports: dict[str, Signature] = {}
        uncallable: dict[str, str] = {}
        for export in self.module.exports:
            if export.kind == "func":
                try:
                    exports[export.name] = self.signature(export.index, f"export {export.name!r}")
                except UnsupportedError as error:
                    uncallable[export.name] = str(error)
        names: dict[int, str | None] = {f.index: self.module.function_names.get(f.index)
                                        for f in self.module.functions}
        try:
            instance = Instance(self.compiled, exports=exports, imports=bound, tags=tags, perf=perf,
                                display_names=names, debug_info=self.debug_info, wasi=context)
        except BaseException:
            if context is not None:
                context.close()
            raise
        instance.uncallable = uncallable
        return instance

    def _wasi_context(self, wasi: WasiConfig | None) -> WasiContext | None:
        if not any(i.module == WASI_MODULE for i in self.module.imports):
            if wasi is not None:
                raise JitdebugError(f"a WASI configuration was given but the module imports no {WASI_MODULE}")
            return None
        if wasi is None:
            raise JitdebugError(f"the module imports {WASI_MODULE}: instantiate it with wasi=WasiConfig(...)")
        return wasi.open()

    def _tag(self, module: str, name: str, tag_index: int, given: dict[str, Import]) -> Tag | NativeTag:
        """The descriptor given for tag import ``module.name``, checked against the import's parameters (a
        handler copies exactly that many payload words)."""
        params = [_FROM_WASM.get(t) for t in self.module.types[self.module.tags[tag_index]].params]
        wanted = f"a tag with {len(params)} parameter{'s' if len(params) != 1 else ''}"
        if name not in given:
            raise JitdebugError(f"missing import {module}.{name} ({wanted})")
        tag = given.pop(name)
        if not isinstance(tag, Tag | NativeTag):
            raise JitdebugError(f"import {module}.{name} is {wanted}; a {type(tag).__name__} was given")
        count = len(tag.params) if isinstance(tag, Tag) else _TAG_DESCRIPTOR.unpack(
            ctypes.string_at(tag.address, _TAG_DESCRIPTOR.size))[0]
        if count != len(params):
            raise JitdebugError(f"import {module}.{name} is {wanted}; the given tag has {count}")
        if isinstance(tag, Tag) and list(tag.params) != params:
            types = ", ".join(t.value if t is not None else "ref" for t in params)
            raise JitdebugError(f"import {module}.{name} is a tag of ({types}); the given tag has "
                                f"({', '.join(t.value for t in tag.params)})")
        return tag


def compile_wasm(source: str | os.PathLike[str], *, module_name: str | None = None,
                 listing_dir: str | os.PathLike[str] | None = None, debug_info: bool = True,
                 cache: CompileCache | None = None, features: Features = DEFAULT) -> WasmModule:
    """Decode, validate and compile ``source`` (.wasm or .wat). The listing the line table names is written to
    ``listing_dir`` (default: a new temporary directory), so debuggers can show the Wasm lines of JIT frames.
    With ``debug_info`` False there is no listing, no DWARF and no registration with debuggers: what a
    production embedding that never debugs would pay. With a ``cache`` (``emitter.jit.cache``), a module
    compiled before with the same options by the same compiler is read from it instead. ``features``: the
    proposals beyond Wasm 2.0 to accept that change what Wasm 2.0 encodings mean (``emitter/wasm/features.py``)."""
    with collector_paused():
        return _compile_wasm(Path(source), module_name, listing_dir, debug_info, cache, features)


def _compile_wasm(path: Path, module_name: str | None, listing_dir: str | os.PathLike[str] | None,
                  debug_info: bool, cache: CompileCache | None, features: Features) -> WasmModule:
    key = None
    if cache is not None:
        try:
            key = cache.key(path.read_bytes(), module_name, path.stem, debug_info, features)
        except OSError:
            key = None  # load_module reports the unreadable file
        hit = cache.load(key) if key is not None else None
        if hit is not None:
            return _from_cache(hit, listing_dir)
    # Imported here: a cache hit needs neither the compiler nor the text assembler (a tenth of a second).
    from ..codegen.compiler import compile_module
    from ..wasm.listing import render_listing
    from ..wasm.load import load_module

    _, module = load_module(path, features)
    name = module_name or module.module_name or path.stem
    if not debug_info:
        plain = compile_module(module, module_name=name)
        result = WasmModule(_without_bodies(module), plain, debug_info=False)
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
    compiled = compile_module(module, module_name=name, listing=line_index)
    compiled.source_file = listing_file.name
    compiled.source_dir = str(directory.resolve())
    result = WasmModule(_without_bodies(module), compiled)
    if cache is not None and key is not None:
        cache.store(key, (result.module, compiled, listing_file.read_text(encoding="utf-8")))
    return result


def _from_cache(entry: tuple[Module, CompiledModule, str | None], listing_dir: str | os.PathLike[str] | None
                ) -> WasmModule:
    """A cached compile, its listing written where this compile's listing would go."""
    module, compiled, listing_text = entry
    if listing_text is None:
        return WasmModule(module, compiled, debug_info=False)
    directory = Path(listing_dir) if listing_dir is not None else Path(tempfile.mkdtemp(prefix="jitdebug-"))
    (directory / compiled.source_file).write_text(listing_text, encoding="utf-8")
    compiled.source_dir = str(directory.resolve())
    return WasmModule(module, compiled)


def _without_bodies(module: Module) -> Module:
    """``module`` (decoded here, for this compilation only) once compiled: instantiating needs its types, imports
    and exports, not the instructions, one object per instruction that the collector would keep walking."""
    for function in module.functions:
        function.body = []
    return module
