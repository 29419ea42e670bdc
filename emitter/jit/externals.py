"""What crosses the embedding API: functions, memories, tables and globals (host-created, or another instance's
exports) and the values they hold, with wasmtime-py's semantics.

Values: i32/i64 are Python ints (taken signed or unsigned, given back signed); f32/f64 Python floats; funcref a
``Func`` or None; externref any Python object or None (the JIT holds a handle: the object is kept alive by a
process-wide table for as long as the process lives, since a Wasm table or global may keep the handle anywhere).
A Python float cannot carry a signalling NaN (converting an f32 to it quiets the NaN), so every place that takes
or gives values has a *bits* form: ``Func.call_bits``, ``Global.bits``, host functions made with ``bits=True``,
where every numeric value is its unsigned bit pattern (i32/f32 as u32, i64/f64 as u64), exact.

Storage: a ``Memory`` reserves the address space of its whole maximum at once (the declared maximum, else 4 GiB:
65,536 pages, the 32-bit limit) as one private ``MAP_NORESERVE`` mapping, ``PROT_NONE``, so its base never moves
and ``memory.grow`` up to the maximum cannot fail for want of room: growing makes the new pages read-write
(``jitdebug_memory_grow`` in ``_native.c``, which the JIT's ``memory.grow`` calls) and stores the new size; the
kernel commits each page on its first touch. Accesses are bounds-checked against the size before they are made;
the pages past it stay inaccessible (a core file leaves them out). Each memory and
table has a record (``runtime.py``: ``struct jitdebug_memory`` / ``struct jitdebug_table``) that every instance
using it points to, so an import shares the size with its exporter. A ``Table`` likewise reserves its capacity
(the declared maximum, at most ``TABLE_CAP_ENTRIES``) of 8-byte entries.
"""

from __future__ import annotations

import ctypes
import os
import struct
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..codegen import guards
from ..codegen.runtime import (
    MEMORY32_MAX_PAGES,
    MEMORY_RECORD_BASE,
    MEMORY_RECORD_MAXIMUM,
    MEMORY_RECORD_RESERVED,
    MEMORY_RECORD_SIZE,
    TABLE_CAP_ENTRIES,
    TABLE_RECORD_BASE,
    TABLE_RECORD_CAPACITY,
    TABLE_RECORD_SIZE,
    WASM_PAGE,
    StateSymbols,
    TrapCode,
)
from ..errors import JitdebugError, TrapError, UnsupportedError
from ..wasm.module import FuncType, GlobalType, ValType
from . import _native, mman
from .backtrace import format_backtrace, memory_fault, trap_message, wasm_frames
from .memory import PAGE_SIZE
from .registrar import REGISTRAR
from .types import MemoryType, TableType, func_type_text, signature_type

if TYPE_CHECKING:
    from .loader import LoadedModule

_INTEGER_REGISTERS = 6
_VECTOR_REGISTERS = 8
_STACK_WORDS = 16
HOST_ERROR = -1
#: ``jitdebug_wasi.h``: a host function's trap, and ``proc_exit`` of a context that exits by trap.
JITDEBUG_WASI_TRAP = 64
JITDEBUG_WASI_EXIT = 65
_MASK64 = (1 << 64) - 1
_NUMERIC = (ValType.I32, ValType.I64, ValType.F32, ValType.F64)
_REFERENCES = (ValType.FUNCREF, ValType.EXTERNREF)

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_libc.munmap.restype = ctypes.c_int
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_MAP_NORESERVE = mman.MAP_NORESERVE
_MAP_FAILED = ctypes.c_void_p(-1).value


# -- the instances alive (trap backtraces map frames of any of them) -------------------------------------------------
#: Instances not yet freed, in creation order (a dict as an ordered set).
LIVE_INSTANCES: dict[Any, None] = {}


class _HostErrors(threading.local):
    def __init__(self) -> None:
        self.pending: BaseException | None = None


host_errors = _HostErrors()


