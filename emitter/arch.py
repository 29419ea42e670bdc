"""Per-architecture facts shared by every encoding: register names and their DWARF numbers, the entry state.

Register names are the model's vocabulary (``"rbp"``, ``"xmm6"``, ``"x29"``); each encoding maps them to its own
numbers (DWARF here, Windows ``UWOP_*`` register numbers in ``seh/``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Arch:
    name: str
    pointer_size: int
    stack_pointer: str
    #: DWARF register numbers (System V psABI / AAPCS64 DWARF).
    dwarf_registers: Mapping[str, int]
    #: The CIE's return-address column.
    return_address_column: int
    #: Name used in the unwind model for the return-address pseudo register.
    return_address: str
    #: CFA - sp at the first instruction (x86-64: the call pushed 8 bytes; AArch64: nothing pushed).
    entry_cfa_offset: int
    #: Where the return address is at entry: slot at CFA - n, or None when it is still in a register (AArch64 lr).
    entry_return_address_slot: int | None
    code_alignment_factor: int = 1
    data_alignment_factor: int = -8
    vector_registers: frozenset[str] = field(default_factory=frozenset)

    def dwarf_number(self, register: str) -> int:
        try:
            return self.dwarf_registers[register]
        except KeyError:
            raise ValueError(f"{self.name} has no register {register!r}") from None

    def __reduce__(self) -> tuple[object, tuple[str]]:
        """Pickled by name: an architecture is one of the module's singletons (a compiled module in the
        compile cache refers to it, and code compares architectures by identity)."""
        return _arch_named, (self.name,)

    def register_name(self, number: int) -> str:
        for name, n in self.dwarf_registers.items():
            if n == number:
                return name
        raise ValueError(f"{self.name} has no DWARF register {number}")


_X86_64_GPR = ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp"] + [f"r{i}" for i in range(8, 16)]
_X86_64_REGS = {name: i for i, name in enumerate(_X86_64_GPR)}
_X86_64_REGS["rip"] = 16
_X86_64_REGS.update({f"xmm{i}": 17 + i for i in range(16)})

X86_64 = Arch(
    name="x86_64",
    pointer_size=8,
    stack_pointer="rsp",
    dwarf_registers=MappingProxyType(_X86_64_REGS),
    return_address_column=16,
    return_address="rip",
    entry_cfa_offset=8,
    entry_return_address_slot=8,
    vector_registers=frozenset(f"xmm{i}" for i in range(16)),
)

_AARCH64_REGS = {f"x{i}": i for i in range(31)}
_AARCH64_REGS["sp"] = 31
_AARCH64_REGS.update({f"v{i}": 64 + i for i in range(32)})

AARCH64 = Arch(
    name="aarch64",
    pointer_size=8,
    stack_pointer="sp",
    dwarf_registers=MappingProxyType(_AARCH64_REGS),
    return_address_column=30,
    return_address="x30",
    entry_cfa_offset=0,
    entry_return_address_slot=None,
    code_alignment_factor=4,
    data_alignment_factor=-8,
    vector_registers=frozenset(f"v{i}" for i in range(32)),
)

ARCHES = {a.name: a for a in (X86_64, AARCH64)}


def _arch_named(name: str) -> Arch:
    return ARCHES[name]
