"""The cache of lowered objects (``emitter/jit/lowered.py``): a warm instantiation reads the lowered object
instead of lowering, and what it reads is byte for byte a fresh lowering for this run's listing directory (the
directory moved into the DWARF and the plugins' metadata), for the generated listing and for producer DWARF;
Python imports (thunks) and another directory length are entries of their own; a damaged entry is a miss.
Without a cache nothing is kept: every instance lowers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import emitter.jit.loader
import emitter.lower
from emitter.jit import compile_wasm
from emitter.jit.api import WasmModule
from emitter.jit.cache import CompileCache
from emitter.jit.loader import with_thunks
from emitter.lower import lower_module
from emitter.obj.elf import write_relocatable
from emitter.obj.model import ObjectFile
from tests.wasm_clang import wasm_clang

WAT = """(module $lowered
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (func $fact (export "fact") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fact (i64.sub (local.get $n) (i64.const 1)))))))
  (func (export "say") (param i32) (call $log (local.get 0))))
"""

C = """int twice(int x) { int y = x * 2; return y; }
int sum(int n) { int s = 0; for (int i = 0; i < n; ++i) s += twice(i); return s; }
"""


class _Lowerings:
    """Counts the lowerings that really ran, and keeps the object each instance was loaded from."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.loaded: list[ObjectFile] = []
        real = emitter.lower.lower_module
        real_prepare = emitter.jit.loader.prepare_image_part

        def counted(*args: Any, **kwargs: Any) -> ObjectFile:
            self.count += 1
            return real(*args, **kwargs)

        def prepare(obj: ObjectFile, *args: Any, **kwargs: Any) -> Any:
            self.loaded.append(obj)
            return real_prepare(obj, *args, **kwargs)

        monkeypatch.setattr(emitter.lower, "lower_module", counted)
        monkeypatch.setattr(emitter.jit.loader, "prepare_image_part", prepare)

    def last(self) -> bytes:
        return write_relocatable(self.loaded[-1])


def _fresh(wasm: WasmModule, host_imports: frozenset[str]) -> bytes:
    """The relocatable object a lowering of ``wasm`` as it is now (its listing directory) writes."""
    return write_relocatable(lower_module(with_thunks(wasm.compiled, host_imports)))


def _dirs(tmp_path: Path, *names: str) -> list[Path]:
    made = []
    for name in names:
        (tmp_path / name).mkdir()
        made.append(tmp_path / name)
    return made


@pytest.fixture
def module(tmp_path: Path) -> Path:
    path = tmp_path / "lowered.wat"
    path.write_text(WAT)
    return path


def test_warm_instance_reads_the_lowered_object_with_this_runs_directory(module: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CompileCache(tmp_path / "cache")
    one, two = _dirs(tmp_path, "one", "two")
    lowerings = _Lowerings(monkeypatch)
    logged: list[int] = []
    cold = compile_wasm(module, listing_dir=one, cache=cache)
    with cold.instantiate({"log": logged.append}) as instance:
        instance.exports["say"](7)
        cold_fact = [instance.exports["fact"](n) for n in range(21)]
    assert lowerings.count == 1
    assert len(list(cache.entries("lowered"))) == 1
    warm = compile_wasm(module, listing_dir=two, cache=cache)  # another process's compile would look the same
    with warm.instantiate({"log": logged.append}) as instance:
        instance.exports["say"](8)
        assert [instance.exports["fact"](n) for n in range(21)] == cold_fact
    assert lowerings.count == 1 and logged == [7, 8]
    used = lowerings.last()
    assert str(two.resolve()).encode() in used and str(one.resolve()).encode() not in used
    assert used == _fresh(warm, frozenset({"log"}))
    # A second instance in the same process reads the entry again (no object kept in memory).
    with warm.instantiate({"log": logged.append}):
        pass
    assert lowerings.count == 1 and lowerings.last() == used


def test_producer_dwarf_is_moved_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "sum.c"
    source.write_text(C)
    wasm = tmp_path / "sum.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o", wasm,
                source])
    cache = CompileCache(tmp_path / "cache")
    one, two = _dirs(tmp_path, "aaa", "bbb")
    lowerings = _Lowerings(monkeypatch)
    with compile_wasm(wasm, listing_dir=one, cache=cache).instantiate() as instance:
        assert instance.exports["sum"](10) == 90
    warm = compile_wasm(wasm, listing_dir=two, cache=cache)
    assert warm.compiled.wasm_dwarf is not None
    with warm.instantiate() as instance:
        assert instance.exports["sum"](10) == 90
    assert lowerings.count == 1
    assert lowerings.last() == _fresh(warm, frozenset())


