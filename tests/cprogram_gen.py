"""Random small C programs for the native-equal property test (``tests/test_cdebug_property.py``): from a seed, a
program of a few functions with scalars of every width (char, short, int, unsigned, long long, float, double), a
struct, an array and a pointer to a local, straight-line statements, loops and conditionals, called from ``main``.

Each program is well defined in C (integer arithmetic wraps in unsigned types, shifts are small, no division, no
out-of-range float-to-integer conversion) and does not depend on the data model (no ``long``, no pointer value
printed), so the Wasm build and the native build compute the same values. The generator also says, for each
statement line, which variables are initialised there (before the line runs): the expressions a debugger stopped
on that line can print, the same on both builds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

INTEGERS = ("char", "short", "int", "unsigned", "long long")
FLOATS = ("float", "double")
_UNSIGNED = {"char": "unsigned", "short": "unsigned", "int": "unsigned", "unsigned": "unsigned",
             "long long": "unsigned long long"}


@dataclass
class Program:
    source: str
    #: statement line -> the expressions that are initialised when a debugger stops there
    lines: dict[int, list[str]] = field(default_factory=dict)


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.out: list[str] = []
        self.lines: dict[int, list[str]] = {}

    def emit(self, text: str, live: list[str] | None = None) -> None:
        """One source line; ``live`` given: a statement line a debugger stops at, with what it may print."""
        self.out.append(text)
        if live is not None:
            self.lines[len(self.out)] = list(live)


def _integer_expression(rng: random.Random, kind: str, names: list[tuple[str, str]]) -> str:
    """A ``kind`` value from the integers among ``names``, computed in the unsigned type of its width."""
    wide = _UNSIGNED[kind]
    integers = [name for name, t in names if t in INTEGERS] or ["1"]
    a, b = rng.choice(integers), rng.choice(integers)
    op = rng.choice(["+", "-", "*", "^", "&", "|"])
    constant = rng.randint(1, 200)
    shape = rng.randrange(3)
    if shape == 0:
        return f"({kind})(({wide}){a} {op} ({wide}){b})"
    if shape == 1:
        return f"({kind})((({wide}){a} << {rng.randint(0, 5)}) + {constant}u)"
    return f"({kind})(({wide}){a} * {constant}u {op} ({wide}){b})"


def _float_expression(rng: random.Random, kind: str, names: list[tuple[str, str]]) -> str:
    terms = [name for name, _ in names] or ["1"]
    a, b = rng.choice(terms), rng.choice(terms)
    scale = rng.choice(["0.5", "0.25", "3.0", "1.5", "0.1"])
    return f"({kind})(({a}) * {scale} + ({b}))"


def _expression(rng: random.Random, kind: str, names: list[tuple[str, str]]) -> str:
    return _float_expression(rng, kind, names) if kind in FLOATS else _integer_expression(rng, kind, names)


def _function(w: _Writer, index: int) -> tuple[str, list[str]]:
    """``static int fN(params)`` with a body of declarations, assignments, a loop and a conditional; returns its
    name and parameter types."""
    rng = w.rng
    params = [(f"p{i}", rng.choice(INTEGERS + FLOATS)) for i in range(rng.randint(1, 3))]
    name = f"f{index}"
    w.emit(f"static int {name}({', '.join(f'{t} {n}' for n, t in params)}) {{")
    names: list[tuple[str, str]] = list(params)
    live = [n for n, _ in params]
    for number in range(rng.randint(3, 6)):
        kind = rng.choice(INTEGERS + FLOATS)
        var = f"v{number}"
        w.emit(f"    {kind} {var} = {_expression(rng, kind, names)};", live)
        names.append((var, kind))
        live.append(var)
    first = next((n for n, t in names if t in INTEGERS), "7")
    w.emit(f"    struct rec r = {{ (int){first} & 0xffff, (short)(p0), 0.5 * {rng.randint(1, 9)} }};", live)
    live.append("r")
    w.emit("    int arr[4] = { 1, 2, 3, 4 };", live)
    live += ["arr", "arr[2]"]
    w.emit("    int *cursor = &arr[1];", live)
    live += ["*cursor", "cursor[1]", "r.a", "r.c"]
    integers = [(n, t) for n, t in names if t in INTEGERS]
    w.emit("    for (int i = 0; i < 3; i++) {")
    target, kind = rng.choice(names)
    w.emit(f"        {target} = {_expression(rng, kind, [*names, ('i', 'int')])};", [*live, "i"])
    w.emit(f"        arr[i] = arr[i + 1] + (int)(i * {rng.randint(2, 9)});", [*live, "i"])
    w.emit("        r.b = (short)(r.b + i);", [*live, "i"])
    w.emit("    }")
    if integers:
        condition = rng.choice(integers)[0]
        w.emit(f"    if ((({_UNSIGNED[dict(names)[condition]]}){condition} & 1u) == 0) {{")
        target, kind = rng.choice(names)
        w.emit(f"        {target} = {_expression(rng, kind, names)};", live)
        w.emit("    } else {")
        target, kind = rng.choice(names)
        w.emit(f"        {target} = {_expression(rng, kind, names)};", live)
        w.emit("    }")
    w.emit("    *cursor = *cursor + r.a;", live)
    total = " + ".join(f"(int)({n} != 0)" if t in FLOATS else f"(int)(unsigned){n}" for n, t in names)
    w.emit(f"    return (int)((unsigned)({total}) & 0xffffu) + arr[0] + r.b;", live)
    w.emit("}")
    w.emit("")
    return name, [t for _, t in params]


def generate(seed: int) -> Program:
    rng = random.Random(seed)
    w = _Writer(rng)
    w.emit(f"/* Generated from seed {seed} (tests/cprogram_gen.py). */")
    w.emit("struct rec { int a; short b; double c; };")
    w.emit("")
    functions = [_function(w, index) for index in range(rng.randint(2, 3))]
    w.emit("int main(void) {")
    w.emit("    int total = 0;", [])
    live = ["total"]
    for name, types in functions:
        arguments = ", ".join(str(rng.randint(-50, 300)) if t in INTEGERS else f"{rng.randint(-9, 9)}.25"
                              for t in types)
        w.emit(f"    total += {name}({arguments});", live)
    w.emit("    return total & 0x7f;", live)
    w.emit("}")
    return Program("\n".join(w.out) + "\n", w.lines)
