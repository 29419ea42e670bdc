"""``--target`` names → calling conventions (the one place a new ABI module is registered)."""

from __future__ import annotations

from ..errors import UnsupportedError
from .abi import Abi
from .sysv import SYSV
from .win64 import WIN64

ABIS: dict[str, Abi] = {SYSV.target: SYSV, WIN64.target: WIN64}


def abi_for(target: str) -> Abi:
    try:
        return ABIS[target]
    except KeyError:
        raise UnsupportedError(f"unknown target {target!r} (known: {', '.join(sorted(ABIS))})") from None
