"""``wasm watch``: hardware watchpoints on linear memory, named by Wasm address.

A Wasm address means nothing to the debugger: it is an offset into one of an instance's linear memories. Memory
0's native base is word 0 of that instance's vmctx (``<prefix>.vmctx``, found through the plugin metadata); with
``-m N`` memory N's is word 0 of its record (``<prefix>.memories`` word N points to it: the record is the
exporter's for an imported memory), its size word 1 (``state.memory_of``). Either word is the memory's *base
word*, what a watchpoint follows. ``wasm watch`` turns ``ADDR``, ``MODULE+ADDR`` or an expression the debugger
evaluates to a Wasm address (or to a native pointer into the memory, as a translated C pointer variable is) into
a native range, checks it against the memory's current size, and asks the debugger for a *hardware* watchpoint
there. x86-64 has four debug registers (DR0-DR3), each covering an aligned 1, 2, 4 or 8 bytes; a range that
needs more than are free is refused with the count, never turned into a software watchpoint (a software
watchpoint single-steps the program: minutes for a real one).

The memory may move (a JIT may point the base elsewhere and keeps the vmctx and the record truthful): without
``-l`` a watchpoint follows its memory's base, and the base word takes a debug register of its own (one per
memory watched). GDB watches it within the watchpoint's own expression for write watchpoints (the expression
goes through the base word, which GDB re-evaluates and re-arms the moment it changes); LLDB gets a watchpoint on
the word whose callback moves that memory's watchpoints and lets the program go on. Otherwise (GDB's read and access
watchpoints) the base is re-read at every stop and JIT (un)registration. ``-l`` watches the native location
computed now, as GDB's ``watch -l``.

A watchpoint lives as long as its instance is registered: at each JIT event (``follow_registrations``) one
whose instance left the JIT list is disarmed (its memory may be freed and its pages or record reused by the
host), and armed again if the instance comes back (the JIT re-registers a batch image's other modules when one
is freed, before their code runs). A base word holding no page-aligned base disarms it too (``_gone``).

The stop report is the same in both debuggers: the watchpoint, the old and new value, and the Wasm instruction
that accessed it. x86 reports a data breakpoint *after* the instruction, so the accessing instruction is the one
whose last byte is at pc - 1, and its map entry gives the Wasm instruction (exact: the map covers every byte).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .adapter import DebuggerAdapter, InferiorReadError
from .format import format_location, wasm_frames
from .modules import LoadedModule
from .state import base_word_of, instance_for, memory_of

if TYPE_CHECKING:
    from .session import Session

KINDS = ("write", "read", "access")
#: x86-64 debug address registers.
HARDWARE_SLOTS = 4
DEFAULT_LENGTH = 4
MAX_LENGTH = 8 * HARDWARE_SLOTS
USAGE = ("usage: wasm watch [-l] [-m N] ADDR|MODULE+ADDR|EXPR|(EXPR) [LEN] [read|write|access] | wasm watch | "
         "wasm watch delete N")


class WatchpointError(Exception):
    """The debugger could not place a hardware watchpoint (no slot, or it would have made a software one)."""


class WatchingAdapter(DebuggerAdapter, Protocol):
    """What ``wasm watch`` needs beyond the core protocol."""

    #: True when the debugger re-arms a write watchpoint whose expression reads the vmctx word (GDB).
    follows_base_word: bool

    def set_watchpoint(self, address: int, length: int, kind: str, base_word: int | None) -> int:
        """A hardware watchpoint on ``length`` bytes at ``address`` for ``kind`` accesses, silent (the core prints
        the report); with ``base_word`` (only when ``follows_base_word``) the debugger watches
        ``*(base_word) + (address - *(base_word))`` and re-arms it when the word changes. Returns its number;
        raises ``WatchpointError`` when the debugger cannot make it a hardware one."""
        ...

    def delete_watchpoint(self, number: int) -> None: ...

    def watch_base_word(self, address: int, moved: Callable[[], None]) -> int | None:
        """A hardware write watchpoint on the 8-byte memory-base word at ``address`` that calls ``moved`` (which
        re-arms watchpoints) and lets the thread go on; its number, None when the debugger has none (GDB: it
        follows the word in the watch expression itself)."""
        ...

    def hit_watchpoints(self) -> list[int]:
        """The numbers of the watchpoints that caused the current stop."""
        ...

    def executing_backwards(self) -> bool:
        """Whether the thread is being run backwards through a record (the stop is then *before* the access)."""
        ...

    def evaluate(self, expression: str) -> int:
        """An expression of the debugger's language, in the selected frame, as an integer (raises ValueError)."""
        ...


