"""``train``, and what the three commands of ``python -m course_lib.tagger`` share (parsed by
:mod:`course_lib.tagger.cli`; ``predict`` and ``evaluate`` are in :mod:`course_lib.tagger.apply`).

Each takes the parsed arguments and returns the exit status: 0 done, 2 bad input (the message,
on stderr, names the file and line), 3 training diverged. Bad data is found before torch is
imported, so it fails fast; no traceback reaches the user for any of these.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

from course_lib.data import load_corpus
from course_lib.tagger.cli import PROG
from course_lib.tagger.runs import mean_sd_line, summarise

PERCENT_KEYS = ("slot_f1", "precision", "recall", "intent_accuracy", "sentence_accuracy",
                "token_accuracy", "invalid_iob2")


def _fail(message: str, status: int = 2) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


# the training settings that are not part of the model's config, echoed in the JSON line
TRAINING_OPTIONS = ("epochs", "max_steps", "patience", "batch_size", "lr", "schedule",
                    "rare_word_dropout", "lr_decay", "clip", "intent_weight")


def _percent(metrics: dict, prefix: str = "") -> dict:
    return {prefix + k: (None if metrics[k] is None else round(100 * metrics[k], 2))
            for k in PERCENT_KEYS}


def _torch(args):
    """Import torch with this machine's settings; returns (torch, device) or raises ValueError."""
    # Idle OpenMP threads must sleep, not spin: with spinning, two threads on a busy 2-core
    # machine were measured 10× slower than one. Must be set before torch is imported.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    torch.set_num_threads(args.threads or cores or 1)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: no CUDA device is available to torch "
                         "(use --device cpu or auto)")
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    return torch, torch.device("cuda" if use_cuda else "cpu")


def _peak_memory_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


@contextlib.contextmanager
def _progress_off(off: bool):
    """Progress bars off while training (restored afterwards: ``main`` may run in-process)."""
    old = os.environ.get("COURSE_LIB_PROGRESS")
    if off:
        os.environ["COURSE_LIB_PROGRESS"] = "0"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("COURSE_LIB_PROGRESS", None)
        else:
            os.environ["COURSE_LIB_PROGRESS"] = old


def train(args) -> int:
    with _progress_off(args.quiet):
        return _train(args)


