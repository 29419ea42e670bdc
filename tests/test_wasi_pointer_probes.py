"""Out-of-bounds guest pointers, generated: every preview-1 function that takes a guest pointer is called with
each of its pointers (and each buffer length) moved out of linear memory, one at a time, the other arguments
valid, and the outcome (the errno it returns, or the trap and its causes) is wasmtime-py's.

The table below gives, per function, a valid call (the fd of a file opened by the module's ``setup``, the
preopen's fd 3, pointers to prepared structures) and which arguments are pointers or lengths; the probes are
generated from it, so a function added to ``FUNCTIONS`` without a row fails ``test_every_pointer_function_is_
probed``. Each probe runs in a fresh copy of the same directory under both engines.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from emitter.wasi.preview1 import FUNCTIONS

FILE_FD = 4  # the first fd after the preopen: what ``setup``'s path_open returns in both engines
OUT = 0x1000  # where results are written
OUT2 = 0x1800
PATH, PATH_LEN = 0x100, 5  # "f.txt", an existing file
NEW, NEW_LEN = 0x120, 5  # "g.txt", a free name
LINK, LINK_LEN = 0x140, 6  # "l.link", a symlink to f.txt
IOVS = 0x200  # one iovec {0x300, 8}
SUBS = 0x400  # one clock subscription, relative, due now
END = 0x10000  # one page

IOVEC = (0x300).to_bytes(4, "little") + (8).to_bytes(4, "little")
#: Before IOVS an empty iovec, after it a second one: {0x300, 0} {0x300, 8} {0x310, 8}.
DATA = {PATH: b"f.txt", NEW: b"g.txt", LINK: b"l.link", 0x300: b"buffer: first...second..",
        IOVS - 8: (0x300).to_bytes(4, "little") + bytes(4) + IOVEC + (0x310).to_bytes(4, "little") + (8).to_bytes(
            4, "little"), SUBS: (7).to_bytes(8, "little") + bytes(40)}


class Row(NamedTuple):
    args: tuple[int, ...]  # a valid call
    pointers: tuple[int, ...]  # indices of pointer arguments
    lengths: tuple[int, ...] = ()  # indices of buffer lengths (made huge)


ALL_RIGHTS = (1 << 29) - 1
ROWS: dict[str, Row] = {
    "args_get": Row((OUT, OUT2), (0, 1)),
    "args_sizes_get": Row((OUT, OUT2), (0, 1)),
    "environ_get": Row((OUT, OUT2), (0, 1)),
    "environ_sizes_get": Row((OUT, OUT2), (0, 1)),
    "clock_res_get": Row((1, OUT), (1,)),
    "clock_time_get": Row((1, 0, OUT), (2,)),
    "fd_fdstat_get": Row((FILE_FD, OUT), (1,)),
    "fd_filestat_get": Row((FILE_FD, OUT), (1,)),
    "fd_pread": Row((FILE_FD, IOVS, 1, 0, OUT), (1, 4), (2,)),
    "fd_prestat_get": Row((3, OUT), (1,)),
    "fd_prestat_dir_name": Row((3, OUT, 1), (1,), (2,)),
    "fd_pwrite": Row((FILE_FD, IOVS, 1, 0, OUT), (1, 4), (2,)),
    "fd_read": Row((FILE_FD, IOVS, 1, OUT), (1, 3), (2,)),
    "fd_readdir": Row((3, OUT, 256, 0, OUT2), (1, 4), (2,)),
    "fd_seek": Row((FILE_FD, 0, 0, OUT), (3,)),
    "fd_tell": Row((FILE_FD, OUT), (1,)),
    "fd_write": Row((FILE_FD, IOVS, 1, OUT), (1, 3), (2,)),
    "path_create_directory": Row((3, NEW, NEW_LEN), (1,), (2,)),
    "path_filestat_get": Row((3, 0, PATH, PATH_LEN, OUT), (2, 4), (3,)),
    "path_filestat_set_times": Row((3, 0, PATH, PATH_LEN, 0, 0, 0), (2,), (3,)),
    "path_link": Row((3, 0, PATH, PATH_LEN, 3, NEW, NEW_LEN), (2, 5), (3, 6)),
    "path_open": Row((3, 0, PATH, PATH_LEN, 0, ALL_RIGHTS, ALL_RIGHTS, 0, OUT), (2, 8), (3,)),
    "path_readlink": Row((3, LINK, LINK_LEN, OUT, 64, OUT2), (1, 3, 5), (2, 4)),
    "path_remove_directory": Row((3, NEW, NEW_LEN), (1,), (2,)),
    "path_rename": Row((3, PATH, PATH_LEN, 3, NEW, NEW_LEN), (1, 4), (2, 5)),
    "path_symlink": Row((PATH, PATH_LEN, 3, NEW, NEW_LEN), (0, 3), (1, 4)),
    "path_unlink_file": Row((3, PATH, PATH_LEN), (1,), (2,)),
    "poll_oneoff": Row((SUBS, OUT, 1, OUT2), (0, 1, 3), (2,)),
    "random_get": Row((OUT, 16), (0,), (1,)),
    "sock_accept": Row((FILE_FD, 0, OUT), (2,)),
    "sock_recv": Row((FILE_FD, IOVS, 1, 0, OUT, OUT2), (1, 4, 5), (2,)),
    "sock_send": Row((FILE_FD, IOVS, 1, 0, OUT), (1, 4), (2,)),
}
#: Functions without a guest pointer (nothing to probe).
NO_POINTERS = {"fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_set_flags", "fd_fdstat_set_rights",
               "fd_filestat_set_size", "fd_filestat_set_times", "fd_renumber", "fd_sync", "proc_exit", "proc_raise",
               "sched_yield", "sock_shutdown"}

#: Past the end, straddling the end, and a 32-bit wrap-around.
BAD_POINTERS = (END, END - 2, 0xFFFFFFFE)
BAD_LENGTHS = (END, 0x7FFFFFFF, 0xFFFFFFFF)


def _probes() -> list[tuple[str, tuple[int, ...]]]:
    probes = []
    for name, row in ROWS.items():
        for index, bad in [(i, v) for i in row.pointers for v in BAD_POINTERS] + \
                [(i, v) for i in row.lengths for v in BAD_LENGTHS]:
            args = list(row.args)
            args[index] = bad
            probes.append((name, tuple(args)))
    return probes


#: What is checked first, as wasmtime orders it: a bad descriptor against a too-long array or string, an empty
#: array at a bad address, its limits (2^24 iovecs, 2^27 string bytes but none for path_unlink_file, 2^21
#: subscriptions, 64 MiB of random bytes), and two iovecs (only the first non-empty one is transferred).
EDGES: list[tuple[str, tuple[int, ...]]] = [
    ("fd_write", (99, IOVS, 1 << 24, OUT)), ("fd_write", (99, IOVS, (1 << 24) - 1, OUT)),
    ("fd_write", (FILE_FD, END - 6, 1 << 24, OUT)), ("fd_write", (99, END, 1 << 24, OUT)),
    ("fd_write", (FILE_FD, END, 0, OUT)), ("fd_write", (99, END - 6, 1, OUT)),
    ("fd_write", (FILE_FD, IOVS - 8, 2, OUT)),
    ("fd_read", (99, END, 1, OUT)), ("fd_read", (FILE_FD, IOVS - 8, 2, OUT)),
    ("path_create_directory", (99, NEW, (1 << 27) + 1)), ("path_create_directory", (3, END - 6, (1 << 27) + 1)),
    ("path_create_directory", (3, NEW, 1 << 27)), ("path_unlink_file", (99, PATH, 1 << 28)),
    ("path_unlink_file", (3, PATH, 1 << 28)), ("path_symlink", (PATH, 1 << 28, 99, NEW, NEW_LEN)),
    ("path_symlink", (END, PATH_LEN, 99, NEW, NEW_LEN)),
    ("random_get", (OUT, (1 << 26) + 1)), ("random_get", (END + 4, (1 << 26) + 1)), ("random_get", (OUT, 1 << 26)),
    ("poll_oneoff", (SUBS + 2, OUT, (2 << 20) + 1, OUT2)), ("poll_oneoff", (SUBS, OUT, 2 << 20, OUT2)),
    ("poll_oneoff", (SUBS, OUT, 0, OUT2)),
]
PROBES = _probes() + EDGES


def _escaped(raw: bytes) -> str:
    return "".join("\\" + f"{b:02x}" for b in raw)


_OPEN = ('(import "wasi_snapshot_preview1" "path_open" '
         '(func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))')


def _wat(name: str) -> str:
    params = " ".join(t.text for t in FUNCTIONS[name].params)
    forward = " ".join(f"(local.get {i})" for i in range(len(FUNCTIONS[name].params)))
    data = " ".join(f'(data (i32.const {at}) "{_escaped(raw)}")' for at, raw in DATA.items())
    opener = "$f" if name == "path_open" else "$open"  # one import of a name (a second one is another test)
    open_file = (f"(call {opener} (i32.const 3) (i32.const 0) (i32.const {PATH}) (i32.const {PATH_LEN}) (i32.const 0) "
                 f"(i64.const {ALL_RIGHTS}) (i64.const {ALL_RIGHTS}) (i32.const 0) (i32.const 0x80))")
    return f"""(module
  (import "wasi_snapshot_preview1" "{name}" (func $f (param {params}) (result i32)))
  {"" if name == "path_open" else _OPEN}
  (memory (export "memory") 1)
  {data}
  (func (export "setup") (result i32) {open_file})
  (func (export "probe") (param {params}) (result i32) (call $f {forward})))"""


def _sandbox(where: Path) -> Path:
    where.mkdir()
    (where / "f.txt").write_text("file contents\n")
    (where / "l.link").symlink_to("f.txt")
    return where


def _causes(text: str) -> list[str]:
    lines = text.strip().splitlines()
    return [line.strip() for line in lines[lines.index("Caused by:") + 1:] if line.strip() and "note:" not in line]


def _wasmtime(wat: str, args: tuple[int, ...], root: Path) -> tuple[str, object]:
    import wasmtime

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.argv = ["a", "bb"]
    config.env = [("K", "V")]
    config.preopen_dir(str(root), ".")
    store.set_wasi(config)
    exports = linker.instantiate(store, wasmtime.Module(engine, wat)).exports(store)
    assert exports["setup"](store) == 0  # type: ignore[operator]
    try:
        return "errno", exports["probe"](store, *args)  # type: ignore[operator]
    except wasmtime.WasmtimeError as trap:
        return "trap", _causes(str(trap))


@pytest.fixture(scope="module")
def compiled() -> dict[str, object]:
    """One compiled module per function, shared by its probes (each gets a fresh instance)."""
    return {}


def _ours(name: str, wat: str, args: tuple[int, ...], root: Path, cache: dict[str, object],
          listing: Path) -> tuple[str, object]:
    from emitter.errors import TrapError
    from emitter.jit import compile_wasm
    from emitter.wasi.config import WasiConfig

    if name not in cache:
        source = listing / f"{name}.wat"
        source.write_text(wat)
        cache[name] = compile_wasm(source, listing_dir=listing)
    config = WasiConfig(argv=["a", "bb"], env={"K": "V"})
    config.preopen_dir(root, ".")
    with cache[name].instantiate(wasi=config) as instance:  # type: ignore[attr-defined]
        assert instance.exports["setup"]() == 0
        try:
            return "errno", instance.exports["probe"](*args)
        except TrapError as trap:
            return "trap", _causes(trap.backtrace)


def test_every_pointer_function_is_probed() -> None:
    assert set(ROWS) | NO_POINTERS == set(FUNCTIONS)
    assert not set(ROWS) & NO_POINTERS


@pytest.mark.parametrize(("name", "args"), PROBES, ids=[f"{n}-{'-'.join(map(str, a))}" for n, a in PROBES])
def test_out_of_bounds_pointer_as_in_wasmtime(name: str, args: tuple[int, ...], tmp_path: Path,
                                              compiled: dict[str, object]) -> None:
    wat = _wat(name)
    theirs_root = _sandbox(tmp_path / "theirs")
    theirs = _wasmtime(wat, args, theirs_root)
    ours_root = _sandbox(tmp_path / "ours")
    ours = _ours(name, wat, args, ours_root, compiled, tmp_path)
    assert ours == theirs
    # Nothing else changed either: the same files, with the same contents, in both directories.
    listing = sorted(p.relative_to(theirs_root) for p in theirs_root.rglob("*"))
    assert sorted(p.relative_to(ours_root) for p in ours_root.rglob("*")) == listing
    for path in listing:
        if (theirs_root / path).is_file() and not (theirs_root / path).is_symlink():
            assert (ours_root / path).read_bytes() == (theirs_root / path).read_bytes(), path
    shutil.rmtree(tmp_path / "theirs")
