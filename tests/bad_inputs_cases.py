"""Bad inputs tried on the course's public functions, and the answer expected for each.

One table, used twice: ``tests/test_bad_inputs.py`` checks every answer, and
``python tests/bad_inputs_cases.py`` writes what each case actually answers into
``tests/BAD_INPUTS.md`` (:func:`render`; a test fails when the committed file is stale).

A :class:`Case` calls ``call(tmp)`` with a fresh empty folder ``tmp`` (for the corpus files).
Either it must raise ``raises`` with a message matching the regex ``match``, or, when
``raises`` is None, the input is legitimate and ``call`` returns a short description of what
happened, which must match ``match`` (e.g. NaN gradients going through clipping, an empty
sequence, an unknown word). The modules are imported inside the calls, so a missing module
only skips its own cases (``needs``). A case with an ``issue`` describes the answer the code
*should* give and is an expected failure (strict: it fails once the code is fixed, so the
marker is removed then); the table shows what the code answers today.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


class Case(NamedTuple):
    what: str  # what was tried, in words
    call: Callable[[Path], object]  # gets an empty temporary folder
    raises: type[BaseException] | None  # None: the call returns a description of the outcome
    match: str  # regex searched in the message (or in the returned description)
    needs: tuple[str, ...] = ()  # modules that must be importable, else the case is skipped
    issue: str = ""  # a known shortcoming: raises/match then state the answer we want


class Outcome(NamedTuple):
    kind: str  # the exception's class name, "returns", or "skipped"
    message: str


class Tried(NamedTuple):
    """One call of a case: what it returned or raised, and the table's row for it."""
    result: object  # what ``call`` returned (None when it raised)
    error: Exception | None  # what it raised
    outcome: Outcome  # for the table, with ``tmp`` replaced by ``<tmp>``


def try_case(case: Case, tmp: Path) -> Tried:
    """Call one case once; keep what it returned or raised, and describe it for the table.
    The test of its answer and the test of the table both read this one call (each case's
    call can take seconds: many run the command-line tagger in a new process)."""
    try:
        result = case.call(tmp)
    except Exception as err:  # the point of the table is to show what is raised
        return Tried(None, err, Outcome(type(err).__name__, str(err).replace(str(tmp), "<tmp>")))
    text = str(result).replace(str(tmp), "<tmp>")
    return Tried(result, None, Outcome("returns", text if len(text) <= 200 else text[:197] + "..."))


def run_case(case: Case, tmp: Path) -> Outcome:
    """Run one case and report what happened, with ``tmp`` replaced by ``<tmp>``."""
    import importlib.util

    missing = [m for m in case.needs if importlib.util.find_spec(m) is None]
    if missing:
        return Outcome("skipped", f"needs {', '.join(missing)}")
    return try_case(case, tmp).outcome


# ---- corpus files --------------------------------------------------------------------------
GOOD = {"seq.in": "show flights to boston\n", "seq.out": "O O O B-toloc.city_name\n",
        "label": "atis_flight\n"}