def _train(args) -> int:
    start, cpu_start = time.perf_counter(), time.process_time()
    save = None if args.save is None else Path(args.save)
    if save is not None:
        from course_lib.data import DEV_NAMES, FILES
        from course_lib.tagger.io import save_path_problem

        corpus_files = [Path(args.data_dir, split, name) for split in ("train", *DEV_NAMES, "test")
                        for name in FILES]
        problem = save_path_problem(args.save, args.overwrite, keep=corpus_files)
        if problem:
            return _fail(problem)
    try:
        corpus = load_corpus(args.data_dir, strict_iob=args.strict_iob)
        torch, device = _torch(args)
    except (OSError, ValueError) as err:
        return _fail(str(err))
    from course_lib import seed_everything
    from course_lib.batching import build_vocabs
    from course_lib.tagger.evaluate import evaluate, format_report, selection_score, slot_report
    from course_lib.tagger.inputs import is_lowercase
    from course_lib.tagger.io import save_tagger
    from course_lib.tagger.model import SlotTagger, count_parameters, make_config
    from course_lib.tagger.train import NonFiniteError, fit

    vocabs = build_vocabs(corpus["train"])
    lowercase = is_lowercase(t for ex in corpus["train"] for t in ex.tokens)
    config = make_config(
        vocabs, char_features=not args.no_chars, cell=args.cell,
        bidirectional=args.direction == "bi", num_layers=args.layers, hidden_size=args.hidden,
        embedding_dim=args.embedding, char_channels=args.char_channels, dropout=args.dropout,
        word_dropout=args.word_dropout, crf=args.output_layer == "crf",
        intent_to_slots=args.intent_to_slots, token_intent=args.intent_level == "token",
        attention=args.attention)
    runs, best = [], None
    max_seconds = None if math.isinf(args.max_minutes) else args.max_minutes * 60
    for seed in range(args.seed, args.seed + args.seeds):
        seed_everything(seed, threads=torch.get_num_threads())
        model = SlotTagger(config).to(device)

        def show(h, seed=seed):
            if args.quiet:
                return
            d = h.dev[-1]
            dev = (f", dev slot F1 {100 * d['slot_f1']:.2f} intent "
                   f"{100 * (d['intent_accuracy'] or 0):.2f} sentence "
                   f"{100 * d['sentence_accuracy']:.2f}" if d else "")
            kept = " (best so far)" if h.best_epoch == len(h.epoch_loss) else ""
            done = h.epoch_steps[-1]
            why = "step limit" if h.stopped == "steps" else "time guard"
            cut = (f" [partial: {done} of {h.steps_per_epoch} steps, {why}]"
                   if done < h.steps_per_epoch else "")
            print(f"seed {seed} epoch {len(h.epoch_loss)}{cut}: loss {h.epoch_loss[-1]:.4f}"
                  f"{dev}{kept}", file=sys.stderr, flush=True)

        try:
            hist = fit(model, vocabs, corpus["train"], corpus["dev"], epochs=args.epochs,
                       lr=args.lr, batch_size=args.batch_size, clip_norm=args.clip,
                       patience=args.patience, max_steps=args.max_steps,
                       max_seconds=max_seconds, seed=seed,
                       intent_weight=args.intent_weight, lr_decay=args.lr_decay,
                       schedule=args.schedule, rare_word_dropout=args.rare_word_dropout,
                       decoder=args.decoder,
                       desc=f"seed {seed}", on_epoch=show)
        except NonFiniteError as err:
            return _fail(f"{_diverged(err)}. Nothing was saved.", 3)
        steps_per_epoch, last_steps = hist.steps_per_epoch, hist.epoch_steps[-1]
        partial = last_steps < steps_per_epoch
        best_partial = partial and hist.best_epoch == len(hist.epoch_loss)
        if hist.stopped == "time":
            if not partial:
                where = (f"after epoch {len(hist.epoch_loss)}; its best epoch "
                         f"({hist.best_epoch}) is kept")
            else:
                kept = ("is the one kept" if best_partial
                        else f"is not kept (best epoch: {hist.best_epoch})")
                where = (f"during epoch {len(hist.epoch_loss)}, after {last_steps} of "
                         f"{steps_per_epoch} steps; that partial epoch was scored on dev like "
                         f"the others and {kept}")
            print(f"{PROG}: warning: the time guard (--max-minutes {args.max_minutes:g}) "
                  f"stopped seed {seed} {where}", file=sys.stderr)
        dev = evaluate(model, corpus["dev"], vocabs, args.decoder)
        test = evaluate(model, corpus["test"], vocabs, args.decoder)
        runs.append({"seed": seed, **_percent(test), **_percent(dev, "dev_"),
                     "epochs": len(hist.epoch_loss), "best_epoch": hist.best_epoch,
                     "stopped": hist.stopped, "time_guard_fired": hist.stopped == "time",
                     "steps_per_epoch": steps_per_epoch, "last_epoch_steps": last_steps,
                     "partial_last_epoch": partial, "best_epoch_partial": best_partial,
                     "train_seconds": round(hist.seconds, 1)})
        if best is None or selection_score(dev) > best[0]:
            best = (selection_score(dev), model, test, runs[-1])
    _, model, test, best_run = best
    result = dict(runs[0]) if len(runs) == 1 else summarise(runs)
    if args.report:
        from course_lib.tagger.decode import predict

        pred = [p.tags for p in predict(model, corpus["test"], vocabs, args.decoder)]
        report = slot_report([ex.tags for ex in corpus["test"]], pred)
        which = (f", the run with the best dev score of seeds {args.seed}-{runs[-1]['seed']}"
                 if len(runs) > 1 else "")
        print(f"per-slot report, test split, seed {best_run['seed']}{which}:\n"
              f"{format_report(report, test)}", file=sys.stderr)
        result["per_slot"] = {k: {m: round(100 * v, 2) if isinstance(v, float) else v
                                  for m, v in r.items()} for k, r in report.items()}
        result["per_slot_seed"] = best_run["seed"]
    common = {
        "seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),
        "peak_memory_mb": _peak_memory_mb(), "parameters": count_parameters(model),
        "threads": torch.get_num_threads(), "device": str(device),
        "train_size": len(corpus["train"]), "dev_size": len(corpus["dev"]),
        "test_size": len(corpus["test"]), "lowercase": lowercase, "config": config.to_dict(),
        "training": {**{k: getattr(args, k) for k in TRAINING_OPTIONS},
                     # JSON has no infinity: no guard is null
                     "max_minutes": None if math.isinf(args.max_minutes) else args.max_minutes}}
    result.update(common)
    if save is not None:
        # the file describes the run it holds: its seed and its own scores, not the mean
        info = {**best_run, **common, "seeds": [r["seed"] for r in runs]}
        if len(runs) > 1:  # the command's times cover every seed; the run's own is train_seconds
            info["seconds_all_seeds"] = info.pop("seconds")
            info["cpu_seconds_all_seeds"] = info.pop("cpu_seconds")
        try:
            save_tagger(save, model, vocabs, info=info, lowercase=lowercase)
        except ValueError as err:
            return _fail(f"{save}: {err}", 3)
        except OSError as err:
            return _fail(f"{save}: cannot save the model: {err.strerror or err}")
        result["saved"], result["saved_seed"] = str(save), best_run["seed"]
    if len(runs) > 1 and not args.quiet:
        print(mean_sd_line(result, best_run["seed"], result.get("saved")), file=sys.stderr)
    print(json.dumps(result), flush=True)
    return 0


def _diverged(err: Exception) -> str:
    """The NaN/inf message of ``fit`` with the advice that holds for Adam: a smaller --lr."""
    what = str(err).split(" (try ")[0]  # fit's own advice also names --clip
    return (f"{what} (try a smaller --lr: Adam moves each weight by about --lr per step "
            "whatever the gradient's size, so a smaller --clip does not make the steps smaller)")
