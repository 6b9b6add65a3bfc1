"""The claims of the lecture notes this course follows, each decided by a notebook cell.

Every entry is something a learner reads in Hung-yi Lee's *RNN part II*, CS224n lecture 7,
the WildML BPTT tutorial or the papers they cite. A notebook self-check that tests one passes
``lecture=<id>`` and states the verdict measured here (:data:`course_lib.ledger.VERDICTS`);
``make ledger`` collects them into ``CLAIMS.md``. Claims are paraphrased, not quoted.
"""

from __future__ import annotations

from typing import NamedTuple


class LectureClaim(NamedTuple):
    text: str
    source: str


LEE = "Hung-yi Lee, *Machine Learning*, “Recurrent Neural Network (Part II)”"
CS224N = "Stanford CS224n, lecture 7 “Vanishing gradients, fancy RNNs”"
WILDML = "D. Britz, WildML RNN tutorial part 3 (2015)"

CLAIMS: dict[str, LectureClaim] = {
    "slot_filling_needs_memory": LectureClaim(
        "The same word needs different slots in different contexts (“arrive Taipei” / “leave "
        "Taipei”), so a network with memory is needed.", f"{LEE.replace('Part II', 'Part I')}"),
    "loss_sum_over_time": LectureClaim(
        "The learning target is the cross-entropy between each output and its reference "
        "vector, summed over the words.", LEE),
    "bptt_sums_over_time": LectureClaim(
        "Gradients of the shared weights are sums over time; ∂E_3/∂W needs every earlier step "
        "(backpropagation through time).", f"{WILDML}; {LEE}"),
    "wildml_truncation": LectureClaim(
        "`bptt_truncate = k` backpropagates each output's gradient k steps back in time.",
        WILDML),
    "wildml_jacobian_bound": LectureClaim(
        "The 2-norm of the Jacobian ∂s_t/∂s_{t−1} of a tanh RNN has an upper bound of 1.",
        WILDML),
    "lee_w999": LectureClaim(
        "A one-neuron linear RNN fed [1, 0, …, 0] outputs w^999 at step 1000: about 20000 for "
        "w = 1.01, 1 for w = 1, about 0 for w = 0.99.", LEE),
    "lee_rough_surface": LectureClaim(
        "The RNN error surface is rough: flat plateaus next to steep cliffs, so the loss "
        "jumps during training.", f"{LEE}; Pascanu et al. 2013 §2.3"),
    "relu_no_cliff_fix": LectureClaim(
        "The trouble is the recurrence, not the squashing function: a linear/ReLU unit has "
        "the same cliff.", LEE),
    "clipping_fixes_cliff": LectureClaim(
        "Clipping the gradient when its norm exceeds a threshold keeps training from jumping "
        "off the cliffs.", f"{LEE}; {CS224N}; Pascanu et al. 2013 Alg. 1"),
    "clipping_threshold_heuristic": LectureClaim(
        "A good clipping threshold lies between 0.5 and 10 times the average gradient norm.",
        "Pascanu et al. 2013 §3.2"),
    "vanishing_long_range": LectureClaim(
        "Vanishing gradients make long-distance dependencies hard to learn: the model learns "
        "sequential recency.", CS224N),
    "irnn_beats_lstm": LectureClaim(
        "An RNN of ReLUs initialised with the identity (IRNN) outperforms or is comparable "
        "with an LSTM.", f"{LEE}; Le, Jaitly & Hinton 2015"),
    "lstm_fixes_vanishing": LectureClaim(
        "The LSTM can deal with gradient vanishing: memory and input are added, so the "
        "influence never disappears unless the forget gate is closed.", LEE),
    "lstm_not_exploding": LectureClaim(
        "The LSTM does not solve gradient explosion (it still needs clipping).",
        f"{LEE}; {CS224N}"),
    "forget_bias_one": LectureClaim(
        "Initialise the forget-gate bias to 1 (or larger) so the LSTM starts remembering.",
        "Gers et al. 2000; Jozefowicz et al. 2015"),
    "gru_when_lstm_overfits": LectureClaim(
        "The GRU has fewer parameters; try it when the LSTM overfits.", LEE),
    "gru_fewer_parameters": LectureClaim(
        "Per layer the GRU has 3 and the LSTM 4 times the parameters of a simple RNN.",
        f"{CS224N}; Cho et al. 2014"),
    "bidirectional_not_for_lm": LectureClaim(
        "Bidirectional RNNs are not applicable to language modelling.", CS224N),
    "bidirectional_helps_tagging": LectureClaim(
        "For tagging, a bidirectional RNN sees the right context and does better.",
        f"{CS224N}; {LEE.replace('Part II', 'Part I')}"),
    "residual_helps_depth": LectureClaim(
        "Skip (residual) connections let gradients reach the lower layers of deep (stacked) "
        "networks.", f"{CS224N}; He et al. 2016"),
}
