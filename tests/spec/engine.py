"""The runner's engine adapter: the spec's operations (compile, link and instantiate, invoke, get) said through
jitdebug's embedding API (``emitter.jit``), JIT with debug information on, as a user's host would.

The adapter is the one place that knows the API, so that the runner reads as the spec's semantics. Where the API
cannot say what a command needs, the adapter raises ``EngineError("api", ...)`` naming what is missing: the
command fails and the summary counts it under that reason.

Linking: the API takes a module's imports keyed by field name and has no linker of its own, so the adapter
resolves each import by module and field name (the ``spectest`` host module or a registered instance) and by kind
(a function import of a global is ``incompatible import type``). It does not check function signatures: that is
the API's to do (an ``assert_unlinkable`` by signature fails until it does).

Traps: our messages are wasmtime's; the spec's reference interpreter words some of them differently. Each of our
messages is normalised to the spec's words it stands for (``SPEC_TRAP_MESSAGES``), and an ``assert_trap``
passes when its text is a prefix of one of them (the reference interpreter's rule; an element index the
interpreter appends to "uninitialized element" is not compared, since wasmtime's message names none).
"""

from __future__ import annotations

import re
import struct
import tempfile
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emitter.codegen.runtime import StateSymbols
from emitter.compiled import ValueType
from emitter.errors import DecodeError, JitdebugError, TrapError, UnsupportedError, ValidationError
from emitter.jit import Instance, NativeFunction, NativeTag, WasmModule, compile_wasm
from emitter.wasm.features import WASM2, Features

from .values import Value, float_of

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

_TYPE_NAMES = {ValueType.I32: "i32", ValueType.I64: "i64", ValueType.F32: "f32", ValueType.F64: "f64",
               ValueType.V128: "v128"}
_F32_QUIET = 1 << 22
_F32_EXPONENT = 0xFF << 23


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
    """An instance and what it exports, by name: kind and, for what the API can hand on, the thing itself."""

    compiled: Compiled
    instance: Instance
    export_kinds: dict[str, str] = field(default_factory=dict)


def _internal(error: BaseException) -> EngineError:
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return EngineError("internal", f"{type(error).__name__}: {error}{where}")


def _spectest_functions() -> dict[str, Callable[..., None]]:
    """The functions of the spec's host module ``spectest``: they print in the reference interpreter and do
    nothing here."""
    def ignore(*_: Any) -> None:
        return None

    names = ("print", "print_i32", "print_i64", "print_f32", "print_f64", "print_i32_f32", "print_f64_f64")
    return dict.fromkeys(names, ignore)


#: The rest of ``spectest``, by kind (the API cannot give a module a host global, table or memory yet).
_SPECTEST_OTHERS = {"global_i32": "global", "global_i64": "global", "global_f32": "global", "global_f64": "global",
                    "table": "table", "memory": "memory"}


