"""The runner's engine adapter: the spec's operations (compile, link and instantiate, register, invoke, get) said
through jitdebug's embedding API (``emitter.jit``), JIT with debug information on, as a user's host would.

The adapter is the one place that knows the API, so that the runner reads as the spec's semantics. Linking is the
API's ``Linker``: the spec's host module ``spectest`` is defined in it once (its functions, globals, table and
memory), and ``register`` defines every export of an instance under a module name, as wasmtime-py's does. The
API resolves imports by module and field name and checks their types (``LinkError``, the spec's
``assert_unlinkable``). Numbers cross as bit patterns (``Func.call_bits``, ``Global.bits``), so NaN payloads and
signalling NaNs are compared exactly; references as the API gives them (a ``Func`` or None, a host object or
None). Where the API cannot say what a command needs, the adapter raises ``EngineError("api", ...)`` naming
what is missing: the command fails and the summary counts it under that reason.

Traps: our messages are wasmtime's; the spec's reference interpreter words some of them differently. Each of our
messages is normalised to the spec's words it stands for (``SPEC_TRAP_MESSAGES``), and an ``assert_trap``
passes when its text is a prefix of one of them (the reference interpreter's rule; an element index the
interpreter appends to "uninitialized element" is not compared, since wasmtime's message names none).
"""

from __future__ import annotations

import re
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emitter.errors import DecodeError, JitdebugError, TrapError, UnsupportedError, ValidationError
from emitter.jit import (
    Func,
    FuncType,
    Global,
    GlobalType,
    Instance,
    Linker,
    LinkError,
    Memory,
    MemoryType,
    NativeTag,
    Table,
    TableType,
    ValType,
    WasmModule,
    compile_wasm,
)
from emitter.wasm.features import WASM2, Features

from .values import Value

#: Our trap message (after ``wasm trap: ``) -> the spec's messages it stands for.
SPEC_TRAP_MESSAGES: dict[str, tuple[str, ...]] = {
    "call stack exhausted": ("call stack exhausted",),
    "out of bounds memory access": ("out of bounds memory access",),
    "undefined element: out of bounds table access": ("undefined element", "out of bounds table access"),
    "uninitialized element": ("uninitialized element",),
    "indirect call type mismatch": ("indirect call type mismatch",),
    "integer overflow": ("integer overflow",),
    "integer divide by zero": ("integer divide by zero",),
    "invalid conversion to integer": ("invalid conversion to integer",),
    "wasm `unreachable` instruction executed": ("unreachable executed",),
    "null reference": ("null reference", "null function reference", "null exception reference"),
}
_ELEMENT_INDEX = re.compile(r"^uninitialized element \d+$")
_TRAP_PREFIX = "wasm trap: "
_UNCAUGHT = "thrown Wasm exception"

_NUMBERS = {ValType.I32: "i32", ValType.I64: "i64", ValType.F32: "f32", ValType.F64: "f64"}
_REFERENCES = {ValType.FUNCREF: "funcref", ValType.EXTERNREF: "externref"}


class EngineError(Exception):
    """A refusal or failure of the engine. ``kind``: ``malformed``, ``invalid``, ``unsupported``, ``unlinkable``,
    ``api`` (the embedding API cannot express the command) or ``internal`` (a Python exception escaped the
    engine: a bug, never a correct answer)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class Trap(Exception):
    """The Wasm code trapped; ``spec_messages`` are the spec's words for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.spec_messages = SPEC_TRAP_MESSAGES.get(message, (message,))

    def matches(self, expected: str) -> bool:
        # The reference interpreter names the table index in "uninitialized element 2"; wasmtime's message, and
        # so ours, has no index: the same trap, compared without it.
        expected = _ELEMENT_INDEX.sub("uninitialized element", expected)
        return any(text.startswith(expected) for text in self.spec_messages)


class Uncaught(Exception):
    """A Wasm exception no handler caught reached the host."""


@dataclass
class Compiled:
    wasm: WasmModule


@dataclass
class Live:
    compiled: Compiled
    instance: Instance


def _internal(error: BaseException) -> EngineError:
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return EngineError("internal", f"{type(error).__name__}: {error}{where}")


def _spectest(linker: Linker) -> None:
    """The spec's host module: functions that print in the reference interpreter (here they do nothing), the
    globals 666 / 666.6, a table of 10 to 20 funcrefs (and its 64-bit twin ``table64``, Wasm 3.0's) and a memory
    of 1 to 2 pages."""
    def ignore(*_: Any) -> None:
        return None

    i32, i64, f32, f64 = ValType.I32, ValType.I64, ValType.F32, ValType.F64
    functions = {"print": (), "print_i32": (i32,), "print_i64": (i64,), "print_f32": (f32,), "print_f64": (f64,),
                 "print_i32_f32": (i32, f32), "print_f64_f64": (f64, f64)}
    for name, params in functions.items():
        linker.define("spectest", name, Func(FuncType(params, ()), ignore))
    linker.define("spectest", "global_i32", Global(GlobalType(i32, False), 666))
    linker.define("spectest", "global_i64", Global(GlobalType(i64, False), 666))
    linker.define("spectest", "global_f32", Global(GlobalType(f32, False), 0x4426A666, bits=True))
    linker.define("spectest", "global_f64", Global(GlobalType(f64, False), 0x4084D4CCCCCCCCCD, bits=True))
    linker.define("spectest", "table", Table(TableType(ValType.FUNCREF, 10, 20)))
    linker.define("spectest", "table64", Table(TableType(ValType.FUNCREF, 10, 20, is_64=True)))
    linker.define("spectest", "memory", Memory(MemoryType(1, 2)))


