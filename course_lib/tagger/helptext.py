"""What ``python -m course_lib.tagger [COMMAND] --help`` prints besides the options: the
description, the metrics, the exit statuses, the output of each command, examples.

The options' own help is beside their definitions in :mod:`course_lib.tagger.cli`.
"""

DESCRIPTION = """\
A joint intent + slot tagger (character CNN + bidirectional LSTM + CRF) for corpora in the
seq.in / seq.out / label layout (one utterance a line: tokens, IOB2 tags, intent).

  train     train on DATA_DIR/train, early-stop on DATA_DIR/dev (or valid), score DATA_DIR/test
  predict   tag sentences (from a file or stdin) with a saved model
  evaluate  score a saved model on one split folder

"python -m course_lib.tagger DATA_DIR [options]" is short for "... train DATA_DIR [options]".
A first word that is a plain word (no "/" or ".") and names no file or folder ("trian",
"tag") is an error: unknown command, with the command it probably meant or the list of
commands. Options come after the command: "... predict --threads 1 model.pt".
"python -m course_lib.tagger COMMAND --help" lists the options of a command."""

METRICS_HELP = """\
metrics (percent, 0-100, as conlleval prints them):
  slot_f1            span F1 of the slots, conlleval rules (precision, recall beside it)
  intent_accuracy    the intent label is exactly right; a multi-intent label such as
                     atis_flight#atis_airfare counts as one label, right only as a whole
  sentence_accuracy  the intent and every tag of the utterance are right
  token_accuracy     tags right, O included; invalid_iob2: predicted sequences that are not
                     valid IOB2 (0 with the default Viterbi decoding)"""

BAD_INPUT = "2 bad command line or bad input (the message names the file and line)"
EXIT_TRAIN = f"""\
exit status: 0 done, {BAD_INPUT},
3 training diverged (NaN or infinite loss or gradient; nothing is saved)."""
EXIT_MODEL = f"""\
exit status: 0 done, {BAD_INPUT},
3 the model's scores are not finite (NaN or inf) on this input: its weights are unusable
(evaluate prints nothing on stdout; predict stops there, lines answered before stay printed)."""
EXIT_ALL = f"""\
exit status: 0 done, {BAD_INPUT}, 3 training diverged (train)
or the model's scores are not finite (predict, evaluate)."""

TOP_EPILOG = METRICS_HELP + "\n" + EXIT_ALL

TRAIN_EPILOG = METRICS_HELP + "\n" + EXIT_TRAIN + """

output: progress on stderr, then one JSON line on stdout with the test metrics, e.g.
  {"slot_f1": 95.6, "intent_accuracy": 97.4, "sentence_accuracy": 86.9, ..., "epochs": 17}
plus "dev_*" (the same metrics on dev), "epochs", "best_epoch", "stopped" (epochs, steps,
patience or time), "time_guard_fired" (true when --max-minutes stopped the run),
"steps_per_epoch" and "last_epoch_steps" (fewer when --max-steps or the guard cut the last
epoch short; that partial epoch was scored on dev like the others), "partial_last_epoch",
"best_epoch_partial" (the kept epoch is that partial one), "seconds", "cpu_seconds",
"peak_memory_mb", "parameters", "config" (the model), "training" (the training options;
"max_minutes": null when there is no guard),
and "lowercase": true when every token of the training split is lowercase (as in public
ATIS and SNIPS copies); the saved model records it, and predict and evaluate then lowercase
their input. With --save, "saved" (the path) and "saved_seed" (the seed of the run saved);
with --report, "per_slot" and "per_slot_seed" (the table on stderr names that seed too).

several seeds (--seeds N): the runs use seeds SEED, SEED+1, ..., SEED+N-1. Each metric and
"train_seconds" is the mean over the N runs, and "<field>_sd" its sample standard deviation
(n-1); "epochs" and "best_epoch" too (the mean is an integer when the runs agree);
"steps_per_epoch" is the same in every run (no _sd); "last_epoch_steps" is the fewest of any
run; a true/false field is true if it is true in any run; "stopped" is "mixed" when the runs
stopped for different reasons; "seeds" lists the seeds and "runs" each run's own results.
--save and --report take the run with the best dev score ("saved_seed", "per_slot_seed");
the saved file's info holds that run's own seed, scores and "train_seconds", not the means
(the command's "seconds" over all runs are kept as "seconds_all_seeds"). Unless --quiet, a
line "seeds 0, 1, 2 (mean ± sd of 3 runs, test): slot F1 91.23 ± 0.45, ..." goes to stderr.

examples:
  python -m course_lib.tagger train data
  python -m course_lib.tagger train path/to/snips --seeds 3 --save snips.pt --report"""

