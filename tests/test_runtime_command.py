"""``jitdebug runtime``: the AOT runtimes' paths and a ready static library, from a checkout and from the package
installed by pip into a fresh venv (where no source tree exists: the sources must be package data).

The installed case builds a wheel of the package from a copy of its files (so the checkout is left as it is),
installs it with pip into a new venv, and links programs against what that venv's ``jitdebug runtime`` answers:
an exception thrown and caught, and one that escapes (the runtime's report), on Linux with gcc and on Windows
with mingw gcc and lld-link under Wine.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import wasmtime

from tests.tools import ROOT, run
from tests.windows_support import MINGW, lld_link, wine_process

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

MODULE = """(module $m (tag $t (param i32))
  (func (export "caught") (param i32) (result i32)
    (block $h (result i32) (try_table (catch $t $h) (throw $t (local.get 0))) (i32.const -1)))
  (func (export "uncaught") (throw $t (i32.const 1))))
"""
HOST = r"""#include <stdio.h>
#include <string.h>
#include "m.h"
int main(int argc, char **argv) {
    printf("caught %d\n", caught(41));
    fflush(stdout);
    if (argc > 1)
        uncaught();
    return 0;
}
"""
PACKAGE_FILES = ("pyproject.toml", "setup.py", "README.md", "emitter", "gdbplugin", "lldbplugin")
#: The installed command must not see the checkout (the test process's PYTHONPATH may point at it).
OUTSIDE = {"PYTHONPATH": ""}


def _install(work: Path) -> Path:
    """A fresh venv with the package installed by pip from a wheel; returns its ``jitdebug``."""
    source = work / "src"
    source.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.pyc")
    for name in PACKAGE_FILES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    wheels = work / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, source],
        timeout=600)
    venv = work / "venv"
    run([Path(sys.base_prefix) / "bin" / "python3", "-m", "venv", venv])
    wheel = next(wheels.glob("jitdebug-*.whl"))
    # --no-deps: the runtime command needs only the standard library (and the index is not for tests to reach).
    run([venv / "bin" / "pip", "install", "-q", "--no-deps", "--no-index", wheel])
    shutil.rmtree(source)
    return venv / "bin" / "jitdebug"


def _object(tmp_path: Path, target: str) -> Path:
    (tmp_path / "m.wat").write_text(MODULE)
    (tmp_path / "host.c").write_text(HOST)
    obj = tmp_path / ("m.obj" if target == "x86_64-windows" else "m.o")
    run([JITDEBUG, "compile", tmp_path / "m.wat", "-o", obj, "--target", target, "--header", tmp_path / "m.h"])
    return obj


def test_runtime_from_a_package_installed_in_a_fresh_venv(tmp_path: Path) -> None:
    """One test for every use of the installed package: the wheel build is most of its time."""
    installed = _install(tmp_path / "install")
    site = installed.parent.parent / "lib"

    # Paths inside the installed package, for both targets.
    cflags, *sources = run([installed, "runtime", "--cflags", "--sources"], env=OUTSIDE).stdout.split()
    include = Path(cflags.removeprefix("-I"))
    assert include.is_relative_to(site) and (include / "jitdebug_eh.h").is_file()
    assert [Path(s).name for s in sources] == ["jitdebug_eh.c"]
    assert all(Path(s).is_file() and Path(s).is_relative_to(site) for s in sources)
    windows = run([installed, "runtime", "--target", "x86_64-windows", "--sources"], env=OUTSIDE).stdout.split()
    assert [Path(s).name for s in windows] == ["jitdebug_eh.c", "jitdebug_eh_seh.c"]
    assert all(Path(s).is_file() and Path(s).is_relative_to(site) for s in windows)
    wasi = run([installed, "runtime", "wasi", "--sources"], env=OUTSIDE).stdout.split()
    assert [Path(s).name for s in wasi] == ["jitdebug_eh.c", "jitdebug_wasi.c", "jitdebug_wasi_main.c"]
    assert all(Path(s).is_file() and Path(s).is_relative_to(site) for s in wasi)

    # Linux: the library, and the same program from the printed sources (the pkg-config way).
    linux = tmp_path / "linux"
    linux.mkdir()
    obj = _object(linux, "x86_64-linux")
    library = linux / "libjitdebug_rt.a"
    run([installed, "runtime", "-o", library], env=OUTSIDE)
    run(["gcc", "-o", linux / "host", linux / "host.c", obj, library], cwd=linux)
    assert run([linux / "host"]).stdout == "caught 41\n"
    escaped = run([linux / "host", "uncaught"], check=False)
    assert (escaped.returncode, escaped.stdout, escaped.stderr) == (-6, "caught 41\n", "thrown Wasm exception\n")
    words = run([installed, "runtime", "--cflags", "--sources"], env=OUTSIDE).stdout.split()
    run(["gcc", "-o", linux / "host2", linux / "host.c", obj, *words], cwd=linux)
    assert run([linux / "host2"]).stdout == "caught 41\n"

    # Windows: a .lib (an ar archive) that mingw gcc and lld-link both link.
    win = tmp_path / "windows"
    win.mkdir()
    obj = _object(win, "x86_64-windows")
    library = win / "jitdebug_rt.lib"
    run([installed, "runtime", "--target", "x86_64-windows", "-o", library], env=OUTSIDE)
    gnu = win / "gnu.exe"
    run([f"{MINGW}-gcc", "-o", gnu, win / "host.c", obj, library], cwd=win)
    host = win / "host.o"
    run([f"{MINGW}-gcc", "-c", "-o", host, win / "host.c"], cwd=win)
    for exe in (gnu, lld_link(win, [host, obj, library], "lld.exe")):
        assert wine_process(exe).stdout.replace("\r\n", "\n") == "caught 41\n"
        escaped = wine_process(exe, "uncaught", check=False)
        assert (escaped.returncode, escaped.stderr.replace("\r\n", "\n")) == (3, "thrown Wasm exception\n")


WASI_COMMAND = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasi\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 3))))
"""


