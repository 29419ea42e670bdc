"""Test programs for the plugin tests, independent of our compiler: a WAT module is assembled by wabt, and each
Wasm instruction (offsets from ``wasm-objdump -d``) becomes a few x86-64 instructions in a GNU ``as`` file, with
``.cfi_*`` directives, an assembler-local label (``.L``) per Wasm instruction, as a compiler writes them (a real
symbol per instruction would look like a function start to LLDB), and a ``.jitdebug.wasm`` section made by
``encode_metadata``.
The result links as an AOT program or as an in-memory JIT image (``ld -Ttext-segment``) that a small C host
registers through the GDB JIT interface.

Code shape per Wasm function: ``push rbp; mov rbp, rsp`` (no Wasm offset), then per instruction: ``call`` for
``call``, a real ``div`` by zero for ``i32.div_u`` (so it traps exactly there, as in wasmtime), two ``nop``s for
anything else; the function's last ``end`` is ``mov rsp, rbp; pop rbp; ret``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import Section, SymbolTableSection

from emitter.compiled import CompiledFunction, CompiledModule, LineEntry
from emitter.debugmeta import encode_metadata
from emitter.unwind import UnwindProgram
from tests.tools import run

JIT_BASE = 0x200000000


@dataclass(frozen=True)
class WasmInstr:
    offset: int
    text: str
    line: int  # in the listing file (1-based)


@dataclass(frozen=True)
class WasmFunc:
    index: int
    name: str | None
    body_offset: int
    instrs: tuple[WasmInstr, ...]

    @property
    def symbol(self) -> str:
        return self.name or f"wasm-function[{self.index}]"


@dataclass
class Program:
    wasm: Path
    listing: Path
    obj: Path
    functions: list[WasmFunc]
    #: Wasm offset -> (symbol, code offset of its first native instruction).
    code_of: dict[int, tuple[str, int]]

    def address_of(self, wasm_offset: int, symbols: dict[str, int]) -> int:
        """The first native instruction of the Wasm instruction at ``wasm_offset``, given the function symbols'
        addresses in a linked image."""
        symbol, offset = self.code_of[wasm_offset]
        return symbols[symbol] + offset


def _functions(wasm: Path, listing: Path) -> list[WasmFunc]:
    custom = run(["wasm-objdump", "-x", "-j", "name", wasm]).stdout
    names = {int(m[1]): m[2] for m in re.finditer(r"- func\[(\d+)\] <(.*)>", custom)}
    text = run(["wasm-objdump", "-d", wasm]).stdout
    listing.write_text(text)
    funcs: list[WasmFunc] = []
    current: list[WasmInstr] = []
    header: tuple[int, int] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if m := re.match(r"^([0-9a-f]+) func\[(\d+)\]", line):
            if header is not None:
                funcs.append(WasmFunc(header[1], names.get(header[1]), header[0], tuple(current)))
            header, current = (int(m[1], 16), int(m[2])), []
        elif m := re.match(r"^ ([0-9a-f]+):.*\| (.*)$", line):
            current.append(WasmInstr(int(m[1], 16), m[2].strip(), number))
    if header is not None:
        funcs.append(WasmFunc(header[1], names.get(header[1]), header[0], tuple(current)))
    return funcs


def _asm(funcs: list[WasmFunc], exports: dict[int, str]) -> str:
    out = ["\t.text"]
    for f in funcs:
        sym = f'"{f.symbol}"'
        out += ["\t.p2align 4", f"\t.type {sym},@function"]
        if f.index in exports:
            out += [f"\t.globl {exports[f.index]}", f"\t.type {exports[f.index]},@function", f"{exports[f.index]}:"]
        out += [f"{sym}:", "\t.cfi_startproc", "\tpush %rbp", "\t.cfi_def_cfa_offset 16", "\t.cfi_offset %rbp, -16",
                "\tmov %rsp, %rbp", "\t.cfi_def_cfa_register %rbp"]
        for i, instr in enumerate(f.instrs):
            out.append(f".Lw_{instr.offset:x}:")
            if instr.text.startswith("call "):
                callee = next(g for g in funcs if g.index == int(instr.text.split()[1]))
                out.append(f'\tcall "{callee.symbol}"')
            elif instr.text == "i32.div_u":
                out += ["\txor %ecx, %ecx", "\txor %edx, %edx", "\tmov $7, %eax", "\tdiv %ecx"]
            elif i == len(f.instrs) - 1:
                out += [f".Le_{f.index}:", "\tmov %rbp, %rsp", "\t.cfi_def_cfa_register %rsp", "\tpop %rbp",
                        "\t.cfi_def_cfa_offset 8", "\tret"]
            else:
                out += ["\tnop", "\tnop"]
        out += ["\t.cfi_endproc", f"\t.size {sym}, .-{sym}"]
    out.append('\t.section .note.GNU-stack,"",@progbits')
    return "\n".join(out) + "\n"


def build(tmp: Path, wat: str, exports: dict[int, str], name: str = "prog") -> Program:
    """Assemble ``wat`` into ``name.o`` carrying ``.jitdebug.wasm``; ``exports`` maps Wasm function index -> C
    symbol (the C ABI alias)."""
    wat_path, wasm, listing = tmp / f"{name}.wat", tmp / f"{name}.wasm", tmp / f"{name}.listing"
    wat_path.write_text(wat)
    run(["wat2wasm", "--debug-names", wat_path, "-o", wasm])
    funcs = _functions(wasm, listing)
    asm, raw_obj, obj = tmp / f"{name}.s", tmp / f"{name}.raw.o", tmp / f"{name}.o"
    labelled = tmp / f"{name}.labels.o"
    asm.write_text(_asm(funcs, exports))
    run(["as", asm, "-o", raw_obj])
    # The same code with its local labels kept (``-L``), only to read where each instruction starts.
    run(["as", "-L", asm, "-o", labelled])
    symbols = {name: (value, size) for value, size, name, _kind in elf_symbols(labelled)}
    _, text = elf_text(raw_obj)
    module_name = re.search(r"\(module \$(\w+)", wat)
    module = CompiledModule(module_name[1] if module_name else "", source_file=listing.name, source_dir=str(tmp),
                            wasm_name=module_name[1] if module_name else None)
    code_of: dict[int, tuple[str, int]] = {}
    for f in funcs:
        start, size = symbols[f.symbol]
        lines = [LineEntry(0, 0, wasm_offset=None)]
        for instr in f.instrs:
            offset = symbols[f".Lw_{instr.offset:x}"][0] - start
            lines.append(LineEntry(offset, instr.line, wasm_offset=instr.offset))
            code_of[instr.offset] = (f.symbol, offset)
        epilogue = symbols[f".Le_{f.index}"][0] - start
        unwind = (UnwindProgram(f.symbol).push(1, "rbp").set_frame_pointer(4, "rbp").epilogue_begin(epilogue)
                  .reset_sp_from_fp(epilogue + 3).pop(epilogue + 4, "rbp").epilogue_end(epilogue + 5))
        module.functions.append(CompiledFunction(f.symbol, text[start : start + size], unwind, lines=lines,
                                                 wasm_index=f.index, wasm_body_offset=f.body_offset))
    meta = tmp / f"{name}.meta"
    meta.write_bytes(encode_metadata(module))
    run(["objcopy", "--add-section", f".jitdebug.wasm={meta}", raw_obj, obj])
    return Program(wasm, listing, obj, funcs, code_of)


AOT_HOST = """
int run(void);
int main(void) { return run(); }
"""


def link_aot(tmp: Path, program: Program) -> Path:
    host, exe = tmp / "aot_host.c", tmp / "aot_prog"
    host.write_text(AOT_HOST)
    run(["gcc", "-g", host, program.obj, "-o", exe])
    return exe


JIT_HOST = r"""
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct jit_code_entry { struct jit_code_entry *next, *prev; const char *symfile_addr; uint64_t symfile_size; };
struct jit_descriptor { uint32_t version, action_flag; struct jit_code_entry *relevant_entry, *first_entry; };
struct jit_descriptor __jit_debug_descriptor = {1, 0, 0, 0};
void __attribute__((noinline)) __jit_debug_register_code(void) { __asm__ volatile(""); }

