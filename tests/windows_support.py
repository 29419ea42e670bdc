"""Support for the Windows tests: hand-made x64 functions, the mingw toolchain and Wine.

A ``FunctionBuilder`` describes a function instruction by instruction. From one description come three things:
the machine code (assembled by llvm-mc, all functions in one run), our unwind program at the exact code
offsets, and the same function as GNU as source with ``.seh_*`` directives, whose ``.xdata`` is the byte oracle.
The save offsets in those directives are computed here from the frame shape, independently of ``emitter/seh``.
"""

from __future__ import annotations

import fcntl
import re
import struct
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emitter.compiled import CompiledFunction, CompiledModule
from emitter.obj.model import Relocation, RelocKind
from emitter.unwind import UnwindProgram

from .tools import ENV, ROOT, run, tool

WINDOWS_DATA = ROOT / "tests" / "data" / "windows"
BUILD = ROOT / "build"
MINGW = "x86_64-w64-mingw32"
CALLBACK = "host_callback"
GPR_PATTERN = 0x5A5A0000

Record = Callable[[UnwindProgram, int], object]


@dataclass
class _Line:
    asm: str | None = None
    directive: str | None = None
    record: Record | None = None
    #: A `jne` to this label (encoded here once the distance is known, as the assembler would relax it).
    jump_to: str | None = None
    #: A label defined after this line.
    label: str | None = None
    #: How llvm-readobj --unwind should print the unwind code of this instruction (computed from the shape).
    expect: str | None = None
    code: bytes = b""
    relocations: list[Relocation] = field(default_factory=list)


def _restore(register: str) -> Record:
    return lambda p, o: p.restore(o, register)


def _pop(register: str) -> Record:
    return lambda p, o: p.pop(o, register)


