"""Coalesced, deferred registration of JIT images with the GDB JIT interface.

A debugger pays per registered image: a stop of the process at ``__jit_debug_register_code``, a new object file
to read and index, and a walk over every object file to re-set its breakpoints. So a loaded module is not
registered at once: it is *pending* until ``flush`` writes one image describing every pending module (up to
``MAX_MODULES`` modules or ``MAX_BYTES`` bytes per image, bounding what rebuilding an image costs) and registers it
with one notification.

Invariant: **no Wasm code runs while a module is pending.** Every way into compiled code flushes first (a call
through ``emitter.jit.api``; a host that hands code addresses to native code calls ``flush_debug_info``), so a
breakpoint set on a function of a module that has not run yet still resolves before its first instruction.

A module with the producer's DWARF carries global ``memoryN`` variables in a unit of their own
(``emitter/dwarf/memory_unit.py``), no C unit's scope. In a C frame, gdb 13 and lldb-19 look such a global up in
every object file in load order, not the frame's first (checked: two such modules in separate images, B's frame
reads A's ``memory0``), and lldb-19 takes a Wasm-level module's file-static ``memory0`` the same way (gdb takes a
global first). So:

- such a module always gets an image of its own, so that changing it rewrites no other;
- its unit is registered only while it is the only loaded module with one; while there are several, their images
  carry it with every variable optimized out (``memory_units.with_unit_optimized_out``: ``memory0`` is then
  ``<optimized out>``, never another module's memory, and still found before any Wasm-level module's), and the
  one left when the others are freed gets its unit back;
- a unit is registered before every image of a Wasm-level module that names a memory (those are registered again
  after it), so lldb finds the unit's ``memory0`` first; in those modules' own frames their own unit's comes first.

Freeing a pending module just drops it. Freeing a registered one unregisters its whole image (before the caller
unmaps the code: a debugger must never describe unmapped code) and makes the image's other modules pending
again; they are written into a new image at the next flush, so freeing many modules in a row costs one
unregistration per image, not one rebuild per module. While Wasm code is running (between ``enter`` and
``leave``; it may be the caller's own stack: a host function that frees a module) the others are registered again
at once, because their code may be on a stack the debugger is about to show.
"""

from __future__ import annotations

import threading

from ..obj.elf import ImagePart, write_merged_image
from . import _native
from .memory_units import with_unit_optimized_out

#: At most this many modules per image: freeing one of them costs rewriting (and the debugger re-reading) the
#: others' image. Measured with 20-function modules: loading 1,000 under gdb costs the same with 64 or 256 per
#: image (the per-image cost is gone either way), while a free followed by a call costs 9 ms with 64 and 36 ms
#: with 256 under gdb.
MAX_MODULES = 64
#: And at most about this many bytes (a module larger than that gets an image of its own), for the same reason.
MAX_BYTES = 2 << 20


class Registration:
    """One module's place in the registrar: pending, or described by a registered image."""

    __slots__ = ("part", "memories", "unit", "shadow", "_image", "_share", "_with_unit")

    def __init__(self, part: ImagePart, memories: bool = False, shadow: bytes = b"") -> None:
        self.part = part
        #: ``shadow``: the module's memory unit, optimized out (``memory_unit.optimized_out_unit``), if it has one.
        self.shadow = shadow
        self.unit = bool(shadow)
        #: The module's Wasm-level DWARF names its memories (``memoryN``).
        self.memories = memories and not self.unit
        #: While registered: whether its image carries the memory unit.
        self._with_unit = False
        self._image: _Image | None = None
        self._share = 0

    @property
    def image_size(self) -> int:
        """Registered bytes attributable to the module: its share of its image (0 while pending)."""
        return self._share


class _Image:
    """A registered image and the modules it describes."""

    __slots__ = ("entry", "members")

    def __init__(self, entry: int, members: list[Registration]) -> None:
        self.entry = entry
        self.members = members


