"""The course's slot-filling corpus: a seeded generator of flight requests, and its cue cases.

Regenerate the committed corpus byte for byte, and print its statistics table::

    python -m course_lib.corpus data/
    python -m course_lib.corpus --stats data/

Modules: :mod:`~course_lib.corpus.generate` (the generator),
:mod:`~course_lib.corpus.vocabulary` (its word lists), :mod:`~course_lib.corpus.cases`
(the left- and right-cue utterances), :mod:`~course_lib.corpus.cli` (writing and statistics).
The corpus is built to show the
lecture's phenomena (Hung-yi Lee, RNN part II; Mesnil et al. 2015 for ATIS-style slots):

* **left cue** — "arrive taipei on november 2nd" vs "leave taipei on november 2nd": the same
  city is ``toloc.city_name`` after an arrive-type verb and ``fromloc.city_name`` after a
  leave-type verb (and the date is ``arrive_date`` vs ``depart_date``). These come in pairs
  that differ only in the verb phrase, so each city is exactly balanced and a memoryless per-word
  classifier can do no better than 50 % on them.
* **right cue** — "taipei is where i want to arrive" vs "taipei is where i depart from":
  pairs share every word up to and including the city, so a left-to-right tagger cannot know
  the label when it reads the city (50 % at best) while a bidirectional one can.
* **held-out cities** — dev and test draw 30 % of their cities from ``HELDOUT_CITIES``, which
  never occur in train.

Randomness comes only from ``numpy.random.default_rng(seed)`` draws on tuples (never from
``hash()`` or set order), so the output is identical on every machine.
"""

from course_lib.corpus.cases import is_left_cue_case, is_right_cue_case, memoryless_ceiling
from course_lib.corpus.cli import corpus_stats, write_corpus
from course_lib.corpus.generate import SEED, SIZES, generate_corpus

__all__ = ["SEED", "SIZES", "corpus_stats", "generate_corpus",
           "is_left_cue_case", "is_right_cue_case", "memoryless_ceiling", "write_corpus"]
