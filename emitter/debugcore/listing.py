"""Lines of the Wasm text listing a module's line table names (read from disk when it is there)."""

from __future__ import annotations

import functools
import os

from ..debugmeta import ModuleMetadata


@functools.lru_cache(maxsize=32)
def _lines(path: str, mtime: float) -> tuple[str, ...]:
    with open(path, encoding="utf-8", errors="replace") as f:
        return tuple(line.rstrip("\n") for line in f)


def listing_path(module: ModuleMetadata) -> str:
    return os.path.join(module.source_dir, module.source_file)


def listing_line(module: ModuleMetadata, line: int) -> str | None:
    """The text of listing line ``line`` (1-based), None when unknown or the file is missing."""
    path = listing_path(module)
    if line <= 0 or not module.source_file:
        return None
    try:
        lines = _lines(path, os.stat(path).st_mtime)
    except OSError:
        return None
    return lines[line - 1].strip() if line <= len(lines) else None
