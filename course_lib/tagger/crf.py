"""A linear-chain conditional random field (CRF) over tag sequences.

For emission scores ``e_t(k)`` (N, T, K) from the encoder, a tag sequence ``y_1 … y_L`` scores

    s(x, y) = a_start(y_1) + Σ_{t=1}^{L} e_t(y_t) + Σ_{t=2}^{L} A(y_{t-1}, y_t) + a_end(y_L)

and ``p(y | x) = exp s(x, y) / Z(x)``, where ``Z(x) = Σ_y exp s(x, y)`` sums over all K^L
sequences. The forward algorithm computes ``log Z`` in O(L K²):

    α_1(k) = a_start(k) + e_1(k),   α_t(k) = e_t(k) + log Σ_j exp(α_{t-1}(j) + A(j, k)),
    log Z = log Σ_k exp(α_L(k) + a_end(k)).

Training minimises the negative log-likelihood ``log Z(x) − s(x, y)``; decoding takes the best
sequence with Viterbi (:func:`course_lib.tagger.decode.viterbi`), which is where hard IOB2
constraints are added. Unlike per-token softmax, the learned transition scores ``A`` see
neighbouring tags, so ``B-depart_date I-toloc.city_name`` can be scored as implausible.

References: J. Lafferty, A. McCallum, F. Pereira, "Conditional random fields", ICML 2001;
G. Lample et al., "Neural architectures for named entity recognition", NAACL 2016, §2.2;
X. Ma & E. Hovy, ACL 2016, §2.3.
"""

from __future__ import annotations

import torch
from torch import nn


class CRF(nn.Module):
    """Transition scores ``A`` (K, K) indexed ``[from, to]``, start and end scores (K,).

    All start at zero (every sequence equally likely before training).
    """

    def __init__(self, num_tags: int):
        super().__init__()
        if num_tags < 1:
            raise ValueError(f"num_tags must be ≥ 1, got {num_tags}")
        self.transitions = nn.Parameter(torch.zeros(num_tags, num_tags))
        self.start = nn.Parameter(torch.zeros(num_tags))
        self.end = nn.Parameter(torch.zeros(num_tags))

    def score(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor
              ) -> torch.Tensor:
        """``s(x, y)`` of the gold sequences: emissions (N, T, K), tags (N, T), mask (N, T) → (N,).

        ``mask`` must be right-padded (True on the first L_i positions, L_i ≥ 1).
        """
        n, t, _ = emissions.shape
        maskf = mask.to(emissions.dtype)
        emit = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # (N, T)
        total = self.start[tags[:, 0]] + (emit * maskf).sum(1)
        if t > 1:
            trans = self.transitions[tags[:, :-1], tags[:, 1:]]  # (N, T-1)
            total = total + (trans * maskf[:, 1:]).sum(1)
        last = mask.long().sum(1) - 1  # (N,)
        return total + self.end[tags.gather(1, last.unsqueeze(1)).squeeze(1)]

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``log Z(x)`` by the forward algorithm: emissions (N, T, K), mask (N, T) → (N,).

        The sum over the previous tag is a matrix product in the exp domain,
        ``log Σ_j exp(α(j) + A(j, k)) = m + a + log([exp(α − m)] @ exp(A − a))(k)`` with
        ``m = max_j α(j)`` and ``a = max A``: one BLAS call per step instead of an (N, K, K)
        tensor (3–4× faster on a CPU), exact up to round-off.
        """
        a = self.transitions.max()
        expa = (self.transitions - a).exp()  # (K, K), entries in (0, 1]
        alpha = self.start + emissions[:, 0]  # (N, K)
        for t in range(1, emissions.shape[1]):
            m = alpha.max(dim=1, keepdim=True).values  # (N, 1)
            nxt = ((alpha - m).exp() @ expa).log() + m + a + emissions[:, t]
            alpha = torch.where(mask[:, t].unsqueeze(1), nxt, alpha)  # padding: carry α
        return torch.logsumexp(alpha + self.end, dim=1)

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor
            ) -> torch.Tensor:
        """Negative log-likelihood ``log Z(x) − s(x, y)`` of each sequence, (N,), each ≥ 0."""
        return self.log_partition(emissions, mask) - self.score(emissions, tags, mask)
