"""Reading a Wasm module from a ``.wasm`` file or from WebAssembly text, then decoding and validating it."""

from __future__ import annotations

import re
from pathlib import Path

from emitter.errors import DecodeError
from emitter.wasm.decoder import MAGIC, decode
from emitter.wasm.features import DEFAULT, Features
from emitter.wasm.module import Module
from emitter.wasm.validate import validate

_LOCATION = re.compile(r"-->\s*\S*?:(\d+):(\d+)")


def wat_to_wasm(text: str, source: str = "<text>") -> bytes:
    """Assemble WebAssembly text; a syntax error becomes one ``DecodeError`` line ``source:line:col: reason``."""
    # Imported here: binary modules, the common case, need no text assembler (a fifth of the imports' time).
    import wasmtime

    try:
        return bytes(wasmtime.wat2wasm(text))
    except wasmtime.WasmtimeError as error:
        message = str(error)
        reason = message.splitlines()[0] if message else "invalid WebAssembly text"
        where = _LOCATION.search(message)
        location = f"{source}:{where.group(1)}:{where.group(2)}" if where else source
        raise DecodeError(f"{location}: {reason}") from None


def load_bytes(data: bytes, features: Features = DEFAULT) -> Module:
    """Decode and validate a binary module (with the proposals ``features`` switches on)."""
    module = decode(data, features)
    validate(module, features)
    return module


def load_module(path: str | Path, features: Features = DEFAULT) -> tuple[bytes, Module]:
    """Read a binary module, or a text one (anything not starting with the Wasm magic, ``.wat``/``.wast``),
    and return its binary bytes with the decoded, validated module."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DecodeError(f"cannot read {path}: {error.strerror}") from None
    if raw.startswith(MAGIC) or path.suffix == ".wasm":
        data = raw
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DecodeError(f"{path}: WebAssembly text is not valid UTF-8 (byte {error.start})") from None
        data = wat_to_wasm(text, str(path))
    return data, load_bytes(data, features)