def test_other_imports_and_directory_lengths_are_entries_of_their_own(module: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CompileCache(tmp_path / "cache")
    one, longer = _dirs(tmp_path, "one", "a-longer-directory")
    lowerings = _Lowerings(monkeypatch)
    with compile_wasm(module, listing_dir=one, cache=cache).instantiate({"log": print}):
        pass
    # The same import as a native function: no adapter, so another object.
    from emitter.jit.api import NativeFunction
    from emitter.jit.loader import runtime_hooks

    native = NativeFunction(runtime_hooks()["jitdebug_trap"])
    other = compile_wasm(module, listing_dir=one, cache=cache)
    with other.instantiate({"log": native}):
        pass
    assert lowerings.count == 2
    assert lowerings.last() == _fresh(other, frozenset())
    moved = compile_wasm(module, listing_dir=longer, cache=cache)
    with moved.instantiate({"log": print}) as instance:
        assert instance.exports["fact"](5) == 120
    assert lowerings.count == 3
    assert lowerings.last() == _fresh(moved, frozenset({"log"}))
    assert len(list(cache.entries("lowered"))) == 3


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_damaged_lowered_entry_is_lowered_again(damage: str, module: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CompileCache(tmp_path / "cache")
    lowerings = _Lowerings(monkeypatch)
    with compile_wasm(module, cache=cache).instantiate({"log": print}):
        pass
    (entry,) = cache.entries("lowered")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"not an entry")
    again = compile_wasm(module, cache=cache)
    with again.instantiate({"log": print}) as instance:
        assert instance.exports["fact"](6) == 720
    assert lowerings.count == 2
    assert lowerings.last() == _fresh(again, frozenset({"log"}))
    assert cache.load(entry.stem, "lowered") is not None


def test_without_a_cache_every_instance_lowers(module: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lowerings = _Lowerings(monkeypatch)
    wasm = compile_wasm(module)
    for _ in range(2):
        with wasm.instantiate({"log": print}) as instance:
            assert instance.exports["fact"](4) == 24
    assert lowerings.count == 2


def test_a_producer_directory_equal_to_the_listings_is_never_moved(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The C is compiled in the directory the first run's listing goes to, so the producer's DW_AT_comp_dir is
    the same string: moving it would move the producer's directory too. The entry serves that directory only."""
    one, two = _dirs(tmp_path, "aaa", "bbb")
    (one / "sum.c").write_text(C)
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o",
                "sum.wasm", "sum.c"], cwd=one)
    wasm = tmp_path / "sum.wasm"
    (one / "sum.wasm").rename(wasm)
    cache = CompileCache(tmp_path / "cache")
    lowerings = _Lowerings(monkeypatch)
    for directory, count in ((one, 1), (one, 1), (two, 2)):
        module = compile_wasm(wasm, listing_dir=directory, cache=cache)
        with module.instantiate() as instance:
            assert instance.exports["sum"](4) == 12
        assert lowerings.count == count
        assert lowerings.last() == _fresh(module, frozenset())
    assert str(one.resolve()).encode() in lowerings.last()  # the producer's directory, kept
