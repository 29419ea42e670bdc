"""Editor integration: the real ``lldb-dap-19`` (Debian's lldb-19) driven over the Debug Adapter Protocol as an
editor drives it, with the plugin loaded (``initCommands``) and the frame names from it (``customFrameFormat``):
launch, setBreakpoints in a ``.wat.lst`` listing (``jitdebug run``) and in a C source (an AOT program from
``clang --target=wasm32 -g``), configurationDone, the stop, stackTrace with ``module!function [wasm 0xOFF]``
Wasm frames, scopes and variables with the Wasm locals / C variables, next, disconnect. The values are checked
against wasmtime (JIT) and the native build of the same C (AOT)."""

from __future__ import annotations

from pathlib import Path

from emitter.aot import compile_file
from emitter.debuggers import LLDB_PLUGIN, inferior
from tests.dap_client import DapClient, Message
from tests.native_debug import SAMPLES, jitdebug_env, offsets_of, wasm_instructions
from tests.tools import ENV, ROOT, run, tool
from tests.wasm_clang import wasm_clang

FRAME_FORMAT = "${script.frame:lldbplugin.frames.frame_name}"
WAT = SAMPLES / "watch.wat"


def _adapter() -> DapClient:
    server = str(Path(tool("lldb-server-19")).resolve())
    return DapClient([tool("lldb-dap-19")], {**ENV, "LLDB_DEBUGSERVER_PATH": server})


def _session(client: DapClient, program: list[str], env: dict[str, str], source: Path, line: int) -> Message:
    """initialize, launch, setBreakpoints, configurationDone; returns the first stop's top frame."""
    client.request("initialize", {"clientID": "jitdebug-tests", "adapterID": "lldb-dap", "linesStartAt1": True,
                                  "columnsStartAt1": True, "pathFormat": "path"})
    client.send("launch", {"program": program[0], "args": program[1:],
                           "env": [f"{k}={v}" for k, v in env.items()],
                           "initCommands": [f"command script import {LLDB_PLUGIN}"],
                           "customFrameFormat": FRAME_FORMAT, "stopOnEntry": False})
    client.event("initialized")
    placed = client.request("setBreakpoints", {"source": {"path": str(source)}, "breakpoints": [{"line": line}]})
    assert len(placed["breakpoints"]) == 1, client.transcript()
    client.request("configurationDone")
    stopped = client.event("stopped")
    assert stopped["reason"] == "breakpoint", stopped
    return stopped


def _stack(client: DapClient, thread: int) -> list[Message]:
    return list(client.request("stackTrace", {"threadId": thread, "startFrame": 0, "levels": 200})["stackFrames"])


def _locals(client: DapClient, frame: int) -> dict[str, str]:
    scopes = client.request("scopes", {"frameId": frame})["scopes"]
    local = next(s for s in scopes if s["name"] == "Locals")
    variables = client.request("variables", {"variablesReference": local["variablesReference"]})["variables"]
    return {v["name"]: v["value"] for v in variables}


def _listing_line(listing: Path, offset: int) -> int:
    lines = listing.read_text().splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.strip().startswith(f"{offset:#06x}:"))


def test_dap_session_on_jitdebug_run(tmp_path: Path) -> None:
    listings = tmp_path / "listing"
    env = {**jitdebug_env(), "JITDEBUG_LISTING_DIR": str(listings)}
    command, extra = inferior(["jitdebug", "run", str(WAT), "--invoke", "fall", "5"])
    # One run writes the listing where the editor opens it (it stays: JITDEBUG_LISTING_DIR).
    run(command, env={**env, **extra}, check=False)
    listing = listings / "watchme.wat.lst"
    store = offsets_of(WAT, tmp_path, "i32.store")[-1]
    line = _listing_line(listing, store)
    client = _adapter()
    try:
        stopped = _session(client, command, {**env, **extra}, listing, line)
        frames = _stack(client, stopped["threadId"])
        top = frames[0]
        assert top["name"] == f"watchme!fall [wasm {store:#x}]", frames[:3]
        assert top["source"]["path"] == str(listing) and top["line"] == line, top
        wasm = [f for f in frames if f["name"].startswith("watchme!fall [wasm ")]
        assert len(wasm) == 6 and all(f["source"]["path"] == str(listing) for f in wasm), frames
        assert any(f["name"].startswith("invoke") for f in frames), frames  # the runtime's frame below them
        assert _locals(client, top["id"]) == {"depth": "0", "i": "10", "acc": str(sum(range(10)))}
        assert _locals(client, wasm[1]["id"]) == {"depth": "1", "i": "0", "acc": "0"}

        client.request("next", {"threadId": stopped["threadId"]})
        assert client.event("stopped")["reason"] == "step"
        after = _stack(client, stopped["threadId"])[0]
        following = [o for o, _ in _instructions_after(tmp_path, store)][0]
        assert after["name"] == f"watchme!fall [wasm {following:#x}]" and after["line"] == line + 1, after
        client.request("disconnect", {"terminateDebuggee": True})
    finally:
        client.close()


