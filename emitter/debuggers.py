"""``jitdebug gdb`` / ``jitdebug lldb``: start the debugger with our plugin loaded, on PROGRAM ARGS.

Options before ``--`` go to the debugger unchanged. Debuggers refuse to run a script as the inferior, and
``python3``/``jitdebug`` on PATH are often scripts (console-script wrappers, version-manager shims): a Python
program runs under the real interpreter binary, with this process's import path so the venv keeps working.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from .errors import JitdebugError

ROOT = Path(__file__).resolve().parent.parent
GDB_PLUGIN = ROOT / "gdbplugin" / "jitdebug_gdb.py"
LLDB_PLUGIN = ROOT / "lldbplugin" / "jitdebug_lldb.py"


def _split(argv: list[str], debugger: str) -> tuple[list[str], list[str]]:
    if "--" not in argv:
        raise JitdebugError(f"usage: jitdebug {debugger} [{debugger.upper()} OPTIONS...] -- PROGRAM ARGS...")
    at = argv.index("--")
    if at + 1 >= len(argv):
        raise JitdebugError(f"jitdebug {debugger}: no PROGRAM after '--'")
    return argv[:at], argv[at + 1 :]


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def _python() -> tuple[str, dict[str, str]]:
    """An ELF interpreter to run Python code with our import path, and the environment it needs."""
    if _is_elf(sys.executable):
        # A venv's ``bin/python`` links to the real binary and keeps the venv: use the link itself.
        return sys.executable, {}
    real = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    return real, {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _is_python_script(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def inferior(program: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command line the debugger runs for ``PROGRAM ARGS`` and extra environment variables."""
    name, args = program[0], program[1:]
    resolved = shutil.which(name) or name
    if Path(name).name == "jitdebug":
        python, env = _python()
        # This checkout is what runs, wherever the debugger is started from.
        path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", os.environ.get("PYTHONPATH"))) if p)
        return [python, "-m", "emitter.cli", *args], {**env, "PYTHONPATH": path}
    if Path(name).name.startswith("python") or name.endswith(".py"):
        python, env = _python()
        return ([python, *args] if not name.endswith(".py") else [python, name, *args]), env
    if _is_python_script(resolved):
        python, env = _python()
        return [python, resolved, *args], env
    return [resolved, *args], {}


def _run(argv: list[str], env: dict[str, str]) -> int:
    """Run the debugger in the foreground; Ctrl-C belongs to it, not to us."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return subprocess.call(argv, env={**os.environ, **env})
    finally:
        signal.signal(signal.SIGINT, previous)


def _debugger(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path is not None:
            return path
    raise JitdebugError(f"{names[0]} is not installed")


def gdb_command(argv: list[str]) -> int:
    options, program = _split(argv, "gdb")
    command, env = inferior(program)
    gdb = _debugger("gdb")
    return _run([gdb, "-iex", f"source {GDB_PLUGIN}", *options, "--args", *command], env)


def lldb_command(argv: list[str]) -> int:
    options, program = _split(argv, "lldb")
    if not LLDB_PLUGIN.is_file():
        raise JitdebugError(f"the LLDB plugin is missing: {LLDB_PLUGIN}")
    command, env = inferior(program)
    lldb = _debugger("lldb", "lldb-19")
    return _run([lldb, "-O", f"command script import {LLDB_PLUGIN}", *options, "--", *command], env)
