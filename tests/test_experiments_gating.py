"""Tests for the experiments of notebooks 06 and 07: validation streams, learning-rate sweeps and
their selection rule, the LSTM state-gradient measurement, the small-data tagger set-up, and
the stored results the notebooks load."""

import math

import numpy as np
import pytest
import torch

from course_lib import lstm_np
from course_lib.experiments import gru, lstm, sweep
from course_lib.experiments.runs import TEST_STREAM, VALID_STREAM, adding_data, run_adding, run_cue
from course_lib.experiments.store import load_result

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def test_validation_does_not_change_training_and_is_not_the_test_set():
    plain = run_adding("lstm", 6, 12, lr=1e-2, batch_size=8, n_test=40, seed=3)
    valid = run_adding("lstm", 6, 12, lr=1e-2, batch_size=8, n_test=40, seed=3, valid_every=5)
    assert plain.history.loss == valid.history.loss and plain.score == valid.score
    assert valid.history.eval_steps == [5, 10, 12] and len(valid.history.eval["valid"]) == 3
    xv, _ = adding_data(40, 6, 3, VALID_STREAM)
    xt, _ = adding_data(40, 6, 3, TEST_STREAM)
    assert not torch.equal(xv, xt)
    cue = run_cue("gru", 2, 10, lr=1e-2, n_test=50, valid_every=10)
    assert cue.history.eval_steps == [10] and 0.0 <= cue.history.eval["valid"][0] <= 1.0


def _record(arm, lr, seed, valid, task="adding", diverged=False):
    return {"task": task, "arm": arm, "lr": lr, "seed": seed, "valid": valid,
            "valid_steps": [50 * (i + 1) for i in range(len(valid))],
            "test": valid[-1] if valid else math.inf, "diverged": diverged}


def test_selection_uses_validation_means_and_breaks_ties_by_speed():
    records = [_record("lstm", 0.01, s, [0.15, 0.002]) for s in (0, 1)]
    records += [_record("lstm", 0.03, 0, [0.001, 0.0005]), _record("lstm", 0.03, 1, [0.01],
                                                                  diverged=True)]
    assert sweep.select_lr(records, "lstm") == 0.01  # a diverged seed counts as worst
    assert sweep.select_lr(records, "lstm", seeds=[0]) == 0.03
    cue = [_record("gru", lr, s, v, task="cue")
           for lr, v in ((0.01, [0.5, 1.0]), (0.03, [1.0, 1.0])) for s in (0, 1)]
    assert sweep.select_lr(cue, "gru") == 0.03  # both reach 1.0; 0.03 got there sooner
    summary = sweep.summarise(cue, "gru", 0.01)
    assert summary["solved"] == 2 and summary["steps_to_solve"] == [100, 100]
    with pytest.raises(ValueError, match="no records"):
        sweep.select_lr(cue, "lstm")


def test_solved_thresholds():
    assert sweep.solved("adding", 0.01) and not sweep.solved("adding", 0.02)
    assert sweep.solved("cue", 0.95) and not sweep.solved("cue", 0.94)
    with pytest.raises(ValueError, match="task"):
        sweep.solved("copy", 0.5)


def test_arms_build_the_models_they_name():
    fb1 = sweep.build("lstm_fb1", "adding", seed=0).rnn
    H = fb1.hidden_size
    eff = (fb1.bias_ih_l0 + fb1.bias_hh_l0)[H:2 * H].detach()
    assert torch.allclose(eff, torch.ones(H))
    default = sweep.build("lstm", "adding", seed=0).rnn
    assert torch.equal(default.weight_hh_l0, fb1.weight_hh_l0)  # only the forget bias differs
    assert sweep.build("gru", "cue", seed=1)(torch.ones(2, 5, dtype=torch.int64)).shape == (2, 4)