def invoke(address: int, integers: Sequence[int], vectors: Sequence[int], stack: Sequence[int],
           vector_result: bool = False) -> tuple[bool, int, int, int, tuple[int, ...]]:
    """Every call into compiled code goes through here: pending debug registrations are flushed first.
    ``vectors`` are bit patterns (an f32 in the low 32 bits, a v128 all 128); with ``vector_result`` the xmm0 of
    the result is all 128 bits."""
    REGISTRAR.enter()
    try:
        return _native.invoke(address, integers, vectors, stack, vector_result)
    finally:
        REGISTRAR.leave()


def v128_bits(value: object) -> int:
    """A v128 argument as its 128 bits: 16 bytes (lane 0 first, as in memory) or an int below 2**128."""
    if isinstance(value, bytes | bytearray | memoryview):
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


def raise_trap(code: int, return_addresses: Sequence[int], first: Any = None) -> None:
    """Raise what a trap (or an exception of a Python import) stopped the Wasm code with; frames of every live
    instance are named (``first``, the instance called, is looked at first)."""
    instances = list(LIVE_INSTANCES)
    if first is not None and first in LIVE_INSTANCES:
        instances.remove(first)
        instances.insert(0, first)
    frames = wasm_frames(return_addresses, [(i.loaded, i.display_names) for i in instances])
    if code in (JITDEBUG_WASI_EXIT, JITDEBUG_WASI_TRAP):
        from ..wasi.config import WasiExit, exit_code  # noqa: PLC0415
        from ..wasi.config import trap_message as wasi_trap_message

        if code == JITDEBUG_WASI_EXIT:
            raise WasiExit(exit_code())
        *wasi_causes, wasi_message = wasi_trap_message().split("\n")
        raise TrapError(wasi_message, format_backtrace(frames, wasi_message, wasi_causes))
    if code == HOST_ERROR and host_errors.pending is not None:
        error, host_errors.pending = host_errors.pending, None
        error.add_note(format_backtrace(frames, None).rstrip())
        raise error
    if code == TrapCode.STACK_OVERFLOW and frames:
        # The stack check runs on entry, before the function's first instruction: wasmtime names no offset.
        frames[0] = _without_offset(frames[0])
    message = trap_message(code)
    causes = []
    if code == TrapCode.MEMORY_FAULT:
        trapping = next((i for pc in return_addresses for i in instances if i.loaded.function_at(pc - 1)), None)
        if trapping is not None:
            causes.append(trapping.memory_fault_cause())
    raise TrapError(message, format_backtrace(frames, message, causes))


def _without_offset(frame: Any) -> Any:
    import dataclasses

    return dataclasses.replace(frame, module_offset=None)


def instantiation_trap(code: TrapCode) -> TrapError:
    """A trap of instantiation itself (an active segment out of bounds), before any Wasm code ran."""
    message = code.caused_by
    return TrapError(message, format_backtrace([], message))


# -- values ---------------------------------------------------------------------------------------------------------
_EXTERN_LOCK = threading.Lock()
_EXTERN_OBJECTS: dict[int, object] = {}
_EXTERN_HANDLES: dict[int, int] = {}


def _extern_handle(value: object) -> int:
    with _EXTERN_LOCK:
        handle = _EXTERN_HANDLES.get(id(value))
        if handle is None or _EXTERN_OBJECTS.get(handle) is not value:
            handle = len(_EXTERN_OBJECTS) + 1
            _EXTERN_OBJECTS[handle] = value
            _EXTERN_HANDLES[id(value)] = handle
        return handle


