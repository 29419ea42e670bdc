"""wasmtime's ``-W`` proposal switches on ``jitdebug run`` and ``jitdebug compile``: a module using a proposal
switched off is refused (one line, exit 2) with wasmtime's words for it, taken from wasmtime-py with the same
proposal off in its ``Config``; with the switch on (``=y``, a bare key, a comma list) it runs as in wasmtime. Bad
switches are one usage line. In-process (``main``) to stay fast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from tests.tools import run

#: A module using each proposal (its ``f`` returns a number), the ``-W`` key, and wasmtime-py's ``Config``
#: attribute that switches it off (None: wasmtime-py 50 has none for extended constants; wasmparser's words are
#: taken as its validator writes them).
CASES = {
    "simd": ('(module (func (export "f") (result i32) (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4))))',
             "simd", "wasm_simd"),
    "simd-local": ('(module (func (export "f") (result i32) (local v128) (i32.const 5)))', "simd", "wasm_simd"),
    "tail-call": ('(module (func $g (result i32) (i32.const 3)) (func (export "f") (result i32) (return_call $g)))',
                  "tail-call", "wasm_tail_call"),
    "exceptions": ('(module (tag $t (param i32)) (func (export "f") (result i32) (block $h (result i32)'
                   ' (try_table (catch $t $h) (throw $t (i32.const 9))) (i32.const 0))))',
                   "exceptions", "wasm_exceptions"),
    "memory64": ('(module (memory i64 1) (func (export "f") (result i64) (memory.size)))', "memory64",
                 "wasm_memory64"),
    "table64": ('(module (table i64 3 funcref) (func (export "f") (result i64) (table.size 0)))', "memory64",
                "wasm_memory64"),
    "multi-memory": ('(module (memory 1) (memory $b 2) (func (export "f") (result i32) (memory.size $b)))',
                     "multi-memory", "wasm_multi_memory"),
    "extended-const": ('(module (global $g i32 (i32.add (i32.const 40) (i32.const 2)))'
                       ' (func (export "f") (result i32) (global.get $g)))', "extended-const", None),
}


def _wasmtime(wat: str, attribute: str | None) -> tuple[str, str]:
    """wasmtime-py's result of ``f`` by default, and its reason for refusing the module with the proposal off."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, wat), [])
    result = instance.exports(store)["f"](store)
    if attribute is None:
        return str(result), "constant expression required: non-constant operator: i32.add"
    config = wasmtime.Config()
    setattr(config, attribute, False)
    if attribute == "wasm_simd":
        config.wasm_relaxed_simd = False  # relaxed SIMD needs SIMD
    with pytest.raises(wasmtime.WasmtimeError) as refused:
        wasmtime.Module(wasmtime.Engine(config), wat)
    cause = str(refused.value).strip().splitlines()[-1]
    # "    1: Invalid input WebAssembly code at offset 23: tail calls support is not enabled" or
    # "    SIMD support is not enabled (at offset 0xb)": the reason without the location.
    cause = re.sub(r"^\s*(\d+: )?(Invalid input WebAssembly code at offset \d+: )?", "", cause)
    return str(result), re.sub(r" \(at offset 0x[0-9a-f]+\)$", "", cause)


def _jitdebug(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", list(CASES))
def test_a_switched_off_proposal_is_refused_as_wasmtime_refuses_it(name: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    wat, key, attribute = CASES[name]
    source = tmp_path / f"{name}.wat"
    source.write_text(wat)
    expected, reason = _wasmtime(wat, attribute)

    code, out, err = _jitdebug(capsys, "run", "-W", f"{key}=n", str(source), "--invoke", "f")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("jitdebug: error: ") and "Traceback" not in err, err
    assert reason in err, (reason, err)

    for switch in (f"{key}=y", key, f"simd,{key}=yes", f"{key}=n,{key}=true"):
        assert _jitdebug(capsys, "run", "-W", switch, str(source), "--invoke", "f") == (0, f"{expected}\n", "")
    assert _jitdebug(capsys, "run", str(source), "--invoke", "f") == (0, f"{expected}\n", "")  # on by default

    obj = tmp_path / "m.o"
    code, out, err = _jitdebug(capsys, "compile", "-W", f"{key}=n", str(source), "-o", str(obj))
    assert code == 2 and reason in err and err.count("\n") == 1, err
    assert not obj.exists()
    assert _jitdebug(capsys, "compile", "--wasm", f"{key}=y", str(source), "-o", str(obj))[0] == 0
    assert obj.exists()


@pytest.mark.parametrize(("switch", "words"), [
    ("gc", "unknown -W option 'gc' (known: memory64, multi-memory, tail-call, simd, exceptions, extended-const)"),
    ("simd=maybe", "-W simd=maybe: unknown boolean flag 'maybe'"),
    ("simd,memory-64", "unknown -W option 'memory-64'"),
    ("simd=Y", "-W simd=Y: unknown boolean flag 'Y'"),
])
def test_a_bad_switch_is_one_usage_line(switch: str, words: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "m.wat"
    source.write_text(CASES["simd"][0])
    for command in (["run", "-W", switch, str(source)], ["compile", "-W", switch, str(source), "-o",
                                                          str(tmp_path / "m.o")]):
        with pytest.raises(SystemExit) as usage:
            main(command)
        out, err = capsys.readouterr()
        assert usage.value.code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith(f"jitdebug: error: {command[0]}: ") and words in err, err
    assert not (tmp_path / "m.o").exists()


def test_switch_help_lists_every_switch_with_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["run", "-W", "help"])
    out, _ = capsys.readouterr()
    assert done.value.code == 0
    for key in ("memory64", "multi-memory", "tail-call", "simd", "exceptions", "extended-const"):
        assert re.search(rf"^  -W {key}\[=y\|n\] -- .*\(default: y\)$", out, re.MULTILINE), out


def test_exceptions_off_refuses_the_legacy_try_form_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The legacy ``try``/``catch`` (wabt encodes it; wasmtime's text parser no longer does) is exception
    handling too: refused with the same words as ``try_table``, run when on."""
    source, binary = tmp_path / "legacy.wat", tmp_path / "legacy.wasm"
    source.write_text('(module (tag $t) (func (export "f") (result i32)'
                      ' (try (result i32) (do (throw $t)) (catch $t (i32.const 4)))))')
    run(["wat2wasm", "--enable-all", source, "-o", binary])
    _, reason = _wasmtime(CASES["exceptions"][0], "wasm_exceptions")
    code, out, err = _jitdebug(capsys, "run", "-W", "exceptions=n", str(binary), "--invoke", "f")
    assert code == 2 and out == "" and reason in err and err.count("\n") == 1, err
    assert _jitdebug(capsys, "run", "-W", "exceptions", str(binary), "--invoke", "f") == (0, "4\n", "")
