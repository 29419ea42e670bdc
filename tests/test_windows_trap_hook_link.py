"""The README's Windows link line, ``x86_64-w64-mingw32-gcc host.c m.obj jitdebug_eh.c jitdebug_eh_seh.c``, with
and without a host-defined ``jitdebug_trap``, linked by mingw's GNU ld and by lld-link, run under Wine.

Without a hook the object's default reports a trap as wasmtime words it and aborts, and the runtime reports an
uncaught exception the same way; with one, the host's hook gets both codes. GNU ld resolves no weak definition
across objects (see ``emitter/codegen/coff_trap_hook.py``), which is what this guards.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.codegen.runtime import TrapCode
from tests.tools import ROOT, run
from tests.windows_support import EH_RUNTIME, MINGW, lld_link, wine_process

MODULE = """(module $m (tag $t (export "t") (param i32))
  (func (export "caught") (param i32) (result i32)
    (block $h (result i32) (try_table (catch $t $h) (throw $t (local.get 0))) (i32.const -1)))
  (func (export "uncaught") (throw $t (i32.const 1)))
  (func (export "boom") (unreachable)))
"""

HOST = r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "m.h"
#ifdef HOOK
void jitdebug_trap(int32_t code) { printf("host hook %d\n", code); fflush(stdout); exit(7); }
#endif
int main(int argc, char **argv) {
    printf("caught %d\n", caught(41));
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "uncaught") == 0)
        uncaught();
    boom();
    return 0;
}
"""

#: mingw's abort() ends the process with exit code 3.
ABORT = 3


def _wasmtime_causes() -> dict[str, str]:
    """What wasmtime prints under ``Caused by:`` for each export."""
    config = wasmtime.Config()
    config.wasm_exceptions = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, wasmtime.wat2wasm(MODULE)), [])
    causes = {}
    for name in ("boom", "uncaught"):
        function = instance.exports(store)[name]
        assert isinstance(function, wasmtime.Func)
        with pytest.raises(wasmtime.Trap) as trap:
            function(store)
        causes[name] = str(trap.value).split("Caused by:\n", 1)[1].strip()
    return causes


@pytest.mark.parametrize("hook", [False, True], ids=["default_hook", "host_hook"])
@pytest.mark.parametrize("linker", ["mingw_gcc", "lld_link"])
def test_documented_windows_link_line_with_and_without_a_host_hook(linker: str, hook: bool, tmp_path: Path) -> None:
    source = tmp_path / "m.wat"
    source.write_text(MODULE)
    obj = tmp_path / "m.obj"
    run([ROOT / ".venv" / "bin" / "jitdebug", "compile", source, "-o", obj, "--target", "x86_64-windows",
         "--header", tmp_path / "m.h"])
    (tmp_path / "host.c").write_text(HOST)
    defines = ["-DHOOK"] if hook else []
    runtime = [EH_RUNTIME / "jitdebug_eh.c", EH_RUNTIME / "jitdebug_eh_seh.c"]
    if linker == "mingw_gcc":
        exe = tmp_path / "host.exe"
        run([f"{MINGW}-gcc", *defines, "host.c", obj, *runtime, "-o", exe], cwd=tmp_path)
    else:
        objects = []
        for c_file in [tmp_path / "host.c", *runtime]:
            out = tmp_path / f"{c_file.stem}.o"
            run([f"{MINGW}-gcc", *defines, "-c", c_file, "-o", out], cwd=tmp_path)
            objects.append(out)
        exe = lld_link(tmp_path, [*objects, obj], "host.exe")
    causes = _wasmtime_causes()
    for export, code in (("boom", TrapCode.UNREACHABLE), ("uncaught", TrapCode.UNCAUGHT_EXCEPTION)):
        proc = wine_process(exe, export, check=False)
        stdout = proc.stdout.replace("\r\n", "\n")
        if hook:
            assert (proc.returncode, stdout) == (7, f"caught 41\nhost hook {int(code)}\n")
        else:
            assert (proc.returncode, stdout) == (ABORT, "caught 41\n")
            assert proc.stderr.replace("\r\n", "\n") == f"{causes[export]}\n"
