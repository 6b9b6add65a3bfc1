"""Smoke tests of the measuring tools: ``tools.benchmark`` on notebook 00 with one repeat,
the numpy-vs-torch timing on tiny sizes, and the run comparison of
``tools.check_determinism`` on hand-made notebooks (no kernel)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tools import benchmark, check_determinism

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_runs_notebook_00_without_touching_it(tmp_path):
    nb = next((ROOT / "notebooks").glob("00_*.ipynb"))
    before = nb.read_bytes()
    out = tmp_path / "RESULTS.md"
    code = benchmark.main(["--repeats", "1", "--notebooks", "00", "--ratio-repeats", "1",
                           "--min-time", "0", "--out", str(out)])
    assert code == 0
    assert nb.read_bytes() == before, "the benchmark wrote into notebooks/"
    text = out.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"| {nb.name} |"))
    seconds, peak = float(row.split("|")[2]), float(row.split("|")[4])
    assert 0 < seconds < 600 and 50 < peak < 10_000  # a kernel uses tens to thousands of MiB
    assert "| rnn | float64 |" in text and "CPU" in text and "numpy BLAS" in text


def test_numpy_torch_comparison_on_tiny_sizes():
    row = benchmark.compare_cell("rnn", np.float64, N=2, T=3, D=2, H=3, repeats=2, min_time=0)
    assert row["numpy_ms"] > 0 and row["torch_ms"] > 0 and row["ratio"] > 0
    assert row["max_abs_diff"] < 1e-12  # both sides compute the same forward pass
    row32 = benchmark.compare_cell("gru", np.float32, N=2, T=3, D=2, H=3, repeats=1, min_time=0)
    assert row32["dtype"] == "float32" and row32["max_abs_diff"] < 1e-5


def test_missing_numpy_module_is_reported_not_raised():
    row = benchmark.compare_cell("nonexistent", np.float64, N=2, T=3, D=2, H=3, repeats=1)
    assert row == {"cell": "nonexistent", "dtype": "float64", "error": "not available"}


def test_unknown_notebook_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        benchmark.main(["--notebooks", "99", "--out", "/dev/null"])
    assert exit_info.value.code == 2
    assert "no notebook matches '99'" in capsys.readouterr().err


def test_report_flags_what_is_over_budget():
    class Args:
        repeats, ratio_repeats, min_time, threads, command_line = 1, 1, 0.2, 1, "cmd"

    machine = {"date": "d", "cpu": "c", "cores": 2, "load": (0.1, 0, 0), "python": "3",
               "numpy": "2", "torch": "2", "blas": "b", "platform": "p"}
    notebooks = [{"name": "01_x.ipynb", "seconds": [70.0], "median": 70.0, "peak_mib": 300.0,
                  "error": None}]
    ratios = [{"cell": "rnn", "dtype": "float64", "numpy_ms": 4.0, "torch_ms": 1.0,
               "ratio": 4.0, "max_abs_diff": 0.0},
              {"cell": "lstm", "dtype": "float64", "error": "not available"}]
    text = benchmark.render(machine, notebooks, ratios, None, Args, (0.1, 0, 0))
    assert "over budget: 01_x.ipynb (70 s), rnn float64 (4.0×)" in text
    assert text.count(benchmark.OVER) == 2 and "not available" in text


def _nb(*cells):
    nb = new_notebook()
    for text, tags in cells:
        cell = new_code_cell("print()", metadata={"tags": tags} if tags else {})
        cell.execution_count = 1
        cell.outputs = [new_output("stream", name="stdout", text=text),
                        new_output("display_data", data={"image/png": text, "text/plain": "F"})]
        nb.cells.append(cell)
    return nb


def test_run_comparison_reports_differing_cells_only():
    sanitizers = check_determinism.load_sanitizers()
    ignore = ["nbval-ignore-output"]
    a = _nb(("loss 0.25 (wall time 1.2 s)\n", None), ("x 1\n", None), ("r 1\n", ignore))
    b = _nb(("loss 0.25 (wall time 3.4 s)\n", None), ("x 2\n", None), ("r 2\n", ignore))
    diffs = check_determinism.compare_runs(a, b, sanitizers)
    assert len(diffs) == 1 and diffs[0].startswith("Cell 1 [stdout]"), diffs
    assert check_determinism.compare_runs(a, nbformat.from_dict(a), sanitizers) == []
