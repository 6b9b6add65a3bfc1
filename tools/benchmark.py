"""Measure the course's speed and write ``benchmarks/RESULTS.md``.

    python -m tools.benchmark [--repeats 3] [--notebooks 00 03 ...] [--skip-notebooks]
                              [--with-tests] [--out benchmarks/RESULTS.md]

Three measurements, each checked against the course's budgets (each notebook ≤ 60 s, the series ≤ 5 min,
numpy layers at most 3× slower than torch's):

1. every notebook executed top to bottom from a fresh kernel (nbclient, as
   ``tools.execute_notebooks`` does, kernel cwd ``notebooks/``, progress bars off), the
   median wall time of ``--repeats`` runs (kernel start and shutdown included, as under nbval)
   and the kernel's peak resident memory (``VmHWM`` of the kernel process); budget ≤ 60 s a
   notebook and ≤ 5 min for the series (the sum of the medians). The notebooks are executed in
   memory: nothing is written into ``notebooks/``;
2. numpy forward + backward against ``torch.nn.RNN/LSTM/GRU`` forward + backward on the same
   weights and inputs (N=32, T=50, D=32, H=64, float64 and float32), both on ``--threads``
   threads (torch through ``torch.set_num_threads``, numpy's BLAS through threadpoolctl),
   timed alternately; the ratio is the median of the per-repeat ratios; budget ≤ 3×;
3. with ``--with-tests``, the wall time of the test command (``make test`` by default).

Figures are medians on the machine described at the top of the file. Measure on an idle
machine: the file records the load average, and numbers taken under load are pessimistic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from tools.executor import execute, notebook_client
from tools.notebooks import NOTEBOOKS as NOTEBOOK_DIR
from tools.notebooks import ROOT, select_notebooks

DEFAULT_OUT = ROOT / "benchmarks" / "RESULTS.md"

NOTEBOOK_BUDGET_S = 60.0
SERIES_BUDGET_S = 300.0
RATIO_BUDGET = 3.0
SIZES = {"N": 32, "T": 50, "D": 32, "H": 64}
CELLS = ("rnn", "lstm", "gru")
OVER = "⚠ over budget"


# ---- the machine ---------------------------------------------------------------------------
def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (``platform.processor()`` elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_info() -> str:
    """numpy's BLAS library and its thread count, as threadpoolctl sees them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(f"{p['internal_api']} {p.get('version')} ({p['num_threads']} threads)"
                     for p in pools) or "none found"


def machine_info() -> dict:
    """CPU, cores, load and versions: what a reader needs to judge the numbers."""
    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": cores,
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "blas": blas_info(),
        "platform": platform.platform(),
    }


# ---- notebooks -----------------------------------------------------------------------------
def peak_rss_mib(pid: int) -> float | None:
    """The peak resident set size (``VmHWM``) of process ``pid`` in MiB; None if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # the kernel reports kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def execute_notebook(path: Path, timeout: int = 600) -> tuple[float, float | None]:
    """Execute ``path`` in memory from a fresh kernel; return (wall seconds, peak RSS in MiB).

    The kernel's cwd is the notebook's folder and its environment has COURSE_LIB_PROGRESS=0.
    The executed notebook is thrown away, so the file on disk is never touched. The peak RSS
    is read from /proc after every cell (VmHWM only grows, so the last reading, taken before
    the kernel shuts down, is the peak of the whole run).
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    peak: list[float] = []

    def after_cell(**_) -> None:
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        mib = peak_rss_mib(pid) if pid else None
        if mib is not None:
            peak.append(mib)

    client = notebook_client(nb, path.parent, timeout, on_cell_executed=after_cell)
    seconds = execute(client)
    return seconds, (max(peak) if peak else None)


def measure_notebooks(paths: list[Path], repeats: int, log=print) -> list[dict]:
    """Per notebook: every run's seconds, the median, the peak RSS, or the error it raised."""
    rows = []
    for path in paths:
        row = {"name": path.name, "seconds": [], "peak_mib": None, "error": None}
        for k in range(repeats):
            try:
                seconds, mib = execute_notebook(path)
            except Exception as err:  # a failing notebook is a result, not a crash of the tool
                last = (str(err).strip().splitlines() or [""])[-1]  # the exception line
                row["error"] = f"{type(err).__name__}: {last[:200]}"
                log(f"{path.name}: run {k + 1} failed: {row['error']}")
                break
            row["seconds"].append(seconds)
            if mib is not None:
                row["peak_mib"] = max(row["peak_mib"] or 0.0, mib)
            log(f"{path.name}: run {k + 1}/{repeats} {seconds:.1f} s, peak RSS "
                f"{'?' if mib is None else f'{mib:.0f} MiB'}")
        row["median"] = statistics.median(row["seconds"]) if row["seconds"] else None
        rows.append(row)
    return rows