class Engine:
    def __init__(self, features: Features = WASM2) -> None:
        self._features = features
        self._listings = tempfile.TemporaryDirectory(prefix="jitdebug-spec-")
        self._linker = Linker()
        _spectest(self._linker)

    def close(self) -> None:
        self._listings.cleanup()

    # -- modules ------------------------------------------------------------------------------------------------
    def compile(self, path: Path) -> Compiled:
        try:
            # Named after the converted file (``commands.3``), unique within the run: listings do not collide.
            return Compiled(compile_wasm(path, module_name=path.stem, listing_dir=self._listings.name,
                                         debug_info=True, features=self._features))
        except DecodeError as error:
            raise EngineError("malformed", str(error)) from None
        except ValidationError as error:
            raise EngineError("invalid", str(error)) from None
        except UnsupportedError as error:
            raise EngineError("unsupported", str(error)) from None
        except JitdebugError as error:
            raise EngineError("unsupported", f"{type(error).__name__}: {error}") from None
        except Exception as error:  # noqa: BLE001 - any other escape is the engine's bug, reported as such
            raise _internal(error) from None

    def instantiate(self, compiled: Compiled) -> Live:
        """Link, initialise and run the start function, as the spec's instantiation does."""
        instance = self._call(lambda: self._linker.instantiate(compiled.wasm))
        return Live(compiled, instance)

    def register(self, name: str, live: Live) -> None:
        self._linker.define_instance(name, live.instance)
        # Tags are not among an instance's exports in the API: a registered module's tag is its descriptor,
        # which a native tag names by address (the ``jitdebug run`` way).
        for export in live.compiled.wasm.module.exports:
            if export.kind == "tag":
                try:
                    address = live.instance.loaded.address(export.name)
                except JitdebugError:
                    continue  # a re-exported imported tag has no descriptor of its own here
                wasm_module = live.compiled.wasm.module
                params = tuple(wasm_module.types[wasm_module.tags[export.index]].params)
                self._linker.define(name, export.name, NativeTag(address, params))

    # -- actions ------------------------------------------------------------------------------------------------
    def invoke(self, live: Live, name: str, args: Sequence[Value]) -> list[Value]:
        export = live.instance.exports.get(name)
        if not isinstance(export, Func):
            raise EngineError("invalid", f"no exported function {name!r}")
        func_type = export.type
        if len(func_type.params) != len(args):
            raise EngineError("internal", f"{name!r} takes {len(func_type.params)} arguments, the command gives "
                                          f"{len(args)}")
        values = [self._argument(value, value_type) for value, value_type in zip(args, func_type.params,
                                                                                  strict=True)]
        results = self._call(lambda: export.call_bits(*values))
        return [self._result(result, value_type) for result, value_type in zip(results, func_type.results,
                                                                                strict=True)]

    def get(self, live: Live, name: str) -> Value:
        glob = live.instance.exports.get(name)
        if not isinstance(glob, Global):
            raise EngineError("invalid", f"no exported global {name!r}")
        value_type = glob.type.type
        if value_type in _NUMBERS:
            return Value(_NUMBERS[value_type], glob.bits)
        return self._result(glob.value, value_type)

    @staticmethod
    def explain_mismatch(expected: Value | None, actual: Value) -> str | None:
        """Numbers cross as bit patterns: a wrong result is the code's, never the API's."""
        return None

    @staticmethod
    def _argument(value: Value, value_type: ValType) -> Any:
        if value_type in _NUMBERS and value.type == _NUMBERS[value_type]:
            return value.bits
        if value_type is ValType.V128 and value.type == "v128":
            return value.bits  # its 128 bits as an int, which the API takes
        if value_type is ValType.EXTERNREF and value.type == "externref":
            return value.bits  # None, or the host's number: the API keeps any Python object as an externref
        if value_type is ValType.FUNCREF and value.type == "funcref" and value.bits is None:
            return None
        raise EngineError("api", f"argument {value} for a {value_type.text} parameter")

    @staticmethod
    def _result(result: Any, value_type: ValType) -> Value:
        if value_type in _NUMBERS:
            return Value(_NUMBERS[value_type], int(result))
        if value_type is ValType.V128:
            return Value("v128", int.from_bytes(result, "little"))  # 16 bytes, lane 0 first
        if value_type is ValType.FUNCREF:
            return Value("funcref", None if result is None else result.descriptor)
        if value_type is ValType.EXTERNREF:
            return Value("externref", result)
        if value_type is ValType.EXNREF and result is None:
            return Value("exnref", None)
        raise EngineError("api", f"a result of type {value_type.text}")

    @staticmethod
    def _call(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except TrapError as error:
            message = error.trap_message
            if message == _UNCAUGHT:
                raise Uncaught(message) from None
            raise Trap(message.removeprefix(_TRAP_PREFIX)) from None
        except LinkError as error:
            raise EngineError("unlinkable", str(error).splitlines()[0]) from None
        except EngineError:
            raise
        except UnsupportedError as error:
            raise EngineError("api", str(error)) from None
        except JitdebugError as error:
            raise EngineError("internal", f"{type(error).__name__}: {error}") from None
        except Exception as error:  # noqa: BLE001
            raise _internal(error) from None