def write_split(folder: Path, **files: str | bytes) -> Path:
    """A split folder with the three files; keyword arguments replace (or, None, drop) one."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {**GOOD, **{k.replace("_", "."): v for k, v in files.items()}}
    for name, text in contents.items():
        if text is None:
            continue
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def load_split(folder: Path):
    from course_lib.data import load_split as load

    return load(folder)


def _read_back(folder: Path) -> str:
    examples = load_split(folder)
    return f"utterances read: {len(examples)}: " + " | ".join(" ".join(ex.tokens)
                                                             for ex in examples)


def write_corpus(root: Path, splits=("train", "dev", "test")) -> Path:
    for split in splits:
        write_split(root / split)
    return root


def _corpus_cases() -> list[Case]:
    data = ("course_lib.data",)
    return [
        Case("seq.out line with fewer tags than seq.in has tokens",
             lambda t: load_split(write_split(t / "s", seq_out="O O B-toloc.city_name\n")),
             ValueError, r"seq\.out, line 1: 3 tags for 4 tokens", data),
        Case("orphan I- tag (I-X after O)",
             lambda t: load_split(write_split(t / "s", seq_out="O O O I-toloc.city_name\n")),
             ValueError, r"line 1, token 4: 'I-toloc.city_name' follows 'O'", data),
        Case("orphan I- tag with strict_iob=False (as in some public ATIS copies)",
             lambda t: _orphan_lenient(t), None, r"kept as is: \['O', 'O', 'O', 'I-", data),
        Case("tag that is not O, B-X or I-X",
             lambda t: load_split(write_split(t / "s", seq_out="O O O X-city\n")),
             ValueError, r"tag 'X-city' is not 'O', 'B-<type>' or 'I-<type>'", data),
        Case("seq.in that is not UTF-8 (Latin-1 byte)",
             lambda t: load_split(write_split(t / "s", seq_in=b"show caf\xe9 to boston\n")),
             ValueError, r"seq\.in, line 1: invalid UTF-8 \(invalid continuation byte at byte 9 "
             r"of the line\)", data),
        Case("empty seq.in file",
             lambda t: load_split(write_split(t / "s", seq_in="")),
             ValueError, r"seq\.in: file is empty", data),
        Case("files with different numbers of lines",
             lambda t: load_split(write_split(t / "s", label="atis_flight\natis_fare\n")),
             ValueError, r"different line counts", data),
        Case("blank line inside seq.in (and seq.out)",
             lambda t: load_split(write_split(t / "s", seq_in="\n" + GOOD["seq.in"],
                                              seq_out="\n" + GOOD["seq.out"],
                                              label="x\n" + GOOD["label"])),
             ValueError, r"seq\.in, line 1: empty utterance", data),
        Case("blank lines after the last line of seq.in (as an editor may save it)",
             lambda t: _read_back(write_split(t / "s", seq_in=GOOD["seq.in"] + "\n \n")), None,
             r"^utterances read: 1: show flights to boston$", data),
        Case("split folder without its label file",
             lambda t: load_split(write_split(t / "s", label=None)),
             ValueError, r"label: file not found", data),
        Case("split folder that does not exist",
             lambda t: load_split(t / "nowhere"), ValueError, r"split folder not found", data),
        Case("corpus without a dev/ (or valid/) split",
             lambda t: _load_corpus(write_corpus(t / "c", ("train", "test"))),
             ValueError, r"missing split 'dev' \(expected dev/ or valid/\)", data),
        Case("corpus with both dev/ and valid/",
             lambda t: _load_corpus(write_corpus(t / "c", ("train", "dev", "valid", "test"))),
             ValueError, r"both dev/ and valid/ exist", data),
        Case("word never seen in training (Vocab.encode)",
             lambda t: _unknown_word(), None, r"\[2, 1\]: the unknown word maps to <unk> = 1",
             data),
        Case("unknown tag in a tag vocabulary (which has no <unk>)",
             lambda t: _tag_vocab().encode(["O", "B-nowhere"]),
             ValueError, r"not in the vocabulary \(which has no <unk>\): \['B-nowhere'\]", data),
        Case("batch_size=0 for data.batches",
             lambda t: next(_batches(batch_size=0)), ValueError,
             r"batch_size must be >= 1, got 0", data),
    ]


def _orphan_lenient(t: Path) -> str:
    from course_lib.data import load_split as load

    ex = load(write_split(t / "s", seq_out="O O O I-toloc.city_name\n"), strict_iob=False)
    return f"kept as is: {ex[0].tags}"


def _load_corpus(root: Path):
    from course_lib.data import load_corpus

    return load_corpus(root)


def _unknown_word() -> str:
    from course_lib.data import Vocab

    vocab = Vocab.build([["show", "flights"], ["show"]])
    return f"{vocab.encode(['show', 'zanzibar'])}: the unknown word maps to <unk> = " \
           f"{vocab.unk_index}"


def _tag_vocab():
    from course_lib.data import Vocab

    return Vocab.build([["O", "B-toloc.city_name"]], specials=("<pad>",))


def _batches(batch_size: int):
    from course_lib.data import Example, Vocab, batches

    ex = [Example(["show"], ["O"], "atis_flight")]
    return batches(ex, Vocab.build([["show"]]), _tag_vocab(), batch_size=batch_size)


# ---- numpy layers --------------------------------------------------------------------------
N, T, D, H = 2, 5, 3, 4


def _layer(cell: str):
    """(module, params, x, h0, run(x, h0, params) -> (h, cache)) for rnn, lstm or gru."""
    import importlib

    mod = importlib.import_module(f"course_lib.{cell}_np")
    rng = np.random.default_rng(0)
    params = mod.init_params(D, H, rng)
    x = rng.standard_normal((N, T, D))
    h0 = np.zeros((N, H))
    fwd = getattr(mod, f"{cell}_forward")

    def run(x, h0, params):
        if cell == "lstm":  # c0 = 0 of h0's shape
            return fwd(x, h0, np.zeros_like(h0), params)
        return fwd(x, h0, params)

    return mod, params, x, h0, run


def _forward(cell: str, x=None, h0=None, params=None):
    mod, p, x0, h00, run = _layer(cell)
    return run(x0 if x is None else x, h00 if h0 is None else h0, p if params is None else params)


def _backward(cell: str, dh):
    mod, p, x, h0, run = _layer(cell)
    _, cache = run(x, h0, p)
    return getattr(mod, f"{cell}_backward")(dh, cache)


def _integer_weights(cell: str) -> str:
    h, cache = _forward(cell, params={k: v.astype(np.int64) for k, v in _layer(cell)[1].items()})
    return f"runs: h has dtype {h.dtype}, W_ih keeps dtype {cache.params['W_ih'].dtype}"


def _empty_sequence(cell: str) -> str:
    mod, p, x, h0, run = _layer(cell)
    h, cache = run(np.zeros((N, 0, D)), h0, p)
    grads = getattr(mod, f"{cell}_backward")(np.zeros((N, 0, H)), cache)
    zero = all(not np.any(g) for k, g in grads.items())
    return f"h has shape {h.shape}; every gradient is zero: {zero}"


def _length_one(cell: str) -> str:
    """T=1 against torch: the smallest sequence must still be right, not just run."""
    import torch

    mod, p, x, h0, run = _layer(cell)
    x = x[:, :1]
    h, cache = run(x, h0, p)
    dh = np.ones_like(h)
    grads = getattr(mod, f"{cell}_backward")(dh, cache)
    module = getattr(torch.nn, cell.upper())(D, H, batch_first=True).double()
    mod.params_to_torch(p, module)
    out, _ = module(torch.tensor(x))
    out.backward(torch.tensor(dh))
    err = max(np.max(np.abs(h - out.detach().numpy())),
              np.max(np.abs(grads["W_ih"] - module.weight_ih_l0.grad.numpy())))
    return f"h has shape {h.shape}; matches torch: {bool(err < 1e-12)}"


def _layer_cases(cell: str) -> list[Case]:
    mod = (f"course_lib.{cell}_np",)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    other = {"rnn": "lstm", "lstm": "gru", "gru": "rnn"}[cell]
    return [
        Case(f"{cell}_forward: x of shape (T, D), no batch axis",
             lambda t: _forward(cell, x=np.zeros((T, D))), ValueError,
             r"x must have shape \(N, T, D\) with D=3, got \(5, 3\)", mod),
        Case(f"{cell}_forward: x with D=2 for weights made for D=3",
             lambda t: _forward(cell, x=np.zeros((N, T, 2))), ValueError,
             r"x must have shape \(N, T, D\) with D=3, got \(2, 5, 2\)", mod),
        Case(f"{cell}_forward: integer x",
             lambda t: _forward(cell, x=np.zeros((N, T, D), dtype=np.int64)), ValueError,
             r"x must be a floating-point array, got dtype int64", mod),
        Case(f"{cell}_forward: h0 with the wrong batch size",
             lambda t: _forward(cell, h0=np.zeros((N + 1, H))), ValueError,
             r"h0 must have shape \(N, H\) = \(2, 4\), got \(3, 4\)", mod),
        Case(f"{cell}_forward: W_hh of the wrong shape",
             lambda t: _forward(cell, params={**_layer(cell)[1],
                                              "W_hh": np.zeros((gates * H, H + 1))}),
             ValueError, rf"params\['W_hh'\] must have shape \({gates * H}, {H}\)", mod),
        Case(f"{cell}_forward: {other.upper()} parameters",
             lambda t: _forward(cell, params=_layer(other)[1]), ValueError,
             r"params\['W_(ih|hh)'\] must have shape", mod + (f"course_lib.{other}_np",)),
        Case(f"{cell}_forward: params without b_hh",
             lambda t: _forward(cell, params={k: v for k, v in _layer(cell)[1].items()
                                              if k != "b_hh"}),
             ValueError, r"params is missing \['b_hh'\]", mod),
        Case(f"{cell}_forward: integer weights",
             lambda t: _integer_weights(cell),
             ValueError, r"params\['W_ih'\] must be a floating-point array", mod),
        Case(f"{cell}_backward: dh of shape (N, T, H+1)",
             lambda t: _backward(cell, np.ones((N, T, H + 1))), ValueError,
             r"dh must have shape \(N, T, H\) = \(2, 5, 4\), got \(2, 5, 5\)", mod),
        Case(f"{cell}_backward: integer dh",
             lambda t: _backward(cell, np.ones((N, T, H), dtype=np.int64)), ValueError,
             r"dh must be a floating-point array, got dtype int64", mod),
        Case(f"{cell}: empty sequences (T=0)", lambda t: _empty_sequence(cell), None,
             r"h has shape \(2, 0, 4\); every gradient is zero: True", mod),
        Case(f"{cell}: sequences of length 1 (T=1), compared with torch",
             lambda t: _length_one(cell), None, r"h has shape \(2, 1, 4\); matches torch: True",
             mod + ("torch",)),
    ]


def _rnn_extra_cases() -> list[Case]:
    mod = ("course_lib.rnn_np",)
    return [
        Case("rnn_forward: nonlinearity='sigmoid'",
             lambda t: _forward_rnn_nonlinearity("sigmoid"), ValueError,
             r"nonlinearity must be one of \('tanh', 'relu'\), got 'sigmoid'", mod),
        Case("rnn_backward: truncate=0",
             lambda t: _rnn_truncate(0), ValueError,
             r"truncate must be None or a positive int, got 0", mod),
        Case("rnn_backward: truncate=2.5",
             lambda t: _rnn_truncate(2.5), ValueError,
             r"truncate must be None or a positive int, got 2.5", mod),
        Case("gru_forward: variant='cho'",
             lambda t: _gru_variant("cho"), ValueError,
             r"variant must be one of \('torch', 'cho2014'\), got 'cho'", ("course_lib.gru_np",)),
        Case("rnn_forward: NaN in one input entry",
             lambda t: _nan_input(), None,
             r"NaN in h at steps \[2, 3, 4\] of sequence 0, none in sequence 1", mod),
    ]


def _forward_rnn_nonlinearity(name: str):
    from course_lib import rnn_np

    _, p, x, h0, _ = _layer("rnn")
    return rnn_np.rnn_forward(x, h0, p, nonlinearity=name)


def _rnn_truncate(k):
    from course_lib import rnn_np

    _, p, x, h0, run = _layer("rnn")
    _, cache = run(x, h0, p)
    return rnn_np.rnn_backward(np.ones((N, T, H)), cache, truncate=k)


def _gru_variant(name: str):
    from course_lib import gru_np

    _, p, x, h0, _ = _layer("gru")
    return gru_np.gru_forward(x, h0, p, variant=name)


def _nan_input() -> str:
    _, p, x, h0, run = _layer("rnn")
    x = x.copy()
    x[0, 2, 1] = np.nan
    h, _ = run(x, h0, p)
    steps = sorted({int(s) for s in np.nonzero(np.isnan(h[0]).any(axis=1))[0]})
    clean = "none" if not np.isnan(h[1]).any() else "some"
    return f"NaN in h at steps {steps} of sequence 0, {clean} in sequence 1"


# ---- clipping, gradient checks, metrics -----------------------------------------------------
def _clip_norm(grads, max_norm=1.0, **kw):
    from course_lib.clipping import clip_grad_norm

    return clip_grad_norm(grads, max_norm, **kw)


def _clip_value(grads, clip_value=0.5):
    from course_lib.clipping import clip_grad_value

    return clip_grad_value(grads, clip_value)


def _describe_clip(grads) -> str:
    clipped, total = _clip_norm(grads)
    return f"total norm {total}; clipped: " + ", ".join(
        f"{k}={v.tolist()}" for k, v in clipped.items())


def _numgrad(x, dout):
    from course_lib.gradcheck import numerical_gradient

    return numerical_gradient(lambda v: v ** 2, x, dout)


def _span_f1(gold, pred):
    from course_lib.metrics import span_f1

    return span_f1(gold, pred)


def _other_cases() -> list[Case]:
    clip = ("course_lib.clipping",)
    grad = ("course_lib.gradcheck",)
    met = ("course_lib.metrics",)
    nan, inf = np.nan, np.inf
    return [
        Case("clip_grad_norm: a NaN gradient entry",
             lambda t: _describe_clip({"W": np.array([1.0, nan]), "b": np.array([3.0])}),
             None, r"total norm nan; clipped: W=\[nan, nan\], b=\[nan\]", clip),
        Case("clip_grad_norm: an inf gradient entry",
             lambda t: _describe_clip({"W": np.array([1.0, inf]), "b": np.array([3.0])}),
             None, r"total norm inf; clipped: W=\[0\.0, nan\], b=\[0\.0\]", clip),
        Case("clip_grad_norm: NaN entry with error_if_nonfinite=True",
             lambda t: _clip_norm({"W": np.array([1.0, nan])}, error_if_nonfinite=True),
             ValueError, r"the total gradient norm is nan, so it cannot be clipped", clip),
        Case("clip_grad_value: NaN, inf and -inf entries",
             lambda t: f"clipped to {_clip_value({'W': np.array([nan, inf, -inf, 0.1])})['W'].tolist()}",
             None, r"clipped to \[nan, 0\.5, -0\.5, 0\.1\]", clip),
        Case("clip_grad_norm: max_norm=-1",
             lambda t: _clip_norm({"W": np.ones(2)}, -1.0), ValueError,
             r"max_norm must be a non-negative number, got -1", clip),
        Case("clip_grad_norm: max_norm=NaN",
             lambda t: _clip_norm({"W": np.ones(2)}, nan), ValueError,
             r"max_norm must be a non-negative number, got nan", clip),
        Case("clip_grad_norm: a list of arrays instead of a dict",
             lambda t: _clip_norm([np.ones(2)]), ValueError,
             r"grads must be a dict of numpy arrays, got list", clip),
        Case("clip_grad_norm: an empty dict",
             lambda t: _clip_norm({}), ValueError, r"grads is an empty dict", clip),
        Case("clip_grad_norm: integer gradients",
             lambda t: _clip_norm({"W": np.ones(2, dtype=np.int64)}), ValueError,
             r"grads\['W'\] must be a floating-point array, got dtype int64", clip),
        Case("clip_grad_value: clip_value=-0.5",
             lambda t: _clip_value({"W": np.ones(2)}, -0.5), ValueError,
             r"clip_value must be a non-negative number, got -0.5", clip),
        Case("clip_grad_value: clip_value='big'",
             lambda t: _clip_value({"W": np.ones(2)}, "big"), ValueError,
             r"clip_value must be a number, got 'big'", clip),
        Case("numerical_gradient: float32 x",
             lambda t: _numgrad(np.ones(3, dtype=np.float32), np.ones(3)), ValueError,
             r"x must be a float64 numpy array, got ndarray float32", grad),
        Case("numerical_gradient: a list instead of an array",
             lambda t: _numgrad([1.0, 2.0], np.ones(2)), ValueError,
             r"x must be a float64 numpy array, got list", grad),
        Case("numerical_gradient: dout of shape (4,) for f(x) of shape (3,)",
             lambda t: _numgrad(np.ones(3), np.ones(4)), ValueError,
             r"dout.*\(4,\)", grad),
        Case("rel_error: arrays of different shapes",
             lambda t: _rel_error(np.ones(3), np.ones(4)), ValueError,
             r"shapes differ: \(3,\) vs \(4,\)", grad),
        Case("span_f1: 1 gold sentence, 2 predicted",
             lambda t: _span_f1([["O"]], [["O"], ["O"]]), ValueError,
             r"same number of sentences, got 1 and 2", met),
        Case("span_f1: a sentence with 2 gold tags and 1 predicted",
             lambda t: _span_f1([["O", "B-city"]], [["O"]]), ValueError,
             r"sentence 0: gold has 2 tags but pred has 1", met),
        Case("span_f1: a tag that is not IOB2",
             lambda t: _span_f1([["city"]], [["O"]]), ValueError,
             r"tag must be 'O', 'B-<type>' or 'I-<type>', got 'city'", met),
        Case("span_f1: one flat tag list instead of a list of tag lists",
             lambda t: _span_f1(["B-city", "O"], ["B-city", "O"]), ValueError,
             r"(list|sequence)s? of tag|str", met),
        Case("span_f1: no sentences at all",
             lambda t: f"(P, R, F1) = {_span_f1([], [])}", None,
             r"\(P, R, F1\) = \(0\.0, 0\.0, 0\.0\)", met),
    ]


def _rel_error(a, b):
    from course_lib.gradcheck import rel_error

    return rel_error(a, b)


# ---- the command-line tagger ---------------------------------------------------------------
def run_tagger(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> str:
    """``python -m course_lib.tagger ARGS`` in ``cwd``: 'exit code C: <last line of stderr>'."""
    proc = subprocess.run([sys.executable, "-m", "course_lib.tagger", *args], cwd=cwd,
                          capture_output=True, input=stdin, timeout=180)
    lines = [line for line in proc.stderr.decode("utf-8", "replace").splitlines()
             if line.strip()]
    return f"exit code {proc.returncode}: {lines[-1] if lines else ''}"


def _saved_tagger(t: Path, version: int | str | None = None, **config) -> str:
    """An untrained tagger saved to ``t/m.pt`` (optionally claiming another format version,
    or with ``config`` entries changed after saving, so its tensors no longer fit it)."""
    import torch

    from course_lib.batching import build_vocabs
    from course_lib.data import load_split as load
    from course_lib.tagger.io import save_tagger
    from course_lib.tagger.model import SlotTagger, make_config

    vocabs = build_vocabs(load(write_split(t / "train")))
    torch.manual_seed(0)
    path = save_tagger(t / "m.pt", SlotTagger(make_config(vocabs, hidden_size=4)), vocabs)
    if version is not None or config:
        raw = torch.load(path, weights_only=True)
        raw["config"].update(config)
        torch.save({**raw, **({} if version is None else {"version": version})}, path)
    return str(path)


def _text_as_model(t: Path) -> str:
    (t / "notes.pt").write_text("show flights to boston\n", encoding="utf-8")
    return str(t / "notes.pt")


def _cli_cases() -> list[Case]:
    cli = ("course_lib.tagger",)
    prog = r"python -m course_lib\.tagger"
    err = rf"exit code 2: {prog} train: error: "
    tiny = ("--hidden", "4", "--embedding", "4", "--no-chars", "--threads", "1", "--quiet")
    return [
        Case("tagger --hidden -3", lambda t: run_tagger(str(t), "--hidden", "-3"), None,
             err + r"argument --hidden: must be ≥ 1, got -3", cli),
        Case("tagger --epochs 0", lambda t: run_tagger(str(t), "--epochs", "0"), None,
             err + r"argument --epochs: must be ≥ 1, got 0", cli),
        Case("tagger --dropout 1.5", lambda t: run_tagger(str(t), "--dropout", "1.5"), None,
             err + r"argument --dropout: must lie in \[0, 1\), got 1\.5", cli),
        Case("tagger --lr abc", lambda t: run_tagger(str(t), "--lr", "abc"), None,
             err + r"argument --lr: expected float, got 'abc'", cli),
        Case("tagger --rare-word-dropout -1",
             lambda t: run_tagger(str(t), "--rare-word-dropout", "-1"), None,
             err + r"argument --rare-word-dropout: must be ≥ 0\.0, got -1", cli),
        Case("tagger --max-steps 0",
             lambda t: run_tagger(str(t), "--max-steps", "0"), None,
             err + r"argument --max-steps: must be ≥ 1, got 0", cli),
        Case("tagger --attention -3",
             lambda t: run_tagger(str(t), "--attention", "-3"), None,
             err + r"argument --attention: must be ≥ 0, got -3", cli),
        Case("tagger --schedule cosine",
             lambda t: run_tagger(str(t), "--schedule", "cosine"), None,
             err + r"argument --schedule: invalid choice: 'cosine'", cli),
        Case("tagger on a folder that holds no corpus",
             lambda t: run_tagger(str(t / "nowhere")), None,
             rf"exit code 2: {prog}: error: \S*nowhere: corpus folder not found", cli),
        Case("tagger trian data/ (a misspelt command)",
             lambda t: run_tagger("trian", "data/"), None,
             rf"exit code 2: {prog}: error: unknown command 'trian' \(did you mean 'train'\?\)",
             cli),
        Case("tagger predcit m.pt (a misspelt command)",
             lambda t: run_tagger("predcit", "m.pt"), None,
             rf"exit code 2: {prog}: error: unknown command 'predcit' \(did you mean "
             r"'predict'\?\)", cli),
        Case("tagger tag data/ (a word that is no command and names no folder)",
             lambda t: run_tagger("tag", "data/"), None,
             rf"exit code 2: {prog}: error: unknown command 'tag'; commands: train, predict, "
             r"evaluate \(or give a corpus folder", cli),
        Case("tagger --threads 1 predict m.pt (options before the command)",
             lambda t: run_tagger("--threads", "1", "predict", "m.pt"), None,
             rf"exit code 2: {prog}: error: options come after the command: {prog} predict",
             cli),
        Case("tagger --hid 8 train data (an abbreviated option before the command)",
             lambda t: run_tagger("--hid", "8", "train", "data"), None,
             rf"exit code 2: {prog}: error: options come after the command: {prog} train "
             r"\.\.\. --hid 8$", cli),
        Case("tagger train data --max -5 (an abbreviation of two options)",
             lambda t: run_tagger("train", "data", "--max", "-5"), None,
             rf"exit code 2: {prog} train: error: ambiguous option: --max could match "
             r"--max-steps, --max-minutes$", cli),
        Case("tagger predict -- -x.pt (a model file whose name begins with '-')",
             lambda t: run_tagger("predict", "--", Path(_saved_tagger(t)).rename(
                 t / "-x.pt").name, cwd=t, stdin=b"show flights\n"), None,
             r"exit code 0: $", cli),
        Case("tagger predict m.pt -- -- (after '--', '--' is a file name)",
             lambda t: run_tagger("predict", _saved_tagger(t), "--", "--"), None,
             rf"exit code 2: {prog}: error: --: file not found", cli),
        Case("tagger predict m.pt --threads=-- ('--' as an option's value)",
             lambda t: run_tagger("predict", "m.pt", "--threads=--"), None,
             rf"exit code 2: {prog} predict: error: argument --threads: '--' cannot be a value",
             cli),
        Case("tagger train '' (an empty DATA_DIR, e.g. an unset shell variable)",
             lambda t: run_tagger("train", ""), None,
             rf"exit code 2: {prog} train: error: DATA_DIR is an empty name: give a path$",
             cli),
        Case("tagger train --lr -inf (a negative value after an option)",
             lambda t: run_tagger("train", str(write_corpus(t / "c")), "--lr", "-inf"), None,
             rf"exit code 2: {prog} train: error: argument --lr: must be a finite number > "
             r"0\.0, got -inf", cli),
        Case("tagger predict: a byte-order mark, then a Latin-1 byte on line 1",
             lambda t: run_tagger("predict", _saved_tagger(t),
                                  stdin=b"\xef\xbb\xbfshow caf\xe9\n"),
             None, rf"exit code 2: {prog}: error: <stdin>, line 1: invalid UTF-8 \(invalid "
             r"continuation byte at byte 9 of the line\)", cli),
        Case("tagger train on one split folder (corpus/train)",
             lambda t: run_tagger("train", str(write_corpus(t / "c") / "train")), None,
             rf"exit code 2: {prog}: error: \S*train: one split \(it holds seq\.in, seq\.out, "
             r"label\), not a corpus folder; give the folder holding train/, dev/ or valid/, "
             r"and test/: probably \S*c$", cli),
        Case("tagger evaluate on a corpus folder (not one split)",
             lambda t: run_tagger("evaluate", _saved_tagger(t), str(write_corpus(t / "c"))),
             None, rf"exit code 2: {prog}: error: \S*c: a corpus folder \(with train, dev, "
             r"test\), not one split; give a split folder, e\.g\. \S*test", cli),
        Case("tagger train --save onto a folder, with --overwrite",
             lambda t: run_tagger("train", str(write_corpus(t / "c")), "--save", str(t),
                                  "--overwrite"), None,
             rf"exit code 2: {prog}: error: \S+: is a folder; --save needs a file path", cli),
        Case("tagger predict: a folder as the input",
             lambda t: run_tagger("predict", _saved_tagger(t), str(t)), None,
             rf"exit code 2: {prog}: error: \S+: is a folder, not a text file", cli),
        Case("tagger train --lr 1e38 (training diverges)",
             lambda t: run_tagger("train", str(write_corpus(t / "c")), *tiny, "--lr", "1e38",
                                  "--save", str(t / "m.pt")), None,
             rf"exit code 3: {prog}: error: training stopped: the .* became .*try a smaller "
             r"--lr: Adam .*Nothing was saved\.", cli),
        Case("tagger train --save over an existing file",
             lambda t: run_tagger("train", str(write_corpus(t / "c")), "--save",
                                  _saved_tagger(t)), None,
             rf"exit code 2: {prog}: error: \S*m\.pt exists; choose another --save path or "
             r"add --overwrite", cli),
        Case("tagger predict: an empty line in the input",
             lambda t: run_tagger("predict", _saved_tagger(t), stdin=b"show flights\n\nto x\n"),
             None, rf"exit code 2: {prog}: error: <stdin>, line 2: empty line", cli),
        Case("tagger predict: blank lines after the last utterance",
             lambda t: run_tagger("predict", _saved_tagger(t), stdin=b"show flights\n\n \n"),
             None, r"exit code 0: $", cli),
        Case("tagger predict --skip-blank: an empty line in the input",
             lambda t: run_tagger("predict", _saved_tagger(t), "--skip-blank",
                                  stdin=b"show flights\n\nto x\n"),
             None, rf"exit code 0: {prog}: warning: <stdin>, line 2: blank line skipped", cli),
        Case("tagger predict: input that is not UTF-8 (Latin-1 byte)",
             lambda t: run_tagger("predict", _saved_tagger(t), stdin=b"ok\nshow caf\xe9\n"),
             None, rf"exit code 2: {prog}: error: <stdin>, line 2: invalid UTF-8 \(invalid "
             r"continuation byte at byte 9 of the line\)", cli),
        Case("tagger predict: a model file that is not a saved tagger",
             lambda t: run_tagger("predict", str(write_split(t / "s") / "seq.in"),
                                  stdin=b"show flights\n"), None,
             rf"exit code 2: {prog}: error: \S*seq\.in: not a saved tagger", cli),
        Case("tagger predict: a model saved by another format version",
             lambda t: run_tagger("predict", _saved_tagger(t, version=1),
                                  stdin=b"show flights\n"), None,
             rf"exit code 2: {prog}: error: \S*m\.pt: saved tagger of format version 1, but "
             r"this course_lib reads version 2", cli),
        Case("tagger predict: a text file renamed .pt as the model",
             lambda t: run_tagger("predict", _text_as_model(t), stdin=b"show flights\n"), None,
             rf"exit code 2: {prog}: error: \S*notes\.pt: not a saved tagger: it is a text "
             r"file", cli),
        Case("tagger predict: a folder as the model",
             lambda t: run_tagger("predict", str(t), stdin=b"show flights\n"), None,
             rf"exit code 2: {prog}: error: \S+: a folder, not a model file", cli),
        Case("tagger predict: a model whose tensor shapes do not match its config",
             lambda t: run_tagger("predict", _saved_tagger(t, hidden_size=6),
                                  stdin=b"show flights\n"), None,
             rf"exit code 2: {prog}: error: \S*m\.pt: damaged tagger file: tensor '\S+' has "
             r"shape \[\d+, \d+\] in the file, but its config \(.*hidden_size 6.*\) needs", cli),
        Case("tagger predict: a model whose format version is the string '2'",
             lambda t: run_tagger("predict", _saved_tagger(t, version="2"),
                                  stdin=b"show flights\n"), None,
             rf"exit code 2: {prog}: error: \S*m\.pt: damaged tagger file: its format "
             r"'version' is the string '2', not an integer", cli),
        Case("tagger evaluate: a split whose seq.out has a tag too many",
             lambda t: run_tagger("evaluate", _saved_tagger(t), str(
                 write_split(t / "bad", seq_out="O O O B-toloc.city_name O\n"))), None,
             rf"exit code 2: {prog}: error: \S*seq\.out, line 1: 5 tags for 4 tokens", cli),
    ]


# ---- the other command-line tools: exit status 2 and a message naming the file ------------
def run_module(module: str, *args: str, cwd: Path = ROOT) -> str:
    """``python -m MODULE ARGS``: 'exit code C: <last line of stderr>' (or of stdout when
    stderr is empty), with a traceback flagged: a bad input must never end in one."""
    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
    trace = " (after a traceback)" if "Traceback" in proc.stderr else ""
    return f"exit code {proc.returncode}{trace}: {lines[-1] if lines else ''}"


def _ledger(t: Path, name: str, content: str | None) -> str:
    if content is not None:
        (t / name).write_text(content, encoding="utf-8")
    return run_module("course_lib.ledger", str(t / name), "--out", str(t / "CLAIMS.md"))


def _stored_result(t: Path, name: str, edit) -> str:
    """``check`` of experiment ``name`` on a copy of its stored result changed by ``edit``
    (text -> text), in-process with the results folder pointed at ``t``."""
    from course_lib.experiments import store
    from course_lib.experiments.catalog import run_or_check

    text = (store.RESULTS_DIR / f"{name}.json").read_text(encoding="utf-8")
    (t / f"{name}.json").write_text(edit(text), encoding="utf-8")
    saved, store.RESULTS_DIR = store.RESULTS_DIR, t
    try:
        ok, lines = run_or_check("check", name)
    finally:
        store.RESULTS_DIR = saved
    return f"ok={ok}: " + " ".join(line.strip() for line in lines)


def _oops(text: str) -> str:
    import json

    record = json.loads(text)
    record["results"]["pairs"]["4"]["first_difference"] = "oops"
    return json.dumps(record)


_LEDGER = ("course_lib.ledger",)
_EXPERIMENTS = ("course_lib.experiments", "torch")
_CORPUS = ("course_lib.corpus",)
_NOTEBOOK_TOOLS = ("nbformat",)  # tools/ runs from the repository (cwd), not importable here
_EXIT2 = r"exit code 2: "


def _tool_cases() -> list[Case]:
    return [
        Case("ledger on a file that is not JSON (README.md)",
             lambda t: run_module("course_lib.ledger", "README.md", "--out", str(t / "x")),
             None, _EXIT2 + r".*README\.md, line 1, column 1: not a notebook: invalid JSON", _LEDGER),
        Case("ledger on a notebook that does not exist",
             lambda t: _ledger(t, "missing.ipynb", None), None,
             _EXIT2 + r".*missing\.ipynb: file not found", _LEDGER),
        Case("ledger on a JSON file whose 'cells' is a number",
             lambda t: _ledger(t, "five.ipynb", '{"cells": 5}'), None,
             _EXIT2 + r".*five\.ipynb: not a notebook: 'cells' must be a list of cells, got int",
             _LEDGER),
        Case("experiments check: a truncated stored result",
             lambda t: _stored_result(t, "clipping_cue", lambda s: s[:len(s) // 2]), None,
             r"ok=False: ✗ clipping_cue: \S+/clipping_cue\.json, line \d+, column \d+: "
             r"not valid JSON .*regenerate it: python -m course_lib\.experiments run "
             r"clipping_cue", _EXPERIMENTS),
        Case("experiments check: a stored result without the key the check reads",
             lambda t: _stored_result(t, "gru_cells", lambda s: s.replace('"cue":', '"cuq":')),
             None, r"ok=False: ✗ gru_cells: \S+/gru_cells\.json has no key 'cue' .*re-run "
                   r"`python -m course_lib\.experiments run gru_cells`", _EXPERIMENTS),
        Case("experiments check: a number replaced by the string 'oops' in a stored run",
             lambda t: _stored_result(t, "clipping_cue", _oops), None,
             r"ok=False: ✗ clipping_cue: \S+/clipping_cue\.json: "
             r"results\['pairs'\]\['4'\]\['first_difference'\] is a string \('oops'\) "
             r"where its siblings hold a number", _EXPERIMENTS),
        Case("experiments check: a stored result of another version",
             lambda t: _stored_result(t, "gru_cells",
                                      lambda s: s.replace('"version": ', '"version": 9')),
             None, r"ok=False: ✗ gru_cells: .* holds version 9\d* of experiment 'gru_cells', "
                   r"the code expects version \d+", _EXPERIMENTS),
        Case("corpus with a file (README.md) as the output folder",
             lambda t: run_module("course_lib.corpus", "README.md"), None,
             _EXIT2 + r".*README\.md: is a file, not a folder", _CORPUS),
        Case("corpus --stats on a folder that holds no corpus",
             lambda t: run_module("course_lib.corpus", "--stats", str(t)), None,
             _EXIT2 + r".*\S+: missing split 'train'|" + _EXIT2 + r".*\S+.*not found", _CORPUS),
        Case("corpus into a folder whose parent does not exist",
             lambda t: run_module("course_lib.corpus", str(t / "nonexistent" / "x")), None,
             _EXIT2 + r".*\S+/nonexistent/x: its parent folder \S+/nonexistent does not exist",
             _CORPUS),
        Case("corpus data/ --seed 1 (would overwrite the course's corpus)",
             lambda t: run_module("course_lib.corpus", "data/", "--seed", "1"), None,
             _EXIT2 + r".*data/?: would overwrite 9 existing file\(s\) with different contents "
                  r".*pass --force", _CORPUS),
        Case("i18n status for a notebook number that does not exist",
             lambda t: run_module("tools.i18n", "status", "99"), None,
             _EXIT2 + r".*no notebook matches '99' in \S*notebooks \(there are \d+: 00, ", _NOTEBOOK_TOOLS),
        Case("i18n stub for a notebook number that does not exist",
             lambda t: run_module("tools.i18n", "stub", "99"), None,
             _EXIT2 + r".*no notebook matches '99'", _NOTEBOOK_TOOLS),
        Case("execute_notebooks for a notebook number that does not exist",
             lambda t: run_module("tools.execute_notebooks", "99"), None,
             _EXIT2 + r".*no notebook matches '99' in \S*notebooks \(there are", _NOTEBOOK_TOOLS),
    ]


CASES: list[Case] = [
    *_corpus_cases(),
    *_layer_cases("rnn"), *_layer_cases("lstm"), *_layer_cases("gru"),
    *_rnn_extra_cases(),
    *_other_cases(),
    *_cli_cases(),
    *_tool_cases(),
]


# ---- the table -----------------------------------------------------------------------------
TABLE = ROOT / "tests" / "BAD_INPUTS.md"
HEADER = """\
# Bad inputs, tried and answered

