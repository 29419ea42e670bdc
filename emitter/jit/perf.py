"""Describe JIT code to Linux perf: ``perf-PID.map`` (symbols) and, on request, ``jit-PID.dump`` (code, line
table and unwind info; kernel ``tools/perf/Documentation/jitdump-specification.txt``, version 1 records).

Per function the dump holds ``JIT_CODE_DEBUG_INFO`` and ``JIT_CODE_UNWINDING_INFO`` and then the
``JIT_CODE_LOAD`` they describe (perf attaches both to the next load). ``perf inject --jit`` turns each load into
a small ELF file with the code at ``GEN_ELF_TEXT_OFFSET`` and the unwinding data right after it (8-aligned):
first the ``.eh_frame`` table, then its ``.eh_frame_hdr`` (the last ``eh_frame_hdr_size`` bytes; this is the
order perf's ``genelf.c`` reads, whatever the prose of the specification says). The function's CIE and FDE are
copied from the module's in-memory ``.eh_frame`` and their pc-relative fields recomputed for that layout.
"""

from __future__ import annotations

import os
import struct
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..compiled import LineEntry

if TYPE_CHECKING:
    import mmap

    from .loader import LoadedModule

JITHEADER_MAGIC = 0x4A695444
JITHEADER_VERSION = 1
EM_X86_64 = 62
JIT_CODE_LOAD = 0
JIT_CODE_DEBUG_INFO = 2
JIT_CODE_CLOSE = 3
JIT_CODE_UNWINDING_INFO = 4
#: perf's genelf.h: the code of an injected ELF starts after the ELF header and one program header, 16-aligned.
GEN_ELF_TEXT_OFFSET = 0x80

_FILE_HEADER = struct.Struct("<IIIIIIQQ")
_RECORD_HEADER = struct.Struct("<IIQ")
DW_EH_PE_absptr = 0x00
DW_EH_PE_udata4 = 0x03
DW_EH_PE_sdata4 = 0x0B
DW_EH_PE_pcrel = 0x10
DW_EH_PE_datarel = 0x30