/* usage: host IMAGE ENTRY_HEX [cycle|wild|size] */
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb");
    fseek(f, 0, SEEK_END); long size = ftell(f); fseek(f, 0, SEEK_SET);
    char *image = malloc(size);
    if (fread(image, 1, size, f) != (size_t)size) return 3;
    Elf64_Ehdr *eh = (Elf64_Ehdr *)image;
    for (int i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr *ph = (Elf64_Phdr *)(image + eh->e_phoff + i * eh->e_phentsize);
        if (ph->p_type != PT_LOAD) continue;
        uint64_t page = ph->p_vaddr & ~0xfffULL, end = (ph->p_vaddr + ph->p_memsz + 0xfff) & ~0xfffULL;
        void *p = mmap((void *)page, end - page, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != (void *)page) return 4;
        memcpy((void *)ph->p_vaddr, image + ph->p_offset, ph->p_filesz);
    }
    static struct jit_code_entry entry;
    entry.symfile_addr = image; entry.symfile_size = size;
    __jit_debug_descriptor.relevant_entry = __jit_debug_descriptor.first_entry = &entry;
    __jit_debug_descriptor.action_flag = 1;
    __jit_debug_register_code();
    if (argc > 3) {
        if (!strcmp(argv[3], "cycle")) entry.next = &entry;
        if (!strcmp(argv[3], "wild")) entry.next = (struct jit_code_entry *)0x10;
        if (!strcmp(argv[3], "size")) entry.symfile_size = 1ULL << 60;
        raise(SIGTRAP);
    }
    int (*run)(void) = (int (*)(void))strtoull(argv[2], 0, 16);
    return run();
}
"""


def link_jit(tmp: Path, program: Program) -> tuple[Path, Path, int]:
    """The JIT image, the host that loads and registers it, and the address of ``run`` in the image."""
    image, host_c, host = tmp / "jit_image.elf", tmp / "jit_host.c", tmp / "jit_host"
    run(["ld", "-o", image, program.obj, f"-Ttext-segment={JIT_BASE:#x}", "-e", "run", "-z", "noexecstack"])
    host_c.write_text(JIT_HOST)
    run(["gcc", "-g", "-O1", host_c, "-o", host])
    with open(image, "rb") as fh:
        entry = ELFFile(fh).header["e_entry"]
    return image, host, entry


def elf_symbols(path: Path) -> list[tuple[int, int, str, str]]:
    """(value, size, name, type) of every ``.symtab`` entry, read by pyelftools."""
    with open(path, "rb") as fh:
        table = ELFFile(fh).get_section_by_name(".symtab")
        if not isinstance(table, SymbolTableSection):
            raise AssertionError(f"{path} has no .symtab")
        return [(s["st_value"], s["st_size"], s.name, s["st_info"]["type"]) for s in table.iter_symbols()]


def elf_text(path: Path) -> tuple[int, bytes]:
    """``.text``'s address and bytes."""
    with open(path, "rb") as fh:
        text = ELFFile(fh).get_section_by_name(".text")
        if not isinstance(text, Section):
            raise AssertionError(f"{path} has no .text")
        return text["sh_addr"], text.data()