class Registrar:
    """The process's registrations (one GDB JIT descriptor per process); every method is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: Pending modules in the order they became pending (a dict: ordered, O(1) removal). They leave it only
        #: once their image is registered, so a thread that sees it empty may run code.
        self._pending: dict[Registration, None] = {}
        #: One item per call into Wasm code in progress (any thread): appending and popping are atomic, so
        #: entering costs no lock.
        self._calls: list[None] = []
        #: Loaded modules with a memory unit, and the Wasm-level ones whose DWARF names a memory.
        self._units: dict[Registration, None] = {}
        self._named: dict[Registration, None] = {}

    def add(self, part: ImagePart, *, memories: bool = False, shadow: bytes = b"") -> Registration:
        """A newly loaded module, pending until the next flush. ``memories``: its Wasm-level DWARF names its
        memories; ``shadow``: it has a memory unit, and this is the unit optimized out (see the module's
        docstring)."""
        registration = Registration(part, memories, shadow)
        with self._lock:
            self._pending[registration] = None
            if registration.unit:
                self._units[registration] = None
            elif registration.memories:
                self._named[registration] = None
        return registration

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> None:
        """Register every pending module (one image per ``MAX_MODULES``/``MAX_BYTES`` batch)."""
        if not self._pending:  # the common case, without the lock: a pending module leaves only once registered
            return
        with self._lock:
            self._flush()

    def remove(self, registration: Registration) -> None:
        """The module is being freed: it is no longer described once this returns (call before unmapping)."""
        with self._lock:
            self._units.pop(registration, None)
            self._named.pop(registration, None)
            if registration in self._pending:
                del self._pending[registration]
            elif registration._image is not None:
                self._unregister(registration._image, registration)
            # The last other module with a unit is gone: its unit comes back.
            if len(self._units) == 1:
                for unit in self._units:
                    if unit._image is not None and not unit._with_unit:
                        self._unregister(unit._image, None)
            if not self._pending:
                return
            # Checked after the others are pending again; ``enter`` counts before it checks: whichever comes
            # second sees the other, so no call runs code of a module left pending.
            if self._calls:
                self._flush()

    def enter(self) -> None:
        """Wasm code is about to run (any thread): count the call (see ``remove``), then flush."""
        self._calls.append(None)
        try:
            self.flush()
        except BaseException:
            self._calls.pop()
            raise

    def leave(self) -> None:
        """The call counted by ``enter`` returned."""
        self._calls.pop()

    def _unregister(self, image: _Image, freed: Registration | None) -> None:
        """Unregister ``image``; its members but ``freed`` are pending again."""
        _native.gdb_unregister(image.entry)
        for member in image.members:
            member._image = None
            member._share = 0
            if member is not freed:
                self._pending[member] = None

    def _flush(self) -> None:
        shared = len(self._units) > 1
        if shared:  # a unit registered while it was the only one: registered again optimized out
            for unit in self._units:
                if unit._image is not None and unit._with_unit:
                    self._unregister(unit._image, None)
        if any(unit in self._pending for unit in self._units):
            # The unit goes first: the Wasm-level images naming a memory, registered or pending, come after it.
            for named in self._named:
                if named._image is not None:
                    self._unregister(named._image, None)
            order = sorted(self._pending, key=lambda registration: not registration.unit)
            self._pending = dict.fromkeys(order)
        while self._pending:
            batch: list[Registration] = []
            size = 0
            for registration in self._pending:
                if batch and (len(batch) == MAX_MODULES or size + registration.part.size > MAX_BYTES
                              or registration.unit):
                    break
                batch.append(registration)
                size += registration.part.size
                if registration.unit:
                    break
            parts = [registration.part for registration in batch]
            if batch[0].unit:
                batch[0]._with_unit = not shared
                if shared:
                    parts = [with_unit_optimized_out(parts[0], batch[0].shadow)]
            image = write_merged_image(parts)
            entry = _native.gdb_register(image)
            registered = _Image(entry, batch)
            for registration in batch:
                registration._image = registered
                # Each module's own bytes, plus its part of what the image shares (headers, merged strings).
                registration._share = len(image) * registration.part.size // size if size else 0
                del self._pending[registration]


#: The process has one GDB JIT descriptor, so one registrar.
REGISTRAR = Registrar()