Generated by `python tests/bad_inputs_cases.py` from the cases in that file; checked by
`tests/test_bad_inputs.py` (which also fails when this file is stale). Each row is one call
with a bad (or borderline) input and what the course's code answered: the exception raised
and its message, or, for inputs that are legitimate, what the call returned. Temporary folders
are shown as `<tmp>`. `CorpusFormatError` is a subclass of `ValueError`. Rows marked
**Known issue** are answers we want to improve (their test is an expected failure).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def render(cases: list[Case] = CASES, tried: dict[str, Tried] | None = None) -> str:
    """The markdown table of what every case answers today (each in a fresh temporary folder).
    ``tried`` (``case.what`` -> :class:`Tried`): cases already called, each in its own fresh
    folder, whose outcome is used instead of calling them again."""
    lines = [HEADER, "| what was tried | answer | message |", "|---|---|---|"]
    for case in cases:
        if tried and case.what in tried:
            outcome = tried[case.what].outcome
        else:
            with tempfile.TemporaryDirectory() as tmp:
                outcome = run_case(case, Path(tmp))
        kind = "returns" if outcome.kind == "returns" else f"`{outcome.kind}`"
        note = f" **Known issue:** {case.issue}." if case.issue else ""
        lines.append(f"| {_cell(case.what)} | {kind} | {_cell(outcome.message)}{note} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write tests/BAD_INPUTS.md: what every bad "
                                                 "input of this file gets.")
    parser.add_argument("--stdout", action="store_true", help="print instead of writing")
    args = parser.parse_args(argv)
    text = render()
    if args.stdout:
        print(text, end="")
    else:
        TABLE.write_text(text, encoding="utf-8")
        print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
