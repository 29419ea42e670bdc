"""The ``<sys/mman.h>`` values the JIT maps its pages with (Linux, x86-64), for the C library's ``mmap`` and
``mprotect`` it calls through ctypes: the ``mmap`` module, which has them, is a shared object of its own, and a
debugger stops at and reads each shared object a program loads."""

from __future__ import annotations

import os

PROT_READ = 0x1
PROT_WRITE = 0x2
PROT_EXEC = 0x4
MAP_PRIVATE = 0x02
MAP_FIXED = 0x10
MAP_ANONYMOUS = 0x20
MAP_NORESERVE = 0x4000
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
