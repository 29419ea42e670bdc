"""The compile cache: a module compiled before is read back instead of compiled (and runs and debugs the
same), keys change with everything the result depends on, broken entries are misses, concurrent writers are
safe, and the CLI switches (``-C cache=n``, ``JITDEBUG_CACHE=0``, ``jitdebug cache clear|dir``) work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import emitter.codegen.compiler
from emitter.debuggers import inferior
from emitter.jit import compile_wasm
from emitter.jit.cache import CompileCache
from tests.tools import ROOT, run

WAT = """(module $cached
  (func $fact (export "fact") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fact (i64.sub (local.get $n) (i64.const 1))))))))
"""


@pytest.fixture
def module(tmp_path: Path) -> Path:
    path = tmp_path / "cached.wat"
    path.write_text(WAT)
    return path


def _entries(cache: CompileCache) -> list[Path]:
    return sorted(cache.entries("module"))


def _no_compiler(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the compiler ran on a cache hit")

    monkeypatch.setattr(emitter.codegen.compiler, "compile_module", refuse)


def test_second_compile_is_read_from_the_cache_and_runs_the_same(module: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CompileCache(tmp_path / "cache")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = compile_wasm(module, listing_dir=tmp_path / "one", cache=cache)
    assert len(_entries(cache)) == 1
    _no_compiler(monkeypatch)
    second = compile_wasm(module, listing_dir=tmp_path / "two", cache=cache)
    # The listing the line table names is written where this compile's listing goes, with the same text.
    assert second.compiled.source_dir == str((tmp_path / "two").resolve())
    listing = Path(second.compiled.source_dir) / second.compiled.source_file
    assert listing.read_text() == (tmp_path / "one" / first.compiled.source_file).read_text()
    with first.instantiate() as a, second.instantiate() as b:
        assert [a.exports["fact"](n) for n in range(21)] == [b.exports["fact"](n) for n in range(21)]


def test_without_debug_info_is_cached_apart(module: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CompileCache(tmp_path / "cache")
    compile_wasm(module, cache=cache)
    compile_wasm(module, cache=cache, debug_info=False)
    assert len(_entries(cache)) == 2
    _no_compiler(monkeypatch)
    plain = compile_wasm(module, cache=cache, debug_info=False)
    assert plain.debug_info is False
    with plain.instantiate() as instance:
        assert instance.exports["fact"](20) == 2432902008176640000


def test_key_depends_on_bytes_options_and_compiler(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cache = CompileCache(tmp_path)
    base = cache.key(b"\0asm\1\0\0\0", "m", True)
    assert cache.key(b"\0asm\1\0\0\0", "m", True) == base
    assert cache.key(b"\0asm\1\0\0\0\0", "m", True) != base
    assert cache.key(b"\0asm\1\0\0\0", "m", False) != base
    assert cache.key(b"\0asm\1\0\0\0", "n", True) != base
    monkeypatch.setattr("emitter.jit.cache._compiler_fingerprint", lambda: b"another compiler")
    assert cache.key(b"\0asm\1\0\0\0", "m", True) != base


@pytest.mark.parametrize("damage", ["truncated", "flipped", "empty", "garbage"])
def test_damaged_entry_is_a_miss_and_is_replaced(damage: str, module: Path, tmp_path: Path) -> None:
    cache = CompileCache(tmp_path / "cache")
    compile_wasm(module, cache=cache)
    (entry,) = _entries(cache)
    data = entry.read_bytes()
    entry.write_bytes({"truncated": data[: len(data) // 2], "flipped": data[:-1] + bytes([data[-1] ^ 1]),
                       "empty": b"", "garbage": b"not a cache entry at all"}[damage])
    assert cache.load(entry.stem) is None and not entry.exists()
    again = compile_wasm(module, cache=cache)
    with again.instantiate() as instance:
        assert instance.exports["fact"](10) == 3628800
    assert cache.load(entry.stem) is not None


def test_size_limit_drops_least_recently_used(tmp_path: Path) -> None:
    # Entries of about 1,070 bytes, each stored one after the other and then aged to second n: at most two fit,
    # and each store drops the oldest ones.
    cache = CompileCache(tmp_path, limit=3000)
    for n in range(5):
        cache.store(f"{n:02x}" + "0" * 62, bytes(1000))
        os.utime(next(p for p in cache.entries() if p.stem.startswith(f"{n:02x}")), ns=(n * 10**9, n * 10**9))
    kept = sorted(p.stem[:2] for p in cache.entries())
    assert kept == ["03", "04"], kept


_WRITER = """
import sys
from emitter.jit import compile_wasm
from emitter.jit.cache import CompileCache
module = compile_wasm(sys.argv[1], cache=CompileCache(sys.argv[2]))
with module.instantiate() as instance:
    print(instance.exports["fact"](15))
