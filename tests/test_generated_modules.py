"""The generated-input campaign as a bounded property test: 2,500 modules per run from ``wasm-tools smith`` (five
profiles: reference types, exceptions, several results, several memories with 64-bit ones, tables with 64-bit
ones) and Binaryen's
``wasm-opt -ttf``, each compiled and run by the JIT and by wasmtime-py with the same imports and arguments
(``tests/generated_campaign.py``). No module may end in a Python traceback of ours, and every compared call
(result bits, trap message, host calls) must agree.
Seeds are fixed (reproducible: ``python -m tests.generated_campaign smith:exceptions SEED 1``); set
``JITDEBUG_CAMPAIGN_SEED`` to explore other ones. The corrupt-input test (``test_wasm_fuzz.py``) is separate.
"""

from __future__ import annotations

import os

import pytest

from tests.generated_campaign import campaign

#: (generator, modules per batch, batches): 2,000 smith and 500 ttf modules, in batches that xdist spreads.
PLAN = [("smith:reference_types", 100, 5), ("smith:exceptions", 100, 5), ("smith:multi_value", 100, 5),
        ("smith:memories", 100, 3), ("smith:tables64", 100, 2), ("ttf", 100, 5)]
BASE_SEED = int(os.environ.get("JITDEBUG_CAMPAIGN_SEED", "20261207"))
BATCHES = [(generator, size, BASE_SEED + batch * size) for generator, size, batches in PLAN
           for batch in range(batches)]


@pytest.mark.parametrize(("generator", "size", "seed"), BATCHES,
                         ids=[f"{g.replace('smith:', '')}-{s}" for g, _, s in BATCHES])
def test_generated_modules_match_wasmtime_without_tracebacks(generator: str, size: int, seed: int) -> None:
    summary = campaign(generator, seed, size)
    assert summary["modules"] == size
    assert summary["tracebacks"] == [], summary["tracebacks"][0]["traceback"]
    assert summary["mismatches"] == [], summary["mismatches"][:3]
    # The batch compared something: most modules ran on both engines.
    assert summary["refused"] + summary["no_plan"] < size // 2, summary
