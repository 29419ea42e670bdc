"""Itanium C++ symbols demangled as wasmtime's backtraces show them.

wasmtime names a frame by its ``name`` section name put through ``cpp_demangle`` (after ``rustc-demangle``
declined it). wasm-ld usually writes demangled names there already; a module linked with ``--no-demangle`` (or
by a toolchain that keeps symbols) carries ``_ZN7Counter4bumpEPKcj``, shown as ``Counter::bump(char const*,
unsigned int)``.

The demangling itself is the C++ runtime's ``__cxa_demangle`` (libstdc++, loaded through ctypes: no dependency
beyond the system's C++ library; without it a name stays as it is). Its rendering equals ``cpp_demangle``'s
for namespaces, templates, overloads, lambdas (``{lambda(int)#1}``, clang's ``$_0``), the anonymous namespace,
operators, cv/ref qualifiers, ABI tags and clone suffixes; where the two spell differently, ours is made to
match wasmtime's:

- integer literals of types other than ``int`` are casts: ``foo<(unsigned int)4>``, not ``foo<4u>``;
- ``Dn`` is ``std::nullptr_t``, not ``decltype(nullptr)``;
- thunks are ``{virtual override thunk({offset(-8)}, B::f())}`` (and ``{virtual offset(0, -24)}``), vtables
  ``{vtable(N::A)}``.

Known remaining differences (the name is then not wasmtime's): an empty template pack (cpp_demangle prints
``sum<int, >(int, )``), a constructor with an ABI tag and template arguments (``__cxa_demangle`` of GCC 12
refuses it: the name stays mangled) and ``cpp_demangle``'s dropping of a templated constructor's parameters.
"""

from __future__ import annotations

import ctypes
import re
from functools import cache
from typing import Any

#: ``__cxa_demangle``'s literal suffixes, as ``cpp_demangle`` spells the same literal: a cast.
_LITERAL_CASTS = {"u": "unsigned int", "l": "long", "ul": "unsigned long", "ll": "long long",
                  "ull": "unsigned long long"}
_LITERAL = re.compile(r"(?<![\w.$])(-?[0-9]+)(ull|ul|ll|u|l)(?![\w$])")
_CALL_OFFSET = re.compile(r"h(n?[0-9]+)_|v(n?[0-9]+)_(n?[0-9]+)_")


@cache
def _cxa_demangle() -> tuple[Any, Any] | None:
    """``__cxa_demangle`` and ``free``, or None when the system has no C++ runtime library."""
    # The sonames first: ``find_library`` runs ``ldconfig -p`` in a child process, which a program compiling
    # under a debugger should not start (gdb reports every fork) and which costs a process start per compile.
    try:
        library, libc = ctypes.CDLL("libstdc++.so.6"), ctypes.CDLL("libc.so.6")
    except OSError:
        from ctypes.util import find_library  # only here: it imports subprocess

        found = find_library("stdc++")
        if not found:
            return None
        try:
            library, libc = ctypes.CDLL(found), ctypes.CDLL(find_library("c") or "libc.so.6")
        except OSError:
            return None
    function = library.__cxa_demangle
    function.restype = ctypes.c_void_p
    function.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    free = libc.free
    free.argtypes = [ctypes.c_void_p]
    free.restype = None
    return function, free


def _runtime_demangle(symbol: str) -> str | None:
    functions = _cxa_demangle()
    if functions is None or not symbol.isascii() or "\0" in symbol:
        return None
    demangle, free = functions
    status = ctypes.c_int()
    pointer = demangle(symbol.encode(), None, None, ctypes.byref(status))
    if not pointer:
        return None
    try:
        return ctypes.string_at(pointer).decode()
    finally:
        free(pointer)


def _number(text: str) -> str:
    return "-" + text[1:] if text.startswith("n") else text


