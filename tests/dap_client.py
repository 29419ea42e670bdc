"""A small Debug Adapter Protocol client for the tests: drives a real adapter (``lldb-dap-19``) over stdio as an
editor does — ``Content-Length`` framed JSON requests, responses matched by ``request_seq``, events queued."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from typing import IO, Any

Message = dict[str, Any]


class DapError(AssertionError):
    pass


class DapClient:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=env)
        self._seq = 0
        self._messages: queue.Queue[Message | None] = queue.Queue()
        #: Every message received, for the failure report.
        self.log: list[Message] = []
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self._reader.start()
        self._pending: list[Message] = []

    def _read(self, stream: IO[bytes] | None) -> None:
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self._messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self._messages.put(json.loads(stream.read(length)))

    def _next(self, timeout: float) -> Message:
        try:
            message = self._messages.get(timeout=timeout)
        except queue.Empty:
            raise DapError(f"no message from the adapter in {timeout} s; received:\n{self.transcript()}") from None
        if message is None:
            raise DapError(f"the adapter closed its output; received:\n{self.transcript()}")
        self.log.append(message)
        return message

    def send(self, command: str, arguments: Message | None = None) -> int:
        self._seq += 1
        body = json.dumps({"seq": self._seq, "type": "request", "command": command,
                           "arguments": arguments or {}}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return self._seq

    def request(self, command: str, arguments: Message | None = None, timeout: float = 60) -> Message:
        """Send a request and return its successful response's body (events meanwhile are kept for ``event``)."""
        seq = self.send(command, arguments)
        while True:
            message = self._next(timeout)
            if message.get("type") == "response" and message.get("request_seq") == seq:
                if not message.get("success"):
                    raise DapError(f"{command} failed: {message.get('message')}\n{self.transcript()}")
                return dict(message.get("body") or {})
            self._pending.append(message)

    def event(self, name: str, timeout: float = 120) -> Message:
        """The next event ``name`` (earlier ones that arrived during requests first)."""
        for i, message in enumerate(self._pending):
            if message.get("type") == "event" and message.get("event") == name:
                return dict(self._pending.pop(i).get("body") or {})
        while True:
            message = self._next(timeout)
            if message.get("type") == "event" and message.get("event") == name:
                return dict(message.get("body") or {})
            self._pending.append(message)

    def output(self) -> str:
        return "".join(m["body"].get("output", "") for m in self.log
                       if m.get("type") == "event" and m.get("event") == "output")

    def transcript(self) -> str:
        return "\n".join(json.dumps(m) for m in self.log[-60:])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