def to_word(value: Any, value_type: ValType, *, bits: bool = False, what: str = "value") -> int:
    """The 64-bit word a value is in Wasm code (floats as their bits; ``bits``: numbers are bit patterns)."""
    match value_type:
        case ValType.I32 | ValType.I64:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{what} must be an int for {value_type.text}, not {type(value).__name__}")
            return value & (0xFFFFFFFF if value_type is ValType.I32 else _MASK64)
        case ValType.F32:
            if bits:
                return int(value) & 0xFFFFFFFF
            if not isinstance(value, int | float):
                raise TypeError(f"{what} must be a float for f32, not {type(value).__name__}")
            return int(struct.unpack("<I", struct.pack("<f", value))[0])
        case ValType.F64:
            if bits:
                return int(value) & _MASK64
            if not isinstance(value, int | float):
                raise TypeError(f"{what} must be a float for f64, not {type(value).__name__}")
            return int(struct.unpack("<Q", struct.pack("<d", value))[0])
        case ValType.FUNCREF:
            if value is None:
                return 0
            if not isinstance(value, Func):
                raise TypeError(f"{what} must be a Func or None for funcref, not {type(value).__name__}")
            return value.descriptor
        case ValType.EXTERNREF:
            return 0 if value is None else _extern_handle(value)
        case ValType.EXNREF:
            # Python holds no exception reference of its own to give (an exception reaches it as the error it
            # raises), so the one exnref it can pass is the null one.
            if value is not None:
                raise TypeError(f"{what} must be None for exnref, not {type(value).__name__}")
            return 0
        case ValType.V128:
            return v128_bits(value)
    raise UnsupportedError(f"{what} of type {value_type.text} cannot cross the embedding API")


def from_word(word: int, value_type: ValType, *, bits: bool = False) -> Any:
    match value_type:
        case ValType.I32:
            word &= 0xFFFFFFFF
            return word if bits else word - (1 << 32) if word >> 31 else word
        case ValType.I64:
            word &= _MASK64
            return word if bits else word - (1 << 64) if word >> 63 else word
        case ValType.F32:
            word &= 0xFFFFFFFF
            return word if bits else struct.unpack("<f", struct.pack("<I", word))[0]
        case ValType.F64:
            word &= _MASK64
            return word if bits else struct.unpack("<d", struct.pack("<Q", word))[0]
        case ValType.FUNCREF:
            return None if word == 0 else Func.from_descriptor(word)
        case ValType.EXTERNREF:
            return None if word == 0 else _EXTERN_OBJECTS[word]
        case ValType.EXNREF:
            if word == 0:
                return None
            raise UnsupportedError("a non-null exnref cannot cross the embedding API (it has no Python value)")
        case ValType.V128:
            return word.to_bytes(16, "little")
    raise UnsupportedError(f"a value of type {value_type.text} cannot cross the embedding API")


def check_callable(func_type: FuncType, what: str, *, vectors: bool = False) -> None:
    """Refuse a type the API cannot call (``vectors``: v128 values are fine, as for exports)."""
    allowed = _NUMERIC + _REFERENCES + ((ValType.V128,) if vectors else ())
    unsupported = [t.text for t in (*func_type.params, *func_type.results) if t not in allowed]
    if unsupported:
        raise UnsupportedError(f"{what} has type {func_type_text(func_type)}, which the JIT cannot call from Python")


# -- functions ------------------------------------------------------------------------------------------------------
def call_code(address: int, func_type: FuncType, args: Sequence[Any], *, bits: bool, name: str,
              instance: Any = None) -> tuple[Any, ...]:
    """Call compiled code at ``address`` with the internal convention of ``func_type`` (the platform's C
    convention; several results through a hidden pointer to an area in the first integer register, result ``i``
    of ``n`` at ``8 * (n - 1 - i)``)."""
    params, results = func_type.params, func_type.results
    if len(args) != len(params):
        raise TypeError(f"{name}() takes {len(params)} arguments ({len(args)} given)")
    integers: list[int] = []
    vectors: list[int] = []
    stack: list[int] = []
    area = None
    if len(results) > 1 and ValType.V128 in results:
        raise UnsupportedError(f"{name} returns several values with a v128 among them, which the API cannot take")
    if len(results) > 1:
        area = (ctypes.c_uint64 * len(results))()
        integers.append(ctypes.addressof(area))
    for index, (value, value_type) in enumerate(zip(args, params, strict=True)):
        word = to_word(value, value_type, bits=bits, what=f"argument {index} of {name}()")
        if value_type is ValType.V128:
            if len(vectors) < _VECTOR_REGISTERS:
                vectors.append(word)
            else:
                stack.extend([0] * (len(stack) % 2) + [word & _MASK64, word >> 64])
        elif value_type in (ValType.F32, ValType.F64):
            (vectors if len(vectors) < _VECTOR_REGISTERS else stack).append(word)
        else:
            (integers if len(integers) < _INTEGER_REGISTERS else stack).append(word)
    if len(stack) > _STACK_WORDS:
        raise UnsupportedError(f"{name} has more parameters than the JIT entry passes")
    vector_result = results == (ValType.V128,)
    trapped, rax, xmm0, code, frames = invoke(address, integers, vectors, stack, vector_result)
    if trapped:
        raise_trap(code, frames, instance)
    if area is not None:
        n = len(results)
        return tuple(from_word(area[n - 1 - i], t, bits=bits) for i, t in enumerate(results))
    if not results:
        return ()
    word = xmm0 if results[0] in (ValType.F32, ValType.F64, ValType.V128) else rax
    return (from_word(word, results[0], bits=bits),)