"""


def test_concurrent_writers_leave_one_complete_entry(module: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cache_dir = tmp_path / "cache"
    processes = [subprocess.Popen([sys.executable, "-c", _WRITER, str(module), str(cache_dir)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, outputs
    assert [out.strip() for out, _ in outputs] == ["1307674368000"] * 4
    cache = CompileCache(cache_dir)
    (entry,) = _entries(cache)
    assert cache.load(entry.stem) is not None
    assert not [p for p in cache_dir.rglob("*") if p.name.startswith(".tmp-")]


def _jitdebug(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emitter.cli", *args], env={**os.environ, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_cache_switches(module: Path, tmp_path: Path) -> None:
    env = {"JITDEBUG_CACHE_DIR": str(tmp_path / "cache")}
    cache = CompileCache(tmp_path / "cache")
    assert _jitdebug("run", "-C", "cache=n", str(module), "--invoke", "fact", "5", env=env).stdout == "120\n"
    assert _entries(cache) == []
    off = _jitdebug("run", str(module), "--invoke", "fact", "5", env={**env, "JITDEBUG_CACHE": "0"})
    assert off.stdout == "120\n" and _entries(cache) == []
    for _ in range(2):
        assert _jitdebug("run", str(module), "--invoke", "fact", "6", env=env).stdout == "720\n"
    assert len(_entries(cache)) == 1
    assert _jitdebug("cache", "dir", env=env).stdout.strip() == str(tmp_path / "cache")
    cleared = _jitdebug("cache", "clear", env=env)
    assert cleared.returncode == 0 and "removed 1 cached module" in cleared.stdout and _entries(cache) == []
    bad = _jitdebug("run", "-C", "cahce=n", str(module), "--invoke", "fact", "5", env=env)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "jitdebug: error: unknown -C option 'cahce' (known: cache)\n"


def test_gdb_shows_listing_lines_of_a_cached_compile(module: Path, tmp_path: Path) -> None:
    env_cache = {"JITDEBUG_CACHE_DIR": str(tmp_path / "cache")}
    command, env = inferior(["jitdebug", "run", str(module), "--invoke", "fact", "4"])
    outs = []
    for _ in range(2):  # a miss that fills the cache, then a hit
        outs.append(run(["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break fact",
                         "-ex", "ignore 1 3", "-ex", "run", "-ex", "bt 4", "-ex", "continue", "--args", *command],
                        env={**env, **env_cache}, timeout=120).stdout)
    assert len(_entries(CompileCache(tmp_path / "cache"))) == 1
    frames = [re.findall(r"^#\d+ .*fact \(n=(\d+)\) at .*cached\.wat\.lst:(\d+)", out, re.MULTILINE) for out in outs]
    assert frames[0] == frames[1] and [n for n, _ in frames[1]] == ["1", "2", "3", "4"], outs[1]
    assert all("24\n" in out and "exited normally" in out for out in outs), outs[1]


def test_entry_reads_back_equal_to_the_compile(module: Path, tmp_path: Path) -> None:
    """The pickles' compact shapes (unwind ops as tuples until first read, relocations rebuilt by
    ``tuple.__new__``, slotted dataclasses by their constructors) give back equal objects of the same types."""
    import pickle

    from emitter.obj.model import Relocation
    from emitter.unwind import UnwindProgram

    compiled = compile_wasm(module, listing_dir=tmp_path).compiled
    again = pickle.loads(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
    unread = again.functions[0].unwind
    assert isinstance(unread, UnwindProgram) and "ops" not in vars(unread)
    assert again == compiled
    for mine, theirs in zip(compiled.functions, again.functions, strict=True):
        assert theirs.unwind.ops == mine.unwind.ops and theirs.unwind.rows(len(theirs.code)) == mine.unwind.rows(
            len(mine.code))
        assert [type(r) for r in theirs.relocations] == [Relocation] * len(mine.relocations)
        assert theirs.variables == mine.variables
