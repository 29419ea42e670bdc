"""Random Win64 prologues (pushes, small/large/probed allocations, frame registers at various offsets, xmm and
general-register saves): our .xdata equals GNU as's byte for byte and llvm-readobj decodes the codes the shape
means. All examples go into one object per tool run; a few of them also run under Wine with the register check."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from emitter.lower_coff import lower_module_coff
from emitter.obj.coff import write_coff

from .test_seh_unwind_info import _readobj_codes
from .windows_support import (
    Case,
    FunctionBuilder,
    assemble,
    chain_case,
    compile_host,
    expect_all_passed,
    frame_shape,
    gas_object,
    mingw_link,
    module_of,
    run_wine,
    section_bytes,
)

GPRS = ["rbx", "rbp", "rsi", "rdi", "r12", "r13", "r14", "r15"]
XMMS = [f"xmm{i}" for i in range(6, 16)]


def random_shape(rng: random.Random) -> dict[str, object]:
    """A Win64-valid frame: pushes in any order, locals from tiny to probed, saves, maybe a frame register."""
    pushes = rng.sample(GPRS, rng.randint(0, 8))
    gpr_saves = [r for r in GPRS if r not in pushes and rng.random() < 0.5]
    xmm = rng.sample(XMMS, rng.randint(0, 10))
    locals_size = rng.choice([8 * rng.randint(0, 16), 8 * rng.randint(0, 600),
                              rng.choice([4096, 8000, 70000, 524288, 600000])])
    frame = None
    # r12 cannot be the frame register of a recognisable epilogue: `lea rsp, [r12 + d]` needs a SIB byte.
    candidates = [r for r in pushes if r != "r12"]
    if candidates and rng.random() < 0.5:
        size = 32 + 16 * len(xmm) + 8 * len(gpr_saves) + locals_size
        frame = (rng.choice(candidates), 16 * rng.randint(0, min(240, size) // 16))
    return {"pushes": pushes, "locals_size": locals_size, "xmm": xmm, "gpr_saves": gpr_saves, "frame": frame}


def _shaped(shape: dict[str, object]) -> Callable[[FunctionBuilder], FunctionBuilder]:
    return lambda builder: frame_shape(builder, **shape)  # type: ignore[arg-type]


def _builder(name: str, shape: dict[str, object]) -> FunctionBuilder:
    builder = frame_shape(FunctionBuilder(name), **shape)  # type: ignore[arg-type]
    return builder.clobber().call("host_callback").epilogue()


@settings(max_examples=1, deadline=None, phases=[Phase.generate])
@given(st.integers(0, 2**64))
def test_random_prologues_match_gnu_as_and_llvm_readobj(tmp_path_factory: pytest.TempPathFactory,
                                                        seed: int) -> None:
    """1,200 random prologues (drawn from a hypothesis-chosen seed), one object per tool run."""
    rng = random.Random(seed)
    work = tmp_path_factory.mktemp("prop")
    builders = [_builder(f"p{i}", random_shape(rng)) for i in range(1200)]
    assemble(builders, work)
    obj, _ = lower_module_coff(module_of(builders))
    ours = work / "ours.obj"
    ours.write_bytes(write_coff(obj))
    oracle = gas_object(builders, work)
    assert section_bytes(ours, ".xdata", work) == section_bytes(oracle, ".xdata", work)
    decoded = _readobj_codes(ours)
    for builder in builders:
        assert decoded[builder.name] == builder.expected_codes(), builder.name


@settings(max_examples=1, deadline=None, phases=[Phase.generate])
@given(st.integers(0, 2**64))
def test_a_sample_of_random_prologues_unwinds_under_wine(tmp_path_factory: pytest.TempPathFactory,
                                                         seed: int) -> None:
    rng = random.Random(seed)
    work = tmp_path_factory.mktemp("propwine")
    cases: list[Case] = [chain_case(f"r{i}", [_shaped(random_shape(rng)), _shaped(random_shape(rng))])
                         for i in range(4)]
    builders = [b for case in cases for b in case.builders]
    assemble(builders, work)
    obj, _ = lower_module_coff(module_of(builders))
    ours = work / "cases.obj"
    ours.write_bytes(write_coff(obj))
    objects = compile_host(work, cases, "(uintptr_t)&{name}") + [ours]
    expect_all_passed(run_wine(mingw_link(work, objects, "sample.exe")), cases)
