"""The capstone: a joint intent + slot tagger, as a library and a command line.

A sentence travels through these modules in this order, never back::

    course_lib.data        read and check seq.in / seq.out / label
    course_lib.batching    vocabularies, padded batches of words and characters, tensors
    tagger.encoder         character CNN, stacked (bi)RNN/LSTM/GRU encoder
    tagger.crf             linear-chain CRF (score, forward algorithm)
    tagger.model           TaggerConfig, SlotTagger (slot scores + intent), the joint loss
    tagger.decode          argmax / IOB2-constrained Viterbi, intents, predict
    tagger.evaluate        slot F1, intent and sentence accuracy, per-slot report
    tagger.train           fit: epochs, early stopping on dev, NaN/inf guard
    tagger.inputs          predict's input: utterances a line, lowercased like the corpus
    tagger.io              save/load one versioned model file (weights_only=True)
    tagger.ensemble        several trained taggers as one (mean CRF scores, intent log-probs)
    tagger.diagnose        why a model file does not load, in one line (for tagger.io)
    tagger.analysis        error analysis for the notebooks (confusions, cue cases, cities)
    tagger.cli             python -m course_lib.tagger train | predict | evaluate
    tagger.helptext        what its --help prints besides the options
    tagger.commands        train (tagger.runs: several seeds summarised)
    tagger.apply           predict and evaluate with a saved model

Nothing is imported here, so ``python -m course_lib.tagger --help`` starts fast; import the
module you need, e.g. ``from course_lib.tagger.train import fit``.
"""
