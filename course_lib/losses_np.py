"""Per-token softmax cross-entropy with a padding mask, in numpy (forward and gradient).

A tagger outputs one score vector per word; the loss of a sentence is the sum over its
words of the cross-entropy between the softmax of the scores and the one-hot target
(Hung-yi Lee, "RNN part II", *Learning target*: ``L = Σ_t L_t``)::

    ŷ_t = softmax(o_t),   L_t = -log ŷ_t[y_t],   L = Σ_{n,t} m_{n,t} L_{n,t}

where ``m`` is the padding mask (1 on real words, 0 on padding). Padded positions contribute
neither loss nor gradient. The gradient with respect to the scores (logits) is the familiar
``∂L/∂o_t = m_t (ŷ_t - onehot(y_t))``, divided by the same normaliser as the loss.

Reductions (what the loss is divided by; notebook 01 compares them):

- ``"sum"``: Σ over real tokens (the lecture's L; ``F.cross_entropy(reduction="sum")``);
- ``"mean"``: Σ / number of real tokens (``F.cross_entropy(reduction="mean",
  ignore_index=pad)``: every *token* weighs the same);
- ``"sentence"``: Σ / N, the mean over sentences of per-sentence sums (every *sentence*
  weighs the same per word, long sentences weigh more in total).

Shapes: N batch, T time, K classes (slots).

References:
    Goodfellow, Bengio & Courville, *Deep Learning*, §6.2.2.3 (softmax units) and §10.2.2.
    PyTorch documentation of ``torch.nn.functional.cross_entropy`` (``ignore_index``).
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("sum", "mean", "sentence")


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """``log softmax`` over the last axis, computed stably (max subtracted first)."""
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """``softmax`` over the last axis: ``exp(o_k) / Σ_j exp(o_j)``, computed stably."""
    return np.exp(log_softmax(logits))


def _validate(logits, targets, mask) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    logits = np.asarray(logits)
    if logits.ndim != 3 or logits.dtype.kind != "f":
        raise ValueError(f"logits must be a float array of shape (N, T, K), got "
                         f"{logits.dtype} {logits.shape}")
    N, T, K = logits.shape
    targets = np.asarray(targets)
    if targets.shape != (N, T) or targets.dtype.kind not in "iu":
        raise ValueError(f"targets must be an int array of shape (N, T) = {(N, T)}, got "
                         f"{targets.dtype} {targets.shape}")
    mask = np.asarray(mask)
    if mask.shape != (N, T):
        raise ValueError(f"mask must have shape (N, T) = {(N, T)}, got {mask.shape}")
    if mask.dtype != bool:
        if not np.isin(mask, (0, 1)).all():
            raise ValueError("mask must be boolean or contain only 0 and 1")
        mask = mask.astype(bool)
    real = targets[mask]
    if real.size and (real.min() < 0 or real.max() >= K):
        raise ValueError(f"targets at unmasked positions must lie in [0, K) = [0, {K}), got "
                         f"values from {real.min()} to {real.max()}")
    return logits, targets, mask


def token_losses(logits, targets, mask) -> np.ndarray:
    """Per-token losses ``m_{n,t} · (-log softmax(o_{n,t})[y_{n,t}])``, shape (N, T).

    Padded positions hold 0 whatever their target (it may be a pad id or -100).
    """
    logits, targets, mask = _validate(logits, targets, mask)
    safe = np.where(mask, targets, 0)  # any valid index; the mask zeroes it afterwards
    logp = np.take_along_axis(log_softmax(logits), safe[..., None], axis=-1)[..., 0]
    return np.where(mask, -logp, 0.0)


def softmax_cross_entropy(logits, targets, mask, reduction: str = "sum"):
    """Masked softmax cross-entropy over a padded batch, and its gradient.

    Args:
        logits: scores o, (N, T, K), float.
        targets: gold class ids y, (N, T), int; ignored where ``mask`` is False.
        mask: (N, T), True (or 1) on real tokens, False (or 0) on padding.
        reduction: ``"sum"`` (Σ over real tokens), ``"mean"`` (Σ / number of real tokens) or
            ``"sentence"`` (Σ / N).

    Returns:
        ``(loss, dlogits)``: the scalar loss (float) and ∂loss/∂logits (N, T, K), which is
        ``m (softmax(o) - onehot(y)) / Z`` with Z = 1, the token count or N.

    Raises:
        ValueError: on bad shapes, targets out of range at real tokens, an unknown reduction,
            or ``"mean"`` over a batch without real tokens (0/0).
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    logits, targets, mask = _validate(logits, targets, mask)
    N, T, K = logits.shape
    if reduction == "sum":
        Z = 1.0
    elif reduction == "mean":
        Z = float(mask.sum())
        if Z == 0:
            raise ValueError("reduction='mean' needs at least one unmasked token (mask is all "
                             "False)")
    else:
        Z = float(N)
    loss = float(token_losses(logits, targets, mask).sum() / Z)
    probs = softmax(logits)  # (N, T, K)
    safe = np.where(mask, targets, 0)
    onehot = np.eye(K, dtype=probs.dtype)[safe]  # (N, T, K)
    dlogits = (probs - onehot) * mask[..., None] / Z
    return loss, dlogits
