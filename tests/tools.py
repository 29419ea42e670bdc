"""Helpers for running the real tools the tests use as oracles. A missing tool is a failure, never a skip:
the README set-up installs every one of them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "LC_ALL": "C", "LANG": "C"}


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"required tool {name!r} is not installed (run the README set-up)")
    return path


def run(args: list[str | Path], *, cwd: Path | None = None, check: bool = True, timeout: float = 300,
        env: dict[str, str] | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command with LC_ALL=C; on failure raise with its full output so the test log explains itself."""
    argv = [str(a) for a in args]
    argv[0] = tool(argv[0]) if os.sep not in argv[0] else argv[0]
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**ENV, **(env or {})}, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(argv)} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    return proc


def wasmtime_outcomes(store: object, instance: object, addresses: list[int]) -> dict[tuple[str, int], str]:
    """What each export of a wasmtime-py ``instance`` does with each address: ``"ok"`` or the trap's text (the
    oracle of the out-of-bounds trap tests)."""
    import wasmtime

    assert isinstance(store, wasmtime.Store) and isinstance(instance, wasmtime.Instance)
    outcomes = {}
    for name, export in instance.exports(store).items():
        assert isinstance(export, wasmtime.Func)
        for address in addresses:
            try:
                export(store, address)
                outcomes[name, address] = "ok"
            except wasmtime.Trap as trap:
                outcomes[name, address] = str(trap)
    return outcomes
