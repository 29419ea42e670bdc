"""Coalesced, deferred registration of JIT images with the GDB JIT interface.

A debugger pays per registered image: a stop of the process at ``__jit_debug_register_code``, a new object file
to read and index, and a walk over every object file to re-set its breakpoints. So a loaded module is not
registered at once: it is *pending* until ``flush`` writes one image describing every pending module (up to
``MAX_MODULES`` modules or ``MAX_BYTES`` bytes per image, bounding what rebuilding an image costs) and registers it
with one notification.

Invariant: **no Wasm code runs while a module is pending.** Every way into compiled code flushes first (a call
through ``emitter.jit.api``; a host that hands code addresses to native code calls ``flush_debug_info``), so a
breakpoint set on a function of a module that has not run yet still resolves before its first instruction.

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

#: At most this many modules per image: freeing one of them costs rewriting (and the debugger re-reading) the
#: others' image. Measured with 20-function modules: loading 1,000 under gdb costs the same with 64 or 256 per
#: image (the per-image cost is gone either way), while a free followed by a call costs 9 ms with 64 and 36 ms
#: with 256 under gdb.
MAX_MODULES = 64
#: And at most about this many bytes (a module larger than that gets an image of its own), for the same reason.
MAX_BYTES = 2 << 20


class Registration:
    """One module's place in the registrar: pending, or described by a registered image."""

    __slots__ = ("part", "_image", "_share")

    def __init__(self, part: ImagePart) -> None:
        self.part = part
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

    def add(self, part: ImagePart) -> Registration:
        """A newly loaded module, pending until the next flush."""
        registration = Registration(part)
        with self._lock:
            self._pending[registration] = None
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
            if registration in self._pending:
                del self._pending[registration]
                return
            image = registration._image
            if image is None:
                return
            _native.gdb_unregister(image.entry)
            registration._image = None
            registration._share = 0
            for other in image.members:
                if other is not registration:
                    other._image = None
                    other._share = 0
                    self._pending[other] = None
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

    def _flush(self) -> None:
        while self._pending:
            batch: list[Registration] = []
            size = 0
            for registration in self._pending:
                if batch and (len(batch) == MAX_MODULES or size + registration.part.size > MAX_BYTES):
                    break
                batch.append(registration)
                size += registration.part.size
            image = write_merged_image([registration.part for registration in batch])
            entry = _native.gdb_register(image)
            registered = _Image(entry, batch)
            for registration in batch:
                registration._image = registered
                # Each module's own bytes, plus its part of what the image shares (headers, merged strings).
                registration._share = len(image) * registration.part.size // size if size else 0
                del self._pending[registration]


#: The process has one GDB JIT descriptor, so one registrar.
REGISTRAR = Registrar()
