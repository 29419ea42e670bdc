"""Execute one converted ``.wast`` file's commands, as the spec's script semantics say, and report each.

Run as a child process (``python -m tests.spec.runner CONVERTED_DIR RESULTS``) by ``harness.py``, so that a
crash of generated code ends one file, not the test run: every counted command appends one JSON line to
RESULTS as soon as it is done (flushed), and the harness names the command a crash or a timeout stopped at.

Every command counts except the text-format ``assert_malformed`` ones (they test a text parser, and the runner
takes the suite's binaries, not its text): those are reported as ``skipped``. A module that failed to compile or
instantiate makes the commands that use it fail, each saying so.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from emitter.wasm.features import WASM2, Features

from .engine import Compiled, Engine, EngineError, Live, Trap, Uncaught
from .values import Value, describe_expected, matches, parse

#: Refusals that answer ``assert_invalid`` and ``assert_malformed``: the module was rejected as a bad module
#: (not for a feature the backend lacks, nor by a crash of the engine).
_REJECTED = frozenset({"malformed", "invalid"})


class Failed(Exception):
    """The command's assertion does not hold; the message says what happened instead."""


@dataclass
class Broken:
    """A module command that did not produce an instance: later commands naming it fail with this reason."""

    line: int
    reason: str


class Script:
    def __init__(self, folder: Path, engine: Engine) -> None:
        self.folder = folder
        self.engine = engine
        self.current: Live | Broken | None = None
        self.named: dict[str, Live | Broken] = {}
        self.definitions: dict[str, Compiled | Broken] = {}

    # -- modules ------------------------------------------------------------------------------------------------
    def _module_path(self, command: dict[str, Any]) -> Path:
        name = command.get("binary_filename") or command["filename"]
        if not name.endswith(".wasm"):
            raise Failed(f"runner: the converter gave no binary for {name}")
        return self.folder / name

    def _define(self, command: dict[str, Any]) -> Live:
        return self.engine.instantiate(self.engine.compile(self._module_path(command)))

    def _set_current(self, command: dict[str, Any], result: Live | Broken) -> None:
        self.current = result
        if command.get("name"):
            self.named[command["name"]] = result

    def module(self, command: dict[str, Any]) -> None:
        try:
            live = self._define(command)
        except EngineError as error:
            self._set_current(command, Broken(command["line"], str(error)))
            raise Failed(str(error)) from None
        except (Trap, Uncaught) as error:
            self._set_current(command, Broken(command["line"], f"instantiation trapped: {error}"))
            raise Failed(f"instantiation trapped: {error}") from None
        self._set_current(command, live)

    def module_definition(self, command: dict[str, Any]) -> None:
        try:
            compiled: Compiled | Broken = self.engine.compile(self._module_path(command))
        except EngineError as error:
            compiled = Broken(command["line"], str(error))
        if command.get("name"):
            self.definitions[command["name"]] = compiled
        if isinstance(compiled, Broken):
            raise Failed(compiled.reason)

    def module_instance(self, command: dict[str, Any]) -> None:
        definition = self.definitions.get(command.get("module", ""))
        if definition is None or isinstance(definition, Broken):
            reason = definition.reason if definition else "no such module definition"
            raise Failed(f"module definition {command.get('module')}: {reason}")
        try:
            live = self.engine.instantiate(definition)
        except (EngineError, Trap, Uncaught) as error:
            self._set_current({"name": command.get("instance")}, Broken(command["line"], str(error)))
            raise Failed(str(error)) from None
        self._set_current({"name": command.get("instance")}, live)

    def register(self, command: dict[str, Any]) -> None:
        target = self.named.get(command["name"]) if command.get("name") else self.current
        if not isinstance(target, Live):
            reason = target.reason if isinstance(target, Broken) else "no module"
            raise Failed(f"register {command['as']!r}: {reason}")
        self.engine.register(command["as"], target)

    # -- actions ------------------------------------------------------------------------------------------------
    def _target(self, action: dict[str, Any]) -> Live:
        target = self.named.get(action["module"]) if action.get("module") else self.current
        if isinstance(target, Broken):
            raise Failed(f"the module of line {target.line} did not instantiate ({target.reason})")
        if target is None:
            raise Failed(f"no module {action.get('module') or ''}".rstrip())
        return target

    def perform(self, action: dict[str, Any]) -> list[Value]:
        live = self._target(action)
        if action["type"] == "invoke":
            return self.engine.invoke(live, action["field"], [parse(a) for a in action.get("args", [])])
        if action["type"] == "get":
            return [self.engine.get(live, action["field"])]
        raise Failed(f"runner: unknown action {action['type']!r}")

    def action(self, command: dict[str, Any]) -> None:
        try:
            self.perform(command["action"])
        except (EngineError, Trap, Uncaught) as error:
            raise Failed(f"{_what(error)}: {error}") from None

    def assert_return(self, command: dict[str, Any]) -> None:
        try:
            results = self.perform(command["action"])
        except (EngineError, Trap, Uncaught) as error:
            raise Failed(f"{_what(error)}: {error}") from None
        expected = command.get("expected", [])
        if len(results) != len(expected) or not all(map(matches, expected, results)):
            got = ", ".join(map(str, results)) or "nothing"
            want = ", ".join(map(describe_expected, expected)) or "nothing"
            explained = None
            if len(results) == len(expected) == 1 and "value" in expected[0] and not str(
                    expected[0]["value"]).startswith("nan:") and expected[0]["type"] in ("f32",):
                explained = self.engine.explain_mismatch(parse(expected[0]), results[0])
            raise Failed(f"{explained + ': ' if explained else ''}returned {got}, expected {want}")

    def _expect_trap(self, command: dict[str, Any], run: Any) -> None:
        text = command["text"]
        try:
            run()
        except Trap as trap:
            if not trap.matches(text):
                raise Failed(f"trapped with {trap.message!r}, expected {text!r}") from None
            return
        except (EngineError, Uncaught) as error:
            raise Failed(f"{_what(error)}: {error}") from None
        raise Failed(f"returned, expected a trap {text!r}")

    def assert_trap(self, command: dict[str, Any]) -> None:
        if "action" in command:
            self._expect_trap(command, lambda: self.perform(command["action"]))
        else:
            self._expect_trap(command, lambda: self._define(command))

    def assert_exhaustion(self, command: dict[str, Any]) -> None:
        self._expect_trap(command, lambda: self.perform(command["action"]))

    def assert_uninstantiable(self, command: dict[str, Any]) -> None:
        self._expect_trap(command, lambda: self._define(command))

    def assert_exception(self, command: dict[str, Any]) -> None:
        try:
            self.perform(command["action"])
        except Uncaught:
            return
        except (EngineError, Trap) as error:
            raise Failed(f"{_what(error)}: {error}") from None
        raise Failed("returned, expected an uncaught exception")

    def _expect_rejected(self, command: dict[str, Any]) -> None:
        try:
            self.engine.compile(self._module_path(command))
        except EngineError as error:
            if error.kind not in _REJECTED:
                raise Failed(f"refused as {error}, expected {command['text']!r}") from None
            return
        raise Failed(f"compiled, expected {command['text']!r}")

    def assert_invalid(self, command: dict[str, Any]) -> None:
        self._expect_rejected(command)

    def assert_malformed(self, command: dict[str, Any]) -> None:
        self._expect_rejected(command)

    def assert_unlinkable(self, command: dict[str, Any]) -> None:
        compiled = self._compile_for_link(command)
        try:
            self.engine.instantiate(compiled)
        except EngineError as error:
            if error.kind != "unlinkable":
                raise Failed(f"{error}, expected unlinkable {command['text']!r}") from None
            return
        except (Trap, Uncaught) as error:
            raise Failed(f"instantiation trapped ({error}), expected unlinkable {command['text']!r}") from None
        raise Failed(f"instantiated, expected unlinkable {command['text']!r}")

    def _compile_for_link(self, command: dict[str, Any]) -> Compiled:
        try:
            return self.engine.compile(self._module_path(command))
        except EngineError as error:
            raise Failed(f"{error} (the module should compile, then fail to link)") from None


