"""The clipping experiment (course_lib.experiments.clipping), its stored result and its figures."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.experiments import clipping as exp
from course_lib.experiments.catalog import experiments
from course_lib.experiments.runs import run_cue
from course_lib.experiments.store import load_result
from course_lib.plots import clipping as plots

SMALL = dict(exp.CONFIG, steps=120, seeds=[0, 1], lrs=[0.3, 1.0], thresholds=[0.01, 1.0],
             n_valid=50, n_test=50, window=20)


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def test_listed_in_the_catalog():
    assert experiments()[exp.NAME] is exp.EXPERIMENT
    assert exp.EXPERIMENT.notebook == "04" and exp.EXPERIMENT.version == exp.VERSION


def test_one_run_records_what_the_notebook_checks():
    r = exp.cue_run(0, 0.3, None, SMALL)
    ref = run_cue("tanh", SMALL["distance"], SMALL["steps"], 0.3, optimizer="sgd", seed=0,
                  n_test=SMALL["n_test"], embed_size=SMALL["embed_size"])
    # the same run as the course's runner: the hooks that measure the shares change nothing
    assert r["test_acc"] == ref.score
    assert r["max_norm"] == pytest.approx(max(ref.history.grad_norm), rel=1e-3)
    assert r["clipped_steps"] == 0 and r["first_clipped"] is None and not r["diverged"]
    assert 0 <= r["readout_share_at_max"] <= 1 and 0 <= r["recurrent_share_at_max"] <= 1
    assert r["readout_share_at_max"] + r["recurrent_share_at_max"] <= 1 + 1e-3
    assert 0 <= r["valid_acc"] <= 1 and r["steps_run"] == SMALL["steps"]
    # a threshold far below every gradient norm clips every step
    tiny = exp.cue_run(0, 0.3, 1e-4, SMALL)
    assert tiny["clipped_steps"] == SMALL["steps"] and tiny["first_clipped"] == 0


def test_shares_are_the_per_parameter_gradient_norms():
    """One step: the shares equal ‖∂L/∂p‖² / ‖g‖² computed here by plain autograd."""
    import torch.nn.functional as F

    from course_lib.experiments.models import make_model
    from course_lib.experiments.runs import cue_data

    cfg = dict(SMALL, steps=1)
    r = exp.cue_run(1, 0.3, None, cfg)
    model = make_model("tanh", cfg["embed_size"], cfg["hidden_size"], cfg["n_classes"],
                       vocab_size=cfg["vocab_size"], seed=1)
    x, y = cue_data(cfg["batch_size"], cfg["distance"], 1, 0)
    F.cross_entropy(model(x), y).backward()
    sq = {n: float((p.grad.double() ** 2).sum()) for n, p in model.named_parameters()}
    total = sum(sq.values())
    assert r["max_norm"] == pytest.approx(math.sqrt(total), rel=1e-3)
    assert r["recurrent_share_at_max"] == pytest.approx(
        sum(sq[k] for k in exp.RECURRENT) / total, rel=2e-3)
    assert r["readout_share_at_max"] == pytest.approx(
        sum(sq[k] for k in exp.READOUT) / total, rel=2e-3)


def test_first_difference():
    assert exp.first_difference([1.0, 2.0, 3.0], [1.0, 2.0, 4.0]) == 2
    assert exp.first_difference([1.0, 2.0], [1.0, 2.0]) is None
    assert exp.first_difference([math.nan], [math.nan]) == 0  # NaN never equals itself


def test_the_pair_differs_only_after_clipping_first_fires():
    pair = exp.main_pair(0, dict(SMALL, tau=0.5))
    first = pair["clipped"]["first_clipped"]
    assert first is not None, "pick a threshold the small run crosses"
    assert pair["first_difference"] == first + 1  # the loss of step k is taken before step k
    assert len(pair["plain"]["loss_blocks"]) == SMALL["steps"] // SMALL["block"]
    assert "loss" not in pair["plain"] and "grad_norm" not in pair["clipped"]
    assert pair["plain"]["clipped_at"] == []
    live = exp.cue_run(0, SMALL["lr"], 0.5, SMALL, traces=True)
    assert live["clipped_at"] == pair["clipped"]["clipped_at"]
    assert len(live["loss"]) == len(live["grad_norm"]) == SMALL["steps"]


def test_run_shares_runs_between_sweeps():
    config, results = exp.run(SMALL)
    assert config == SMALL
    assert set(results["pairs"]) == {"0", "1"}
    main = results["lr_sweep"]["none"]["0.3"]
    assert [r["test_acc"] for r in main] == [results["pairs"][s]["plain"]["test_acc"]
                                             for s in ("0", "1")]
    assert "loss_blocks" not in main[0]
    assert set(results["threshold_sweep"]) == {"0.01", "1.0"}
    assert results["threshold_sweep"]["0.01"][0]["clipped_steps"] == SMALL["steps"]


def test_reproduce_finds_mismatches():
    seed = 0
    stored = {"pairs": {str(seed): exp.main_pair(seed, SMALL)}}
    assert exp.reproduce(stored, seed=seed, cfg=SMALL) == []
    bad = {"pairs": {str(seed): {arm: dict(stored["pairs"][str(seed)][arm])
                                 for arm in ("plain", "clipped")}}}
    bad["pairs"][str(seed)]["clipped"]["test_acc"] = 1.5
    bad["pairs"][str(seed)]["plain"]["loss_blocks"] = [
        v * 1.01 for v in stored["pairs"][str(seed)]["plain"]["loss_blocks"]]
    problems = exp.reproduce(bad, seed=seed, cfg=SMALL)
    assert len(problems) == 2
    assert any("clipped: test accuracy" in p for p in problems)
    assert any("plain: first" in p for p in problems)


def test_compare_pair_judges_outcomes():
    blocks = {"loss_blocks": [1.4, 1.3]}
    cfg = dict(SMALL, block=250)  # EARLY = 500 steps = the two blocks
    pair = lambda a, b: {"plain": dict(blocks, test_acc=a), "clipped": dict(blocks, test_acc=b)}
    # a failed run may end on another plateau; a solved one must stay solved
    assert exp.compare_pair(pair(0.2, 1.0), pair(0.51, 0.98), 3, cfg) == []
    assert len(exp.compare_pair(pair(0.2, 1.0), pair(0.96, 1.0), 3, cfg)) == 1
    assert len(exp.compare_pair(pair(0.2, 1.0), pair(0.2, 0.9), 3, cfg)) == 1


def test_stored_result_matches_the_code():
    record = load_result(exp.NAME, exp.VERSION)
    assert record["config"] == exp.CONFIG, "the stored result was made with another CONFIG"
    res = record["results"]
    seeds = [str(s) for s in exp.CONFIG["seeds"]]
    assert sorted(res["pairs"]) == sorted(seeds)
    assert set(res["threshold_sweep"]) == {str(t) for t in exp.CONFIG["thresholds"]}
    for arm in ("none", "clipped"):
        assert set(res["lr_sweep"][arm]) == {str(lr) for lr in exp.CONFIG["lrs"]}
    for seed in seeds:
        pair = res["pairs"][seed]
        n_blocks = exp.CONFIG["steps"] // exp.CONFIG["block"]
        assert len(pair["plain"]["loss_blocks"]) == n_blocks
        clipped = pair["clipped"]
        assert len(clipped["clipped_at"]) == clipped["clipped_steps"]
        if clipped["first_clipped"] is not None:
            assert pair["first_difference"] == clipped["first_clipped"] + 1


# --- figures ----------------------------------------------------------------------------

def _legend_clear_of_axes(fig: Figure) -> None:
    """Every legend lies outside every panel: no label can sit on a curve."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    assert legends, "the figure has no legend"
    texts = [t for ax in fig.axes for t in ax.texts]
    assert not texts, f"text drawn inside a panel: {[t.get_text() for t in texts]}"
    for leg in legends:
        box = leg.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), "legend over a panel"