def slots_for(address: int, length: int) -> int:
    """Debug registers a range takes: aligned pieces of 8, 4, 2 or 1 bytes, the largest that fits first (how
    GDB's and LLDB's x86 back ends split a range)."""
    count = 0
    while length > 0:
        size = next(s for s in (8, 4, 2, 1) if address % s == 0 and s <= length)
        address += size
        length -= size
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class WatchSpec:
    text: str
    #: ``-l``: watch the native location now, do not follow the memory if it moves.
    fixed: bool
    module: str | None
    #: An integer Wasm address, or None when ``expression`` gives it.
    address: int | None
    expression: str | None
    length: int
    kind: str
    #: ``-m N``: the memory index; None without ``-m`` (memory 0, reported as before multiple memories).
    memory: int | None = None


def _closing_parenthesis(text: str) -> int:
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return position
    raise ValueError(f"wasm watch: unbalanced parentheses in {text!r}")


def parse_watch(argument: str, module_names: set[str]) -> WatchSpec:
    """``[-l] [-m N] TARGET [LEN] [KIND]``: TARGET is one word, or an expression in parentheses (which may hold
    spaces); ``-m N`` the memory index (checked against the instance when the watchpoint is made)."""
    rest = argument.strip()
    fixed = False
    memory: int | None = None
    while rest.split(maxsplit=1)[:1] in (["-l"], ["-location"], ["-m"]):
        option, _, rest = rest.partition(" ")
        rest = rest.strip()
        if option == "-m":
            index, _, rest = rest.partition(" ")
            rest = rest.strip()
            if not re.fullmatch(r"0x[0-9a-fA-F]+|\d+", index):
                raise ValueError(f"wasm watch: -m takes a memory index, not {index!r}" if index else USAGE)
            memory = int(index, 0)
        else:
            fixed = True
        if not rest:
            raise ValueError(USAGE)
    if rest.startswith("("):
        end = _closing_parenthesis(rest)
        target, words = rest[: end + 1], rest[end + 1 :].split()
    else:
        words = rest.split()
        if not words:
            raise ValueError(USAGE)
        target, words = words[0], words[1:]
    kind = "write"
    if words and words[-1] in KINDS:
        kind = words.pop()
    length = DEFAULT_LENGTH
    if words and re.fullmatch(r"0x[0-9a-fA-F]+|\d+", words[0]):
        length = int(words.pop(0), 0)
    if words:
        raise ValueError(USAGE)
    if not 1 <= length <= MAX_LENGTH:
        raise ValueError(f"wasm watch: length {length} is not between 1 and {MAX_LENGTH} bytes")
    module = None
    found = re.fullmatch(r"(.+)\+(0x[0-9a-fA-F]+|\d+)", target)
    if found and found[1] in module_names:
        module, target = found[1], found[2]
    if re.fullmatch(r"0x[0-9a-fA-F]+|\d+", target):
        return WatchSpec(argument, fixed, module, int(target, 0), None, length, kind, memory)
    return WatchSpec(argument, fixed, module, None, target, length, kind, memory)


@dataclass
class Watchpoint:
    number: int
    spec: WatchSpec
    module: LoadedModule
    wasm_address: int
    #: Where it is armed now, and the debugger's numbers of the watchpoint there.
    native: int
    debugger_number: int
    base: int
    slots: int
    #: The word holding the memory's native base (vmctx word 0 for memory 0, the record's word 0 for another).
    base_word: int
    #: The value when last reported (the "Old value" of the next report).
    value: bytes = field(default=b"")
    #: Why it is disarmed (no debug register held), None while armed: its instance is not in the JIT list
    #: (``follow_registrations``), or its base word holds no memory any more (``_gone``).
    suspended: str | None = None

    @property
    def memory(self) -> int:
        return self.spec.memory or 0

    @property
    def where(self) -> str:
        """``MODULE+ADDR``, and ``in memory N`` when ``-m`` chose the memory (without it, memory 0 as always)."""
        where = f"{self.module.meta.display_name}+{self.wasm_address:#x}"
        return where if self.spec.memory is None else f"{where} in memory {self.spec.memory}"

    @property
    def memory_name(self) -> str:
        return "memory" if self.spec.memory is None else f"memory {self.spec.memory}"


#: ``Watchpoint.suspended`` reasons.
NOT_LOADED = "instance not loaded"
MEMORY_GONE = "memory gone"
#: Linear memories are mapped (or static storage aligned) by pages: a base word holding anything else is not a
#: memory's any more (a freed record reused by the host's allocator).
PAGE = 4096


def _gone(base: int) -> bool:
    return base == 0 or base % PAGE != 0