class FunctionBuilder:
    """A Win64 test function. Call the prologue methods in order, ``end_prologue()``, then body/epilogue ones."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[_Line] = []
        self.cfa_minus_sp = 8
        self.pushed: list[str] = []
        self.saves: list[tuple[str, int]] = []
        self.frame: tuple[str, int] | None = None  # register, CFA - register
        self.frame_base = 0  # CFA - rsp when the frame register was set
        self.handler: tuple[str, bytes] | None = None
        self._labels = 0

    def _add(self, asm: str | None, directive: str | None = None, record: Record | None = None,
             expect: str | None = None) -> None:
        self.lines.append(_Line(asm, directive, record, expect=expect))

    # -- prologue ---------------------------------------------------------------------------------------
    def push(self, register: str) -> FunctionBuilder:
        self._add(f"push {register}", f".seh_pushreg {register}", lambda p, o: p.push(o, register),
                  f"PUSH_NONVOL reg={register.upper()}")
        self.cfa_minus_sp += 8
        self.pushed.append(register)
        return self

    def alloc(self, size: int) -> FunctionBuilder:
        expect = f"ALLOC_SMALL size={size}" if size <= 128 else f"ALLOC_LARGE size={size}"
        if size >= 4096:
            self._add(f"mov eax, {size}")
            self._add("call ___chkstk_ms")
            self._add("sub rsp, rax", f".seh_stackalloc {size}", lambda p, o: p.alloc(o, size), expect)
        else:
            self._add(f"sub rsp, {size}", f".seh_stackalloc {size}", lambda p, o: p.alloc(o, size), expect)
        self.cfa_minus_sp += size
        return self

    def set_frame(self, register: str, offset: int) -> FunctionBuilder:
        self._add(f"lea {register}, [rsp+{offset}]", f".seh_setframe {register}, {offset}",
                  lambda p, o: p.set_frame_pointer(o, register, offset),
                  f"SET_FPREG reg={register.upper()}, offset=0x{offset:X}")
        self.frame = (register, self.cfa_minus_sp - offset)
        self.frame_base = self.cfa_minus_sp
        return self

    def save(self, register: str, sp_offset: int) -> FunctionBuilder:
        # Windows measures the slot from rsp as it was when the frame register was set (or the final rsp).
        windows_offset = sp_offset + (self.cfa_minus_sp - self.frame_base if self.frame else 0)
        if register.startswith("xmm"):
            asm, directive = f"movaps xmmword ptr [rsp+{sp_offset}], {register}", ".seh_savexmm"
            near = windows_offset % 16 == 0 and windows_offset // 16 <= 0xFFFF
            code = "SAVE_XMM128" if near else "SAVE_XMM128_FAR"
        else:
            asm, directive = f"mov qword ptr [rsp+{sp_offset}], {register}", ".seh_savereg"
            code = "SAVE_NONVOL" if windows_offset // 8 <= 0xFFFF else "SAVE_NONVOL_FAR"
        self._add(asm, f"{directive} {register}, {windows_offset}", lambda p, o: p.save(o, register, sp_offset),
                  f"{code} reg={register.upper()}, offset=0x{windows_offset:X}")
        self.saves.append((register, sp_offset))
        return self

    def end_prologue(self) -> FunctionBuilder:
        self._add(None, ".seh_endprologue", lambda p, o: p.prologue_end(o))
        return self

    def with_handler(self, symbol: str, data: bytes) -> FunctionBuilder:
        self.handler = (symbol, data)
        return self

    # -- body -------------------------------------------------------------------------------------------
    def body(self, asm: str) -> FunctionBuilder:
        self._add(asm)
        return self

    def clobber(self) -> FunctionBuilder:
        """Overwrite every non-volatile register this function saved (the frame register already is)."""
        for index, register in enumerate(self.pushed + [r for r, _ in self.saves]):
            if self.frame and register == self.frame[0]:
                continue
            if register.startswith("xmm"):
                self._add(f"pcmpeqd {register}, {register}")
            else:
                self._add(f"mov {register}, {GPR_PATTERN + index}")
        return self

    def call(self, symbol: str) -> FunctionBuilder:
        # The nop keeps the return address out of a following epilogue (the unwinder would emulate it).
        self._add(f"call {symbol}")
        self._add("nop")
        return self

    def epilogue(self) -> FunctionBuilder:
        """Restore saved registers, free the frame (``lea rsp`` from the frame register or ``add rsp``), pop, ret."""
        self._add(None, None, lambda p, o: p.epilogue_begin(o))
        for register, sp_offset in self.saves:
            load = "movaps" if register.startswith("xmm") else "mov"
            self._add(f"{load} {register}, [rsp+{sp_offset}]", None, _restore(register))
        pushes_depth = 8 + 8 * len(self.pushed)
        if self.frame:
            register, cfa_minus_fp = self.frame
            displacement = cfa_minus_fp - pushes_depth
            # {disp8}: Windows recognises `lea rsp, [reg + disp]` only with a displacement byte or dword.
            self._add(f"{{disp8}} lea rsp, [{register}{displacement:+d}]" if -128 <= displacement < 128
                      else f"lea rsp, [{register}{displacement:+d}]", None,
                      lambda p, o: p.reset_sp_from_fp(o, displacement))
        elif self.cfa_minus_sp > pushes_depth:
            size = self.cfa_minus_sp - pushes_depth
            self._add(f"add rsp, {size}", None, lambda p, o: p.free(o, size))
        for register in reversed(self.pushed):
            self._add(f"pop {register}", None, _pop(register))
        self._add("ret", None, lambda p, o: p.epilogue_end(o))
        return self

    def early_return(self, value: int = 7) -> FunctionBuilder:
        """``if (rcx == 2) return value;`` through a complete mid-function epilogue."""
        self._labels += 1
        label = f".L{self.name}_skip{self._labels}"
        self._add("cmp rcx, 2")
        self.lines.append(_Line(jump_to=label))
        self._add(f"mov eax, {value}")
        self.epilogue()
        self.lines[-1].label = label
        return self

    # -- products ---------------------------------------------------------------------------------------
    def gas_source(self) -> str:
        out = [f".globl {self.name}", f".def {self.name}; .scl 2; .type 32; .endef", ".p2align 4, 0x90",
               f".seh_proc {self.name}", f"{self.name}:"]
        for line in self.lines:
            if line.jump_to:
                out.append(f"jne {line.jump_to}")
            if line.asm:
                out.append(line.asm)
            if line.directive:
                out.append(line.directive)
            if line.label:
                out.append(f"{line.label}:")
        if self.handler:
            symbol, data = self.handler
            out += [f".seh_handler {symbol}, @unwind, @except", ".seh_handlerdata"]
            out += [f".byte {b}" for b in data]
            out.append(".text")
        out.append(".seh_endproc")
        return "\n".join(out) + "\n"

    def compiled(self) -> CompiledFunction:
        """The function with code and unwind program (after ``assemble``)."""
        self._encode_jumps()
        program = UnwindProgram(self.name)
        code = bytearray()
        relocations: list[Relocation] = []
        for line in self.lines:
            relocations += [Relocation(len(code) + r.offset, r.kind, r.size, r.symbol, r.addend)
                            for r in line.relocations]
            code += line.code
            if line.record:
                line.record(program, len(code))
        return CompiledFunction(self.name, bytes(code), program, exports=(self.name,), relocations=relocations,
                                frame_base=None)

    def expected_codes(self) -> list[str]:
        """The unwind codes llvm-readobj should print, ``0xOFFSET: TEXT``, in stored (descending) order."""
        self._encode_jumps()
        codes, offset = [], 0
        for line in self.lines:
            offset += len(line.code)
            if line.expect:
                codes.append(f"0x{offset:02X}: {line.expect}")
        return codes[::-1]

    def _encode_jumps(self) -> None:
        for index, line in enumerate(self.lines):
            if line.jump_to:
                end = next(i for i in range(index, len(self.lines)) if self.lines[i].label == line.jump_to)
                distance = sum(len(x.code) for x in self.lines[index + 1:end + 1])
                line.code = (b"\x75" + struct.pack("<b", distance) if distance <= 0x7F
                             else b"\x0f\x85" + struct.pack("<i", distance))


_ENCODING = re.compile(r"# encoding: \[([^\]]*)\]")
_FIXUP = re.compile(r"fixup A - offset: (\d+), value: ([\w.$]+)-4, kind: reloc_(?:branch_4byte_pcrel|riprel_4byte)")


def assemble(builders: Sequence[FunctionBuilder], work: Path) -> None:
    """Encode every instruction of every builder with one llvm-mc run."""
    lines = [line for b in builders for line in b.lines if line.asm]
    source = work / "encode.s"
    source.write_text(".intel_syntax noprefix\n" + "\n".join(line.asm or "" for line in lines) + "\n")
    output = run(["llvm-mc-19", "-triple=x86_64-pc-windows-gnu", "-show-encoding", source]).stdout.splitlines()
    encodings: list[tuple[bytes, list[Relocation]]] = []
    for text in output:
        if match := _ENCODING.search(text):
            raw = [b.strip() for b in match.group(1).split(",")]
            encodings.append((bytes(0 if b == "A" else int(b, 16) for b in raw), []))
        elif match := _FIXUP.search(text):
            encodings[-1][1].append(Relocation(int(match.group(1)), RelocKind.CALL, 4, match.group(2), -4))
        elif "fixup" in text:
            raise AssertionError(f"unexpected fixup from llvm-mc: {text}")
    if len(encodings) != len(lines):
        raise AssertionError(f"llvm-mc encoded {len(encodings)} of {len(lines)} instructions")
    for line, (code, relocations) in zip(lines, encodings, strict=True):
        line.code, line.relocations = code, relocations


def gas_object(builders: Sequence[FunctionBuilder], work: Path, name: str = "oracle") -> Path:
    """The same functions through GNU as with ``.seh_*`` directives."""
    source = work / f"{name}.s"
    source.write_text(".intel_syntax noprefix\n.text\n" + "".join(b.gas_source() for b in builders))
    obj = work / f"{name}.obj"
    run([f"{MINGW}-as", source, "-o", obj])
    return obj


def section_bytes(obj: Path, section: str, work: Path) -> bytes:
    out = work / f"{obj.stem}{section}.bin"
    run([f"{MINGW}-objcopy", "-O", "binary", f"--only-section={section}", obj, out])
    return out.read_bytes()


def module_of(builders: Sequence[FunctionBuilder], name: str = "cases") -> CompiledModule:
    return CompiledModule(name, functions=[b.compiled() for b in builders])


# -- Win64 test chains --------------------------------------------------------------------------------------
@dataclass
class Case:
    """A chain of test functions: each calls the next, the last calls the host; run by tests/data/windows/host.cpp."""

    name: str
    builders: list[FunctionBuilder]
    early_return: bool = False


def frame_shape(builder: FunctionBuilder, pushes: Sequence[str], locals_size: int,
                xmm: Sequence[str] = (), gpr_saves: Sequence[str] = (),
                frame: tuple[str, int] | None = None) -> FunctionBuilder:
    """A Win64-correct prologue: pushes, an allocation keeping rsp 16-aligned with 32 bytes of shadow space at the
    bottom, an optional frame register ``lea reg, [rsp + offset]``, then xmm and general-register saves above the
    shadow space."""
    for register in pushes:
        builder.push(register)
    save_area = 16 * len(xmm) + 8 * len(gpr_saves)
    size = 32 + save_area + locals_size
    size += (8 + 8 * len(pushes) + size) % 16
    builder.alloc(size)
    if frame:
        builder.set_frame(*frame)
    offset = 32
    for register in xmm:
        builder.save(register, offset)
        offset += 16
    for register in gpr_saves:
        builder.save(register, offset)
        offset += 8
    return builder.end_prologue()


def chain_case(name: str, shapes: Sequence[Callable[[FunctionBuilder], FunctionBuilder]],
               early_return: bool = False) -> Case:
    """Functions ``name_0`` → ``name_1`` → … → ``host_callback``; each clobbers what it saved."""
    builders = []
    for index, shape in enumerate(shapes):
        builder = shape(FunctionBuilder(f"{name}_{index}")).clobber()
        if early_return and index == 0:
            builder.early_return()
        target = f"{name}_{index + 1}" if index + 1 < len(shapes) else CALLBACK
        builder.call(target).epilogue()
        builders.append(builder)
    return Case(name, builders, early_return)


def cases_header(cases: Sequence[Case], resolve: str, prelude: str = "", setup: str = "") -> str:
    """``cases.h`` for host.cpp; ``resolve`` is a C expression template for a function's address given
    ``{name}`` (e.g. ``(uintptr_t)&{name}`` or ``(uintptr_t)GetProcAddress(dll, "{name}")``); ``prelude`` is C
    code placed first and ``setup`` statements run before the addresses are resolved."""
    lines = [prelude]
    declared = resolve.startswith("(uintptr_t)&")
    for case in cases:
        for b in case.builders:
            if declared:
                lines.append(f'extern "C" long long {b.name}(long long);')
    lines.append("static Case cases[] = {")
    for case in cases:
        sizes = ", ".join(str(len(b.compiled().code)) for b in case.builders)
        lines.append(f'    {{"{case.name}", {len(case.builders)}, {int(case.early_return)}, {{0}}, {{{sizes}}}}},')
    lines.append("};")
    lines.append("static void init_cases() {")
    lines.append(setup)
    for index, case in enumerate(cases):
        for position, b in enumerate(case.builders):
            lines.append(f"    cases[{index}].functions[{position}] = {resolve.format(name=b.name)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- Wine ---------------------------------------------------------------------------------------------------
#: Why a launch failed with ``wine client error:0: recvmsg: Connection reset by peer`` (exit 1, nothing printed):
#: Debian's ``wineserver`` wrapper starts the server with ``-p0``, so it exits the moment its last client
#: disconnects, and with tests launching Wine programs in parallel a new client regularly connects to a server
#: that is already shutting down. The suite therefore runs one persistent server for its prefix: started (and
#: waited for) before the prefix is first used, reused by every launch of every worker, stopped when the run ends
#: (``stop_wineserver``, from ``conftest.py``). Clients find it running, so Wine never starts a transient one.
WINE_PREFIX = BUILD / "wine-prefix"
_PERSISTENT_SERVER = BUILD / "wineserver-persistent"
#: Launches made again because the first ran nothing (see ``wine_process``), appended to by every worker.
RETRY_LOG = BUILD / "wine-retries.log"
#: This process has started (or found) the persistent server: later launches need not ask again.
_server_started = False


def wine_prefix() -> Path:
    """The shared Wine prefix under build/, created once, with its persistent server running (a lock keeps
    parallel workers from racing)."""
    prefix = WINE_PREFIX
    ready = prefix / ".jitdebug-ready"
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / "wine-prefix.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _PERSISTENT_SERVER.exists():
            _PERSISTENT_SERVER.write_text(f'#!/bin/sh\nexec {tool("wineserver")} -p "$@"\n')
            _PERSISTENT_SERVER.chmod(0o755)
        prefix.mkdir(exist_ok=True)
        if _server_started:
            return prefix
        _start_server(prefix)
        # The first client starts Wine's services (winedevice, explorer...), which live as long as the persistent
        # server and keep the descriptors they inherit: they get none of a test's pipes, or its output would never
        # end. This also creates the prefix on first use.
        subprocess.run(["wine", "cmd", "/c", "exit", "0"], env={**ENV, **_wine_env(prefix)}, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=True)
        ready.write_text("")
        _started()
    return prefix


def _start_server(prefix: Path) -> None:
    """Start the prefix's persistent server. Exit 0: started and listening (it daemonises once its socket is
    ready); 2: one is already running (this run's, started by another worker, or a previous run's)."""
    # The daemon keeps the descriptors it is given: none of ours, or waiting for its output would never end.
    started = subprocess.run([_PERSISTENT_SERVER], env={**ENV, **_wine_env(prefix)}, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=False)
    if started.returncode not in (0, 2):
        raise AssertionError(f"wineserver -p exited {started.returncode}")


def _started() -> None:
    global _server_started
    _server_started = True


def stop_wineserver() -> None:
    """Stop the prefix's persistent server at the end of a run and wait until it has exited."""
    if not WINE_PREFIX.is_dir() or not _PERSISTENT_SERVER.exists():
        return
    env = _wine_env(WINE_PREFIX)
    run(["wineserver", "-k"], env=env, check=False, timeout=60)
    run(["wineserver", "-w"], env=env, check=False, timeout=60)


