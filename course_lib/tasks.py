"""Synthetic long-range tasks: the adding problem and a cue-classification task.

Both tasks put the information a model needs far from where it must use it, so they measure
how far back a recurrent network can carry information (and its gradients) in time.
Shapes: N samples, T time steps.

References:
    Hochreiter & Schmidhuber, "Long short-term memory", Neural Computation 1997 (the adding
    problem, experiment 4).
    Le, Jaitly & Hinton, "A simple way to initialize recurrent networks of rectified linear
    units", arXiv:1504.00941, 2015, section 4.1 (the form used here; IRNN vs LSTM).
    Arjovsky, Shah & Bengio, "Unitary evolution recurrent neural networks", ICML 2016
    (one marker in each half of the sequence).
"""

from __future__ import annotations

import numpy as np

ADDING_BASELINE_MSE = 1 / 6
"""MSE of always predicting 1.0 on the adding problem: Var(u1 + u2) = 2 * (1/12) = 1/6."""


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def adding_problem(
    n: int, T: int, rng: np.random.Generator, halves: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``n`` sequences of the adding problem.

    Each input step is a pair ``x_t = (u_t, m_t)``: ``u_t ~ U[0, 1]`` and a marker ``m_t`` that
    is 1 at exactly two positions ``a < b`` and 0 elsewhere. The target is
    ``y = u_a + u_b``, read out after the last step.

    Baseline a learner must beat: predicting the mean ``E[y] = 1`` gives
    ``MSE = Var(u_a + u_b) = 2 * 1/12 = 1/6 ≈ 0.1667`` (:data:`ADDING_BASELINE_MSE`). Le et al.
    (2015) print 0.1767 for this baseline; that is a typo for 0.1667.

    Args:
        n: number of sequences N.
        T: sequence length (>= 2).
        rng: the random generator (explicit, for reproducibility).
        halves: draw ``a`` uniformly in the first half ``[0, T//2)`` and ``b`` in the second
            half ``[T//2, T)`` (default; the first marker is then at least about T/2 steps
            before the end). ``False`` draws two distinct positions uniformly from ``[0, T)``.

    Returns:
        ``x`` (N, T, 2) float64 with ``x[..., 0] = u`` and ``x[..., 1] = m``; ``y`` (N,) float64.
    """
    _check_rng(rng)
    if n < 1 or T < 2:
        raise ValueError(f"need n >= 1 and T >= 2, got n={n}, T={T}")
    u = rng.random((n, T))
    rows = np.arange(n)
    if halves:
        a = rng.integers(0, T // 2, size=n)
        b = rng.integers(T // 2, T, size=n)
    else:
        # argsort of uniform keys = a uniformly random pair of distinct positions, vectorised
        a, b = np.argsort(rng.random((n, T)), axis=1)[:, :2].T
    m = np.zeros((n, T))
    m[rows, a] = 1.0
    m[rows, b] = 1.0
    x = np.stack([u, m], axis=-1)
    y = u[rows, a] + u[rows, b]
    return x, y


def adding_problem_torch(n: int, T: int, rng: np.random.Generator, halves: bool = True):
    """:func:`adding_problem` as float32 torch tensors ``x`` (N, T, 2) and ``y`` (N, 1)."""
    import torch  # local import keeps `import course_lib.tasks` light

    x, y = adding_problem(n, T, rng, halves=halves)
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y.astype(np.float32)[:, None])


def cue_task(
    n: int,
    distance: int,
    rng: np.random.Generator,
    n_classes: int = 4,
    vocab_size: int = 16,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``n`` cue-classification sequences with the cue ``distance`` steps before the end.

    Token ids: 0 is reserved for padding (never emitted), ``1 .. n_classes`` are the cue tokens,
    ``n_classes + 1 .. vocab_size - 1`` are distractors. Each sequence is one cue token
    followed by ``distance`` distractors drawn uniformly; the label is the cue's class
    (``cue id - 1``). A model reading left to right must carry the cue over ``distance`` steps.

    Baseline a learner must beat: chance accuracy ``1 / n_classes`` (labels are uniform and
    the distractors carry no information).

    Args:
        n: number of sequences N.
        distance: number of distractor tokens after the cue (>= 0); T = distance + 1.
        rng: the random generator.
        n_classes: number of cue classes K (>= 2).
        vocab_size: size of the token vocabulary including padding; at least
            ``n_classes + 2`` so that there is one distractor token.

    Returns:
        ``x`` (N, T) int64 token ids and ``y`` (N,) int64 labels in ``[0, n_classes)``.
    """
    _check_rng(rng)
    if n < 1 or distance < 0:
        raise ValueError(f"need n >= 1 and distance >= 0, got n={n}, distance={distance}")
    if n_classes < 2:
        raise ValueError(f"n_classes must be >= 2, got {n_classes}")
    if vocab_size < n_classes + 2:
        raise ValueError(
            f"vocab_size must be >= n_classes + 2 = {n_classes + 2}, got {vocab_size}"
        )
    y = rng.integers(0, n_classes, size=n)
    distractors = rng.integers(n_classes + 1, vocab_size, size=(n, distance))
    x = np.concatenate([(y + 1)[:, None], distractors], axis=1).astype(np.int64)
    return x, y.astype(np.int64)


def attractor_cue_task(
    n: int,
    distance: int,
    rng: np.random.Generator,
    attractor_distance: int,
    agree: float = 0.75,
    n_classes: int = 4,
    vocab_size: int = 16,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`cue_task` with an **attractor**: a second, nearer cue token that may mislead.

    The sequence is the cue (class ``y``) at ``distance`` steps before the end, as in
    :func:`cue_task`, and a second cue token, the attractor (class ``a``), ``attractor_distance``
    steps before the end; every other token is a distractor. The label is always the *first*
    cue's class. With probability ``agree`` the attractor repeats the label (``a = y``), else
    it names another class, uniformly. This is CS224n's "The writer of the books ___": the
    nearer noun usually agrees with the verb, so a model that cannot carry the subject over
    the distance can still score ``agree`` by trusting the nearest cue — **sequential
    recency** — and then gets every case with ``a ≠ y`` wrong (Linzen et al. 2016).

    Evaluate with ``agree=0`` (attractor cases only): reading the cue gives accuracy 1,
    trusting recency gives accuracy 0 with every prediction equal to ``a``, and a model that
    uses neither is at chance, ``1 / n_classes``.

    Args:
        n, distance, n_classes, vocab_size: as :func:`cue_task` (T = distance + 1).
        rng: the random generator.
        attractor_distance: steps between the attractor and the end, ``0 <= it < distance``.
        agree: probability that the attractor's class equals the label, in [0, 1].

    Returns:
        ``x`` (N, T) int64 token ids, ``y`` (N,) int64 labels and ``a`` (N,) int64 attractor
        classes, both in ``[0, n_classes)``.
    """
    if not 0 <= attractor_distance < distance:
        raise ValueError(f"need 0 <= attractor_distance < distance = {distance}, got "
                         f"attractor_distance={attractor_distance}")
    if not 0.0 <= agree <= 1.0:
        raise ValueError(f"agree must be a probability in [0, 1], got {agree}")
    x, y = cue_task(n, distance, rng, n_classes=n_classes, vocab_size=vocab_size)
    other = (y + rng.integers(1, n_classes, size=n)) % n_classes  # uniform over classes != y
    a = np.where(rng.random(n) < agree, y, other)
    x[:, distance - attractor_distance] = a + 1
    return x, y, a.astype(np.int64)


def one_hot(x: np.ndarray, vocab_size: int) -> np.ndarray:
    """One-hot float64 encoding of token ids: (N, T) int -> (N, T, vocab_size)."""
    x = np.asarray(x)
    if x.size and (x.min() < 0 or x.max() >= vocab_size):
        raise ValueError(f"token ids must lie in [0, {vocab_size}), got [{x.min()}, {x.max()}]")
    return np.eye(vocab_size)[x]