def format_value(data: bytes) -> str:
    if len(data) in (1, 2, 4, 8):
        value = int.from_bytes(data, "little")
        return f"{value} ({value:#x})"
    return " ".join(f"{b:02x}" for b in data)


class Watchpoints:
    def __init__(self, session: Session, adapter: WatchingAdapter) -> None:
        self.session = session
        self.adapter = adapter
        self.items: list[Watchpoint] = []
        self._next = 1
        #: The last stop was one of our watchpoints with nothing to report (see ``stop_report``).
        self.spurious = False
        #: What the base-word callback had to say (``_moved``), for the next stop.
        self._pending: list[str] = []
        #: Base word address -> the debugger's watchpoint on it (``watch_base_word``).
        self._base_watches: dict[int, int] = {}

    # -- the command ------------------------------------------------------------------------------------------
    def command(self, argument: str) -> str:
        words = argument.split()
        if not words:
            return self.listing()
        if words[0] == "delete":
            if len(words) != 2 or not words[1].isdigit():
                raise ValueError("usage: wasm watch delete N")
            return self.delete(int(words[1]))
        return self.add(parse_watch(argument, {m.meta.display_name for m in self.session.modules()}))

    def add(self, spec: WatchSpec) -> str:
        module = self._module(spec.module)
        address = spec.address if spec.address is not None else self._evaluate(spec.expression or "")
        base, size, base_word = self._memory(module, spec.memory or 0)
        if spec.address is None and base > 0xFFFF_FFFF and base <= address < base + size:
            # A native pointer into the memory (a C pointer variable: the translated DWARF makes pointers native);
            # Wasm addresses are 32-bit and the memory is mapped above 4 GiB, so the two cannot be confused.
            address -= base
        if not 0 <= address <= address + spec.length <= size:
            which = "memory" if spec.memory is None else f"memory {spec.memory}"
            raise ValueError(f"wasm watch: {module.meta.display_name}+{address:#x} ({spec.length} bytes) is outside "
                             f"its {which} of {size:#x} bytes")
        native = base + address
        follows = self.adapter.follows_base_word and not spec.fixed and spec.kind == "write"
        slots = slots_for(native, spec.length)
        used = self.slots_in_use()
        base_watch = not spec.fixed and not self.adapter.follows_base_word
        if (follows or base_watch) and base_word not in self._followed_bases():
            slots += 1  # the base word itself (shared by the instance's other watchpoints)
        if used + slots > HARDWARE_SLOTS:
            raise ValueError(f"wasm watch: no hardware watchpoint slot left: this one needs {slots}, "
                             f"{used} of the {HARDWARE_SLOTS} debug registers are in use by Wasm watchpoints "
                             "(wasm watch delete N frees them)")
        try:
            number = self.adapter.set_watchpoint(native, spec.length, spec.kind,
                                                 base_word if follows else None)
        except WatchpointError as error:
            raise ValueError(f"wasm watch: {error}") from None
        watch = Watchpoint(self._next, spec, module, address, native, number, base, slots_for(native, spec.length),
                           base_word, self._read(native, spec.length))
        if base_watch and base_word not in self._base_watches:
            base_number = self.adapter.watch_base_word(base_word, self._moved)
            if base_number is not None:
                self._base_watches[base_word] = base_number
        self._next += 1
        self.items.append(watch)
        return (f"Wasm watchpoint {watch.number}: {watch.where} ({spec.length} bytes, {spec.kind}) at native "
                f"{native:#x}, value {format_value(watch.value)}")

    def _followed_bases(self) -> set[int]:
        """The base words watched for our watchpoints: by GDB in their expressions, or by our own watchpoint."""
        return {w.base_word for w in self.items if self._follows(w) and not w.suspended} | set(self._base_watches)

    def _moved(self) -> None:
        """The program wrote a memory-base word: re-arm at once (the thread has not run on yet), silently, as GDB
        re-arms its expression watchpoints (``wasm watch`` shows the new native address); a memory gone is said at
        the next stop."""
        said = self.rearm(quiet=True)  # what was pending, and what this one has to say
        self._pending = said

    def slots_in_use(self) -> int:
        """Debug registers our watchpoints take: their ranges, and each base word GDB watches for them."""
        return sum(w.slots for w in self.items if not w.suspended) + len(self._followed_bases())

    def _follows(self, watch: Watchpoint) -> bool:
        return self.adapter.follows_base_word and not watch.spec.fixed and watch.spec.kind == "write"

    def delete(self, number: int) -> str:
        watch = next((w for w in self.items if w.number == number), None)
        if watch is None:
            raise ValueError(f"wasm watch: no Wasm watchpoint {number}")
        self.items.remove(watch)
        if not watch.suspended:
            self._disarm(watch)
        word = watch.base_word
        if word in self._base_watches and not any(w.base_word == word and not w.spec.fixed for w in self.items):
            self.adapter.delete_watchpoint(self._base_watches.pop(word))
        return f"Deleted Wasm watchpoint {number}."

    def _disarm(self, watch: Watchpoint) -> None:
        """Delete the debugger's watchpoint. The base word's own watchpoint (LLDB) stays while a watchpoint of
        the memory exists, suspended or not: LLDB cannot add its callback again from a JIT-event callback, and
        the callback does nothing for a suspended watchpoint."""
        self.adapter.delete_watchpoint(watch.debugger_number)

    def listing(self) -> str:
        if not self.items:
            return "No Wasm watchpoints."
        rows = [("Num", "Where", "Native", "Length", "Kind", "Value")]
        for w in self.items:
            value = f"({w.suspended})" if w.suspended else format_value(self._read(w.native, w.spec.length))
            rows.append((str(w.number), w.where, "-" if w.suspended else f"{w.native:#x}", str(w.spec.length),
                         w.spec.kind + (" (-l)" if w.spec.fixed else ""), value))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(c.ljust(n) for c, n in zip(r, widths, strict=True)).rstrip() for r in rows)

    # -- stops ------------------------------------------------------------------------------------------------
    def follow_registrations(self) -> list[str]:
        """At a JIT event: disarm the watchpoints of instances no longer in the JIT list, arm them again when
        their instance is back. A freed instance's memory goes back to the host (its pages, a memory record
        the host allocated), whose own writes there an armed watchpoint would report as Wasm ones; and the JIT
        unregisters a batch image whole when one of its modules is freed, re-registering the others before any
        of their code runs, so a watchpoint of those is armed again before Wasm code could write. An instance
        is its module's name and vmctx address (the same across index rebuilds and re-registrations)."""
        if not self.items:
            return []
        live = {(m.meta.display_name, m.vmctx) for m in self.session.modules()}
        messages = []
        for watch in self.items:
            present = (watch.module.meta.display_name, watch.module.vmctx) in live
            if present and watch.suspended:
                messages += self._arm_again(watch)
            elif not present and not watch.suspended:
                self._disarm(watch)
                watch.suspended = NOT_LOADED
        return messages

    def _arm_again(self, watch: Watchpoint) -> list[str]:
        """Arm a suspended watchpoint at its memory's current base (silently, as GDB re-arms its own)."""
        if watch.suspended != NOT_LOADED:
            return []
        try:
            base = int.from_bytes(self.adapter.read_memory(watch.base_word, 8), "little")
        except InferiorReadError:
            return []
        if _gone(base):
            return []
        watch.base, watch.native = base, base + watch.wasm_address
        follows = self._follows(watch)
        base_watch = not watch.spec.fixed and not self.adapter.follows_base_word
        slots = watch.slots + (1 if (follows or base_watch) and watch.base_word not in self._followed_bases() else 0)
        if self.slots_in_use() + slots > HARDWARE_SLOTS:
            return [f"Wasm watchpoint {watch.number}: {watch.where} is loaded again, but no hardware watchpoint slot "
                    "is left for it"]
        try:
            watch.debugger_number = self.adapter.set_watchpoint(watch.native, watch.spec.length, watch.spec.kind,
                                                                watch.base_word if follows else None)
        except WatchpointError as error:
            return [f"Wasm watchpoint {watch.number}: {watch.where} is loaded again, but {error}"]
        watch.suspended = None
        watch.value = self._read(watch.native, watch.spec.length)
        if base_watch and watch.base_word not in self._base_watches:
            number = self.adapter.watch_base_word(watch.base_word, self._moved)
            if number is not None:
                self._base_watches[watch.base_word] = number
        return []

    def _memory_gone(self, watch: Watchpoint) -> str:
        """Disarm a watchpoint whose base word no longer holds a memory (its instance was freed without the JIT
        unregistering it first, as at interpreter exit)."""
        self._disarm(watch)
        watch.suspended = MEMORY_GONE
        return (f"Wasm watchpoint {watch.number}: the {watch.memory_name} of {watch.module.meta.display_name} is "
                "gone (its base word holds no memory); disarmed")

    def rearm(self, *, quiet: bool = False) -> list[str]:
        """At a stop or a JIT event: move the watchpoints whose memory moved (those GDB does not follow itself);
        ``quiet``: without saying so (a memory gone is said all the same)."""
        messages, self._pending = self._pending, []
        for watch in self.items:
            if watch.spec.fixed or self._follows(watch) or watch.suspended:
                continue
            try:
                base = int.from_bytes(self.adapter.read_memory(watch.base_word, 8), "little")
            except InferiorReadError:
                continue
            if base == watch.base:
                continue
            if _gone(base):
                messages.append(self._memory_gone(watch))
                continue
            self.adapter.delete_watchpoint(watch.debugger_number)
            watch.base, watch.native = base, base + watch.wasm_address
            watch.debugger_number = self.adapter.set_watchpoint(watch.native, watch.spec.length, watch.spec.kind,
                                                                None)
            if not quiet:
                messages.append(f"Wasm watchpoint {watch.number}: the {watch.memory_name} of "
                                f"{watch.module.meta.display_name} moved; re-armed at native {watch.native:#x}")
        return messages

    def stop_report(self) -> str | None:
        """The report of a watchpoint stop, None for another stop. Debuggers differ in which of several
        watchpoints over the same bytes they name (x86 has one status bit per debug register, and they share
        registers), so every Wasm watchpoint overlapping a hit one is checked by its own rule: a write watchpoint
        reports a change, a read watchpoint an access that changed nothing (x86 cannot watch reads alone: a
        changed value was a write), an access watchpoint any access. ``spurious`` says the stop was ours and
        nothing is to be reported (LLDB then resumes)."""
        hits = set(self.adapter.hit_watchpoints())
        hit = [w for w in self.items if w.debugger_number in hits and not w.suspended]
        self.spurious = False
        if not hit:
            return None
        reports: list[str] = []
        gone: list[str] = []
        for watch in self.items:
            if watch.suspended or not any(w.native < watch.native + watch.spec.length
                                          and watch.native < w.native + w.spec.length for w in hit):
                continue
            if self._follows(watch):
                base = int.from_bytes(self.adapter.read_memory(watch.base_word, 8), "little")
                if _gone(base):
                    gone.append(self._memory_gone(watch))
                    continue
                watch.base, watch.native = base, base + watch.wasm_address
            new = self._read(watch.native, watch.spec.length)
            changed = new != watch.value
            if (watch.spec.kind == "write" and not changed) or (watch.spec.kind == "read" and changed):
                watch.value = new
                continue
            lines = [f"Wasm watchpoint {watch.number}: {watch.where} ({watch.spec.length} bytes, {watch.spec.kind})"]
            if changed:
                lines += [f"Old value = {format_value(watch.value)}", f"New value = {format_value(new)}"]
            else:
                lines.append(f"Value = {format_value(new)}")
            watch.value = new
            reports.append("\n".join(lines))
        if not reports:
            if gone:
                return "\n".join(gone)
            self.spurious = True
            return None
        return "\n".join(gone + reports) + "\n" + self._accessor()

    def _accessor(self) -> str:
        """The Wasm instruction that made the access: the one ending just before pc, or, when running backwards
        through a record (``reverse-continue``), the one at pc, which the debugger stopped before undoing."""
        pc = self.adapter.read_register("pc")
        index = self.session.index()
        location = index.locate(pc if self.adapter.executing_backwards() else pc - 1)
        if location is not None:
            return "Accessed by " + format_location(location).replace(f"{location.pc:#018x} in ", "", 1)
        outer = wasm_frames(index, self.session.frames())
        if outer:
            frame, called_from = outer[0]
            return (f"Accessed by native code at {pc:#x}, called from {called_from.function.qualified_name} "
                    f"(frame #{frame.number})")
        return f"Accessed by native code at {pc:#x} (no Wasm frame on the stack)"

    # -- helpers ----------------------------------------------------------------------------------------------
    def _module(self, name: str | None) -> LoadedModule:
        return instance_for(self.session, name, "wasm watch")

    def _memory(self, module: LoadedModule, index: int) -> tuple[int, int, int]:
        """Memory ``index``'s native base, size in bytes and base word."""
        try:
            base, size = memory_of(self.session, module, index)
            return base, size, base_word_of(self.session, module, index)
        except ValueError as error:
            raise ValueError(f"wasm watch: {error}") from None
        except InferiorReadError as error:
            raise ValueError(f"wasm watch: the memories of {module.meta.display_name} are unreadable: {error}") \
                from None

    def _evaluate(self, expression: str) -> int:
        try:
            return self.adapter.evaluate(expression)
        except (ValueError, InferiorReadError) as error:
            raise ValueError(f"wasm watch: cannot evaluate {expression!r}: {error}") from None

    def _read(self, address: int, length: int) -> bytes:
        try:
            return self.adapter.read_memory(address, length)
        except InferiorReadError:
            return b""