_CTYPES: dict[ValType, Any] = {
    ValType.I32: ctypes.c_int32, ValType.I64: ctypes.c_int64,
    # Floats travel as doubles: ctypes would convert an f32 argument to a Python float through a C float-to-double
    # conversion, which quiets a signalling NaN; the low 32 bits of the xmm register are the f32's exact bits.
    ValType.F32: ctypes.c_double, ValType.F64: ctypes.c_double,
    ValType.FUNCREF: ctypes.c_uint64, ValType.EXTERNREF: ctypes.c_uint64,
}


def _double_bits(value: float) -> int:
    return int(struct.unpack("<Q", struct.pack("<d", value))[0])


def _bits_double(word: int) -> float:
    return float(struct.unpack("<d", struct.pack("<Q", word & _MASK64))[0])


def host_callback(name: str, function: Callable[..., Any], func_type: FuncType, *, bits: bool = False) -> Any:
    """A ctypes callback calling ``function`` with Wasm's convention for ``func_type``. An exception is kept for
    the caller of the export and flagged to the host adapter, which traps as soon as the callback has returned."""
    check_callable(func_type, f"import {name!r}")
    params, results = func_type.params, func_type.results
    multi = len(results) > 1
    integer_count = sum(1 for t in params if t not in (ValType.F32, ValType.F64)) + multi
    if integer_count > _INTEGER_REGISTERS or len(params) - integer_count + multi > _VECTOR_REGISTERS:
        raise UnsupportedError(f"import {name!r} has more parameters than the host adapter passes in registers")
    restype = None if multi or not results else _CTYPES[results[0]]
    argtypes = ([ctypes.c_void_p] if multi else []) + [_CTYPES[t] for t in params]
    prototype = ctypes.CFUNCTYPE(restype, *argtypes)

    def result_word(value: Any, value_type: ValType) -> int:
        return to_word(value, value_type, bits=bits, what=f"result of import {name!r}")

    def call(*raw: Any) -> Any:
        try:
            words = raw[1:] if multi else raw
            args = []
            for word, value_type in zip(words, params, strict=True):
                if value_type in (ValType.F32, ValType.F64):
                    word = _double_bits(word)
                args.append(from_word(word, value_type, bits=bits))
            result = function(*args)
            if not results:
                return None
            if multi:
                values = tuple(result)
                if len(values) != len(results):
                    raise TypeError(f"import {name!r} returned {len(values)} values, its type has {len(results)}")
                area = ctypes.cast(raw[0], ctypes.POINTER(ctypes.c_uint64))
                n = len(results)
                for i, (value, value_type) in enumerate(zip(values, results, strict=True)):
                    area[n - 1 - i] = result_word(value, value_type)
                return None
            if isinstance(result, tuple) and len(result) == 1:
                result = result[0]
            word = result_word(result, results[0])
            if results[0] in (ValType.F32, ValType.F64):
                return _bits_double(word)
            return _signed(word, results[0])
        except BaseException as error:  # noqa: B036 - any exception must stop the Wasm code, not unwind C frames
            host_errors.pending = error
            _native.set_host_error()
            if restype is None:
                return None
            return 0.0 if restype is ctypes.c_double else 0

    return prototype(call)


def _signed(word: int, value_type: ValType) -> int:
    if value_type is ValType.I32:
        word &= 0xFFFFFFFF
        return word - (1 << 32) if word >> 31 else word
    if value_type is ValType.I64:
        return word - (1 << 64) if word >> 63 else word
    return word