def demangle_cxx(name: str, *, bare_types: bool = False) -> str | None:
    """``name`` demangled as ``cpp_demangle`` renders it, or None (not an Itanium symbol, or not understood);
    with ``bare_types`` a name that is a whole ``<type>`` too (``_bare_type``)."""
    if not name.startswith("_Z"):
        return _bare_type(name) if bare_types else None
    if name.startswith("_ZT") and name[3:4] in ("h", "v"):
        offset = _CALL_OFFSET.match(name, 3)
        if offset is None:
            return None
        target = demangle_cxx("_Z" + name[offset.end():])
        if target is None:
            return None
        if offset[1] is not None:
            where = f"{{offset({_number(offset[1])})}}"
        else:
            where = f"{{virtual offset({_number(offset[2])}, {_number(offset[3])})}}"
        return f"{{virtual override thunk({where}, {target})}}"
    text = _runtime_demangle(name)
    if text is None:
        return None
    if name.startswith("_ZTV") and text.startswith("vtable for "):
        return f"{{vtable({_respell(text[len('vtable for '):])})}}"
    return _respell(text)


#: ``__cxa_demangle``'s one-letter builtin types (``f`` float, ``i`` int, ...): a type complete at its first letter.
_BUILTIN_LETTERS = frozenset("abcdefghijlmnostvwxyz")


def _ends_early(name: str) -> bool:
    """Whether ``__cxa_demangle`` reads a type that ends before the whole of ``name`` (so it declines it): after
    any CV-qualifiers (``r``, ``V``, ``K``) a builtin type's letter with more behind it, as in ``rec``, ``main``
    or ``filler0``. Most C names are such, and every Wasm function's trap-report name is asked for when a module
    is compiled and instantiated: answering here spares loading the C++ runtime library (which a debugger then
    reads too) and a call into it per function."""
    at = 0
    while at < len(name) and name[at] in "rVK":
        at += 1
    return at + 1 < len(name) and name[at] in _BUILTIN_LETTERS


def _bare_type(name: str) -> str | None:
    """A whole name that is an Itanium ``<type>``, as ``cpp_demangle`` renders it: it accepts a type alone (for
    ``c++filt -t``'s sake), so a function named ``f`` is shown as ``float``, ``i`` as ``int``, ``PKc`` as ``char
    const*``. ``__cxa_demangle`` reads types too; where the two differ (operator names, ``St``, the complex and
    imaginary suffixes, two standard abbreviations, ``_BitInt`` and ``_Float<N>``) ours is respelled."""
    if name in _BARE_NAMES:
        return _BARE_NAMES[name]
    extended = _EXTENDED_TYPE.fullmatch(name)
    if extended is not None:
        kind, bits = extended.groups()
        return {"U": "unsigned _BitInt", "B": "signed _BitInt", "F": "_Float"}[kind] + (
            f"({bits})" if kind != "F" else bits)
    if not name or not name[0].isalpha() and not name[0].isdigit() or _ends_early(name):
        return None
    text = _runtime_demangle(name)
    if text is None:
        return None
    for theirs, ours in _TYPE_SPELLINGS:
        text = text.replace(theirs, ours)
    return _respell(text)


#: Names ``cpp_demangle`` reads as a type and ``__cxa_demangle`` does not: an operator's name (a class type of
#: that name, for it), and the ``std`` abbreviation alone.
_BARE_NAMES = {"pl": "operator+", "pL": "operator+=", "pp": "operator++", "ps": "operator+", "pm": "operator->*",
               "pt": "operator->", "qu": "operator?:", "St": "std"}
_EXTENDED_TYPE = re.compile(r"D([UBF])([1-9][0-9]*)_")
_TYPE_SPELLINGS = [(" _Complex", " complex"), (" _Imaginary", " imaginary"),
                   ("std::iostream", "std::basic_iostream<char, std::char_traits<char> >"),
                   ("std::istream", "std::basic_istream<char, std::char_traits<char> >")]


def _respell(text: str) -> str:
    text = text.replace("decltype(nullptr)", "std::nullptr_t")
    return _LITERAL.sub(lambda m: f"({_LITERAL_CASTS[m[2]]}){m[1]}", text)
