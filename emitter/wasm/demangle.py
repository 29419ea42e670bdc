"""Symbol names demangled as wasmtime's backtraces show them: Rust's legacy mangling here, then Rust's v0
(``demangle_v0.py``), then Itanium C++ (``demangle_cxx.py``), in wasmtime's order (``rustc-demangle`` first, then
``cpp_demangle``).

wasmtime names a frame by its ``name`` section name demangled (``rustc-demangle``'s plain rendering, the hash
kept): ``_ZN4core9panicking9panic_fmt17h768731f43edd91bfE`` is ``core::panicking::panic_fmt::h768731f43edd91bf``.
rustc (before the v0 scheme became its default) mangles as Itanium nested names of ``<length><identifier>``
elements, each identifier with ``$..$`` escapes (``$LT$`` for ``<``, ``$u7b$`` for ``{``) and ``..`` for ``::``.
A name that is neither is returned as it is (a C name).
"""

from __future__ import annotations

import re

from emitter.wasm.demangle_cxx import demangle_cxx
from emitter.wasm.demangle_v0 import demangle_v0

_ESCAPES = {"SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(", "RP": ")", "C": ","}
#: The first characters of every mangled prefix the three schemes accept (``__ZN``, ``_ZN``, ``ZN``, ``_R``,
#: ``R``, ``__R``, ``_Z``).
_MANGLED_STARTS = frozenset("_ZR")
#: What LLVM appends to a local copy of a symbol (``.llvm.123``): not part of the Rust path.
_LLVM_SUFFIX = re.compile(r"\.llvm\.[0-9A-F@]+$")


def demangle(name: str, *, bare_types: bool = False) -> str:
    """``name`` demangled if it is a Rust (legacy or v0) or an Itanium C++ symbol, else ``name``; with
    ``bare_types``, also when it is a whole Itanium type, as in wasmtime's trap reports (``demangle_cxx``)."""
    if not bare_types and name[:1] not in _MANGLED_STARTS:
        return name  # no scheme's prefix (``_ZN``/``ZN``, ``_R``/``R``, ``_Z``): most names of a C program
    elements = _elements(name)
    if elements is None:
        v0 = demangle_v0(_LLVM_SUFFIX.sub("", name))
        if v0 is not None:
            return v0
        cxx = demangle_cxx(name, bare_types=bare_types)
        return name if cxx is None else cxx
    return "::".join(_identifier(element) for element in elements)


def _elements(name: str) -> list[str] | None:
    """The path elements of a legacy symbol, or None (not one)."""
    inner = _LLVM_SUFFIX.sub("", name)
    for prefix in ("__ZN", "_ZN", "ZN"):
        if inner.startswith(prefix):
            inner = inner[len(prefix):]
            break
    else:
        return None
    if not inner.endswith("E") or not inner.isascii():
        return None
    inner = inner[:-1]
    elements: list[str] = []
    position = 0
    while position < len(inner):
        digits = re.match(r"[1-9][0-9]*", inner[position:])
        if digits is None:
            return None
        position += len(digits[0])
        length = int(digits[0])
        if position + length > len(inner):
            return None
        elements.append(inner[position:position + length])
        position += length
    return elements or None


def _identifier(element: str) -> str:
    """One element with its escapes undone (``_$LT$impl$GT$`` is ``<impl>``); an escape not understood ends
    the undoing, the rest shown as it is (as ``rustc-demangle`` does)."""
    rest = element[1:] if element.startswith("_$") else element
    out: list[str] = []
    while rest:
        if rest.startswith(".."):
            out.append("::")
            rest = rest[2:]
        elif rest.startswith("."):
            out.append(".")
            rest = rest[1:]
        elif rest.startswith("$"):
            end = rest.find("$", 1)
            if end < 0:
                break
            character = _unescape(rest[1:end])
            if character is None:
                break
            out.append(character)
            rest = rest[end + 1:]
        else:
            cut = re.search(r"[$.]", rest)
            if cut is None:
                out.append(rest)
                rest = ""
            else:
                out.append(rest[:cut.start()])
                rest = rest[cut.start():]
    return "".join(out) + rest


def _unescape(escape: str) -> str | None:
    if escape in _ESCAPES:
        return _ESCAPES[escape]
    if escape.startswith("u") and re.fullmatch(r"u[0-9a-f]+", escape):
        code = int(escape[1:], 16)
        if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
    return None
