import numpy as np
import pytest

from course_lib import seed_everything
from course_lib.checks import SelfCheckError, below, check, check_close, format_bound


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


def test_check_close_uses_scale_aware_error_and_prints_the_bound(capsys):
    assert check_close("close", [1e6 + 1.0], [1e6], tol=1e-5) is None
    assert capsys.readouterr().out == "✓ close  (error < 1e-5)\n"
    # exactly equal and round-off print the same line: the bound, not the error's digits
    check_close("exact", [0.5], [0.5], tol=1e-12)
    check_close("round-off", [0.5 + 3e-16], [0.5], tol=1e-12)
    out = capsys.readouterr().out.splitlines()
    assert out == ["✓ exact  (error < 1e-12)", "✓ round-off  (error < 1e-12)"]
    with pytest.raises(SelfCheckError, match="error=0.5"):
        check_close("far", [1.0], [2.0], tol=0.1)
    with pytest.raises(SelfCheckError):
        check_close("nan", [float("nan")], [2.0], tol=0.1)
    with pytest.raises(ValueError, match="shapes differ"):
        check_close("shape", [1.0, 2.0], [1.0], tol=1)


def test_below_prints_the_bound_passed_or_the_failing_value(capsys):
    assert below(3.1e-16, 1e-12) == "< 1e-12"
    assert below(0.0, 1e-7) == "< 1e-7"
    assert below(0.25, 1e-3) == "0.25"
    assert format_bound(0.005) == "0.005" and format_bound(5e-4) == "5e-4"
    check("gradient check", True, rel_error=below(2e-9, 1e-7), other=0.5)
    assert capsys.readouterr().out == "✓ gradient check  (rel_error < 1e-7, other=0.5)\n"


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
