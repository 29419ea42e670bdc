"""Batched GDB JIT registration in process: loaded modules stay pending until Wasm code may run, one image then
describes many of them (checked with readelf, llvm-dwarfdump and the plugins' own reader), freeing unregisters
whole images before any code is unmapped, and the unwinder-facing behaviour (glibc ``backtrace()``, trap
backtraces) is unchanged.

Each test starts from a flush and compares with the images registered before it: the registrar is per process,
and other tests in this worker may keep modules of their own."""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import wasmtime

from emitter.arch import X86_64
from emitter.debugcore.elf import ElfFile
from emitter.debugcore.jit import DESCRIPTOR_SYMBOL
from emitter.debugcore.mock import MockAdapter
from emitter.debugcore.modules import modules_from_image
from emitter.debugcore.session import Session
from emitter.errors import TrapError
from emitter.jit import Instance, NativeFunction, WasmModule, _native, compile_wasm, flush_debug_info, registrar
from tests.test_cfi_helpers import dwarfdump_rows, intended_rows, normalise, object_fdes
from tests.test_jitbatch_debuggers import chain_wat
from tests.tools import run

Entries = set[tuple[int, int]]


@pytest.fixture
def baseline() -> Entries:
    flush_debug_info()
    return set(_native.gdb_entries())


def new_images(baseline: Entries) -> list[bytes]:
    return [ctypes.string_at(address, size) for address, size in _native.gdb_entries()
            if (address, size) not in baseline]


def described(images: list[bytes]) -> list[tuple[int, int]]:
    """The code ranges the images describe (each module has one ``.text``)."""
    return [(s.address, s.address + s.size) for image in images for s in ElfFile(image).sections if s.name == ".text"]


def compile_named(directory: Path, name: str) -> WasmModule:
    path = directory / f"{name}.wat"
    path.write_text(chain_wat(name))
    return compile_wasm(path, listing_dir=directory)


def stop() -> NativeFunction:
    """C's ``abs`` as every chain's innermost import."""
    return NativeFunction(ctypes.cast(ctypes.CDLL(None).abs, ctypes.c_void_p).value or 0)


@pytest.fixture
def freeing() -> Iterator[list[Instance]]:
    """Instances to free at the end of a test, whatever happens."""
    instances: list[Instance] = []
    yield instances
    for instance in instances:
        instance.free()


def load(directory: Path, names: list[str], keep: list[Instance]) -> list[Instance]:
    """Instances of ``names`` (``twin`` repeats one compiled module), each calling the native stop."""
    compiled: dict[str, WasmModule] = {}
    instances = []
    for name in names:
        module = compiled.get(name) or compiled.setdefault(name, compile_named(directory, name))
        instances.append(module.instantiate({"next": stop()}))
        keep.append(instances[-1])
    return instances


def test_one_image_describes_many_modules(tmp_path: Path, baseline: Entries, freeing: list[Instance]) -> None:
    names = [f"c{k}" for k in range(40)] + ["twin"] * 10
    instances = load(tmp_path, names, freeing)
    assert new_images(baseline) == []  # nothing runs yet: nothing registered
    assert instances[3].exports["run"](7) == abs(8) + 3  # any entry into Wasm code registers every module
    images = new_images(baseline)
    assert len(images) == 1
    image = tmp_path / "image.elf"
    image.write_bytes(images[0])
    # The tools read it without a complaint, and the DWARF of 50 compile units is consistent.
    assert run(["readelf", "-W", "-a", image]).stderr == ""
    assert "No errors." in run(["llvm-dwarfdump-19", "--verify", image]).stdout
    # Every function of every module has its FDE in the merged .debug_frame, with the rows its unwind program
    # intends (the debuggers' only CFI for a merged image).
    functions = {f.address: f for instance in instances for f in instance.loaded.functions}
    fdes = object_fdes(image)[1]
    rows = dwarfdump_rows(image, X86_64, "debug-frame")
    assert sorted(fde.header["initial_location"] for fde in fdes) == sorted(functions)
    for fde, table in zip(fdes, rows, strict=True):
        function = functions[fde.header["initial_location"]]
        assert table == normalise(intended_rows(function.function.unwind, function.size), function.size)
    # The plugins' reader places each module's functions where the loader put them (ten modules share names).
    modules = modules_from_image(images[0], "test", MockAdapter())
    assert [m.meta.name for m in modules] == names
    for module, instance in zip(modules, instances, strict=True):
        assert {f.meta.symbol: f.address for f in module.functions} == {
            f.function.name: f.address for f in instance.loaded.functions if f.function.name in
            {m.symbol for m in module.meta.functions}}
    # The image's bytes are shared out among its modules.
    assert sum(instance.loaded.image_size for instance in instances) == pytest.approx(len(images[0]), abs=50)


