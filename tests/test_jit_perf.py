"""perf support: ``perf-PID.map`` and ``jit-PID.dump`` parsed back against the jitdump specification's layout, and
each function's unwinding data placed the way ``perf inject --jit`` places it, decoded by llvm-dwarfdump."""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

from emitter.jit.perf import GEN_ELF_TEXT_OFFSET, PerfWriter
from emitter.obj.elf import write_image
from emitter.obj.model import ObjectFile, SectionKind
from tests.test_jit_handmade import REC_CODE, instantiate
from tests.tools import run


def _records(data: bytes) -> list[tuple[int, bytes]]:
    magic, version, header_size, machine, _pad, pid, _time, flags = struct.unpack_from("<IIIIIIQQ", data)
    assert (magic, version, header_size, machine, pid, flags) == (0x4A695444, 1, 40, 62, os.getpid(), 0)
    records = []
    offset = header_size
    while offset < len(data):
        record_id, size, _timestamp = struct.unpack_from("<IIQ", data, offset)
        records.append((record_id, data[offset + 16:offset + size]))
        offset += size
    assert offset == len(data)
    return records


def test_perf_map_and_jitdump(tmp_path: Path) -> None:
    perf = PerfWriter(jitdump=True, directory=tmp_path)
    with instantiate(tmp_path, lambda: None, perf=perf) as instance:
        perf_functions = {f.function.name: f for f in instance.loaded.functions}
        rec = instance.loaded.address("rec")
        perf.close()
        lines = (tmp_path / f"perf-{os.getpid()}.map").read_text().splitlines()
        assert f"{rec:x} {len(REC_CODE):x} handmade!rec" in lines
        assert all(re.fullmatch(r"[0-9a-f]+ [0-9a-f]+ handmade!\S+", line) for line in lines)

        records = _records((tmp_path / f"jit-{os.getpid()}.dump").read_bytes())
        assert records[-1] == (3, b"")  # JIT_CODE_CLOSE
        kinds = [kind for kind, _ in records[:-1]]
        # Per function: DEBUG_INFO and UNWINDING_INFO before the CODE_LOAD they describe.
        assert kinds == [2, 4, 0] * len(perf_functions)
        loads = {}
        for index in range(0, len(records) - 1, 3):
            debug, unwinding, load = (payload for _, payload in records[index:index + 3])
            pid, tid, vma, code_addr, code_size, code_index = struct.unpack_from("<IIQQQQ", load)
            name_end = load.index(b"\0", 40)
            name = load[40:name_end].decode()
            assert (pid, vma, code_index) == (os.getpid(), code_addr, index // 3)
            assert load[name_end + 1:] == instance.loaded.read(code_addr, code_size)
            loads[name] = (code_addr, code_size, debug, unwinding)

        code_addr, code_size, debug, unwinding = loads["handmade!rec"]
        assert (code_addr, code_size) == (rec, len(REC_CODE))
        address, count = struct.unpack_from("<QQ", debug)
        entries, offset = [], 16
        for _ in range(count):
            entry_addr, line, _discriminator = struct.unpack_from("<QII", debug, offset)
            name_end = debug.index(b"\0", offset + 16)
            entries.append((entry_addr - rec, line, debug[offset + 16:name_end].decode()))
            offset = name_end + 1
        listing = str(tmp_path / "handmade.wat.lst")
        assert address == rec
        assert entries == [(e.code_offset, e.line, listing) for e in perf_functions["rec"].function.lines]

        _check_unwinding(tmp_path, unwinding, instance.loaded.read(rec, len(REC_CODE)))


def _check_unwinding(tmp_path: Path, record: bytes, code: bytes) -> None:
    """Place the unwinding data as perf inject does (code at GEN_ELF_TEXT_OFFSET, .eh_frame right after it,
    8-aligned, then .eh_frame_hdr) and let llvm-dwarfdump decode the FDE and its rows."""
    size, header_size, mapped = struct.unpack_from("<QQQ", record)
    data = record[24:24 + size]
    assert mapped == 0 and len(record) % 8 == 0
    base = (GEN_ELF_TEXT_OFFSET + len(code) + 7) & ~7
    table, header = data[:size - header_size], data[size - header_size:]
    # .eh_frame_hdr: version 1, eh_frame_ptr pcrel sdata4, one entry (datarel sdata4) for the code's start.
    header_address = base + len(table)
    version, ptr_enc, count_enc, table_enc, eh_ptr, fde_count, initial, fde = struct.unpack("<BBBBiIii", header)
    assert (version, ptr_enc, count_enc, table_enc, fde_count) == (1, 0x1B, 0x03, 0x3B, 1)
    assert header_address + 4 + eh_ptr == base
    assert header_address + initial == GEN_ELF_TEXT_OFFSET
    assert base <= header_address + fde < header_address

    obj = ObjectFile()
    obj.section(".text", SectionKind.TEXT).append(code)
    obj.section(".eh_frame", SectionKind.UNWIND).append(table)
    image = tmp_path / "perf-injected.o"
    image.write_bytes(write_image(obj, {".text": GEN_ELF_TEXT_OFFSET, ".eh_frame": base}, lambda name: 0))
    dump = run(["llvm-dwarfdump-19", "--eh-frame", image]).stdout
    end = GEN_ELF_TEXT_OFFSET + len(code)
    assert re.search(rf"FDE cie=00000000 pc=0*{GEN_ELF_TEXT_OFFSET:x}\.\.\.0*{end:x}", dump), dump
    # The body rule of rec: CFA = rbp + 16, return address and rbp saved.
    assert "0x84: CFA=RBP+16: RBP=[CFA-16], RIP=[CFA-8]" in dump, dump
