"""Compiled Wasm frames under Wine: a chain of three Wasm functions (tests/data/win64/chain.wat) calls a host
import, which walks the stack with RtlVirtualUnwind to ``main`` and, in a second run, throws a C++ exception
through the Wasm frames that ``main`` catches (std::runtime_error, its message intact); on the way, a cleanup
landing pad in the assembly frame just above the Wasm frames (tests/data/windows/canary.S) compares every
non-volatile register (rbx, rbp, rsi, rdi, r12-r15, xmm6-15) with the pattern it loaded before the call, and the
walk does the same on the unwound context. One Wasm frame is larger than a page (``___chkstk_ms``); mode 2 takes
a mid-function epilogue.

What this proves about registers: the compiled code saves and clobbers only rbx, rbp, rsi and rdi (its unwind
codes are PUSH_NONVOL of those four and SET_FPREG rbp), so their restoration by our unwind info is what the
check shows here; r12-r15 and xmm6-15 are never touched by these frames, and the check only shows nothing
disturbed them. Restoring r12-r15 and xmm6-15 (SAVE_NONVOL, SAVE_XMM128, frame offsets) is proven by the
hand-made functions of tests/test_wine_unwind.py, tests/test_pe_dll.py and tests/test_wine_runtime_table.py,
which save and clobber them. A negative control without ``.pdata`` shows the check notices missing unwind info.
Linked by GNU ld and lld-link, and loaded as a DLL with LoadLibrary/GetProcAddress (its C runtime imports bound
to msvcrt.dll, its host import to the executable's export).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.aot import compile_file
from emitter.codegen.compiler import compile_module
from emitter.lower_coff import lower_module_coff
from emitter.obj.coff import write_coff
from emitter.wasm.load import load_module

from .tools import ROOT, run
from .windows_support import MINGW, WINDOWS_DATA, eh_runtime_objects, lld_link, mingw_link, run_wine

CHAIN = ROOT / "tests" / "data" / "win64" / "chain.wat"
CHAIN_EH = ROOT / "tests" / "data" / "win64" / "chain_eh.wat"
TARGET = "x86_64-windows"
FUNCTIONS = ("chain_0", "chain_1", "chain_2")
CHECKS = ("walk", "throw", "early")


def _cases_header(sizes: dict[str, int], *, dll: bool, prelude: str = "") -> str:
    """``cases.h`` for host.cpp: one case, the three Wasm frames outermost first, entry chain_0 (which returns
    early in mode 2); ``prelude`` is C++ code placed first."""
    if dll:
        lines = ["static HMODULE dll;"]
        resolve = '(uintptr_t)GetProcAddress(dll, "{}")'
    else:
        lines = [prelude] + [f'extern "C" long long {name}(long long);' for name in FUNCTIONS]
        resolve = "(uintptr_t)&{}"
    lines += ["static Case cases[] = {",
              f'    {{"wasm", {len(FUNCTIONS)}, 1, {{0}}, {{{", ".join(str(sizes[n]) for n in FUNCTIONS)}}}}},',
              "};", "static void init_cases() {"]
    if dll:
        lines += ['    dll = LoadLibraryA("chain.dll");',
                  '    if (!dll) { printf("LoadLibrary failed: %lu\\n", GetLastError()); exit(6); }']
    lines += [f"    cases[0].functions[{i}] = {resolve.format(name)};" for i, name in enumerate(FUNCTIONS)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _host_objects(work: Path, sizes: dict[str, int], *, dll: bool, prelude: str = "") -> list[Path]:
    (work / "cases.h").write_text(_cases_header(sizes, dll=dll, prelude=prelude))
    host, canary = work / "host.o", work / "canary.o"
    run([f"{MINGW}-g++", "-c", "-O1", "-I", work, WINDOWS_DATA / "host.cpp", "-o", host])
    run([f"{MINGW}-gcc", "-c", WINDOWS_DATA / "canary.S", "-o", canary])
    return [host, canary]


def _expect_passed(output: str) -> None:
    for check in CHECKS:
        assert f"case wasm {check} ok" in output, output
    assert "\n0 failures" in "\n" + output, output


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The chain compiled through the AOT driver, and the host objects that call it."""
    work = tmp_path_factory.mktemp("win64_chain")
    obj = work / "chain.obj"
    compile_file(CHAIN, obj, target=TARGET)
    return work, _host_objects(work, _sizes(), dll=False) + [obj]