def _instructions_after(tmp_path: Path, offset: int) -> list[tuple[int, str]]:
    return [(o, text) for o, text in wasm_instructions(WAT, tmp_path) if o > offset]


def test_dap_session_on_c_compiled_to_wasm(tmp_path: Path) -> None:
    for name in ("shapes.c", "host.c"):
        (tmp_path / name).write_text((ROOT / "samples" / "cdebug" / name).read_text())
    wasm = tmp_path / "shapes.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o", wasm,
                "shapes.c"], cwd=tmp_path)
    compile_file(wasm, tmp_path / "shapes.o")
    program = tmp_path / "prog"
    run(["clang-19", "-g", "-O0", "-o", program, "host.c", "shapes.o"], cwd=tmp_path)
    native = tmp_path / "native"
    run(["clang-19", "-g", "-O0", "-o", native, "host.c", "shapes.c"], cwd=tmp_path)
    total = int(run([native]).stdout) // 2  # run() returns total + counter, counter = total after the store
    source = tmp_path / "shapes.c"
    line = next(n for n, text in enumerate(source.read_text().splitlines(), 1) if "/* @store */" in text)
    client = _adapter()
    try:
        stopped = _session(client, [str(program)], {}, source, line)
        frames = _stack(client, stopped["threadId"])
        top = frames[0]
        assert top["name"].startswith("shapes.wasm!run [wasm 0x"), frames[:3]
        assert top["source"]["path"] == str(source) and top["line"] == line, top
        assert frames[1]["name"] == "main" and frames[1]["source"]["name"] == "host.c", frames[:3]
        variables = _locals(client, top["id"])
        assert variables["total"] == str(total) and variables["n"] == "3", variables
        assert "pt" in variables and "q" in variables, variables
        client.request("next", {"threadId": stopped["threadId"]})
        assert client.event("stopped")["reason"] == "step"
        after = _stack(client, stopped["threadId"])[0]
        assert after["line"] == line + 1 and after["name"].startswith("shapes.wasm!run [wasm 0x"), after
        client.request("disconnect", {"terminateDebuggee": True})
    finally:
        client.close()


def test_frame_format_is_the_plugins() -> None:
    """The README's launch configuration and the plugin name the same frame-name function as this test uses."""
    assert f'"customFrameFormat": "{FRAME_FORMAT}"' in (ROOT / "README.md").read_text()
    assert f'FRAME_FORMAT = "{FRAME_FORMAT}"' in (ROOT / "lldbplugin" / "frames.py").read_text()


def test_dap_listing_breakpoint_in_an_aot_program(tmp_path: Path) -> None:
    """An AOT program: ``jitdebug compile`` writes the listing beside the object, the breakpoint goes there."""
    obj = tmp_path / "watch.o"
    compile_file(WAT, obj)
    listing = tmp_path / "watch.wat.lst"
    host = tmp_path / "host.c"
    host.write_text('#include <stdio.h>\n#include <stdint.h>\nint32_t descend(int32_t);\n'
                    'int main(void) { printf("%d\\n", descend(7)); return 0; }\n')
    program = tmp_path / "prog"
    run(["gcc", "-g", "-o", program, host, obj])
    store = offsets_of(WAT, tmp_path, "i32.store")[0]
    line = _listing_line(listing, store)
    client = _adapter()
    try:
        stopped = _session(client, [str(program)], {}, listing, line)
        frames = _stack(client, stopped["threadId"])
        wasm = [f for f in frames if f["name"].startswith("watchme!descend [wasm ")]
        assert wasm[0] is frames[0] and frames[0]["name"] == f"watchme!descend [wasm {store:#x}]", frames[:3]
        assert len(wasm) == 8 and frames[len(wasm)]["name"] == "main", frames  # descend(7): 8 frames
        assert frames[0]["source"]["path"] == str(listing) and frames[0]["line"] == line, frames[0]
        assert _locals(client, frames[0]["id"]) == {"depth": "0", "twice": "0"}
        assert _locals(client, wasm[3]["id"]) == {"depth": "3", "twice": "6"}
        client.request("disconnect", {"terminateDebuggee": True})
    finally:
        client.close()
