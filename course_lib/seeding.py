"""Reproducibility: the one explicit place where seeds and thread counts are set."""

from __future__ import annotations

import random

import numpy as np


def seed_everything(seed: int, threads: int | None = 1) -> np.random.Generator:
    """Seed Python, numpy and torch, and make torch use ``threads`` CPU threads.

    Stored notebook outputs must reproduce exactly under nbval, and float32 reductions in
    torch can round differently with different thread counts, so the course runs torch on one
    thread by default (the models are small; a second thread buys little).

    Args:
        seed: any non-negative integer.
        threads: torch intra-op thread count; ``None`` leaves it unchanged.

    Returns:
        A fresh ``numpy.random.Generator`` seeded with ``seed``: pass it explicitly to the
        functions that need randomness instead of relying on global state.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    import torch  # imported here so that `import course_lib` stays light

    torch.manual_seed(seed)
    if threads is not None:
        torch.set_num_threads(threads)
    return np.random.default_rng(seed)
