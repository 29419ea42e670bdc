"""One debugging session: the adapter, the modules found so far (cached across stops) and the Wasm breakpoints."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..debugmeta import SECTION_NAME, MetadataError
from .adapter import DebuggerAdapter, InferiorReadError
from .breakpoints import BreakpointSpec, parse_spec, resolve
from .elf import ElfError, ElfFile
from .jit import read_entries
from .modules import CodeIndex, LoadedModule, WasmLocation, module_from_image, modules_from_linked_file


class CommandError(Exception):
    """A user error in a ``wasm`` command; the plugin shows the message as the command's error."""


@dataclass
class WasmBreakpoint:
    number: int
    spec: BreakpointSpec
    #: Native address -> the debugger's breakpoint number; empty while pending.
    locations: dict[int, int] = field(default_factory=dict)


class Session:
    def __init__(self, adapter: DebuggerAdapter) -> None:
        self.adapter = adapter
        self._images: dict[tuple[int, int], LoadedModule | None] = {}
        self._files: dict[str, tuple[float, ElfFile | None]] = {}
        self._index: CodeIndex | None = None
        self.breakpoints: list[WasmBreakpoint] = []

    # -- modules --------------------------------------------------------------------------------------------
    def invalidate(self) -> None:
        """Forget the index (the inferior ran: images may have come or gone); images stay cached by address."""
        self._index = None

    def index(self) -> CodeIndex:
        if self._index is None:
            self._index = CodeIndex(self._jit_modules() + self._linked_modules())
        return self._index

    def built_index(self) -> CodeIndex | None:
        """The index if already built: for callers that must not read the inferior (unwinder sniffers)."""
        return self._index

    def modules(self) -> list[LoadedModule]:
        return self.index().modules

    def locate(self, pc: int) -> WasmLocation | None:
        return self.index().locate(pc)

    def _jit_modules(self) -> list[LoadedModule]:
        modules = []
        for entry in read_entries(self.adapter):
            key = (entry.symfile_addr, entry.symfile_size)
            if key not in self._images:
                self._images[key] = self._read_image(entry.symfile_addr, entry.symfile_size)
            module = self._images[key]
            if module is not None:
                modules.append(module)
        return modules

    def _read_image(self, address: int, size: int) -> LoadedModule | None:
        origin = f"JIT image at {address:#x}"
        try:
            return module_from_image(self.adapter.read_memory(address, size), origin)
        except InferiorReadError:
            self.adapter.warning(f"{origin}: unreadable ({size:#x} bytes)")
        except (ElfError, MetadataError) as error:
            self.adapter.warning(f"{origin}: {error}")
        return None

    def _linked_modules(self) -> list[LoadedModule]:
        modules = []
        for path in self.adapter.object_files():
            elf = self._linked_file(path)
            if elf is not None:
                try:
                    modules += modules_from_linked_file(elf, path, self.adapter)
                except MetadataError as error:
                    self.adapter.warning(f"{path}: {error}")
        return modules

    def _linked_file(self, path: str) -> ElfFile | None:
        """The parsed file if it carries our section (cached by modification time; most files do not)."""
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            return None
        cached = self._files.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            with open(path, "rb") as f:
                elf: ElfFile | None = ElfFile(f.read())
        except (OSError, ElfError):
            elf = None
        if elf is not None and elf.section(SECTION_NAME) is None:
            elf = None
        self._files[path] = (mtime, elf)
        return elf

    # -- breakpoints ----------------------------------------------------------------------------------------
    def add_breakpoint(self, text: str) -> str:
        try:
            spec = parse_spec(text)
        except ValueError as error:
            raise CommandError(str(error)) from None
        bp = WasmBreakpoint(len(self.breakpoints) + 1, spec)
        self.breakpoints.append(bp)
        messages = self._update(bp)
        return "\n".join(messages) if messages else f"Wasm breakpoint {bp.number} ({spec.text}) pending."

    def jit_event(self) -> list[str]:
        """The JIT registered or unregistered an image: re-resolve every breakpoint against the new list."""
        self.invalidate()
        messages = []
        for bp in self.breakpoints:
            messages += self._update(bp)
        return messages

    def _update(self, bp: WasmBreakpoint) -> list[str]:
        wanted = {r.address: r for r in resolve(bp.spec, self.index())}
        messages = []
        for address in [a for a in bp.locations if a not in wanted]:
            self.adapter.delete_breakpoint(bp.locations.pop(address))
        for address, resolved in wanted.items():
            if address not in bp.locations:
                bp.locations[address] = self.adapter.set_breakpoint(address)
                messages.append(f"Wasm breakpoint {bp.number} at {address:#x}: {resolved.description}")
        return messages
