"""Rust symbols of the v0 mangling (``_R…``, RFC 2603; ``rustc -C symbol-mangling-version=v0``) demangled as
wasmtime's backtraces show them: ``rustc-demangle``'s plain (not alternate) rendering, which keeps each crate's
disambiguator as a hex hash (``core[181223f014dfc7b8]::slice::index``), prints closures and shims as
``{closure#0}``, a value path's generic arguments with a turbofish (``generic::<T>``) and constants with their
type (``[u8; 3usize]``).

A recursive-descent reader of the grammar, printing as it reads: first a dry run that only checks the symbol is a
path (then an optional instantiating crate and a ``.suffix``), as ``rustc-demangle`` validates before printing;
anything else (another scheme, a malformed or too deep symbol) is not demangled here (None). As ``rustc-demangle``,
a failure met while printing (inside a backref, which the dry run does not follow) prints ``{invalid syntax}``
and, for each later read of the same path, ``?``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn

_BASIC = {"a": "i8", "b": "bool", "c": "char", "d": "f64", "e": "str", "f": "f32", "h": "u8", "i": "isize",
          "j": "usize", "l": "i32", "m": "u32", "n": "i128", "o": "u128", "s": "i16", "t": "u16", "u": "()",
          "v": "...", "x": "i64", "y": "u64", "z": "!", "p": "_"}
_UNSIGNED = frozenset("htmyoj")
_SIGNED = frozenset("aslxni")
#: ``rustc-demangle``'s limit on nesting (deeper symbols are not demangled).
_MAX_DEPTH = 500


class _Invalid(Exception):
    """The symbol is not a v0 path (found by the dry run): not demangled."""


class _Poisoned(Exception):
    """While printing: the reader failed (a backref the dry run does not follow), as ``rustc-demangle``'s parser
    in its error state; the function being printed returns, and each later read prints ``?``."""


def _printing(method: Callable[..., Any]) -> Callable[..., Any]:
    """A printing function of ``rustc-demangle``'s printer: a failed read returns from it, not from its caller."""
    @functools.wraps(method)
    def wrapper(self: _Printer, *args: Any) -> Any:
        try:
            return method(self, *args)
        except _Poisoned:
            return False
    return wrapper


def demangle_v0(name: str) -> str | None:
    """``name`` demangled if it is a v0 Rust symbol (``_R``, ``R`` or ``__R`` prefix), else None."""
    for prefix in ("_R", "R", "__R"):
        if name.startswith(prefix) and len(name) > len(prefix):
            inner = name[len(prefix):]
            break
    else:
        return None
    if not ("A" <= inner[0] <= "Z") or not inner.isascii():
        return None
    try:
        check = _Printer(inner, printing=False)
        check.path(False)
        if check.at < len(inner) and "A" <= inner[check.at] <= "Z":
            check.path(False)
    except (_Invalid, RecursionError):
        return None
    suffix = inner[check.at:]
    if suffix and not (suffix.startswith(".") and all(c.isalnum() or (c.isprintable() and not c.isspace())
                                                      for c in suffix)):
        return None
    printer = _Printer(inner, printing=True)
    try:
        printer.path(True)
    except RecursionError:
        return None
    return "".join(printer.out) + suffix


