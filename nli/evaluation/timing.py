"""What every speed measurement shares: the machine it ran on, realistic pairs, and interleaved rounds."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path

BATCH_SIZES = (1, 8, 32)


def bench_pairs(limit: int = 256) -> list[tuple[str, str]]:
    """Realistic news sentence pairs: the project's news pairs, both directions, shuffled."""
    from nli.model.export import parity_pairs

    pairs = parity_pairs(10_000)
    random.Random(0).shuffle(pairs)
    return pairs[:limit]


def cpu_description() -> str:
    """The CPU's model name and its int8 dot-product extension, which decide the int8/fp32 ratio."""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        import platform

        return platform.processor() or "unknown CPU"
    fields = dict(re.findall(r"^(model name|model|flags)\s*:\s*(.*)$", info, flags=re.MULTILINE))
    flags = set(fields.get("flags", "").split())
    extension = next((f for f in ("amx_int8", "avx512_vnni", "avx_vnni", "avx2") if f in flags), "no AVX2")
    return f"{fields.get('model name', 'unknown CPU')} (model {fields.get('model', '?')}, {extension})"


def interleaved_rounds(
    measure: dict[str, Callable[[int], float]], batch_sizes: Sequence[int], rounds: int
) -> dict[str, dict[int, list[float]]]:
    """One figure per backend, batch size and round: backend -> batch size -> figures.

    Each round measures every backend once per batch size, back to back, starting
    from a different backend each round, so that drift in the machine's speed
    reaches all backends alike and ratios can be taken round by round.
    """
    names = list(measure)
    figures: dict[str, dict[int, list[float]]] = {name: {batch: [] for batch in batch_sizes} for name in names}
    for round_index in range(rounds):
        shift = round_index % len(names)
        order = names[shift:] + names[:shift]
        for batch in batch_sizes:
            for name in order:
                figures[name][batch].append(measure[name](batch))
    return figures