PREDICT_EPILOG = """\
input: one utterance a line, UTF-8, from FILE (a file, /dev/stdin, a pipe such as
<(command), or a named pipe) or stdin. Lines are split at white space only: punctuation stays
attached to its word ("boston?" is one token, which a model trained on text without
punctuation, such as the course corpus, has never seen); put spaces around it or remove it.
output: one JSON line per input line ("line" is its number in the input), e.g.
  {"line": 1, "tokens": ["flights", "to", "boston"], "tags": ["O", "O", "B-toloc.city_name"],
   "slots": [{"type": "toloc.city_name", "start": 2, "end": 3, "text": "boston"}],
   "intent": "flight", "intent_probability": 0.998}
("end" is exclusive.) "intent_probability" is the softmax probability of the intent. With a
model trained with --intent-level token (the default) the utterance's score of an intent is
the mean of its tokens' log-probabilities, so this probability is the softmax of those means:
a normalised geometric mean of the token distributions, p(i) = (prod_t p_t(i))^(1/T) / Z.
streaming: lines are tagged as they arrive, so a line typed at a terminal (end the input with
Ctrl-D) or written to a pipe by a running program is answered at once, and a file is read in
blocks of 64 KB. The memory used grows with the longest line, not with the number of lines:
a forward pass holds at most --max-batch-tokens padded tokens, and only a single line longer
than that is tagged alone, in memory that grows with its length.
case: a model trained on an all-lowercase corpus (ATIS and SNIPS copies are; "lowercase" in
the train output) lowercases each token before looking it up, so "Book" is read as "book",
not as an unknown word; "tokens" and the slot "text" show the input as typed. Models trained
on cased text, and files saved before this was recorded, take the input as typed.
blank lines: blank lines after the last utterance are ignored. Any other blank line stops
predict with exit status 2 and a message naming it (lines answered before it stay printed;
a file is checked a 64 KB block at a time, before the block is tagged): in a file
meant to hold one utterance a line it usually means the file is something else
(one-token-a-line CoNLL text with blank lines between sentences, or wrapped paragraphs), and
tagging that line by line would give plausible-looking nonsense. If the blank lines are just
spacing, add --skip-blank: each is skipped with a warning naming it, and "line" still counts
every input line. Invalid UTF-8 or a file that is not a saved tagger also stops with exit
status 2 and a message naming the line or file.
names beginning with '-': write ./-x.pt, or put them after '--' (predict -- -x.pt in.txt).
After '--' every word is a path, even '--' (predict m.pt -- -- reads the file named '--'),
except '-', which still means stdin.
""" + EXIT_MODEL + """

example:
  echo "i want to fly from boston to denver" | python -m course_lib.tagger predict model.pt"""

EVALUATE_EPILOG = METRICS_HELP + "\n" + EXIT_MODEL + """

output: one JSON line of metrics on stdout (with --report also "per_slot", and the
conlleval-style table on stderr), with "size", "unseen_intents" (gold intents the model never
saw) and "lowercase" (the tokens were lowercased before lookup, as for predict).

example:
  python -m course_lib.tagger evaluate model.pt path/to/snips/test --report"""
