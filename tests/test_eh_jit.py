"""The exception-handling corpus in the JIT: the same programs and oracles as ``test_eh_corpus.py``, with the
code in executable memory registered with libgcc (``__register_frame``): the personality routine and the throw
routines come from the JIT's native shim, the LSDAs from the in-memory image.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import compile_wasm
from emitter.wasm.load import load_module
from samples.corpus.harness import _from_python, _to_python, format_value
from samples.exceptions.harness import load_program, oracle_transcript, programs, signatures
from tests.tools import ROOT, run

#: Programs that need a native host (an import that throws a host-defined tag): ``test_eh_jit_tags.py``.
NEEDS_NATIVE_HOST = {"host_throw"}
PROGRAMS = [p for p in programs() if p.stem not in NEEDS_NATIVE_HOST]


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_matches_oracle_in_the_jit(path: Path, tmp_path: Path) -> None:
    program = load_program(path)
    expected = oracle_transcript(program, tmp_path)
    wasm, _ = load_module(path)
    sigs = signatures(wasm)
    got = []
    with compile_wasm(path, listing_dir=tmp_path).instantiate({}) as instance:
        for index, call in enumerate(program.calls):
            function = instance.exports[call.export]
            args = [_to_python(a) for a in call.args]
            try:
                result = function(*args)
            except TrapError as trap:
                got.append(f"{index} {call.export} trap: {trap.trap_message.removeprefix('wasm trap: ')}")
                continue
            results = sigs[call.export][1]
            texts = [format_value(t, _from_python(t, result)) for t in results]
            got.append(f"{index} {call.export} -> {' '.join(texts)}".rstrip())
    assert got == expected


def test_jitdebug_run_reports_an_uncaught_exception_like_wasmtime(tmp_path: Path) -> None:
    """``jitdebug run``: exit 1 and, on stderr, exactly wasmtime's report: the Wasm backtrace at the throw and
    "thrown Wasm exception"."""
    path = next(p for p in PROGRAMS if p.stem == "uncaught")
    config = wasmtime.Config()
    config.wasm_exceptions = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, bytes(wasmtime.wat2wasm(path.read_text()))), [])
    direct = instance.exports(store)["direct"]
    assert isinstance(direct, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as trap:
        direct(store, 5)
    proc = run([ROOT / ".venv" / "bin" / "jitdebug", "run", path, "--invoke", "direct", "5"], check=False)
    assert proc.returncode == 1
    assert proc.stderr == str(trap.value)