def test_a_cap_splits_images(tmp_path: Path, baseline: Entries, freeing: list[Instance],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registrar, "MAX_MODULES", 4)
    instances = load(tmp_path, ["twin"] * 10, freeing)
    assert instances[0].exports["run"].address  # handing out a code address registers too
    images = new_images(baseline)
    assert sorted(len(modules_from_image(image, "test", MockAdapter())) for image in images) == [2, 4, 4]


def test_freeing_unregisters_whole_images_and_defers_the_rest(tmp_path: Path, baseline: Entries,
                                                              freeing: list[Instance],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registrar, "MAX_MODULES", 50)
    instances = load(tmp_path, ["twin"] * 120, freeing)
    flush_debug_info()
    assert len(new_images(baseline)) == 3
    code = [(f.address, f.address + f.size) for instance in instances for f in instance.loaded.functions]
    seen = {image for image in map(bytes, new_images(baseline))}
    for count, instance in enumerate(instances[:90], 1):
        instance.free()
        images = new_images(baseline)
        # Freeing never registers anything (the others wait for the next call), and whatever is still
        # registered describes no freed code.
        assert set(images) <= seen
        freed = code[: 2 * count]
        assert not any(start < end_ and start_ < end for start, end in described(images) for start_, end_ in freed)
    # The two images that lost modules are gone, the third is untouched; the 10 survivors of the second wait.
    images = new_images(baseline)
    assert len(images) == 1 and len(modules_from_image(images[0], "test", MockAdapter())) == 20
    assert registrar.REGISTRAR.pending == 10
    assert instances[95].exports["run"](1) == 2 + 1000
    images = new_images(baseline)
    assert sorted(len(modules_from_image(image, "test", MockAdapter())) for image in images) == [10, 20]
    for instance in instances[90:]:
        instance.free()
    assert new_images(baseline) == []
    freeing.clear()


def test_thousand_load_free_cycles_leave_no_image(tmp_path: Path, baseline: Entries) -> None:
    module = compile_named(tmp_path, "twin")
    for cycle in range(1000):
        instance = module.instantiate({"next": stop()})
        if cycle % 2:
            assert instance.exports["run"](1) == 2 + 1000
        instance.free()
    assert registrar.REGISTRAR.pending == 0
    assert new_images(baseline) == []


def test_freeing_while_wasm_runs_registers_the_others_at_once(tmp_path: Path, baseline: Entries,
                                                             freeing: list[Instance]) -> None:
    """A host function (Wasm frames below it) frees a module of the running module's image: the running module
    must stay described, since a debugger may show those frames right now."""
    victim, = load(tmp_path, ["c1"], freeing)
    checks: list[bool] = []

    def host(depth: int) -> int:
        victim.free()
        images = new_images(baseline)
        running = outer.loaded.functions[0].address
        checks.append(any(start <= running < end for start, end in described(images)))
        return depth

    outer = compile_named(tmp_path, "c2").instantiate({"next": host})
    freeing.append(outer)
    assert outer.exports["run"](4) == 5 + 2
    assert checks == [True]


def test_a_module_loaded_by_running_code_is_registered_before_it_runs(tmp_path: Path, baseline: Entries,
                                                                     freeing: list[Instance]) -> None:
    inner_module = compile_named(tmp_path, "c7")
    registered: list[int] = []

    def host(depth: int) -> int:
        inner = inner_module.instantiate({"next": stop()})
        freeing.append(inner)
        code = inner.loaded.functions[0].address
        result: int = inner.exports["run"](depth)
        registered.append(sum(start <= code < end for start, end in described(new_images(baseline))))
        return result

    outer = compile_named(tmp_path, "c3").instantiate({"next": host})
    freeing.append(outer)
    assert outer.exports["run"](1) == 3 + 7 + 3
    assert registered == [1]


