"""A persistent, content-addressed cache of compiled modules, so that running the same module again (under a
debugger, typically: ``jitdebug gdb -- jitdebug run big.wasm`` twice) skips decoding, validation, the listing and
code generation.

What is cached: ``compile_wasm``'s result — the decoded module without its instruction bodies, the
``CompiledModule`` (code, unwind programs, line tables, variable locations, relocations) and the listing text its
line table names. Instantiation (lowering to DWARF, the JIT image, relocation at the load address) still runs.

The key is a SHA-256 over everything the result depends on: the module's bytes as read (binary or text), the
options (module name, debug information, listing name), the compiler itself (every source file and native part
of the package, by path, size and modification time, so an edited or upgraded compiler never reads an older
compiler's entries), the Python version (the entry format is pickle) and the CPU's feature flags.

An entry is one file ``<key[:2]>/<key>.jdc`` (a compiled module; ``.jdl`` for the lowered object of one of its
instantiations, see ``lowered.py``): a magic line, the SHA-256 and length of the payload, then the
payload. Writers write a temporary file in the same directory and rename it into place, so two processes
storing the same entry at once each install a complete file and readers see either none or a whole one; a
truncated or corrupt entry (a crash mid-write, a full disk) fails its check, is removed and counts as a miss.
The cache keeps itself under ``limit`` bytes, dropping the least recently used entries (a hit refreshes an
entry's modification time).

Where: ``$JITDEBUG_CACHE_DIR``, else ``$XDG_CACHE_HOME/jitdebug``, else ``~/.cache/jitdebug``. Off with
``JITDEBUG_CACHE=0`` (or ``n``/``no``/``off``/``false``), or ``jitdebug run -C cache=n`` as in wasmtime's CLI;
``jitdebug cache clear`` empties it, ``jitdebug cache dir`` prints where it is.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import hashlib


def _sha256(data: bytes | memoryview = b"") -> hashlib._Hash:
    """SHA-256, hashlib imported only when a cache is used (it loads OpenSSL's library: one more shared object
    for a debugger to read at the start of every program that merely imports the cache)."""
    import hashlib

    return hashlib.sha256(data)


_MAGIC = b"jitdebug compile cache 1\n"
_HEADER = struct.Struct("<32sQ")
_SUFFIX = ".jdc"
#: The file suffix of each kind of entry: compiled modules, and their lowered objects (``lowered.py``).
_SUFFIXES = {"module": _SUFFIX, "lowered": ".jdl"}
#: Default size bound of the whole cache.
DEFAULT_LIMIT = 1 << 30
_OFF = {"0", "n", "no", "off", "false"}


def default_directory() -> Path:
    explicit = os.environ.get("JITDEBUG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jitdebug"


def enabled_by_environment() -> bool:
    """False when ``JITDEBUG_CACHE`` says off."""
    return os.environ.get("JITDEBUG_CACHE", "1").strip().lower() not in _OFF


@cache
def _compiler_fingerprint() -> bytes:
    """Path, size and modification time of every file of the compiler package (sources and native parts)."""
    root = Path(__file__).resolve().parents[1]
    digest = _sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".so", ".c", ".h") and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.digest()


@cache
def _cpu_features() -> bytes:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return line.encode()
    except OSError:
        pass
    return b""


class CompileCache:
    """Entries of compiled modules under ``directory`` (see the module docstring)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, limit: int = DEFAULT_LIMIT) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.limit = limit

    def key(self, source: bytes, *options: object) -> str:
        digest = _sha256(b"jitdebug-compile-cache-1\0")
        digest.update(_compiler_fingerprint())
        digest.update(sys.version.encode() + b"\0" + _cpu_features())
        digest.update(repr(options).encode() + b"\0")
        digest.update(source)
        return digest.hexdigest()

    def _path(self, key: str, kind: str) -> Path:
        return self.directory / key[:2] / f"{key}{_SUFFIXES[kind]}"

    def load(self, key: str, kind: str = "module") -> Any | None:
        """The payload stored under ``key``, or None (missing, unreadable, truncated or corrupt: removed)."""
        path = self._path(key, kind)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = self._check(data)
        if payload is None:
            path.unlink(missing_ok=True)
            return None
        try:
            value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - an entry another version wrote despite the key: a miss, never a crash
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)
        except OSError:
            pass
        return value

    @staticmethod
    def _check(data: bytes) -> memoryview | None:
        start = len(_MAGIC) + _HEADER.size
        if len(data) < start or not data.startswith(_MAGIC):
            return None
        digest, length = _HEADER.unpack_from(data, len(_MAGIC))
        payload = memoryview(data)[start:]
        if len(payload) != length or _sha256(payload).digest() != digest:
            return None
        return payload

    def store(self, key: str, value: object, kind: str = "module") -> None:
        """Write ``value`` under ``key``, atomically; a cache that cannot be written is silently skipped (the
        compile already succeeded, and the next run simply compiles again)."""
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path = self._path(key, kind)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
            try:
                with os.fdopen(descriptor, "wb") as out:
                    out.write(_MAGIC)
                    out.write(_HEADER.pack(_sha256(payload).digest(), len(payload)))
                    out.write(payload)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self._trim()

    def entries(self, kind: str | None = None) -> Iterator[Path]:
        """The complete entries of ``kind`` (default: every kind), not another writer's temporary file."""
        if not self.directory.is_dir():
            return
        for suffix in (_SUFFIXES[kind],) if kind is not None else _SUFFIXES.values():
            yield from (p for p in self.directory.glob(f"*/*{suffix}") if not p.name.startswith(".tmp-"))

    def _trim(self) -> None:
        """Drop the least recently used entries while the cache is over its limit."""
        sized = []
        for path in self.entries():
            try:
                stat = path.stat()
            except OSError:
                continue
            sized.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in sized)
        for _, size, path in sorted(sized):
            if total <= self.limit:
                break
            path.unlink(missing_ok=True)
            total -= size

    def clear(self) -> int:
        """Remove every entry (and leftover temporary files); returns how many compiled modules there were."""
        removed = 0
        if not self.directory.is_dir():
            return 0
        for suffix in _SUFFIXES.values():
            for path in self.directory.glob(f"*/*{suffix}"):
                if suffix == _SUFFIX and not path.name.startswith(".tmp-"):
                    removed += 1
                path.unlink(missing_ok=True)
        return removed
