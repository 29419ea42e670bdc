from __future__ import annotations

import os
import tempfile

os.environ["LC_ALL"] = "C"
# The suite's compile cache is its own (each test process starts with an empty one): a test run neither reads
# nor fills the user's cache of compiled modules.
os.environ["JITDEBUG_CACHE_DIR"] = tempfile.mkdtemp(prefix="jitdebug-test-cache-")

#: Spec suite results handed over by the spec tests (``tests/spec/checks.py``), for the totals at the end.
_SPEC_RESULTS: list[object] = []


def pytest_runtest_logreport(report):  # type: ignore[no-untyped-def]
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == "spec_result":
            import json

            from tests.spec.harness import FileResult

            _SPEC_RESULTS.append(FileResult.from_json(json.loads(value)))


def pytest_terminal_summary(terminalreporter):  # type: ignore[no-untyped-def]
    """The spec suite's totals (files, commands, passed), and the per-file table in build/spec/."""
    if not _SPEC_RESULTS:
        return
    from tests.spec import report

    results = list(_SPEC_RESULTS)
    report.write(results)  # type: ignore[arg-type]
    terminalreporter.write_sep("-", "spec suite")
    terminalreporter.write_line(report.totals_line(results))  # type: ignore[arg-type]
    for line in report.group_lines(results):  # type: ignore[arg-type]
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"per-file table: {report.TABLE}")


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    """The run's persistent wineserver (``tests/windows_support.py``) is stopped once, by the controlling process
    (xdist workers leave it running for each other)."""
    if hasattr(session.config, "workerinput"):
        return
    from tests.windows_support import stop_wineserver

    stop_wineserver()