def _sizes(source: Path = CHAIN) -> dict[str, int]:
    """Each function's code size (the host checks every unwound pc lies inside the expected function)."""
    _, module = load_module(source)
    compiled = compile_module(module, module_name=source.stem, target=TARGET, default_trap_hook=True)
    return {f.name: len(f.code) for f in compiled.functions}


def test_gnu_ld_walk_and_throw_through_wasm_frames_restore_registers(linked: tuple[Path, list[Path]]) -> None:
    work, objects = linked
    _expect_passed(run_wine(mingw_link(work, objects, "gnu.exe")))


def test_lld_link_walk_and_throw_through_wasm_frames_restore_registers(linked: tuple[Path, list[Path]]) -> None:
    work, objects = linked
    _expect_passed(run_wine(lld_link(work, objects, "lld.exe")))


def test_without_pdata_the_register_check_fails(linked: tuple[Path, list[Path]]) -> None:
    """Negative control: the same frames with no ``.pdata`` are not unwound (Wine treats them as leaf functions),
    and the host notices the walk never reaches main and the catch sees clobbered registers."""
    work, objects = linked
    _, module = load_module(CHAIN)
    obj, _ = lower_module_coff(compile_module(module, module_name="chain", target=TARGET, default_trap_hook=True))
    del obj.sections[".pdata"]
    bare = work / "bare.obj"
    bare.write_bytes(write_coff(obj))
    output = run_wine(mingw_link(work, objects[:-1] + [bare], "bare.exe"), check=False)
    assert "case wasm walk FAILED" in output and "case wasm throw FAILED" in output, output
    assert "case wasm early ok" in output, output


def test_dll_loads_exports_resolve_and_unwinding_passes_through_it(tmp_path: Path) -> None:
    """``jitdebug compile --dll``: LoadLibrary, GetProcAddress for each frame, the host import bound to the
    executable's export, and the same walk/throw/register checks."""
    compile_file(CHAIN, tmp_path / "chain.dll", target=TARGET, dll=True)
    objects = _host_objects(tmp_path, _sizes(), dll=True)
    exe = mingw_link(tmp_path, objects, "host.exe")
    _expect_passed(run_wine(exe))


def test_cxx_exception_through_a_wasm_handler_that_rethrows_restores_registers(tmp_path: Path) -> None:
    """chain_1 has a Wasm handler (tests/data/win64/chain_eh.wat): the host's C++ exception runs it (catch_all_ref
    through the SEH handler entry and our personality), throw_ref raises it again from chain_1's frame, and the
    walk, the register check at the canary's cleanup pad and main's catch all pass. ``handled`` shows the Wasm
    handler ran once (mode 1 only)."""
    obj = tmp_path / "chain_eh.obj"
    compile_file(CHAIN_EH, obj, target=TARGET)
    # The host's own trap hook, so that a trap would print its code and exit 5.
    prelude = ('extern "C" void jitdebug_trap(int32_t code) { printf("trap %d\\n", code); exit(5); }\n'
               'extern "C" int handled(void);\n'
               'static void report_handled() { printf("wasm handler ran %d\\n", handled()); }\n'
               "static const int registered = atexit(report_handled);\n")
    objects = _host_objects(tmp_path, _sizes(CHAIN_EH), dll=False, prelude=prelude)
    output = run_wine(mingw_link(tmp_path, [*objects, obj, *eh_runtime_objects(tmp_path)], "eh.exe"))
    _expect_passed(output)
    assert output.endswith("wasm handler ran 1\n"), output
