import numpy as np
import pytest

from course_lib import seed_everything
from course_lib.checks import SelfCheckError, check, check_close, order_of_magnitude


def test_check_prints_verdict_and_raises_on_failure(capsys):
    check("two plus two is four", 2 + 2 == 4, value=4)
    assert capsys.readouterr().out == "✓ two plus two is four  (value=4)\n"
    with pytest.raises(SelfCheckError, match="✗ pigs fly"):
        check("pigs fly", False, error=0.123456)
    assert "error=0.12" in capsys.readouterr().out


def test_check_refuses_non_boolean_verdicts():
    with pytest.raises(TypeError, match="boolean verdict"):
        check("an array is not a verdict", np.ones(3))
    check("numpy bools are fine", np.bool_(True))


def test_check_close_uses_scale_aware_error(capsys):
    assert check_close("close", [1e6 + 1.0], [1e6], tol=1e-5) is None
    assert "error=< 1e-5" in capsys.readouterr().out
    with pytest.raises(SelfCheckError):
        check_close("far", [1.0], [2.0], tol=0.1)
    with pytest.raises(ValueError, match="shapes differ"):
        check_close("shape", [1.0, 2.0], [1.0], tol=1)


def test_order_of_magnitude():
    assert order_of_magnitude(3.1e-16) == "< 1e-15"
    assert order_of_magnitude(0.0) == "0"
    assert order_of_magnitude(2e-10) == "< 1e-9"


def test_seed_everything_is_reproducible():
    import torch

    a = seed_everything(5)
    ta = torch.rand(3)
    b = seed_everything(5)
    tb = torch.rand(3)
    assert a.normal() == b.normal()
    assert torch.equal(ta, tb)
    assert torch.get_num_threads() == 1
    with pytest.raises(ValueError, match="non-negative int"):
        seed_everything(-1)