# ---- numpy against torch -------------------------------------------------------------------
def _time_once(fn, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def _problem(cell: str, dtype, N: int, T: int, D: int, H: int, seed: int):
    """numpy and torch closures computing the same forward + backward, or None if unavailable."""
    try:
        mod = importlib.import_module(f"course_lib.{cell}_np")
        import torch
    except ImportError:
        return None
    rng = np.random.default_rng(seed)
    params = {k: v.astype(dtype) for k, v in mod.init_params(D, H, rng).items()}
    x = rng.standard_normal((N, T, D)).astype(dtype)
    h0 = np.zeros((N, H), dtype=dtype)
    dh = rng.standard_normal((N, T, H)).astype(dtype)
    forward, backward = getattr(mod, f"{cell}_forward"), getattr(mod, f"{cell}_backward")

    def numpy_step():
        h, cache = forward(x, h0, h0, params) if cell == "lstm" else forward(x, h0, params)
        backward(dh, cache)
        return h

    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    module = getattr(torch.nn, cell.upper())(D, H, batch_first=True).to(tdtype)
    mod.params_to_torch(params, module)
    # numpy also returns ∂L/∂x and ∂L/∂h0, so torch computes them too
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.zeros((1, N, H), dtype=tdtype, requires_grad=True)
    c0t = torch.zeros((1, N, H), dtype=tdtype, requires_grad=True)
    dht = torch.tensor(dh)

    def torch_step():
        module.zero_grad(set_to_none=True)
        xt.grad = h0t.grad = c0t.grad = None
        out, _ = module(xt, (h0t, c0t) if cell == "lstm" else h0t)
        out.backward(dht)
        return out

    return numpy_step, torch_step


def compare_cell(cell: str, dtype=np.float64, N: int = 32, T: int = 50, D: int = 32, H: int = 64,
                 repeats: int = 7, min_time: float = 0.2, threads: int = 1, seed: int = 0) -> dict:
    """Time numpy against torch, forward + backward of one layer on the same data.

    Both run on ``threads`` threads. Each repeat times numpy then torch (alternating, so a
    change of machine load hits both), each over enough calls to last ``min_time`` seconds.

    Returns:
        ``{"cell", "dtype", "numpy_ms", "torch_ms", "ratio", "max_abs_diff"}`` with medians
        over the repeats (``ratio`` is the median of the per-repeat ratios numpy/torch) and the
        largest |h_numpy - h_torch| (a check that both compute the same thing);
        ``{"cell", "dtype", "error": "not available"}`` if the numpy module is missing.
    """
    import torch

    name = np.dtype(dtype).name
    problem = _problem(cell, dtype, N, T, D, H, seed)
    if problem is None:
        return {"cell": cell, "dtype": name, "error": "not available"}
    numpy_step, torch_step = problem
    old_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
        limits = threadpool_limits(limits=threads, user_api="blas")
    except ImportError:
        limits = None
    try:
        diff = float(np.max(np.abs(numpy_step() - torch_step().detach().numpy())))  # + warm-up
        number = {}
        for key, fn in (("numpy", numpy_step), ("torch", torch_step)):
            once = _time_once(fn, 1)
            number[key] = max(1, math.ceil(min_time / max(once, 1e-9)))
        times = {"numpy": [], "torch": []}
        for _ in range(repeats):
            times["numpy"].append(_time_once(numpy_step, number["numpy"]))
            times["torch"].append(_time_once(torch_step, number["torch"]))
    finally:
        torch.set_num_threads(old_threads)
        if limits is not None:
            limits.restore_original_limits()
    ratios = [a / b for a, b in zip(times["numpy"], times["torch"], strict=True)]
    return {
        "cell": cell, "dtype": name,
        "numpy_ms": 1e3 * statistics.median(times["numpy"]),
        "torch_ms": 1e3 * statistics.median(times["torch"]),
        "ratio": statistics.median(ratios), "max_abs_diff": diff,
    }


def measure_ratios(repeats: int, min_time: float, threads: int, log=print) -> list[dict]:
    rows = []
    for cell in CELLS:
        for dtype in (np.float64, np.float32):
            row = compare_cell(cell, dtype, **SIZES, repeats=repeats, min_time=min_time,
                               threads=threads)
            rows.append(row)
            if "error" in row:
                log(f"{cell} {row['dtype']}: {row['error']}")
            else:
                log(f"{cell} {row['dtype']}: numpy {row['numpy_ms']:.2f} ms, torch "
                    f"{row['torch_ms']:.2f} ms, ratio {row['ratio']:.2f}")
    return rows


# ---- the test command ----------------------------------------------------------------------
def time_command(command: str) -> dict:
    """Run ``command`` in a shell at the repository root; its wall time and exit code."""
    start = time.perf_counter()
    proc = subprocess.run(command, shell=True, cwd=ROOT)
    return {"command": command, "seconds": time.perf_counter() - start,
            "returncode": proc.returncode}


# ---- the report ----------------------------------------------------------------------------
def _status(value: float | None, budget: float) -> str:
    return "—" if value is None else ("ok" if value <= budget else OVER)


def render(machine: dict, notebooks: list[dict] | None, ratios: list[dict] | None,
           tests: dict | None, args: argparse.Namespace, load_after) -> str:
    """The markdown of RESULTS.md."""
    load = machine["load"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {machine['date']} with `{args.command_line}`.",
        "",
        "| machine | |",
        "|---|---|",
        f"| CPU | {machine['cpu']} |",
        f"| cores available | {machine['cores']} |",
        f"| load average (1 min) before / after | "
        f"{'?' if load is None else f'{load[0]:.2f}'} / "
        f"{'?' if load_after is None else f'{load_after[0]:.2f}'} |",
        f"| Python / numpy / torch | {machine['python']} / {machine['numpy']} / "
        f"{machine['torch']} |",
        f"| numpy BLAS | {machine['blas']} |",
        f"| platform | {machine['platform']} |",
        "",
    ]
    if load is not None and max(load[0], (load_after or load)[0]) > machine["cores"]:
        lines += [f"**The machine was loaded** (load average above its {machine['cores']} "
                  "cores): these figures are pessimistic. Re-run on an idle machine.", ""]
    over = [f"{r['name']} ({r['median']:.0f} s)" for r in notebooks or []
            if r["median"] is not None and r["median"] > NOTEBOOK_BUDGET_S]
    series = sum(r["median"] for r in notebooks or [] if r["median"] is not None)
    if series > SERIES_BUDGET_S:
        over.append(f"the series ({series:.0f} s)")
    over += [f"{r['cell']} {r['dtype']} ({r['ratio']:.1f}×)" for r in ratios or []
             if r.get("ratio", 0) > RATIO_BUDGET]
    failed = [r["name"] for r in notebooks or [] if r["error"]]
    lines += ["**Budgets:** " + ("over budget: " + ", ".join(over) if over else
                                 "all measured figures within budget")
              + (f"; failed to execute: {', '.join(failed)}" if failed else "") + ".", ""]
    if notebooks is not None:
        total = series
        lines += [
            "## Notebooks",
            "",
            f"Each notebook executed {args.repeats}× in memory from a fresh kernel (nbclient, "
            "kernel start and shutdown included, cwd `notebooks/`, `COURSE_LIB_PROGRESS=0`); "
            "median wall time, and the kernel process's peak resident memory (VmHWM). "
            f"Budget: ≤ {NOTEBOOK_BUDGET_S:.0f} s each, ≤ {SERIES_BUDGET_S / 60:.0f} min for "
            "the series (sum of the medians).",
            "",
            "| notebook | median (s) | runs (s) | peak RSS (MiB) | budget |",
            "|---|---:|---|---:|---|",
        ]
        for r in notebooks:
            runs = ", ".join(f"{s:.1f}" for s in r["seconds"]) or "—"
            med = "—" if r["median"] is None else f"{r['median']:.1f}"
            mem = "—" if r["peak_mib"] is None else f"{r['peak_mib']:.0f}"
            status = f"failed: {r['error']}" if r["error"] else _status(r["median"],
                                                                        NOTEBOOK_BUDGET_S)
            lines.append(f"| {r['name']} | {med} | {runs} | {mem} | {status} |")
        lines.append(f"| **series** | **{total:.1f}** | | | "
                     f"{_status(total, SERIES_BUDGET_S)}"
                     f"{' (incomplete: a notebook failed)' if failed else ''} |")
        lines.append("")
    if ratios is not None:
        n, t, d, h = (SIZES[k] for k in "NTDH")
        lines += [
            "## numpy against torch",
            "",
            f"Forward + backward of one layer (N={n}, T={t}, D={d}, H={h}; gradients of the "
            "weights, the input and h0), the course's numpy code against `torch.nn.RNN/LSTM/GRU`"
            f" on the same weights and data. Both on {args.threads} thread(s): "
            f"`torch.set_num_threads({args.threads})`, numpy's BLAS limited with threadpoolctl. "
            f"Medians of {args.ratio_repeats} alternating repeats, each ≥ {args.min_time} s of "
            "calls; the ratio is the median of the per-repeat ratios. "
            f"Budget: numpy ≤ {RATIO_BUDGET:.0f}× torch.",
            "",
            "| cell | dtype | numpy (ms) | torch (ms) | numpy / torch | max abs diff of h "
            "| budget |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for r in ratios:
            if "error" in r:
                lines.append(f"| {r['cell']} | {r['dtype']} | — | — | — | — | {r['error']} |")
            else:
                lines.append(
                    f"| {r['cell']} | {r['dtype']} | {r['numpy_ms']:.2f} | {r['torch_ms']:.2f} | "
                    f"{r['ratio']:.2f}× | {r['max_abs_diff']:.1e} | "
                    f"{_status(r['ratio'], RATIO_BUDGET)} |")
        lines.append("")
    if tests is not None:
        outcome = "passed" if tests["returncode"] == 0 else f"exit code {tests['returncode']}"
        lines += ["## Test command", "",
                  f"`{tests['command']}`: {tests['seconds']:.0f} s ({outcome}).", ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3,
                        help="executions of each notebook (default: %(default)s)")
    parser.add_argument("--notebooks", nargs="+", metavar="NN",
                        help="only these notebooks (number prefixes such as 03, or paths)")
    parser.add_argument("--skip-notebooks", action="store_true", help="no notebook timings")
    parser.add_argument("--skip-ratios", action="store_true", help="no numpy-vs-torch timings")
    parser.add_argument("--ratio-repeats", type=int, default=7,
                        help="repeats of each numpy/torch timing (default: %(default)s)")
    parser.add_argument("--min-time", type=float, default=0.2,
                        help="seconds of calls in one numpy/torch timing (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch and BLAS threads for numpy vs torch (default: %(default)s)")
    parser.add_argument("--with-tests", action="store_true",
                        help="also time the test command (long)")
    parser.add_argument("--test-command", default="make test",
                        help="what --with-tests times (default: %(default)r)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="markdown file to write (default: benchmarks/RESULTS.md)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.ratio_repeats < 1 or args.threads < 1 or args.min_time < 0:
        parser.error("--repeats, --ratio-repeats and --threads must be ≥ 1, --min-time ≥ 0")
    try:
        paths = [] if args.skip_notebooks else select_notebooks(args.notebooks, NOTEBOOK_DIR)
    except ValueError as err:
        parser.error(str(err))
    args.command_line = "python -m tools.benchmark" + "".join(
        f" {a}" for a in (sys.argv[1:] if argv is None else argv))

    machine = machine_info()
    if machine["load"] and machine["load"][0] > machine["cores"]:
        print(f"warning: load average {machine['load'][0]:.1f} on {machine['cores']} cores; "
              "timings will be pessimistic", file=sys.stderr)
    notebooks = None if args.skip_notebooks else measure_notebooks(paths, args.repeats)
    ratios = None if args.skip_ratios else measure_ratios(args.ratio_repeats, args.min_time,
                                                          args.threads)
    tests = time_command(args.test_command) if args.with_tests else None
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    text = render(machine, notebooks, ratios, tests, args, load_after)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    failed = notebooks is not None and any(r["error"] for r in notebooks)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
