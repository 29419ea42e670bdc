"""Pages for JIT code and data, straight from ``mmap``, with W^X: written while read-write, then each range is
flipped to its final protection (code read-execute, unwind tables read-only, module state read-write).

One region per module holds its code, its ``.eh_frame`` and its state, so every pc-relative reference between
them (sdata4 FDE pointers, rip-relative data accesses) stays within +-2 GiB.
"""

from __future__ import annotations

import ctypes
import os

from ..errors import JitdebugError
from . import mman

PAGE_SIZE = mman.PAGE_SIZE

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_libc.mprotect.restype = ctypes.c_int
_libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_libc.munmap.restype = ctypes.c_int
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]

_MAP_FAILED = ctypes.c_void_p(-1).value


def page_round(size: int) -> int:
    return -(-size // PAGE_SIZE) * PAGE_SIZE


class Region:
    """An anonymous private mapping, read-write until ``protect`` is called on its ranges."""

    def __init__(self, size: int) -> None:
        self.size = page_round(max(size, 1))
        address = _libc.mmap(None, self.size, mman.PROT_READ | mman.PROT_WRITE,
                             mman.MAP_PRIVATE | mman.MAP_ANONYMOUS, -1, 0)
        if address is None or address == _MAP_FAILED:
            raise JitdebugError(f"mmap of {self.size} bytes failed: {os.strerror(ctypes.get_errno())}")
        self.address: int = address
        self._mapped = True

    def write(self, offset: int, data: bytes) -> None:
        if not 0 <= offset <= offset + len(data) <= self.size:
            raise JitdebugError(f"write of {len(data)} bytes at {offset:#x} outside a {self.size:#x}-byte region")
        ctypes.memmove(self.address + offset, data, len(data))

    def read(self, offset: int, size: int) -> bytes:
        return ctypes.string_at(self.address + offset, size)

    def protect(self, offset: int, size: int, prot: int) -> None:
        """Set the protection of the pages in [offset, offset + size) (``offset`` page-aligned)."""
        if size == 0:
            return
        if _libc.mprotect(self.address + offset, page_round(size), prot) != 0:
            raise JitdebugError(f"mprotect failed: {os.strerror(ctypes.get_errno())}")

    def unmap(self) -> None:
        if self._mapped:
            _libc.munmap(self.address, self.size)
            self._mapped = False

    def retire(self) -> None:
        """Release the pages, but while a debugger traces the process keep their addresses reserved (``PROT_NONE``,
        no memory) for the rest of the process, so no later mapping reuses them.

        Why: gdb 13 keeps a breakpoint's location in a JIT object file after the image is unregistered (``info
        breakpoints`` still lists it, with no symbol) and evidently still counts its ``int3`` as inserted there.
        A module loaded again at the same address gets the same location back, which gdb never re-inserts, so
        ``break f`` is not hit in the new code (and other memory mapped there would presumably get gdb's saved
        bytes and ``int3``). A reserved range takes those writes harmlessly; the new module lands elsewhere, where
        gdb inserts a new location."""
        if self._mapped and _traced():
            flags = mman.MAP_PRIVATE | mman.MAP_ANONYMOUS | _MAP_FIXED | _MAP_NORESERVE
            if _libc.mmap(self.address, self.size, _PROT_NONE, flags, -1, 0) == self.address:
                self._mapped = False
                return
        self.unmap()


_PROT_NONE = 0
_MAP_FIXED = mman.MAP_FIXED
_MAP_NORESERVE = mman.MAP_NORESERVE


def _traced() -> bool:
    """Whether a debugger (any tracer) is attached to the process now."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"TracerPid:"):
                    return int(line.split()[1]) != 0
    except (OSError, ValueError, IndexError):
        pass
    return False