def test_glibc_backtrace_through_modules_of_several_images(tmp_path: Path, baseline: Entries,
                                                           freeing: list[Instance],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registrar, "MAX_MODULES", 2)
    libc = ctypes.CDLL(None)
    buffer = (ctypes.c_void_p * 256)()
    counts: list[int] = []

    def innermost(depth: int) -> int:
        counts.append(libc.backtrace(buffer, 256))
        return depth

    chain: list[Instance] = []
    following: Callable[[int], int] | NativeFunction = innermost
    for k in range(5):
        chain.append(compile_named(tmp_path, f"c{10 + k}").instantiate({"next": following}))
        freeing.append(chain[-1])
        following = NativeFunction(chain[-1].loaded.address("run"))
    assert chain[-1].exports["run"](0) == 5 + sum(range(10, 15))
    assert len(new_images(baseline)) == 3
    addresses = [buffer[i] or 0 for i in range(counts[0])]
    for instance in chain:
        hop = instance.loaded.functions[0]
        assert sum(hop.address <= a < hop.address + hop.size for a in addresses) == 1


TRAP_WAT = """(module $sink
  (func $leaf (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $sink (export "sink") (param $depth i32) (result i32)
    (i32.add (local.get $depth)
      (if (result i32) (local.get $depth)
        (then (call $sink (i32.sub (local.get $depth) (i32.const 1))))
        (else (call $leaf (local.get $depth)))))))"""


def test_trap_backtrace_of_a_module_in_a_batch_equals_wasmtime(tmp_path: Path, baseline: Entries,
                                                               freeing: list[Instance]) -> None:
    load(tmp_path, ["twin"] * 20, freeing)
    wasm = bytes(wasmtime.wat2wasm(TRAP_WAT))  # one binary for both
    path = tmp_path / "sink.wasm"
    path.write_bytes(wasm)
    instance = compile_wasm(path, listing_dir=tmp_path).instantiate()
    freeing.append(instance)
    load(tmp_path, ["twin"] * 20, freeing)
    with pytest.raises(TrapError) as ours:
        instance.exports["sink"](5)
    store = wasmtime.Store()
    sink = wasmtime.Instance(store, wasmtime.Module(store.engine, wasm), []).exports(store)["sink"]
    assert isinstance(sink, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as theirs:
        sink(store, 5)
    assert str(ours.value) == str(theirs.value)
    assert len(new_images(baseline)) == 1


def test_plugin_reads_a_new_image_at_a_freed_images_address(tmp_path: Path, baseline: Entries,
                                                           freeing: list[Instance]) -> None:
    """Images are malloc'd: an image made after a free may get the freed one's address and size while it
    describes other code. The plugins must not take it for the image they read before."""
    twin = compile_named(tmp_path, "twin")
    images: list[bytes] = []
    functions: list[int] = []
    for _ in range(2):
        instance = twin.instantiate({"next": stop()})
        freeing.append(instance)
        flush_debug_info()
        images += new_images(baseline)
        baseline |= set(_native.gdb_entries())
        functions.append(instance.loaded.functions[0].address)
    assert len(images[0]) == len(images[1]) and functions[0] != functions[1]
    descriptor, entry, image = 0x1000, 0x2000, 0x10000
    adapter = MockAdapter(symbols={DESCRIPTOR_SYMBOL: descriptor})
    adapter.map(descriptor, struct.pack("<IIQQ", 1, 0, 0, entry))
    adapter.map(entry, struct.pack("<QQQQ", 0, 0, image, len(images[0])))
    adapter.map(image, images[0])
    session = Session(adapter)
    assert session.locate(functions[0]) is not None and session.locate(functions[1]) is None
    adapter.write(image, images[1])  # the first freed, the second registered at the same address
    session.invalidate()
    assert session.locate(functions[0]) is None and session.locate(functions[1]) is not None
