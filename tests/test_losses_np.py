"""course_lib.losses_np against torch (float64) and finite differences."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.gradcheck import numerical_gradient, rel_error
from course_lib.losses_np import softmax, softmax_cross_entropy, token_losses

PAD = -100


def padded_batch(seed=0, N=4, T=6, K=5, lengths=(6, 4, 1, 3)):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(N, T, K))
    mask = np.arange(T)[None, :] < np.asarray(lengths)[:, None]
    targets = rng.integers(0, K, size=(N, T))
    return logits, targets, mask


def torch_loss(logits, targets, mask, reduction):
    t = torch.tensor(logits, requires_grad=True)
    y = torch.tensor(np.where(mask, targets, PAD))
    K = logits.shape[-1]
    red = "sum" if reduction == "sentence" else reduction
    loss = F.cross_entropy(t.reshape(-1, K), y.reshape(-1), ignore_index=PAD, reduction=red)
    if reduction == "sentence":
        loss = loss / logits.shape[0]
    loss.backward()
    return loss.item(), t.grad.numpy()


@pytest.mark.parametrize("reduction", ["sum", "mean", "sentence"])
def test_matches_torch_cross_entropy(reduction):
    logits, targets, mask = padded_batch()
    loss, dlogits = softmax_cross_entropy(logits, targets, mask, reduction=reduction)
    ref_loss, ref_grad = torch_loss(logits, targets, mask, reduction)
    assert abs(loss - ref_loss) < 1e-12 * max(1.0, abs(ref_loss))
    assert rel_error(dlogits, ref_grad) < 1e-10


@pytest.mark.parametrize("reduction", ["sum", "mean", "sentence"])
def test_gradient_matches_finite_differences(reduction):
    logits, targets, mask = padded_batch(seed=1)
    _, dlogits = softmax_cross_entropy(logits, targets, mask, reduction=reduction)
    num = numerical_gradient(
        lambda z: softmax_cross_entropy(z, targets, mask, reduction=reduction)[0], logits, 1.0)
    assert rel_error(dlogits, num) < 1e-7


def test_padding_contributes_nothing():
    logits, targets, mask = padded_batch(seed=2)
    loss, dlogits = softmax_cross_entropy(logits, targets, mask)
    changed = logits.copy()
    changed[~mask] = 1e3  # garbage scores at pad positions
    targets2 = np.where(mask, targets, 12345)  # out-of-range pad ids are ignored too
    loss2, _ = softmax_cross_entropy(changed, targets2, mask)
    assert loss == pytest.approx(loss2, rel=1e-14)
    assert np.all(dlogits[~mask] == 0)
    assert np.all(token_losses(logits, targets, mask)[~mask] == 0)


def test_reductions_relate():
    logits, targets, mask = padded_batch(seed=3)
    s = softmax_cross_entropy(logits, targets, mask, "sum")[0]
    m = softmax_cross_entropy(logits, targets, mask, "mean")[0]
    n = softmax_cross_entropy(logits, targets, mask, "sentence")[0]
    assert m == pytest.approx(s / mask.sum(), rel=1e-14)
    assert n == pytest.approx(s / mask.shape[0], rel=1e-14)


def test_uniform_scores_give_log_k():
    N, T, K = 3, 5, 7
    mask = np.ones((N, T), dtype=bool)
    mask[0, 3:] = False
    loss, _ = softmax_cross_entropy(np.zeros((N, T, K)), np.zeros((N, T), int), mask, "mean")
    assert loss == pytest.approx(np.log(K), rel=1e-14)


def test_softmax_is_stable_and_normalised():
    p = softmax(np.array([[1000.0, 1000.0, -1000.0]]))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, [[0.5, 0.5, 0.0]], atol=1e-15)


def test_bad_inputs_raise_with_names():
    logits, targets, mask = padded_batch()
    with pytest.raises(ValueError, match="logits"):
        softmax_cross_entropy(logits[0], targets, mask)
    with pytest.raises(ValueError, match="targets"):
        softmax_cross_entropy(logits, targets[:, :3], mask)
    with pytest.raises(ValueError, match="mask"):
        softmax_cross_entropy(logits, targets, mask[:, :3])
    with pytest.raises(ValueError, match="reduction"):
        softmax_cross_entropy(logits, targets, mask, reduction="avg")
    bad = targets.copy()
    bad[0, 0] = 99
    with pytest.raises(ValueError, match=r"\[0, K\)"):
        softmax_cross_entropy(logits, bad, mask)
    with pytest.raises(ValueError, match="mean"):
        softmax_cross_entropy(logits, targets, np.zeros_like(mask), reduction="mean")