class Func:
    """A function: a host function (``Func(type, callable)``; ``bits=True`` gives and takes numbers as bit
    patterns), an instance's export, or a funcref value. Calling it returns None for no result, the value for
    one, a tuple for several (``call_bits``: always a tuple, numbers as bit patterns). Equal funcrefs are equal
    ``Func`` objects (same descriptor)."""

    def __init__(self, func_type: FuncType, function: Callable[..., Any], *, bits: bool = False) -> None:
        check_callable(func_type, "a host function")
        self.type = func_type
        self.host: Callable[..., Any] | None = function
        self.host_bits = bits
        self.name = getattr(function, "__name__", "function")
        self._descriptor = 0
        #: What must stay alive while this function may be called: its instance, or the module holding the
        #: descriptor of a host function.
        self.owner: Any = None

    @classmethod
    def from_descriptor(cls, descriptor: int, owner: Any = None) -> Func:
        func = cls.__new__(cls)
        func.type = signature_type(ctypes.c_uint64.from_address(descriptor + 8).value)
        func.host = None
        func.host_bits = False
        func.name = "function"
        func._descriptor = descriptor
        func.owner = owner
        return func

    @property
    def descriptor(self) -> int:
        """The address of its 16-byte descriptor (code, signature id): what a funcref value is."""
        if not self._descriptor:
            from .hostfunc import host_descriptor  # noqa: PLC0415 - compiles a module: the JIT's own API

            self._descriptor, self.owner = host_descriptor(self)
        return self._descriptor

    @property
    def code(self) -> int:
        return int(ctypes.c_uint64.from_address(self.descriptor).value)

    def _check_owner(self) -> None:
        check = getattr(self.owner, "check_live", None)
        if check is not None:
            check()

    def __call__(self, *args: Any) -> Any:
        values = self.call(*args)
        return None if not values else values[0] if len(values) == 1 else values

    def call(self, *args: Any) -> tuple[Any, ...]:
        """The results as a tuple."""
        self._check_owner()
        if self.host is not None and not self._descriptor:
            return _host_results(self.host(*args), self.type)
        return call_code(self.code, self.type, args, bits=False, name=self.name, instance=self.owner)

    def call_bits(self, *args: Any) -> tuple[Any, ...]:
        """Numbers in and out as unsigned bit patterns (i32/f32 as u32, i64/f64 as u64): exact, NaN payloads and
        signalling NaNs included."""
        self._check_owner()
        return call_code(self.code, self.type, args, bits=True, name=self.name, instance=self.owner)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Func) and self.descriptor == other.descriptor

    def __hash__(self) -> int:
        return hash(self.descriptor)

    def __repr__(self) -> str:
        return f"Func({func_type_text(self.type)})"


def _host_results(result: Any, func_type: FuncType) -> tuple[Any, ...]:
    if not func_type.results:
        return ()
    if len(func_type.results) == 1:
        return (result,)
    return tuple(result)


# -- memories -------------------------------------------------------------------------------------------------------
def _reserve(size: int, what: str, *, accessible: bool = True) -> int:
    """A private ``MAP_NORESERVE`` mapping: address space only, each page committed on its first touch;
    ``accessible`` False maps it ``PROT_NONE`` (a memory opens it as it grows)."""
    prot = mman.PROT_READ | mman.PROT_WRITE if accessible else 0  # PROT_NONE
    address = _libc.mmap(None, size, prot, mman.MAP_PRIVATE | mman.MAP_ANONYMOUS | _MAP_NORESERVE, -1, 0)
    if address is None or address == _MAP_FAILED:
        raise JitdebugError(f"cannot reserve {size:#x} bytes for {what}: {os.strerror(ctypes.get_errno())}")
    return int(address)


_GROW = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p, ctypes.c_uint64)(_native.hooks()["jitdebug_memory_grow"])


class _Mapping:
    """Unmaps a reservation when its owner goes (a ``weakref.finalize`` target that holds no owner)."""

    def __init__(self, address: int, size: int) -> None:
        self.address, self.size = address, size
        #: The guard-fault handler's handle of a memory's reservation (-1: none).
        self.guard = -1

    def __call__(self) -> None:
        if self.guard >= 0:
            _native.guard_remove_memory(self.guard)
            self.guard = -1
        if self.size:
            _libc.munmap(self.address, self.size)
            self.size = 0