def _wine_env(prefix: Path) -> dict[str, str]:
    return {"WINEDEBUG": "-all", "WINEPREFIX": str(prefix), "DISPLAY": ""}


def wine_process(exe: Path, *args: str, cwd: Path | None = None, check: bool = True,
                 timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``exe`` under Wine in the shared prefix. A launch that ran nothing at all (exit 1, nothing on stdout or
    stderr, even from programs whose first act is to print) is what a client gets from a server that went away
    under it: seen only when the persistent server had been stopped during the run (another test session in the
    same checkout ending), never while it ran (README). The server is then started again and the launch made
    again, once, and recorded in ``RETRY_LOG``. A program that crashes exits with the exception's code and Wine's
    report on stdout, and one that returns 1 has printed first."""
    argv: list[str | Path] = ["wine", exe, *args]
    env = _wine_env(wine_prefix())
    proc = run(argv, cwd=cwd or exe.parent, env=env, check=False, timeout=timeout)
    if proc.returncode == 1 and not proc.stdout and not proc.stderr:
        with open(RETRY_LOG, "a") as log:
            log.write(f"{exe}\n")
        _start_server(WINE_PREFIX)
        proc = run(argv, cwd=cwd or exe.parent, env=env, check=False, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"wine {exe} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n"
                             f"{proc.stderr}")
    return proc


def run_wine(exe: Path, *args: str, check: bool = True, timeout: float = 120) -> str:
    return wine_process(exe, *args, check=check, timeout=timeout).stdout.replace("\r\n", "\n")


def compile_host(work: Path, cases: Sequence[Case], resolve: str, prelude: str = "", setup: str = "",
                 defines: Sequence[str] = (), name: str = "host") -> list[Path]:
    """Compile host.cpp (with the generated cases.h) and canary.S to objects."""
    (work / "cases.h").write_text(cases_header(cases, resolve, prelude, setup))
    host = work / f"{name}.o"
    canary = work / "canary.o"
    run([f"{MINGW}-g++", "-c", "-O1", *[f"-D{d}" for d in defines], "-I", work, WINDOWS_DATA / "host.cpp",
         "-o", host])
    run([f"{MINGW}-gcc", "-c", WINDOWS_DATA / "canary.S", "-o", canary])
    return [host, canary]


def expect_all_passed(output: str, cases: Sequence[Case]) -> None:
    """Every case printed its checks and all passed (the exit code already said so)."""
    for case in cases:
        checks = ["walk", "throw"] + (["early"] if case.early_return else [])
        for check in checks:
            if f"case {case.name} {check} ok" not in output:
                raise AssertionError(f"case {case.name} {check} did not pass:\n{output}")
    if "\n0 failures" not in "\n" + output:
        raise AssertionError(output)


def standard_cases() -> list[Case]:
    """Hand-made chains covering pushes, small and large allocations (one through ___chkstk_ms), frame registers
    with offsets, xmm6-15 and general-register saves, and a mid-function early return."""
    return [
        chain_case("pushes", [lambda b: frame_shape(b, ["rbx", "rsi", "rdi"], 0),
                              lambda b: frame_shape(b, ["r12", "r13", "r14", "r15"], 64)], early_return=True),
        chain_case("framed", [lambda b: frame_shape(b, ["rbp", "rbx"], 200, xmm=["xmm6", "xmm7"],
                                                    gpr_saves=["rsi"], frame=("rbp", 32)),
                              lambda b: frame_shape(b, ["r13"], 40, gpr_saves=["r12", "rdi"], frame=("r13", 0))]),
        chain_case("probed", [lambda b: frame_shape(b, ["rbp"], 8000, xmm=[f"xmm{i}" for i in range(8, 16)],
                                                    gpr_saves=["rdi", "r12"], frame=("rbp", 240)),
                              lambda b: frame_shape(b, ["rsi", "r14"], 70000, xmm=["xmm6", "xmm9"],
                                                    gpr_saves=["rbx", "r15"])], early_return=True),
    ]


EH_RUNTIME = ROOT / "emitter" / "runtime"


def eh_runtime_objects(work: Path) -> list[Path]:
    """The Wasm exception runtime built for Windows: jitdebug_eh.c and its SEH entry, jitdebug_eh_seh.c."""
    objects = []
    for source in ("jitdebug_eh.c", "jitdebug_eh_seh.c"):
        out = work / source.replace(".c", ".o")
        run([f"{MINGW}-gcc", "-std=c11", "-Wall", "-Wextra", "-O2", "-c", "-o", out, EH_RUNTIME / source])
        objects.append(out)
    return objects


def mingw_link(work: Path, objects: Sequence[Path], output: str, *extra: str) -> Path:
    exe = work / output
    run([f"{MINGW}-g++", "-static", "-o", exe, *objects, *extra])
    return exe


def _mingw_file(name: str) -> Path:
    return Path(run([f"{MINGW}-gcc", f"-print-file-name={name}"]).stdout.strip())


def lld_link(work: Path, objects: Sequence[Path], output: str) -> Path:
    """Link a static mingw C++ program with lld-link (mingw's start files and libraries)."""
    exe = work / output
    gcc_lib = _mingw_file("crtbegin.o").parent
    mingw_lib = _mingw_file("crt2.o").parent
    libraries = ["libstdc++.a", "libmingw32.a", "libgcc.a", "libgcc_eh.a", "libmoldname.a", "libmingwex.a",
                 "libmsvcrt.a", "libkernel32.a", "libadvapi32.a", "libshell32.a", "libuser32.a"]
    run(["lld-link-19", "-lldmingw", "-auto-import", "-runtime-pseudo-reloc", "-machine:x64",
         "-alternatename:__image_base__=__ImageBase", "-subsystem:console", "-entry:mainCRTStartup",
         f"-out:{exe}", f"-libpath:{gcc_lib}", f"-libpath:{mingw_lib}", mingw_lib / "crt2.o",
         gcc_lib / "crtbegin.o", *objects, *libraries, gcc_lib / "crtend.o"])
    return exe
