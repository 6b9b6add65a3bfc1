"""course_lib.clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (float64)."""

import math

import numpy as np
import pytest
import torch

from course_lib.clipping import angle_degrees, clip_grad_norm, clip_grad_value, global_norm


def _grads(rng, scale=1.0):
    return {"W_ih": scale * rng.standard_normal((4, 3)), "W_hh": scale * rng.standard_normal((4, 4)),
            "b_ih": scale * rng.standard_normal(4), "b_hh": scale * rng.standard_normal(4)}


def _torch_clip(grads, fn, *args):
    params = []
    for g in grads.values():
        p = torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64))
        p.grad = torch.tensor(g, dtype=torch.float64)
        params.append(p)
    out = fn(params, *args)
    clipped = {k: p.grad.numpy() for k, p in zip(grads, params, strict=True)}
    return clipped, (None if out is None else float(out))


def _assert_same(ours, theirs):
    assert ours.keys() == theirs.keys()
    for k in ours:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-12, atol=0, equal_nan=True,
                                   err_msg=k)


@pytest.mark.parametrize("scale, max_norm", [(1.0, 0.5), (1.0, 100.0), (1e3, 1.0), (1.0, 0.0),
                                             (1.0, math.inf)])
def test_norm_matches_torch(scale, max_norm):
    grads = _grads(np.random.default_rng(0), scale)
    ours, norm = clip_grad_norm(grads, max_norm)
    theirs, tnorm = _torch_clip(grads, torch.nn.utils.clip_grad_norm_, max_norm)
    _assert_same(ours, theirs)
    assert norm == pytest.approx(tnorm, rel=1e-13)


def test_norm_uses_torch_eps():
    # ‖g‖ = max_norm exactly: torch still scales by max_norm / (max_norm + 1e-6) < 1
    g = {"a": np.array([3.0, 4.0])}
    ours, norm = clip_grad_norm(g, 5.0)
    assert norm == 5.0
    np.testing.assert_allclose(ours["a"], g["a"] * 5.0 / (5.0 + 1e-6), rtol=1e-15)
    assert ours["a"][0] != 3.0
    theirs, _ = _torch_clip(g, torch.nn.utils.clip_grad_norm_, 5.0)
    _assert_same(ours, theirs)


def test_norm_direction_kept_and_norm_capped():
    grads = _grads(np.random.default_rng(1), 10.0)
    ours, norm = clip_grad_norm(grads, 1.0)
    assert norm > 1.0
    assert global_norm(ours) == pytest.approx(1.0, rel=1e-5)
    assert angle_degrees(ours, grads) < 1e-5


def test_input_not_modified():
    grads = _grads(np.random.default_rng(2), 10.0)
    copy = {k: v.copy() for k, v in grads.items()}
    out_n, _ = clip_grad_norm(grads, 1.0)
    out_v = clip_grad_value(grads, 0.1)
    for k in grads:
        np.testing.assert_array_equal(grads[k], copy[k])
        assert out_n[k] is not grads[k] and out_v[k] is not grads[k]
        assert not np.shares_memory(out_n[k], grads[k])
        assert not np.shares_memory(out_v[k], grads[k])


def test_zero_gradients():
    g = {"a": np.zeros(3), "b": np.zeros((2, 2))}
    ours, norm = clip_grad_norm(g, 1.0)
    theirs, tnorm = _torch_clip(g, torch.nn.utils.clip_grad_norm_, 1.0)
    assert norm == tnorm == 0.0
    _assert_same(ours, theirs)
    _assert_same(clip_grad_value(g, 1.0), _torch_clip(g, torch.nn.utils.clip_grad_value_, 1.0)[0])


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_nonfinite_norm_clipping_like_torch(bad):
    g = {"a": np.array([bad, 1.0]), "b": np.array([2.0])}
    ours, norm = clip_grad_norm(g, 1.0)
    theirs, tnorm = _torch_clip(g, torch.nn.utils.clip_grad_norm_, 1.0)
    _assert_same(ours, theirs)
    assert (math.isnan(norm) and math.isnan(tnorm)) or norm == tnorm == math.inf
    if math.isnan(bad):
        assert all(np.isnan(v).all() for v in ours.values())
    else:  # inf · 0 = NaN where the inf was, finite entries zeroed
        assert np.isnan(ours["a"][0]) and ours["a"][1] == 0 and ours["b"][0] == 0
    with pytest.raises(ValueError, match="total gradient norm"):
        clip_grad_norm(g, 1.0, error_if_nonfinite=True)


def test_value_matches_torch_including_nonfinite():
    grads = _grads(np.random.default_rng(3), 3.0)
    grads["extra"] = np.array([math.inf, -math.inf, math.nan, 0.5])
    ours = clip_grad_value(grads, 1.0)
    theirs, _ = _torch_clip(grads, torch.nn.utils.clip_grad_value_, 1.0)
    _assert_same(ours, theirs)
    np.testing.assert_array_equal(ours["extra"][:2], [1.0, -1.0])
    assert np.isnan(ours["extra"][2])
    assert max(np.nanmax(np.abs(v)) for v in ours.values()) <= 1.0


def test_value_clipping_turns_direction():
    g = {"a": np.array([10.0, 0.1])}
    assert angle_degrees(clip_grad_value(g, 1.0), g) > 5.0


def test_float32_kept():
    g = {"a": np.array([3.0, 4.0], dtype=np.float32)}
    out, _ = clip_grad_norm(g, 1.0)
    assert out["a"].dtype == np.float32
    assert clip_grad_value(g, 1.0)["a"].dtype == np.float32


@pytest.mark.parametrize("call, match", [
    (lambda: clip_grad_norm({}, 1.0), "empty"),
    (lambda: clip_grad_value({}, 1.0), "empty"),
    (lambda: clip_grad_norm({"a": np.ones(2)}, -1.0), "max_norm"),
    (lambda: clip_grad_norm({"a": np.ones(2)}, math.nan), "max_norm"),
    (lambda: clip_grad_value({"a": np.ones(2)}, -0.5), "clip_value"),
    (lambda: clip_grad_norm([np.ones(2)], 1.0), "dict"),
    (lambda: clip_grad_norm({"a": np.ones(2, dtype=int)}, 1.0), "floating"),
    (lambda: angle_degrees({"a": np.zeros(2)}, {"a": np.ones(2)}), "zero"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