class Engine:
    def __init__(self, features: Features = WASM2) -> None:
        self._features = features
        self._listings = tempfile.TemporaryDirectory(prefix="jitdebug-spec-")
        self._spectest = _spectest_functions()

    def close(self) -> None:
        self._listings.cleanup()

    # -- modules ------------------------------------------------------------------------------------------------
    def compile(self, path: Path) -> Compiled:
        try:
            # Named after the converted file (``i32.3``), unique within the run: listings do not collide.
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

    def instantiate(self, compiled: Compiled, registered: Mapping[str, Live]) -> Live:
        imports = self._link(compiled, registered)
        try:
            instance = compiled.wasm.instantiate(imports)
        except TrapError as error:  # an active segment out of bounds: the spec's instantiation traps
            raise Trap(error.trap_message.removeprefix(_TRAP_PREFIX)) from None
        except UnsupportedError as error:
            raise EngineError("api", str(error)) from None
        except JitdebugError as error:
            raise EngineError("unlinkable", str(error)) from None
        except Exception as error:  # noqa: BLE001
            raise _internal(error) from None
        live = Live(compiled, instance, {e.name: e.kind for e in compiled.wasm.module.exports})
        # The module instantiates (segments, start function) now, as the spec's instantiation does, not on the
        # first call of an export.
        self._call(lambda: instance.call_symbol(StateSymbols(compiled.wasm.compiled.name).instantiate))
        return live

    def _link(self, compiled: Compiled, registered: Mapping[str, Live]) -> dict[str, Any]:
        imports: dict[str, Any] = {}
        bound_from: dict[str, tuple[str, str]] = {}
        for wasm_import in compiled.wasm.module.imports:
            where = f"{wasm_import.module}.{wasm_import.name}"
            if wasm_import.module == "spectest":
                kind = "func" if wasm_import.name in self._spectest else _SPECTEST_OTHERS.get(wasm_import.name)
            elif wasm_import.module in registered:
                kind = registered[wasm_import.module].export_kinds.get(wasm_import.name)
            else:
                raise EngineError("unlinkable", f"unknown import {where}")
            if kind is None:
                raise EngineError("unlinkable", f"unknown import {where}")
            if kind != wasm_import.kind:
                raise EngineError("unlinkable", f"incompatible import type: {where} is a {kind}, imported as a "
                                                f"{wasm_import.kind}")
            if kind not in ("func", "tag"):
                raise EngineError("api", f"import {where}: the embedding API takes no {kind} imports")
            try:
                value = self._import_value(wasm_import.module, wasm_import.name, kind, registered)
            except JitdebugError as error:
                raise EngineError("api", f"import {where}: {error}") from None
            previous = bound_from.get(wasm_import.name)
            if previous is not None and previous != (wasm_import.module, wasm_import.name):
                raise EngineError("api", f"imports {previous[0]}.{previous[1]} and {where}: the embedding API keys "
                                         "imports by field name only")
            bound_from[wasm_import.name] = (wasm_import.module, wasm_import.name)
            imports[wasm_import.name] = value
        return imports

    def _import_value(self, module: str, name: str, kind: str, registered: Mapping[str, Live]) -> Any:
        if module == "spectest":
            return self._spectest[name]
        live = registered[module]
        if kind == "tag":
            return NativeTag(live.instance.loaded.address(name))
        export = live.instance.exports.get(name)
        if export is None:
            raise EngineError("api", f"export {module}.{name} is a function the embedding API cannot hand on")
        return NativeFunction(export.address)

    # -- actions ------------------------------------------------------------------------------------------------
    def invoke(self, live: Live, name: str, args: Sequence[Value]) -> list[Value]:
        export = live.instance.exports.get(name)
        if export is None:
            kind = live.export_kinds.get(name)
            if kind == "func":
                raise EngineError("api", f"export {name!r}: its type is outside what the embedding API calls")
            raise EngineError("api" if kind else "invalid", f"no exported function {name!r} ({kind or 'none'})")
        try:
            signature = export.signature
        except UnsupportedError as error:
            raise EngineError("api", f"export {name!r}: {error}") from None
        if len(signature.results) > 1:
            raise EngineError("api", f"export {name!r}: several results")
        params = signature.params
        if len(params) != len(args):
            raise EngineError("internal", f"{name!r} takes {len(params)} arguments, the command gives {len(args)}")
        values: list[int | float] = []  # a v128 as its 128-bit int, which the API takes
        for value, value_type in zip(args, params, strict=True):
            if value.type != _TYPE_NAMES.get(value_type):
                raise EngineError("api", f"argument {value} for a {value_type.value} parameter")
            if value.type == "f32" and value.bits & _F32_EXPONENT == _F32_EXPONENT and value.bits & 0x7FFFFF \
                    and not value.bits & _F32_QUIET:
                raise EngineError("api", "an f32 argument crosses the embedding API as a Python float, which quiets "
                                         f"the signalling NaN {value}")
            values.append(float_of(value.type, value.bits) if value.type[0] == "f" else value.bits)
        result = self._call(lambda: export(*values))
        if not export.signature.results:
            return []
        result_type = export.signature.results[0]
        return [_value(result, result_type)]

    def get(self, live: Live, name: str) -> Value:
        kind = live.export_kinds.get(name)
        raise EngineError("api" if kind else "invalid",
                          f"export {name!r} ({kind or 'none'}): the embedding API reads no exported globals")

    @staticmethod
    def explain_mismatch(expected: Value | None, actual: Value) -> str | None:
        """Why a wrong result may be the API's and not the code's: an f32 result crosses as a Python float,
        which quiets a signalling NaN."""
        if actual.type == "f32" and expected is not None and expected.type == "f32" \
                and expected.bits | _F32_QUIET == actual.bits and expected.bits != actual.bits:
            return "api: an f32 result crosses the embedding API as a Python float, which quiets a signalling NaN"
        return None

    @staticmethod
    def _call(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except TrapError as error:
            message = error.trap_message
            if message == _UNCAUGHT:
                raise Uncaught(message) from None
            raise Trap(message.removeprefix(_TRAP_PREFIX)) from None
        except EngineError:
            raise
        except UnsupportedError as error:
            raise EngineError("api", str(error)) from None
        except JitdebugError as error:
            raise EngineError("internal", f"{type(error).__name__}: {error}") from None
        except Exception as error:  # noqa: BLE001
            raise _internal(error) from None


def _value(result: Any, value_type: ValueType) -> Value:
    match value_type:
        case ValueType.I32:
            return Value("i32", int(result) & 0xFFFFFFFF)
        case ValueType.I64:
            return Value("i64", int(result) & 0xFFFFFFFFFFFFFFFF)
        case ValueType.F32:
            return Value("f32", struct.unpack("<I", struct.pack("<f", result))[0])
        case ValueType.F64:
            return Value("f64", struct.unpack("<Q", struct.pack("<d", result))[0])
        case ValueType.V128:
            return Value("v128", int.from_bytes(result, "little"))
    raise EngineError("api", f"result of type {value_type.value}")
