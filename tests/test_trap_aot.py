"""Trap backtraces in AOT programs: a host's trap hook calls the documented runtime function
``jitdebug_trap_report`` (``emitter/runtime/jitdebug_eh.h``), which walks the stack with the system unwinder and
maps it through the linked frame tables. Each report equals wasmtime's ``str(trap)`` for the same call.
"""

from __future__ import annotations

from pathlib import Path

from emitter.cli import main
from emitter.codegen.runtime import TrapCode
from tests.test_trap_backtraces import CALLS, WAT, _wasmtime_reports
from tests.tools import ROOT, run

RUNTIME = ROOT / "emitter" / "runtime"
SEPARATOR = "-- end of report --"


def _c_literal(value: int | float) -> str:
    if isinstance(value, float):
        return repr(value) if value == value else '__builtin_nan("")'
    return f"(int32_t){value}LL"


def _host() -> str:
    lines = ["#include <setjmp.h>", "#include <stdio.h>", '#include "traps.h"', '#include "jitdebug_eh.h"',
             "static jmp_buf back;",
             "void jitdebug_trap(int32_t code) {",
             "    char report[16384];",
             "    jitdebug_trap_report(code, report, sizeof report);",
             f'    printf("%s{SEPARATOR}\\n", report);',
             "    longjmp(back, 1);",
             "}",
             "int main(void) {"]
    for name, args in CALLS:
        literals = ", ".join(_c_literal(a) for a in args)
        lines.append(f"    if (!setjmp(back)) {{ wasm_{name}({literals}); printf(\"no trap\\n{SEPARATOR}\\n\"); }}")
    lines += ["    return 0;", "}"]
    return "\n".join(lines) + "\n"


def test_aot_trap_reports_equal_wasmtime(tmp_path: Path) -> None:
    source = tmp_path / "traps.wat"
    source.write_text(WAT)
    obj, header = tmp_path / "traps.o", tmp_path / "traps.h"
    assert main(["compile", str(source), "-o", str(obj), "--header", str(header), "--export-prefix", "wasm_"]) == 0
    host = tmp_path / "host.c"
    host.write_text(_host())
    exe = tmp_path / "host"
    run(["gcc", "-O1", "-I", RUNTIME, "-I", tmp_path, "-o", exe, host, obj, RUNTIME / "jitdebug_eh.c"])
    reports = run([exe]).stdout.split(f"{SEPARATOR}\n")[:-1]
    expected = _wasmtime_reports(WAT)
    assert len(reports) == len(expected)
    for (name, args), want, have in zip(CALLS, expected, reports, strict=True):
        assert have == want, f"{name}{args}:\n--- wasmtime\n{want}--- aot\n{have}"


def test_runtime_trap_causes_match_the_compiler_codes(tmp_path: Path) -> None:
    """The C runtime's "Caused by" lines are the compiler's ``TrapCode`` table, code for code."""
    source = tmp_path / "causes.c"
    last = max(TrapCode)
    source.write_text('#include <stdio.h>\n#include "jitdebug_eh.h"\n'
                      "void jitdebug_trap(int32_t code) { (void)code; __builtin_trap(); }\n"
                      f"int main(void) {{ for (int c = 1; c <= {last}; c++) puts(jitdebug_trap_cause(c)); }}\n")
    exe = tmp_path / "causes"
    run(["gcc", "-I", RUNTIME, "-o", exe, source, RUNTIME / "jitdebug_eh.c"])
    assert run([exe]).stdout.splitlines() == [TrapCode(c).caused_by for c in range(1, max(TrapCode) + 1)]