def test_wasi_runtime_library_links_a_command(tmp_path: Path) -> None:
    """The WASI runtime is a row of the same table: its library (with the exception runtime it needs) makes a
    compiled WASI command an executable that prints and exits as wasmtime runs it."""
    source = tmp_path / "cmd.wat"
    source.write_text(WASI_COMMAND)
    run([JITDEBUG, "compile", source, "-o", tmp_path / "cmd.o"])
    library = tmp_path / "libjitdebug_wasi.a"
    run([JITDEBUG, "runtime", "wasi", "-o", library])
    assert run(["ar", "t", library]).stdout.split() == ["0_jitdebug_eh.o", "1_jitdebug_wasi.o",
                                                        "2_jitdebug_wasi_main.o"]
    run(["gcc", "-o", tmp_path / "cmd", tmp_path / "cmd.o", library])
    native = run([tmp_path / "cmd"], check=False)
    store = wasmtime.Store()
    linker = wasmtime.Linker(store.engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.stdout_file = str(tmp_path / "oracle.out")
    store.set_wasi(config)
    start = linker.instantiate(store, wasmtime.Module(store.engine, WASI_COMMAND)).exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    with pytest.raises(wasmtime.ExitTrap) as exit_trap:
        start(store)
    assert (native.returncode, native.stdout) == (exit_trap.value.code, (tmp_path / "oracle.out").read_text())


def test_runtime_list_and_errors(tmp_path: Path) -> None:
    listing = run([JITDEBUG, "runtime", "--list"]).stdout
    assert listing.startswith("eh (default): ")
    assert "\ncore: " in listing and "\nwasi: " in listing and listing.count("\n") == 3
    refused = run([JITDEBUG, "runtime", "core", "--target", "x86_64-windows", "--sources"], check=False)
    assert refused.stderr == "jitdebug: error: runtime: 'core' is not available for x86_64-windows\n"
    include = run([JITDEBUG, "runtime", "--include-dir"]).stdout
    assert include == f"{ROOT / 'emitter' / 'runtime'}\n"
    for argv, message in (
        (["runtime"], "runtime: nothing asked: give --cflags, --include-dir, --sources, --list or -o LIB"),
        (["runtime", "nope", "--cflags"], "runtime: unknown runtime 'nope' (known: eh, core, wasi)"),
        (["runtime", "-o", str(tmp_path / "no" / "lib.a")], f"cannot write {tmp_path / 'no' / 'lib.a'}: no such "
                                                             f"directory {tmp_path / 'no'}"),
        (["runtime", "--cc", "no-such-cc", "-o", str(tmp_path / "lib.a")],
         "runtime: cc 'no-such-cc' for x86_64-linux not found (give --cc)"),
    ):
        proc = run([JITDEBUG, *argv], check=False)
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"jitdebug: error: {message}\n")
    assert list(tmp_path.iterdir()) == []
