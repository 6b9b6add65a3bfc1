"""The torch experiments the notebooks show: one home, one seeding scheme, stored results.

Concept modules (``rnn_np``, ``clipping``, ``surface``, ``vanishing`` …) compute and check
the maths; they never train. Everything that *trains* a torch model to support a claim of a
notebook lives here, next to the code that stores its results.

Short runs execute inside a notebook. Runs too long for a notebook's minute (several seeds,
learning-rate sweeps, long sequences) run under ``make experiments``
(``python -m course_lib.experiments run``), which writes one versioned JSON file per
experiment into ``course_lib/experiments/results/``; the notebooks load, plot and check those
results, and ``python -m course_lib.experiments check`` re-runs a cheap part of each
experiment to show that the stored results reproduce within the tolerances each experiment
declares. See :mod:`course_lib.experiments.store` for the file format and
:mod:`course_lib.experiments.catalog` for the list of experiments.

Seeding: every run takes an explicit integer ``seed``; the model's weights come from
``torch.manual_seed(seed)`` in a forked RNG and batch ``k`` from
``numpy.random.default_rng([seed, k])``, so two runs that differ in one setting see the same
initial weights and the same data.
"""
