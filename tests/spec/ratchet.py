"""The ratchet: the recorded count of passing commands of every file of the enabled groups (``ratchet.json``).

A file at 100% must stay at 100%; a file below is held to its recorded count, so a regression fails the test
suite while a file is still being fixed. The counts go up with ``python -m tests.spec --update-ratchet`` (which
refuses to lower one unless given ``--lower``, saying which): the README's conformance table is made from the
same run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .harness import FileResult

RATCHET = Path(__file__).resolve().parent / "ratchet.json"


@dataclass(frozen=True, slots=True)
class Recorded:
    total: int
    passed: int


def load(path: Path = RATCHET) -> dict[str, Recorded]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: Recorded(entry["total"], entry["passed"]) for key, entry in data["files"].items()}


def save(entries: dict[str, Recorded], path: Path = RATCHET) -> None:
    files = {key: {"total": e.total, "passed": e.passed} for key, e in sorted(entries.items())}
    path.write_text(json.dumps({"files": files}, indent=1) + "\n", encoding="utf-8")


def verdict(result: FileResult, recorded: Recorded | None) -> str | None:
    """Why ``result`` breaks the ratchet, or None when it holds."""
    update = "python -m tests.spec --update-ratchet"
    if recorded is None:
        return f"{result.key} is not in the ratchet: record it with `{update}`"
    if recorded.total != result.total:
        return (f"{result.key} has {result.total} commands, the ratchet {recorded.total} (the vendored file changed): "
                f"record it with `{update}`")
    if result.passed < recorded.passed:
        lost = recorded.passed - result.passed
        return (f"{result.key}: {result.passed} of {result.total} commands pass, the ratchet holds it to "
                f"{recorded.passed} ({lost} fewer)")
    return None


def updated(entries: dict[str, Recorded], results: list[FileResult], lower: bool) -> tuple[dict[str, Recorded],
                                                                                           list[str]]:
    """The ratchet with ``results`` recorded, and the files whose count would go down (kept unless ``lower``)."""
    out = dict(entries)
    lowered = []
    for result in results:
        previous = entries.get(result.key)
        if previous is not None and previous.total == result.total and result.passed < previous.passed:
            lowered.append(f"{result.key}: {previous.passed} -> {result.passed}")
            if not lower:
                continue
        out[result.key] = Recorded(result.total, result.passed)
    return out, lowered
