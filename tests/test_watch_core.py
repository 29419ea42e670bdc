"""The debugger-independent half of ``wasm watch``: argument parsing (``-l``, ``-m N``) and the debug registers a
range takes (the x86 rule GDB's and LLDB's back ends follow: aligned pieces of 8, 4, 2 or 1 bytes)."""

from __future__ import annotations

import pytest

from emitter.debugcore.watch import WatchSpec, parse_watch, slots_for

MODULES = {"watchme", "other"}


@pytest.mark.parametrize(("text", "expected"), [
    ("64", WatchSpec("64", False, None, 64, None, 4, "write")),
    ("-l 0x40 2 access", WatchSpec("-l 0x40 2 access", True, None, 64, None, 2, "access")),
    ("watchme+68 8 read", WatchSpec("watchme+68 8 read", False, "watchme", 68, None, 8, "read")),
    ("p", WatchSpec("p", False, None, None, "p", 4, "write")),
    ("(p + 4) 2", WatchSpec("(p + 4) 2", False, None, None, "(p + 4)", 2, "write")),
    ("nosuch+4", WatchSpec("nosuch+4", False, None, None, "nosuch+4", 4, "write")),
    ("-m 1 64", WatchSpec("-m 1 64", False, None, 64, None, 4, "write", 1)),
    ("-l -m 0x2 watchme+8 8", WatchSpec("-l -m 0x2 watchme+8 8", True, "watchme", 8, None, 8, "write", 2)),
    ("-m 0 -l (p + 4) 2 read", WatchSpec("-m 0 -l (p + 4) 2 read", True, None, None, "(p + 4)", 2, "read", 0)),
    ("-5", WatchSpec("-5", False, None, None, "-5", 4, "write")),
])
def test_parse(text: str, expected: WatchSpec) -> None:
    assert parse_watch(text, MODULES) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "usage: wasm watch"), ("64 4 write extra", "usage: wasm watch"), ("(p + 4", "unbalanced parentheses"),
    ("64 0", "length 0 is not between 1 and 32 bytes"), ("64 33", "length 33 is not between 1 and 32 bytes"),
    ("-m", "usage: wasm watch"), ("-m 1", "usage: wasm watch"), ("-m one 64", "-m takes a memory index, not 'one'"),
    ("-l", "usage: wasm watch"),
])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_watch(text, MODULES)


@pytest.mark.parametrize(("address", "length", "slots"), [
    (0x1000, 8, 1), (0x1000, 4, 1), (0x1001, 1, 1), (0x1001, 2, 2), (0x1002, 4, 2), (0x1003, 8, 4),
    (0x1000, 16, 2), (0x1000, 32, 4), (0x1004, 8, 2),
])
def test_slots(address: int, length: int, slots: int) -> None:
    assert slots_for(address, length) == slots