class Memory:
    """A linear memory: host-created (``Memory(MemoryType(1, 2))``) or an instance's (import or export: the same
    object everywhere it is shared). Sizes are in pages except ``data_len``."""

    def __init__(self, memory_type: MemoryType) -> None:
        import weakref

        maximum = memory_type.maximum if memory_type.maximum is not None else MEMORY32_MAX_PAGES
        if memory_type.is_64:
            # A 64-bit memory may declare up to 2^48 pages; the base never moves, so the reservation is its
            # limit: 4 GiB, as for a 32-bit memory (``memory.grow`` past it returns -1, as the spec allows).
            maximum = min(maximum, MEMORY32_MAX_PAGES)
            if memory_type.minimum > maximum:
                raise UnsupportedError(f"64-bit memory of {memory_type.minimum} pages is over the "
                                       f"{MEMORY32_MAX_PAGES}-page reservation of the JIT")
        elif memory_type.minimum > MEMORY32_MAX_PAGES or maximum > MEMORY32_MAX_PAGES:
            raise UnsupportedError(f"memory of {max(memory_type.minimum, maximum)} pages is over the 32-bit limit "
                                   f"of {MEMORY32_MAX_PAGES} pages")
        if memory_type.minimum > maximum:
            raise JitdebugError("memory minimum is greater than its maximum")
        self.declared = memory_type
        # A 32-bit memory reserves 4 GiB and the guard whatever its maximum, so that code compiled for guard
        # regions may access any memory it imports without a check (``codegen/guards.py``); the pages past the
        # size stay PROT_NONE, and a fault there is a trap (registered with the handler).
        reserved = max(maximum * WASM_PAGE, PAGE_SIZE) if memory_type.is_64 else guards.RESERVED
        base = _reserve(reserved, "a memory", accessible=False)
        self._mapping = _Mapping(base, reserved)
        if not memory_type.is_64:
            self._mapping.guard = _native.guard_add_memory(base, reserved)
            if self._mapping.guard < 0:
                self._mapping()
                raise JitdebugError("cannot register the memory's guard region (too many memories)")
        weakref.finalize(self, self._mapping)
        self._record = (ctypes.c_uint64 * 4)()
        self._record[MEMORY_RECORD_BASE // 8] = base
        self._record[MEMORY_RECORD_SIZE // 8] = 0
        self._record[MEMORY_RECORD_MAXIMUM // 8] = maximum * WASM_PAGE
        self._record[MEMORY_RECORD_RESERVED // 8] = reserved
        if _GROW(self.record, memory_type.minimum) != 0:
            raise JitdebugError(f"cannot commit {memory_type.minimum} pages of memory: "
                                f"{os.strerror(ctypes.get_errno())}")

    @property
    def record(self) -> int:
        """The address of its ``struct jitdebug_memory`` (base, size in bytes, maximum, reserved), for native code:
        the size there is always the current one."""
        return ctypes.addressof(self._record)

    @property
    def data_ptr(self) -> int:
        """The base address (it never moves)."""
        return int(self._record[MEMORY_RECORD_BASE // 8])

    @property
    def data_len(self) -> int:
        return int(self._record[MEMORY_RECORD_SIZE // 8])

    def size(self) -> int:
        return self.data_len // WASM_PAGE

    @property
    def type(self) -> MemoryType:
        """The type it matches imports by: the current size as the minimum."""
        return MemoryType(self.size(), self.declared.maximum, self.declared.is_64)

    def grow(self, delta: int) -> int:
        """Grow by ``delta`` pages; returns the old size (raises, as wasmtime does, past the maximum)."""
        old = _GROW(self.record, delta) if 0 <= delta < 1 << (64 if self.declared.is_64 else 32) else -1
        if old < 0:
            raise JitdebugError(f"failed to grow memory by `{delta}`")
        return int(old)

    def _check(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.data_len:
            raise JitdebugError(f"out of bounds memory access: {length} bytes at {offset:#x} in a memory of "
                                f"{self.data_len:#x} bytes")

    def read(self, offset: int, length: int) -> bytes:
        self._check(offset, length)
        return ctypes.string_at(self.data_ptr + offset, length)

    def write(self, offset: int, data: bytes) -> None:
        self._check(offset, len(data))
        ctypes.memmove(self.data_ptr + offset, data, len(data))

    def __repr__(self) -> str:
        kind = ", 64-bit" if self.declared.is_64 else ""
        return f"Memory({self.size()} pages, maximum {self.declared.maximum}{kind})"


# -- tables ---------------------------------------------------------------------------------------------------------
class Table:
    """A table of funcref or externref: host-created (``Table(TableType(ValType.FUNCREF, 2), None)``) or an
    instance's. ``get``/``set``/``grow`` take and give values as Python objects (``Func``, any object, None)."""

    def __init__(self, table_type: TableType, init: Any = None) -> None:
        import weakref

        if table_type.element not in (*_REFERENCES, ValType.EXNREF):
            raise UnsupportedError(f"tables of {table_type.element.text} are not supported")
        if table_type.minimum > TABLE_CAP_ENTRIES:
            raise UnsupportedError(f"table of {table_type.minimum} entries exceeds the capacity cap of "
                                   f"{TABLE_CAP_ENTRIES} entries")
        declared = table_type.maximum if table_type.maximum is not None else 1 << 32
        capacity = max(table_type.minimum, min(declared, TABLE_CAP_ENTRIES))
        self.declared = table_type
        reserved = max(8 * capacity, PAGE_SIZE)
        base = _reserve(reserved, "a table")
        self._mapping = _Mapping(base, -(-reserved // PAGE_SIZE) * PAGE_SIZE)
        weakref.finalize(self, self._mapping)
        self._record = (ctypes.c_uint64 * 3)()
        self._record[TABLE_RECORD_BASE // 8] = base
        self._record[TABLE_RECORD_SIZE // 8] = table_type.minimum
        self._record[TABLE_RECORD_CAPACITY // 8] = capacity
        if init is not None:
            word = to_word(init, table_type.element, what="table initial value")
            entries = (ctypes.c_uint64 * table_type.minimum).from_address(base)
            for i in range(table_type.minimum):
                entries[i] = word
        #: Funcs stored from Python, kept alive while the table is (their descriptors may be in host modules).
        self._kept: list[Any] = [init] if init is not None else []

    @property
    def record(self) -> int:
        """The address of its ``struct jitdebug_table`` (base, size, capacity in entries)."""
        return ctypes.addressof(self._record)

    @property
    def element(self) -> ValType:
        return self.declared.element

    def size(self) -> int:
        return int(self._record[TABLE_RECORD_SIZE // 8])

    @property
    def type(self) -> TableType:
        return TableType(self.declared.element, self.size(), self.declared.maximum, self.declared.is_64)

    def _entry(self, index: int) -> ctypes.c_uint64:
        if not 0 <= index < self.size():
            raise JitdebugError(f"out of bounds table access: index {index} in a table of {self.size()} entries")
        return ctypes.c_uint64.from_address(int(self._record[TABLE_RECORD_BASE // 8]) + 8 * index)

    def get(self, index: int) -> Any:
        return from_word(self._entry(index).value, self.element)

    def set(self, index: int, value: Any) -> None:
        entry = self._entry(index)
        entry.value = to_word(value, self.element, what="table value")
        if isinstance(value, Func):
            self._kept.append(value)

    def write_words(self, index: int, words: Sequence[int]) -> None:
        """Raw entries (instantiation: element segments), bounds already checked."""
        base = int(self._record[TABLE_RECORD_BASE // 8])
        if words:
            (ctypes.c_uint64 * len(words)).from_address(base + 8 * index)[:] = list(words)

    def grow(self, delta: int, init: Any = None) -> int:
        old = self.size()
        if delta < 0 or old + delta > int(self._record[TABLE_RECORD_CAPACITY // 8]):
            raise JitdebugError(f"failed to grow table by `{delta}`")
        word = to_word(init, self.element, what="table value")
        self._record[TABLE_RECORD_SIZE // 8] = old + delta
        self.write_words(old, [word] * delta)
        if isinstance(init, Func):
            self._kept.append(init)
        return old

    def __repr__(self) -> str:
        return f"Table({self.element.text}, {self.size()} entries, maximum {self.declared.maximum})"


# -- globals --------------------------------------------------------------------------------------------------------
class Global:
    """A global: host-created (``Global(GlobalType(ValType.I32, True), 7)``) or an instance's. ``value`` reads and
    writes it as a Python value, ``bits`` as its bit pattern (writing an immutable global raises)."""

    def __init__(self, global_type: GlobalType, value: Any = None, *, bits: bool = False) -> None:
        if global_type.type not in _NUMERIC + _REFERENCES:
            raise UnsupportedError(f"globals of {global_type.type.text} are not supported")
        self.type = global_type
        self._cell: Any = (ctypes.c_uint64 * 2)()
        self._address = ctypes.addressof(self._cell)
        self.owner: Any = None
        self._kept: Any = value
        if value is not None or global_type.type in _REFERENCES:
            self._cell[0] = to_word(value if value is not None else 0 if global_type.type in _NUMERIC else None,
                                    global_type.type, bits=bits, what="global value")

    @classmethod
    def at(cls, global_type: GlobalType, address: int, owner: Any) -> Global:
        """An instance's own global, whose cell is in its module state."""
        glob = cls.__new__(cls)
        glob.type = global_type
        glob._cell = None
        glob._address = address
        glob.owner = owner
        glob._kept = None
        return glob

    @classmethod
    def native(cls, global_type: GlobalType, address: int, owner: Any) -> Global:
        """A C object of the global's C type (``jitdebug run --library``: the AOT C ABI's imported global), read
        and written at that type's width: an ``int32_t`` or ``float`` has no upper half to touch."""
        glob = cls.at(global_type, address, owner)
        glob._width = 4 if global_type.type in (ValType.I32, ValType.F32) else 8
        return glob

    #: Bytes of the cell that reads and writes move (8: the JIT's cells; 4 for a native i32/f32 object).
    _width = 8

    def _word(self) -> int:
        address = self.address
        return ctypes.c_uint32.from_address(address).value if self._width == 4 else \
            ctypes.c_uint64.from_address(address).value

    @property
    def address(self) -> int:
        """The address of its 8-byte cell (i32/f32 in the low 4 bytes)."""
        check = getattr(self.owner, "check_live", None)
        if check is not None:
            check()
        return self._address

    @property
    def bits(self) -> int:
        return int(from_word(self._word(), self.type.type, bits=True)) \
            if self.type.type in _NUMERIC else int(self._word())

    @bits.setter
    def bits(self, value: int) -> None:
        self._store(to_word(value, self.type.type, bits=True))

    @property
    def value(self) -> Any:
        return from_word(self._word(), self.type.type)

    @value.setter
    def value(self, value: Any) -> None:
        self._store(to_word(value, self.type.type, what="global value"))
        if isinstance(value, Func):
            self._kept = value

    def _store(self, word: int) -> None:
        if not self.type.mutable:
            raise JitdebugError("immutable global cannot be set")
        self.write_word(word)

    def write_word(self, word: int) -> None:
        """Store a raw word whatever the mutability (instantiation: the initial value)."""
        if self._width == 4:
            ctypes.c_uint32.from_address(self.address).value = word & 0xFFFFFFFF
        else:
            ctypes.c_uint64.from_address(self.address).value = word

    def __repr__(self) -> str:
        return f"Global({'mut ' if self.type.mutable else ''}{self.type.type.text} = {self.value!r})"


def memory_fault_cause(loaded: LoadedModule) -> str:
    """wasmtime's first cause of an out-of-bounds load or store, from the module's fault words: the effective
    address, then the record of the memory it missed (any memory), whose size is the one the report names."""
    state = StateSymbols(loaded.compiled.name)
    words = loaded.read(loaded.address(state.fault_address), 16)
    address, record = int.from_bytes(words[:8], "little"), int.from_bytes(words[8:], "little")
    size = ctypes.c_uint64.from_address(record + MEMORY_RECORD_SIZE).value if record else 0
    return memory_fault(address, size)
