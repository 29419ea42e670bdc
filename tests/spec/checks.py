"""The check each spec test makes: run the file in its own process, hand its result to the run's summary, and
hold it to the ratchet (a regression fails; the failures are listed so the log explains itself)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import ratchet
from .groups import GROUPS, Group
from .harness import run_file

#: The pytest ``user_properties`` key the conftest's terminal summary collects.
PROPERTY = "spec_result"


def cases(names: tuple[str, ...]) -> list[tuple[Path, Group]]:
    """The files of the enabled groups among ``names``."""
    return [(path, g) for g in GROUPS if g.enabled and g.name in names for path in g.files()]


def check(path: Path, group: Group, record_property: Callable[[str, Any], None]) -> None:
    result = run_file(path, group)
    record_property(PROPERTY, json.dumps(result.to_json()))
    problem = ratchet.verdict(result, ratchet.load().get(result.key))
    if problem is not None:
        reasons = Counter(f"{f.type}: {f.reason}" for f in result.failures).most_common(12)
        details = "\n".join(f"  {count:5}x {reason}" for reason, count in reasons)
        crash = f"\n  {result.crash}" if result.crash else ""
        raise AssertionError(f"{problem}{crash}\nfailures by reason:\n{details}")