def _what(error: BaseException) -> str:
    if isinstance(error, EngineError):
        return "refused" if error.kind != "internal" else "engine error"
    if isinstance(error, Trap):
        return "trapped"
    return "uncaught exception"


def counted(command: dict[str, Any]) -> bool:
    """Every command counts but a text-format ``assert_malformed``."""
    return not (command["type"] == "assert_malformed" and command.get("module_type") == "text")


def run(folder: Path, out: IO[str], features: Features = WASM2) -> None:
    commands = json.loads((folder / "commands.json").read_text(encoding="utf-8"))["commands"]
    engine = Engine(features)
    script = Script(folder, engine)
    started = time.monotonic()
    try:
        for index, command in enumerate(commands):
            record: dict[str, Any] = {"i": index, "line": command["line"], "type": command["type"]}
            if not counted(command):
                record["skipped"] = True
            else:
                handler = getattr(script, command["type"], None)
                try:
                    if handler is None:
                        raise Failed(f"runner: unknown command {command['type']!r}")
                    handler(command)
                    record["ok"] = True
                except Failed as failure:
                    record["ok"] = False
                    record["reason"] = str(failure)
            out.write(json.dumps(record) + "\n")
            out.flush()
    finally:
        out.write(json.dumps({"done": True, "seconds": round(time.monotonic() - started, 3)}) + "\n")
        out.flush()
        engine.close()


def main(argv: list[str]) -> int:
    """``FOLDER RESULTS [FEATURES]``: FEATURES names the ``Features`` fields to switch on, comma-separated."""
    folder, results = Path(argv[0]), Path(argv[1])
    names = [name for name in (argv[2] if len(argv) > 2 else "").split(",") if name]
    with results.open("w", encoding="utf-8") as out:
        run(folder, out, Features(**dict.fromkeys(names, True)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
