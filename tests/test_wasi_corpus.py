"""WASI preview 1 end to end: C programs built with clang-19 for wasm32-wasi (wasi-libc) at test time, each run
by ``jitdebug run`` (JIT), as an AOT executable (``jitdebug compile`` linked with the WASI runtime) and by
wasmtime-py's WASI with the same arguments, environment, stdin and a fresh copy of the
same preopened directory. stdout, stderr, the exit code and the directory afterwards (the preopen and what lies
outside it) must be identical.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.wasi_support import CORPUS, build_aot, build_wasi, jitdebug_command, oracle_command, run_program, tree


@dataclass(frozen=True)
class Case:
    program: str
    args: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    stdin: str = ""
    dirs: tuple[str, ...] = ("pre::.",)
    #: A name for the parameter id when one program runs several ways.
    label: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.program + (f"-{self.label}" if self.label else "")


CASES = [
    Case("hello", ("one", "two words"), ("GREETING=hi",)),
    Case("hello", (), (), label="noargs"),
    Case("cat", stdin="alpha\nbeta\ngamma without newline"),
    Case("files"),
    Case("dirs"),
    Case("links"),
    Case("times"),
    Case("clocks"),
    Case("random"),
    Case("exitcode", ("exit", "42"), label="exit"),
    Case("exitcode", ("_Exit",), label="_Exit"),
    Case("exitcode", ("a", "b", "c"), label="return"),
    Case("errors"),
    Case("escape"),
    Case("raw_calls"),
    Case("fdstat"),
    Case("poll", stdin="ready\n"),
    Case("readdir"),
    Case("compute"),
    Case("stdin_sum", stdin="1\n2\nthree\n40\n"),
    Case("environ", env=("FIRST=1", "SECOND=two=2", "EMPTY=")),
    Case("printf_loop", ("2000",)),
    Case("printf_loop", ("300", "unbuffered"), label="unbuffered"),
    Case("hello", ("x",), dirs=("pre::/data", "pre/sub::sub"), label="named-preopens"),
    Case("debugme"),
    Case("open_flags"),
    Case("poll_raw"),
]


def make_sandbox(root: Path) -> Path:
    """The tree every program starts from: ``pre`` is preopened; ``outside`` must stay untouched."""
    (root / "outside").mkdir(parents=True)
    (root / "outside" / "secret").write_text("secret\n")
    pre = root / "pre"
    (pre / "sub").mkdir(parents=True)
    (pre / "input.txt").write_text("line one\nline two\n")
    (pre / "file").write_text("f\n")
    (pre / "sub" / "a.txt").write_text("a\n")
    (pre / "sub" / "x").write_text("x\n")
    os.symlink("input.txt", pre / "link_in")
    os.symlink("file", pre / "in_link")
    os.symlink("../outside/secret", pre / "out_link")
    os.symlink("..", pre / "out_dirlink")
    os.symlink("/etc/passwd", pre / "abs_link")
    os.symlink("loop", pre / "loop")
    return root


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wasi-programs")
    return {source.stem: build_wasi(source, out / f"{source.stem}.wasm", extra=("-w",))
            for source in sorted(CORPUS.glob("*.c"))}


def test_corpus_is_large_enough() -> None:
    assert len(list(CORPUS.glob("*.c"))) >= 15


@pytest.fixture(scope="module")
def executables(programs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wasi-aot")
    return {name: build_aot(module, out / name) for name, module in programs.items()}


def compare(case: Case, programs: dict[str, Path], tmp_path: Path, executable: Path | None) -> None:
    outcomes = {}
    for side, command in (("jitdebug", jitdebug_command()), ("wasmtime", oracle_command())):
        root = make_sandbox(tmp_path / side)
        proc = run_program(command, programs[case.program], cwd=root, dirs=list(case.dirs), env=list(case.env),
                           args=list(case.args), stdin=case.stdin,
                           executable=executable if side == "jitdebug" else None)
        outcomes[side] = (proc.returncode, proc.stdout, proc.stderr, tree(root))
    ours, theirs = outcomes["jitdebug"], outcomes["wasmtime"]
    assert ours[0] == theirs[0], f"exit code: ours {ours[0]}, wasmtime {theirs[0]}\n{ours[2]}"
    assert ours[1] == theirs[1]
    assert ours[2] == theirs[2]
    assert ours[3] == theirs[3]
    assert ours[1] or ours[2] or ours[0], "the program printed nothing: the comparison proves nothing"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_jit_matches_wasmtime(case: Case, programs: dict[str, Path], tmp_path: Path) -> None:
    compare(case, programs, tmp_path, None)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_aot_executable_matches_wasmtime(case: Case, programs: dict[str, Path], executables: dict[str, Path],
                                         tmp_path: Path) -> None:
    """``jitdebug compile`` + the WASI runtime's ``main``: a native executable that behaves like ``wasmtime run``."""
    compare(case, programs, tmp_path, executables[case.program])
