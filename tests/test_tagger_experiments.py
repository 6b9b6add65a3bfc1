"""The tagger experiments: their building blocks, and the stored results notebook 09 loads."""

import pytest

from course_lib.batching import build_vocabs
from course_lib.experiments import tagger_ablation, tagger_decoding, tagger_grid
from course_lib.experiments.catalog import experiments
from course_lib.experiments.store import MissingResultError, load_result
from course_lib.experiments.tagger_runs import compare, mean_sd, train_run


def test_listed_in_the_catalog():
    found = experiments()
    assert found["tagger_grid"] is tagger_grid.EXPERIMENT
    assert found["tagger_ablation"] is tagger_ablation.EXPERIMENT
    assert found["tagger_decoding"] is tagger_decoding.EXPERIMENT
    assert {e.notebook for e in (tagger_grid.EXPERIMENT, tagger_ablation.EXPERIMENT,
                                 tagger_decoding.EXPERIMENT)} == {"09"}


def test_harder_corpus_is_small_and_reproducible():
    a, b = tagger_decoding.harder_corpus(), tagger_decoding.harder_corpus()
    assert {k: len(v) for k, v in a.items()} == {"train": 300, "dev": 300, "test": 600}
    assert a == b


def test_train_run_records_dev_and_test_per_decoder():
    corpus = tagger_decoding.harder_corpus()
    small = {k: v[:60] for k, v in corpus.items()}
    vocabs = build_vocabs(small["train"])
    record, model = train_run(small, vocabs, seed=0, lr=0.01,
                              model=dict(embedding_dim=8, hidden_size=8, char_channels=4,
                                         char_embedding_dim=4),
                              training=dict(epochs=2, patience=1, batch_size=16),
                              decoders=("viterbi", "argmax"))
    assert set(record["dev"]) == set(record["test"]) == {"viterbi", "argmax"}
    assert record["epochs"] <= 2 and 0 <= record["dev_score"] <= 1
    assert record["dev"]["viterbi"]["invalid_iob2"] == 0.0 and not model.training


def test_mean_sd_and_compare():
    assert mean_sd([1.0, 3.0]) == (2.0, pytest.approx(2 ** 0.5))
    assert mean_sd([5.0]) == (5.0, 0.0)
    assert compare({"a": 0.5}, {"a": 0.51}, {"a": 0.02}, "x") == []
    assert compare({"a": 0.5}, {"a": 0.6}, {"a": 0.02}, "x") == [
        "x a: stored 0.5, re-run 0.6 (tolerance 0.02)"]


@pytest.mark.parametrize("name,version", [("tagger_grid", 2), ("tagger_ablation", 2),
                                          ("tagger_decoding", 1)])
def test_stored_results_are_complete(name, version):
    try:
        record = load_result(name, version)
    except MissingResultError as err:
        pytest.fail(str(err))
    results = record["results"]
    if name == "tagger_grid":
        assert len(results["configs"]) == 12
        assert all(len(c["runs"]) == 3 for c in results["configs"].values())
    elif name == "tagger_ablation":
        assert set(results["components"]) == set(tagger_ablation.COMPONENTS)
    else:
        assert set(results["decoding"]) == {"course", "harder"}