class _Printer:
    def __init__(self, sym: str, *, printing: bool) -> None:
        self.sym = sym
        self.at = 0
        self.depth = 0
        self.printing = printing
        #: Whether output is kept (off while an impl's own path is skipped).
        self.showing = printing
        self.poisoned = False
        self.out: list[str] = []
        self.bound_lifetimes = 0

    # -- reading ------------------------------------------------------------------------------------------------
    def fail(self, marker: str = "{invalid syntax}") -> NoReturn:
        if not self.printing:
            raise _Invalid
        self.print(marker)
        self.poisoned = True
        raise _Poisoned

    def check(self) -> None:
        """A read in the error state prints ``?`` and returns from the printing function."""
        if self.poisoned:
            self.print("?")
            raise _Poisoned

    def peek(self) -> str:
        return self.sym[self.at] if self.at < len(self.sym) else ""

    def eat(self, char: str) -> bool:
        if self.poisoned or self.peek() != char:
            return False
        self.at += 1
        return True

    def next(self) -> str:
        self.check()
        char = self.peek()
        if not char:
            self.fail()
        self.at += 1
        return char

    def integer_62(self) -> int:
        self.check()
        if self.eat("_"):
            return 0
        value = 0
        while not self.eat("_"):
            char = self.peek()
            self.at += 1
            if char.isdigit():
                digit = ord(char) - ord("0")
            elif "a" <= char <= "z":
                digit = 10 + ord(char) - ord("a")
            elif "A" <= char <= "Z":
                digit = 36 + ord(char) - ord("A")
            else:
                self.fail()
            value = value * 62 + digit
        return value + 1

    def opt_integer_62(self, tag: str) -> int:
        self.check()
        return self.integer_62() + 1 if self.eat(tag) else 0

    def disambiguator(self) -> int:
        return self.opt_integer_62("s")

    def ident(self) -> tuple[str, str]:
        """(ASCII part, Punycode part) of an identifier."""
        self.check()
        punycode = self.eat("u")
        char = self.peek()
        if not char.isdigit():
            self.fail()
        self.at += 1
        length = int(char)
        if length:
            while self.peek().isdigit():
                length = length * 10 + int(self.sym[self.at])
                self.at += 1
        self.eat("_")
        start = self.at
        if start + length > len(self.sym):
            self.fail()
        self.at += length
        text = self.sym[start:self.at]
        if not punycode:
            return text, ""
        cut = text.rfind("_")
        ascii_part, coded = (text[:cut], text[cut + 1:]) if cut >= 0 else ("", text)
        if not coded:
            self.fail()
        return ascii_part, coded

    def hex_nibbles(self) -> str:
        self.check()
        start = self.at
        while self.peek() and self.peek() in "0123456789abcdef":
            self.at += 1
        nibbles = self.sym[start:self.at]
        if not self.eat("_"):
            self.fail()
        return nibbles

    def push_depth(self) -> None:
        self.check()
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            self.fail("{recursion limit reached}")

    def pop_depth(self) -> None:
        if not self.poisoned:
            self.depth -= 1

    # -- printing -----------------------------------------------------------------------------------------------
    def print(self, text: str) -> None:
        if self.showing:
            self.out.append(text)

    def print_ident(self, ident: tuple[str, str]) -> None:
        ascii_part, coded = ident
        if not coded:
            self.print(ascii_part)
            return
        decoded = _punycode(ascii_part, coded)
        if decoded is None:
            self.print(f"punycode{{{ascii_part + '-' if ascii_part else ''}{coded}}}")
        else:
            self.print(decoded)

    @_printing
    def with_backref(self, action: Callable[[], object]) -> None:
        self.check()
        start = self.at - 1
        target = self.integer_62()
        if target >= start:
            self.fail()
        if not self.showing:
            return  # as rustc-demangle: a dry run, or a skipped path, does not follow backrefs
        saved = (self.at, self.depth, self.poisoned)
        self.at = target
        try:
            action()
        finally:
            self.at, self.depth, self.poisoned = saved

    @_printing
    def lifetime(self, index: int) -> None:
        if not self.showing:
            return  # bound lifetimes are not tracked when nothing is printed (rustc-demangle's dry run)
        self.print("'")
        if index == 0:
            self.print("_")
            return
        depth = self.bound_lifetimes - index
        if depth < 0:
            self.fail()
        self.print(chr(ord("a") + depth) if depth < 26 else f"_{depth}")

    @_printing
    def in_binder(self, action: Callable[[], object]) -> None:
        bound = self.opt_integer_62("G")
        if bound > 0:
            self.print("for<")
            for k in range(bound):
                if k:
                    self.print(", ")
                self.bound_lifetimes += 1
                self.lifetime(1)
            self.print("> ")
        action()
        self.bound_lifetimes -= bound

    def sep_list(self, item: Callable[[], object], separator: str) -> int:
        count = 0
        while not self.poisoned and not self.eat("E"):
            if count:
                self.print(separator)
            item()
            count += 1
        return count

    @_printing
    def path(self, in_value: bool) -> None:
        self.push_depth()
        tag = self.next()
        if tag == "C":
            disambiguator = self.disambiguator()
            ident = self.ident()
            self.print_ident(ident)
            if disambiguator:
                self.print(f"[{disambiguator:x}]")
        elif tag == "N":
            namespace = self.next()
            self.path(in_value)
            disambiguator = self.disambiguator()
            ident = self.ident()
            if "A" <= namespace <= "Z":
                self.print("::{")
                self.print({"C": "closure", "S": "shim"}.get(namespace, namespace))
                if ident[0] or ident[1]:
                    self.print(":")
                    self.print_ident(ident)
                self.print(f"#{disambiguator}}}")
            elif "a" <= namespace <= "z":
                if ident[0] or ident[1]:
                    self.print("::")
                    self.print_ident(ident)
            else:
                self.fail()
        elif tag in "MXY":
            if tag != "Y":
                self.disambiguator()
                showing, self.showing = self.showing, False
                try:
                    self.path(False)
                finally:
                    self.showing = showing
            self.print("<")
            self.type()
            if tag != "M":
                self.print(" as ")
                self.path(False)
            self.print(">")
        elif tag == "I":
            self.path(in_value)
            if in_value:
                self.print("::")
            self.print("<")
            self.sep_list(self.generic_arg, ", ")
            self.print(">")
        elif tag == "B":
            self.with_backref(lambda: self.path(in_value))
        else:
            self.fail()
        self.pop_depth()

    @_printing
    def generic_arg(self) -> None:
        if self.eat("L"):
            self.lifetime(self.integer_62())
        elif self.eat("K"):
            self.const(False)
        else:
            self.type()

    @_printing
    def type(self) -> None:
        tag = self.next()
        basic = _BASIC.get(tag)
        if basic is not None:
            self.print(basic)
            return
        self.push_depth()
        if tag in "RQ":
            self.print("&")
            if self.eat("L"):
                index = self.integer_62()
                if index:
                    self.lifetime(index)
                    self.print(" ")
            if tag == "Q":
                self.print("mut ")
            self.type()
        elif tag in "PO":
            self.print("*const " if tag == "P" else "*mut ")
            self.type()
        elif tag in "AS":
            self.print("[")
            self.type()
            if tag == "A":
                self.print("; ")
                self.const(True)
            self.print("]")
        elif tag == "T":
            self.print("(")
            if self.sep_list(self.type, ", ") == 1:
                self.print(",")
            self.print(")")
        elif tag == "F":
            self.in_binder(self.fn_signature)
        elif tag == "D":
            self.print("dyn ")
            self.in_binder(lambda: self.sep_list(self.dyn_trait, " + "))
            if not self.eat("L"):
                self.fail()
            index = self.integer_62()
            if index:
                self.print(" + ")
                self.lifetime(index)
        elif tag == "B":
            self.with_backref(self.type)
        else:
            self.at -= 1
            self.path(False)
        self.pop_depth()

    @_printing
    def fn_signature(self) -> None:
        unsafe = self.eat("U")
        abi: str | None = None
        if self.eat("K"):
            if self.eat("C"):
                abi = "C"
            else:
                ascii_part, coded = self.ident()
                if not ascii_part or coded:
                    self.fail()
                abi = ascii_part
        if unsafe:
            self.print("unsafe ")
        if abi is not None:
            self.print(f'extern "{abi.replace("_", "-")}" ')
        self.print("fn(")
        self.sep_list(self.type, ", ")
        self.print(")")
        if not self.eat("u"):
            self.print(" -> ")
            self.type()

    @_printing
    def dyn_trait(self) -> None:
        is_open = self.path_maybe_open_generics()
        while self.eat("p"):
            self.print(", " if is_open else "<")
            is_open = True
            self.print_ident(self.ident())
            self.print(" = ")
            self.type()
        if is_open:
            self.print(">")

    @_printing
    def path_maybe_open_generics(self) -> bool:
        if self.eat("B"):
            opened = [False]

            def follow() -> None:
                opened[0] = bool(self.path_maybe_open_generics())
            self.with_backref(follow)
            return opened[0]
        if self.eat("I"):
            self.path(False)
            self.print("<")
            self.sep_list(self.generic_arg, ", ")
            return True
        self.path(False)
        return False

    @_printing
    def const(self, in_value: bool) -> None:
        tag = self.next()
        self.push_depth()
        braced = False

        def open_brace() -> None:
            nonlocal braced
            if not in_value:
                braced = True
                self.print("{")
        if tag == "p":
            self.print("_")
        elif tag in _UNSIGNED:
            self.const_uint(tag)
        elif tag in _SIGNED:
            if self.eat("n"):
                self.print("-")
            self.const_uint(tag)
        elif tag == "b":
            value = _uint(self.hex_nibbles())
            if value not in (0, 1):
                self.fail()
            self.print("true" if value else "false")
        elif tag == "c":
            value = _uint(self.hex_nibbles())
            if value is None or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                self.fail()
            self.print(_quoted("'", chr(value)))
        elif tag == "e":
            open_brace()
            self.print("*")
            self.const_str()
        elif tag in "RQ":
            if tag == "R" and self.eat("e"):
                self.const_str()
            else:
                open_brace()
                self.print("&" if tag == "R" else "&mut ")
                self.const(True)
        elif tag == "A":
            open_brace()
            self.print("[")
            self.sep_list(lambda: self.const(True), ", ")
            self.print("]")
        elif tag == "T":
            open_brace()
            self.print("(")
            if self.sep_list(lambda: self.const(True), ", ") == 1:
                self.print(",")
            self.print(")")
        elif tag == "V":
            open_brace()
            self.path(True)
            kind = self.next()
            if kind == "T":
                self.print("(")
                self.sep_list(lambda: self.const(True), ", ")
                self.print(")")
            elif kind == "S":
                self.print(" { ")
                self.sep_list(self.const_field, ", ")
                self.print(" }")
            elif kind != "U":
                self.fail()
        elif tag == "B":
            self.with_backref(lambda: self.const(in_value))
        else:
            self.fail()
        if braced:
            self.print("}")
        self.pop_depth()

    @_printing
    def const_field(self) -> None:
        self.disambiguator()
        self.print_ident(self.ident())
        self.print(": ")
        self.const(True)

    @_printing
    def const_str(self) -> None:
        nibbles = self.hex_nibbles()
        text = None
        if len(nibbles) % 2 == 0:
            try:
                text = bytes.fromhex(nibbles).decode("utf-8")
            except UnicodeDecodeError:
                text = None
        if text is None:
            self.fail()
        self.print(_quoted('"', text))

    @_printing
    def const_uint(self, tag: str) -> None:
        nibbles = self.hex_nibbles()
        value = _uint(nibbles)
        self.print(str(value) if value is not None else f"0x{nibbles}")
        self.print(_BASIC[tag])