def test_figures_return_figures_with_legends_outside():
    rng = np.random.default_rng(0)
    plain = {"loss": list(rng.random(50) + 1), "grad_norm": list(rng.random(50) * 3),
             "clipped_at": []}
    clipped = {"loss": list(rng.random(50)), "grad_norm": list(rng.random(50) * 3),
               "clipped_at": [3, 10, 11]}
    figs = [plots.plot_clipping_pair(plain, clipped, 1.0, title="t")]
    run = {"loss_blocks": [1.0, 0.5, 0.1], "norm_blocks": [0.5, 20.0, 0.3]}
    figs.append(plots.plot_seed_traces({"0": {"plain": run, "clipped": run},
                                        "1": {"plain": run, "clipped": run}}, 1.0, 10))
    figs.append(plots.plot_lr_sweep([0.1, 1.0], {"no clipping": [[0.3, 1.0], [0.25, 0.5]],
                                                 "clipped": [[1.0, 1.0], [1.0, 0.9]]},
                                    chance=0.25, solved=0.95))
    figs.append(plots.plot_threshold_sweep(
        [0.1, 1.0, 10.0], [[1.0, 0.5], [1.0, 1.0], [0.3, 1.0]], [[900, None], [300, 400],
                                                                 [None, 500]],
        [[100.0, 90.0], [5.0, 2.0], [0.0, 0.1]], steps=1000, heuristic=(0.3, 6.0),
        unclipped=([0.25, 0.5], [None, None]), solved=0.95, level=0.1))
    for fig in figs:
        assert isinstance(fig, Figure)
        _legend_clear_of_axes(fig)
    labels = figs[3].legends[0].get_texts()
    assert any("Pascanu" in t.get_text() for t in labels)
    assert any("no clipping" in t.get_text() for t in labels)
