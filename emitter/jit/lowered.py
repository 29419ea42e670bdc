"""The lowered objects of a compiled module, kept in the compile cache (``cache.py``) so that instantiating it
again skips the lowering (CFI, DWARF, the plugins' metadata): what makes a warm start (``jitdebug gdb --
jitdebug run big.wasm`` the second time) fast. Lowering was three quarters of a warm start without this.

Not kept in memory: an object holds several objects per function for the cyclic collector to walk at every full
collection (``tests/test_jitgc_footprint.py``), for as long as the module lives; a later instance in the same
process reads the entry again (a tenth of the lowering's time).

An object depends on the compiled module, on which imports are Python functions (they get adapters: the
thunks), on ``debug_info``, and on the directory of the listing the line table names (``source_dir``), which
differs from run to run when the listing goes to a new temporary directory. So an entry keeps the directory it
was lowered with and where its bytes occur in the debug sections; a later run whose directory has the same
length (a temporary directory under the same parent always has) gets the entry with the new directory written
over the old one, byte for byte what lowering with it gives (string tables keep their offsets; tested against a
fresh lowering). A directory of another length is a miss: the module is lowered again; so is any other directory
when the old one's bytes occur anywhere but as those whole strings (in the producer's DWARF, say).

Everything after lowering (layout, relocation for the load address, the image part, registration) still runs:
addresses differ per process.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compiled import CompiledModule
from ..encoding import uleb128
from ..obj.model import ObjectFile, SectionKind
from .cache import CompileCache
from .thunks import HOST_ERROR_HOOK


@dataclass(frozen=True, slots=True)
class _Entry:
    """A lowered object, the ``source_dir`` it was lowered with and where that directory's bytes occur."""

    source_dir: str
    #: (section name, offsets) of each occurrence of ``source_dir`` in the debug sections; None: not movable.
    places: tuple[tuple[str, tuple[int, ...]], ...] | None
    obj: ObjectFile


def _places(obj: ObjectFile, module: CompiledModule) -> tuple[tuple[str, tuple[int, ...]], ...] | None:
    """Where the listing's directory is a whole string of the debug sections: NUL-terminated in a string table
    (DWARF's ``.debug_str``/``.debug_line_str`` hold whole strings, never a tail shared with a longer one), or
    with its ULEB128 length before it (the plugins' metadata). None when its bytes occur anywhere else, or in the
    producer's DWARF (a compilation directory equal to the listing's would share its string): such an entry is
    never moved to another directory, only read back for the same one."""
    needle = module.source_dir.encode()
    if module.wasm_dwarf is not None and any(needle in data for data in module.wasm_dwarf.sections.values()):
        return None
    length = uleb128(len(needle))
    found = []
    for name, section in obj.sections.items():
        data = bytes(section.data)
        offsets = []
        at = data.find(needle)
        while at >= 0:
            end = at + len(needle)
            terminated = end < len(data) and data[end] == 0 and (at == 0 or data[at - 1] == 0)
            if section.kind is not SectionKind.DEBUG or not (
                    terminated or data[max(at - len(length), 0):at] == length):
                return None
            offsets.append(at)
            at = data.find(needle, at + 1)
        if offsets:
            found.append((name, tuple(offsets)))
    return tuple(found)


def _moved(entry: _Entry, source_dir: str) -> ObjectFile | None:
    """``entry``'s object with ``source_dir`` in place of its own, or None when the lengths differ. The object
    is ``entry``'s own (just unpickled, so nobody else holds it)."""
    if source_dir == entry.source_dir:
        return entry.obj
    new = source_dir.encode()
    if entry.places is None or len(new) != len(entry.source_dir.encode()):
        return None
    for name, offsets in entry.places:
        data = entry.obj.sections[name].data
        for at in offsets:
            data[at:at + len(new)] = new
    return entry.obj


@dataclass(frozen=True)
class Lowerings:
    """Where the lowered objects of one ``CompiledModule`` are kept (see the module docstring): ``cache`` and
    ``key``, the compile cache and the compiled module's entry key; without them every instance lowers."""

    cache: CompileCache | None = None
    key: str | None = None

    def lower(self, thunked: CompiledModule, host_imports: frozenset[str], debug_info: bool) -> ObjectFile:
        """The object ``lower_module(thunked, debug_info=debug_info, debug_frame=debug_info)`` returns, where
        ``thunked`` is the module with the thunks for ``host_imports``."""
        obj = None
        persistent = self._persistent_key(thunked, host_imports, debug_info)
        if persistent is not None and self.cache is not None:
            entry = self.cache.load(persistent, "lowered")
            if isinstance(entry, _Entry):
                obj = _moved(entry, thunked.source_dir)
        if obj is None:
            # Imported here: a warm start needs neither the lowering nor the DWARF encoders it imports.
            from .. import lower

            obj = lower.lower_module(thunked, debug_info=debug_info, debug_frame=debug_info)
            if persistent is not None and self.cache is not None:
                self.cache.store(persistent, _Entry(thunked.source_dir, _places(obj, thunked), obj),
                                 "lowered")
        return obj

    def _persistent_key(self, thunked: CompiledModule, host_imports: frozenset[str], debug_info: bool) -> str | None:
        if self.cache is None or self.key is None:
            return None
        # The thunks are a function of which imports are Python functions; the hook name stands for their shape.
        return self.cache.key(self.key.encode(), "lowered", tuple(sorted(host_imports)), debug_info,
                              len(thunked.source_dir.encode()), HOST_ERROR_HOOK)