def _uint(nibbles: str) -> int | None:
    digits = nibbles.lstrip("0")
    if len(digits) > 16:
        return None
    return int(digits, 16) if digits else 0


def _quoted(quote: str, text: str) -> str:
    """Rust's ``escape_debug`` of ``text`` between ``quote``s (the other kind of quote is not escaped)."""
    escapes = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", "\0": "\\0", quote: "\\" + quote}
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif char.isprintable() or char == " ":
            out.append(char)
        else:
            out.append(f"\\u{{{ord(char):x}}}")
    return quote + "".join(out) + quote


def _punycode(ascii_part: str, coded: str) -> str | None:
    """RFC 3492 decoding of an identifier's ``coded`` part onto its ``ascii_part`` (None when malformed)."""
    base, t_min, t_max, skew, damp = 36, 1, 26, 38, 700
    output = list(ascii_part)
    n, i, bias = 0x80, 0, 72
    position = 0
    first = True

    def digit(char: str) -> int | None:
        if "a" <= char <= "z":
            return ord(char) - ord("a")
        if "0" <= char <= "9":
            return 26 + ord(char) - ord("0")
        return None

    while position < len(coded):
        old_i, weight, k = i, 1, base
        while True:
            if position >= len(coded):
                return None
            value = digit(coded[position])
            position += 1
            if value is None:
                return None
            i += value * weight
            t = t_min if k <= bias else t_max if k >= bias + t_max else k - bias
            if value < t:
                break
            weight *= base - t
            k += base
        length = len(output) + 1
        delta = (i - old_i) // damp if first else (i - old_i) // 2
        first = False
        delta += delta // length
        k = 0
        while delta > ((base - t_min) * t_max) // 2:
            delta //= base - t_min
            k += base
        bias = k + (base - t_min + 1) * delta // (delta + skew)
        n += i // length
        i %= length
        if n > 0x10FFFF:
            return None
        output.insert(i, chr(n))
        i += 1
    return "".join(output)