def test_state_gradient_norms_match_autograd():
    """‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ for every t, against torch autograd on an LSTMCell loop."""
    rng = np.random.default_rng(0)
    N, T, D, H = 3, 7, 2, 4
    params = lstm_np.init_params(D, H, rng, scale=1.0, forget_bias=2.0)
    x, dh_last = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    dh_norms, dc_norms = lstm.state_gradient_norms(params, x, dh_last)
    cell = torch.nn.LSTMCell(D, H, dtype=torch.float64)
    with torch.no_grad():
        for name, key in (("weight_ih", "W_ih"), ("weight_hh", "W_hh"), ("bias_ih", "b_ih"),
                          ("bias_hh", "b_hh")):
            getattr(cell, name).copy_(torch.from_numpy(params[key]))
    h = c = torch.zeros(N, H, dtype=torch.float64)
    hs, cs = [], []
    for t in range(T):
        h, c = cell(torch.from_numpy(x[:, t]), (h, c))
        h.retain_grad()
        c.retain_grad()
        hs.append(h)
        cs.append(c)
    (h * torch.from_numpy(dh_last)).sum().backward()
    want_h = [hs[t].grad.norm(dim=1).mean().item() for t in reversed(range(T))]
    want_c = [cs[t].grad.norm(dim=1).mean().item() for t in reversed(range(T))]
    np.testing.assert_allclose(dh_norms, want_h, rtol=1e-10)
    np.testing.assert_allclose(dc_norms, want_c, rtol=1e-10)


def test_amplifying_lstm_scales_the_recurrent_weights_and_opens_the_forget_gates():
    big, plain = lstm.amplifying_lstm(2), sweep.build("lstm", "adding", 2)
    torch.testing.assert_close(big.rnn.weight_hh_l0, lstm.SCALE * plain.rnn.weight_hh_l0)
    H = big.rnn.hidden_size
    eff = (big.rnn.bias_ih_l0 + big.rnn.bias_hh_l0)[H:2 * H]
    assert torch.allclose(eff, torch.full((H,), lstm.FORGET_OPEN))


def test_input_gradient_norms_are_indexed_by_distance():
    model = sweep.build("tanh", "adding", 0)
    x, _ = adding_data(5, 4, 0, 1)
    norms = lstm.input_gradient_norms(model, x)
    assert all(p.grad is None for p in model.parameters())  # leaves the model clean
    xx = x.clone().requires_grad_(True)
    model(xx).sum().backward()
    want = xx.grad.norm(dim=2).mean(dim=0).numpy()
    np.testing.assert_allclose(norms, want[::-1], rtol=1e-6)


def test_small_data_split_uses_the_full_vocabulary_and_one_sample_per_seed():
    small, words, tags, dev, test = gru.small_data_split(0)
    again = gru.small_data_split(0)[0]
    other = gru.small_data_split(1)[0]
    assert len(small) == gru.SMALL["sentences"] and small == again and small != other
    unknown = np.mean([w not in words for ex in dev for w in ex.tokens])
    assert unknown < 0.1  # full-split vocabulary: most dev words are known
    assert all(t in tags for ex in test for t in ex.tags)


def test_stored_results_match_their_configs_and_each_other():
    gating = load_result("lstm_gating", 1)
    cells = load_result("gru_cells", 1)
    for key in ("lrs", "tuning_seeds", "final_seeds", "adding", "cue"):
        assert gating["config"][key] == cells["config"][key], key  # notebook 07 merges them
    for task, arms in (("adding", {"tanh", "lstm", "lstm_fb1"}), ("cue", {"lstm", "lstm_fb1"})):
        runs = gating["results"][task]
        assert {r["arm"] for r in runs} == arms
        for arm in arms:
            lr = sweep.select_lr(runs, arm, lstm.TUNING_SEEDS)
            assert sweep.summarise(runs, arm, lr)["seeds"] == list(lstm.FINAL_SEEDS)
    exploding = load_result("lstm_exploding", 1)["results"]["runs"]
    assert len(exploding) == len(lstm.EXPLODE_ARMS) * len(lstm.FINAL_SEEDS)
    small = load_result("gru_small_data", 1)["results"]["runs"]
    for r in small:
        assert r["dev"] == max(r["dev_per_epoch"]) and r["best_epoch"] >= 1
