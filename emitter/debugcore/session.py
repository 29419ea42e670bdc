"""One debugging session: the adapter, the modules found so far (cached across stops), the Wasm breakpoints and
catchpoints, and the hooks that watch Wasm exceptions (for ``wasm catch`` and for steps that follow a throw)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..debugmeta import SECTION_NAME, MetadataError
from .adapter import DebuggerAdapter, InferiorReadError, NativeFrame
from .breakpoints import BreakpointSpec, parse_spec, resolve
from .elf import EHDR_SIZE, ElfError, ElfFile, headers_end
from .exceptions import THROW_ROUTINES, Handler, exception_object, find_handler, frames_at_throw, thrown
from .format import format_location
from .jit import read_entries
from .modules import CodeIndex, LoadedModule, WasmLocation, modules_from_image, modules_from_linked_file

if TYPE_CHECKING:
    from .stepping import StepPlan

CATCH_KINDS = ("throw", "catch")


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
        self._images: dict[tuple[int, int, bytes], list[LoadedModule]] = {}
        self._files: dict[str, tuple[float, ElfFile | None]] = {}
        self._index: CodeIndex | None = None
        self.breakpoints: list[WasmBreakpoint] = []
        #: ``wasm catch`` kinds in effect ("throw", "catch").
        self.catchpoints: set[str] = set()
        #: The step in progress (its plan waits for a landing pad when a throw it follows happens).
        self.step: StepPlan | None = None
        #: Throw routine -> hook number, once the routine is known in the inferior.
        self._throw_hooks: dict[str, int] = {}
        #: The landing pad awaited (for ``wasm catch catch`` or a step) and the stop point on it.
        self._awaited: Handler | None = None
        self._pad_stop: int | None = None
        #: The last throw seen: the pc of its routine and the report for a ``wasm catch throw`` stop there.
        self._thrown: tuple[int, str] | None = None

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
        images: dict[tuple[int, int, bytes], list[LoadedModule]] = {}
        for entry in read_entries(self.adapter):
            key = (entry.symfile_addr, entry.symfile_size, self._segments(entry.symfile_addr, entry.symfile_size))
            cached = self._images.get(key)
            images[key] = cached if cached is not None else self._read_image(entry.symfile_addr, entry.symfile_size)
            modules += images[key]
        self._images = images
        return modules

    def _segments(self, address: int, size: int) -> bytes:
        """The image's ELF and program headers: with its address and size, what tells a new image from a freed
        one whose memory it reuses (a JIT frees images and makes others of the same size, describing other code
        at other addresses, which its segments give)."""
        try:
            header = self.adapter.read_memory(address, min(size, EHDR_SIZE))
            end = headers_end(header, size)
            return header if end <= len(header) else self.adapter.read_memory(address, end)
        except InferiorReadError:
            return b""

    def _read_image(self, address: int, size: int) -> list[LoadedModule]:
        origin = f"JIT image at {address:#x}"
        try:
            return modules_from_image(self.adapter.read_memory(address, size), origin, self.adapter)
        except InferiorReadError:
            self.adapter.warning(f"{origin}: unreadable ({size:#x} bytes)")
        except (ElfError, MetadataError) as error:
            self.adapter.warning(f"{origin}: {error}")
        return []

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

    # -- exceptions -----------------------------------------------------------------------------------------------
    def add_catchpoint(self, kind: str) -> str:
        if kind not in CATCH_KINDS:
            raise CommandError("usage: wasm catch throw | catch")
        self.catchpoints.add(kind)
        # The runtime may load later (a JIT's native library): the hooks follow then (``ensure_throw_hooks``).
        self.ensure_throw_hooks()
        what = "thrown" if kind == "throw" else "caught (at the landing pad that handles it)"
        return f"Wasm catchpoint: stop when a Wasm exception is {what}."

    def ensure_throw_hooks(self) -> bool:
        """Hook every throw routine the inferior has (again when objects load); True once all are hooked."""
        for routine in THROW_ROUTINES:
            if routine not in self._throw_hooks:
                number = self.adapter.add_hook(routine, functools.partial(self.observe_throw, routine))
                if number is not None:
                    self._throw_hooks[routine] = number
        return len(self._throw_hooks) == len(THROW_ROUTINES)

    def frames(self) -> list[NativeFrame]:
        """The current thread's frames; at the entry of a throw routine unwound through the Wasm frames by our
        own rows (``frames_at_throw``: a debugger may unwind an optimised runtime wrongly there)."""
        try:
            at_throw = self.throw_routine_at(self.adapter.read_register("pc")) is not None
        except InferiorReadError:
            return []
        return frames_at_throw(self.adapter, self.index()) if at_throw else self.adapter.frames()

    def throw_routine_at(self, pc: int) -> str | None:
        """The throw routine whose first instruction is ``pc``, if any."""
        return next((r for r in THROW_ROUTINES if self.adapter.symbol_address(r) == pc), None)

    @contextmanager
    def stepping(self, plan: StepPlan) -> Iterator[StepPlan]:
        """While a step runs, throws deeper down are watched so the step can follow them to their handler."""
        self.step = plan
        self.ensure_throw_hooks()
        try:
            yield plan
        finally:
            self.step = None
            if not self.catchpoints:
                self._await(None)

    def observe_throw(self, routine: str) -> bool:
        """At the first instruction of a throw routine (a hook, or a step entering it): remember the exception
        for the stop report, and await the landing pad of its handler for ``wasm catch catch`` or for the step
        in progress. Returns whether ``wasm catch throw`` stops here."""
        if not self.catchpoints and self.step is None:
            return False
        self.invalidate()
        index = self.index()
        exception = thrown(self.adapter, routine, index)
        frames = frames_at_throw(self.adapter, index)
        handler = self.step.exception_thrown(exception, frames) if self.step is not None else None
        if "catch" in self.catchpoints and handler is None:
            handler = find_handler(index, exception, frames)
        self._await(handler)
        thrower = next((location for frame in frames if not frame.exact
                        for location in [index.locate(frame.pc - 1)] if location is not None), None)
        where = f" in {thrower.function.qualified_name}, wasm offset {thrower.wasm_offset or 0:#x}" if thrower else ""
        caught = (f"; it will be caught in {handler.location.function.qualified_name} (frame #{handler.frame.number})"
                  if handler is not None else "; no Wasm handler catches it")
        self._thrown = (frames[0].pc if frames else 0, f"Wasm exception thrown{where}: {exception.describe()}{caught}")
        return "throw" in self.catchpoints

    def _await(self, handler: Handler | None) -> None:
        """Wait for ``handler``'s landing pad (None: for none). Stop points are internal breakpoints without
        callbacks, so a hook's callback may make them."""
        if self._pad_stop is not None:
            self.adapter.delete_breakpoint(self._pad_stop)
            self._pad_stop = None
        self._awaited = handler
        if handler is not None:
            self._pad_stop = self.adapter.add_stop_point(handler.landing_pad, handler.sp)

    def stop_report(self) -> str | None:
        """What the catchpoints say about the stop that just happened: the throw (``wasm catch throw``), or the
        exception at the awaited landing pad (``wasm catch catch``)."""
        if not self.catchpoints:
            return None
        try:
            pc = self.adapter.read_register("pc")
        except InferiorReadError:
            return None
        thrown_report, self._thrown = self._thrown, None
        if "throw" in self.catchpoints and thrown_report is not None and thrown_report[0] == pc:
            return thrown_report[1]
        handler = self._awaited
        if ("catch" not in self.catchpoints or handler is None or pc != handler.landing_pad
                or self.adapter.read_register("sp") != handler.sp):
            return None
        self._await(None)
        location = self.locate(pc)
        exception = exception_object(self.adapter, self.adapter.read_register("rax"), self.index())
        where = f"\n{format_location(location)}" if location is not None else ""
        return f"Wasm exception caught at a landing pad: {exception.describe()}{where}"