def _timestamp() -> int:
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def _read_uleb(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


@dataclass(frozen=True, slots=True)
class EhFrameEntry:
    """An FDE of an in-memory ``.eh_frame`` with its CIE: raw bytes and where the FDE's fields are."""

    cie: bytes
    fde: bytes
    pc_begin: int
    #: Offset of ``pc_begin`` within ``fde`` and its encoding (from the CIE's ``R`` augmentation).
    pc_begin_field: int
    encoding: int


def _fde_encoding(cie: bytes) -> int:
    """The ``R`` augmentation of a version-1 CIE (absptr when there is none)."""
    end = cie.index(b"\0", 9)
    augmentation = cie[9:end].decode()
    offset = end + 1
    _, offset = _read_uleb(cie, offset)  # code alignment
    _, offset = _read_uleb(cie, offset)  # data alignment (sleb; only skipped)
    offset += 1  # return-address register (u8 in version 1)
    if not augmentation.startswith("z"):
        return DW_EH_PE_absptr
    _, offset = _read_uleb(cie, offset)
    for char in augmentation[1:]:
        match char:
            case "R":
                return cie[offset]
            case "P":
                encoding = cie[offset]
                offset += 1 + (8 if encoding & 0x0F == DW_EH_PE_absptr else 4)
            case "L":
                offset += 1
    return DW_EH_PE_absptr


def eh_frame_entries(data: bytes, address: int) -> Iterator[EhFrameEntry]:
    """The FDEs of a relocated ``.eh_frame`` loaded at ``address`` (up to the zero terminator or the end)."""
    offset = 0
    cies: dict[int, bytes] = {}
    while offset + 4 <= len(data):
        length, = struct.unpack_from("<I", data, offset)
        if length == 0:
            return
        entry = data[offset:offset + 4 + length]
        cie_pointer, = struct.unpack_from("<I", entry, 4)
        if cie_pointer == 0:
            cies[offset] = entry
        else:
            cie = cies[offset + 4 - cie_pointer]
            encoding = _fde_encoding(cie)
            if encoding & 0x0F == DW_EH_PE_absptr:
                value, = struct.unpack_from("<Q", entry, 8)
            else:
                value, = struct.unpack_from("<i", entry, 8)
            if encoding & 0x70 == DW_EH_PE_pcrel:
                value += address + offset + 8
            yield EhFrameEntry(cie, entry, value, 8, encoding)
        offset += 4 + length


def unwinding_data(entry: EhFrameEntry, code_size: int) -> tuple[bytes, int]:
    """``.eh_frame`` (CIE, FDE, terminator) then ``.eh_frame_hdr`` for the injected ELF; returns the data and the
    header's size."""
    base = (GEN_ELF_TEXT_OFFSET + code_size + 7) & ~7
    fde = bytearray(entry.fde)
    fde_offset = len(entry.cie)
    struct.pack_into("<I", fde, 4, fde_offset + 4)  # back to the CIE at offset 0
    if entry.encoding & 0x0F == DW_EH_PE_absptr:
        struct.pack_into("<Q", fde, entry.pc_begin_field, GEN_ELF_TEXT_OFFSET)
    else:
        place = base + fde_offset + entry.pc_begin_field
        relative = entry.encoding & 0x70 == DW_EH_PE_pcrel
        struct.pack_into("<i", fde, entry.pc_begin_field, GEN_ELF_TEXT_OFFSET - (place if relative else 0))
    table = entry.cie + bytes(fde) + bytes(4)
    header_address = base + len(table)
    header = bytes([1, DW_EH_PE_pcrel | DW_EH_PE_sdata4, DW_EH_PE_udata4, DW_EH_PE_datarel | DW_EH_PE_sdata4])
    header += struct.pack("<iIii", base - (header_address + 4), 1, GEN_ELF_TEXT_OFFSET - header_address,
                          base + fde_offset - header_address)
    return table + header, len(header)


class PerfWriter:
    """Writes ``perf-PID.map`` and, with ``jitdump``, ``jit-PID.dump`` in ``directory`` (default: the temp
    directory, where perf looks). Thread-safe; ``close()`` ends the dump with ``JIT_CODE_CLOSE``."""

    def __init__(self, *, jitdump: bool = False, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory or tempfile.gettempdir())
        self.pid = os.getpid()
        self.map_path = self.directory / f"perf-{self.pid}.map"
        self.dump_path: Path | None = self.directory / f"jit-{self.pid}.dump" if jitdump else None
        self._lock = threading.Lock()
        self._code_index = 0
        self._map = open(self.map_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._dump: BinaryIO | None = None
        self._marker: mmap.mmap | None = None
        if self.dump_path is not None:
            self._dump = open(self.dump_path, "w+b")  # noqa: SIM115 - closed in close()
            self._dump.write(_FILE_HEADER.pack(JITHEADER_MAGIC, JITHEADER_VERSION, _FILE_HEADER.size, EM_X86_64, 0,
                                               self.pid, _timestamp(), 0))
            self._dump.flush()
            # perf record finds the dump through this executable mapping of it (its marker). The module is
            # imported here: it is a shared object of its own, which only a jitdump needs.
            import mmap

            self._marker = mmap.mmap(self._dump.fileno(), _FILE_HEADER.size, mmap.MAP_PRIVATE,
                                     mmap.PROT_READ | mmap.PROT_EXEC)

    def code_loaded(self, module: LoadedModule) -> None:
        entries = {}
        if module.eh_frame is not None and self._dump is not None:
            address, size = module.eh_frame
            entries = {e.pc_begin: e for e in eh_frame_entries(module.read(address, size), address)}
        source = str(Path(module.compiled.source_dir) / module.compiled.source_file)
        with self._lock:
            for placed in module.functions:
                name = f"{module.compiled.name}!{placed.function.name}"
                self._map.write(f"{placed.address:x} {placed.size:x} {name}\n")
                if self._dump is not None:
                    code = module.read(placed.address, placed.size)
                    self._write_debug_info(placed.address, placed.function.lines, source)
                    entry = entries.get(placed.address)
                    if entry is not None:
                        self._write_unwinding_info(entry, placed.size)
                    self._write_code_load(placed.address, code, name)
            self._map.flush()
            if self._dump is not None:
                self._dump.flush()

    def _record(self, record_id: int, payload: bytes) -> None:
        if self._dump is None:
            raise ValueError("jitdump is not enabled")
        self._dump.write(_RECORD_HEADER.pack(record_id, _RECORD_HEADER.size + len(payload), _timestamp()) + payload)

    def _write_debug_info(self, address: int, lines: Sequence[LineEntry], source: str) -> None:
        name = source.encode() + b"\0"
        entries = b"".join(struct.pack("<QII", address + e.code_offset, max(e.line, 1), 0) + name for e in lines)
        self._record(JIT_CODE_DEBUG_INFO, struct.pack("<QQ", address, len(lines)) + entries)

    def _write_unwinding_info(self, entry: EhFrameEntry, code_size: int) -> None:
        data, header_size = unwinding_data(entry, code_size)
        padding = bytes(-len(data) % 8)
        self._record(JIT_CODE_UNWINDING_INFO, struct.pack("<QQQ", len(data), header_size, 0) + data + padding)

    def _write_code_load(self, address: int, code: bytes, name: str) -> None:
        payload = struct.pack("<IIQQQQ", self.pid, threading.get_native_id(), address, address, len(code),
                              self._code_index) + name.encode() + b"\0" + code
        self._code_index += 1
        self._record(JIT_CODE_LOAD, payload)

    def close(self) -> None:
        with self._lock:
            if self._dump is not None and not self._dump.closed:
                self._record(JIT_CODE_CLOSE, b"")
                self._dump.close()
            if self._marker is not None:
                self._marker.close()
                self._marker = None
            self._map.close()

