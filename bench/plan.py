"""What a run was asked for: how many rounds, how quick, whether programs reuse cached
bytecode, and where its inputs come from."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from inputs import Inputs


@dataclass
class Plan:
    inputs: Inputs
    rounds: int
    quick: bool
    bytecode: bool = True  # False: --source, every start compiles from source

    def log(self, message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)
