"""Fixtures shared by the test modules (nbval's options live in the root conftest.py)."""

import pytest
import torch


@pytest.fixture
def one_torch_thread():
    """Tiny models: a second intra-op thread only adds contention (and nondeterminism)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
