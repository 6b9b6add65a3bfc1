"""Training and evaluating the slot tagger of notebook 09 (and of ``python -m course_lib.tagger``).

One epoch = one pass over the shuffled training set in mini-batches, each step: masked
cross-entropy (:func:`course_lib.models.tagger_loss`), backprop, global-norm clipping
(Pascanu et al. 2013, Alg. 1), Adam. After each epoch the tagger is scored on the dev split
with span F1 under conlleval rules (:func:`course_lib.metrics.span_f1`); the best epoch's
weights are kept and training stops after ``patience`` epochs without improvement
(early stopping, Prechelt 1998) or when the time budget runs out.

The generic step loop :func:`course_lib.train.train` is not used here because early stopping
needs an epoch structure and a dev metric; the step itself is the same.

References: R. Pascanu, T. Mikolov, Y. Bengio, ICML 2013; L. Prechelt, "Early stopping — but
when?", Neural Networks: Tricks of the Trade, 1998; CoNLL-2000 ``conlleval`` script.
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from course_lib.data import Example, Vocab, batches, make_batch
from course_lib.metrics import span_f1, token_accuracy
from course_lib.models import SlotTagger, TaggerConfig, tagger_loss
from course_lib.progress import progress

MAX_WORD_CHARS = 20  # longer words are truncated for the character CNN


class TaggerVocabs(NamedTuple):
    """Word, character and tag vocabularies, all built from the training split."""

    words: Vocab
    chars: Vocab
    tags: Vocab


def build_vocabs(train: list[Example], min_count: int = 1) -> TaggerVocabs:
    """Vocabularies of the training split: words (``<pad>``, ``<unk>``), chars, tags (``<pad>``)."""
    if not train:
        raise ValueError("train must contain at least one example")
    words = Vocab.build([ex.tokens for ex in train], min_count=min_count)
    chars = Vocab.build([list(w) for ex in train for w in ex.tokens])
    tags = Vocab.build([ex.tags for ex in train], specials=("<pad>",))
    return TaggerVocabs(words, chars, tags)


def make_config(vocabs: TaggerVocabs, char_features: bool = True, **kwargs) -> TaggerConfig:
    """A :class:`TaggerConfig` sized for ``vocabs``; ``kwargs`` override the defaults."""
    return TaggerConfig(vocab_size=len(vocabs.words), num_tags=len(vocabs.tags),
                        num_chars=len(vocabs.chars) if char_features else 0,
                        pad_index=vocabs.words.pad_index, unk_index=vocabs.words.unk_index,
                        **kwargs)


def encode_chars(examples: list[Example], chars: Vocab, t: int,
                 cache: dict | None = None) -> np.ndarray:
    """Character ids (N, T, C) int64, 0 = padding, C = longest word (≤ MAX_WORD_CHARS).

    ``cache`` (a dict word → ids) saves re-encoding the same words every epoch.
    """
    cache = {} if cache is None else cache
    c = max([min(len(w), MAX_WORD_CHARS) for ex in examples for w in ex.tokens] or [1])
    out = np.zeros((len(examples), t, c), dtype=np.int64)
    for i, ex in enumerate(examples):
        for j, w in enumerate(ex.tokens[:t]):
            ids = cache.get(w)
            if ids is None:
                ids = cache[w] = chars.encode(list(w[:MAX_WORD_CHARS]))
            out[i, j, :len(ids)] = ids
    return out


def bucketed_batches(examples: list[Example], vocabs: TaggerVocabs, batch_size: int,
                     seed: int, pool: int = 50):
    """Shuffled batches of similar-length utterances (less padding, so faster epochs).

    Shuffle with ``default_rng(seed)``, sort each pool of ``pool · batch_size`` examples by
    length, cut it into batches, and shuffle the batch order.
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(examples))
    chunks = []
    for start in range(0, len(order), pool * batch_size):
        block = sorted(order[start:start + pool * batch_size],
                       key=lambda i: len(examples[i].tokens))
        chunks += [block[k:k + batch_size] for k in range(0, len(block), batch_size)]
    for k in rng.permutation(len(chunks)):
        yield make_batch([examples[int(i)] for i in chunks[k]], vocabs.words, vocabs.tags)


def _known_tags(examples: list[Example], tags: Vocab) -> list[Example]:
    # Tags never seen in training (e.g. rare ATIS slots in test) cannot be encoded; the model
    # cannot predict them either, so for batching they become "O". Metrics use the originals.
    return [ex if all(t in tags.stoi for t in ex.tags)
            else ex._replace(tags=[t if t in tags.stoi else "O" for t in ex.tags])
            for ex in examples]


def tensors(batch, vocabs: TaggerVocabs, with_chars: bool, cache: dict | None = None):
    """Torch tensors of a :class:`course_lib.data.Batch`: tokens, tags, mask, lengths, chars."""
    t = batch.tokens.shape[1]
    chars = (torch.from_numpy(encode_chars(batch.examples, vocabs.chars, t, cache))
             if with_chars else None)
    return (torch.from_numpy(batch.tokens), torch.from_numpy(batch.tags),
            torch.from_numpy(batch.mask), torch.from_numpy(batch.lengths), chars)


def predict(model: SlotTagger, examples: list[Example], vocabs: TaggerVocabs,
            batch_size: int = 256) -> list[list[str]]:
    """Most likely tag of every token, ``argmax_k o_t[k]``, as tag strings (pad never chosen)."""
    was_training = model.training
    model.eval()
    # sorted by length so that batches carry little padding; results go back in input order
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].tokens))
    known = _known_tags([examples[i] for i in order], vocabs.tags)
    out: list[list[str]] = [[] for _ in examples]
    with_chars = model.char_cnn is not None
    k = 0
    with torch.no_grad():
        for b in batches(known, vocabs.words, vocabs.tags, batch_size):
            tokens, _, _, lengths, chars = tensors(b, vocabs, with_chars)
            logits = model(tokens, lengths, chars)
            logits[..., vocabs.tags.pad_index] = -math.inf
            ids = logits.argmax(-1).numpy()
            for i, n in enumerate(b.lengths):
                out[order[k]] = vocabs.tags.decode(ids[i, :n].tolist())
                k += 1
    model.train(was_training)
    return out


def evaluate(model: SlotTagger, examples: list[Example], vocabs: TaggerVocabs) -> dict:
    """``{"slot_f1", "precision", "recall", "token_accuracy"}`` on ``examples``, all in [0, 1]."""
    gold = [ex.tags for ex in examples]
    pred = predict(model, examples, vocabs)
    p, r, f = span_f1(gold, pred)
    return {"slot_f1": float(f), "precision": float(p), "recall": float(r),
            "token_accuracy": float(token_accuracy(gold, pred))}


@dataclass
class TaggingHistory:
    """What :func:`fit` recorded.

    Attributes:
        step_loss: training loss of every step; grad_norm: its gradient norm before clipping.
        epoch_loss: mean training loss of each epoch; dev_f1: dev span F1 after each epoch.
        best_epoch: 1-based epoch whose weights were kept; stopped: why training ended
            (``"epochs"``, ``"patience"`` or ``"time"``); seconds: wall time.
    """

    step_loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    dev_f1: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped: str = "epochs"
    seconds: float = 0.0


def fit(model: SlotTagger, vocabs: TaggerVocabs, train: list[Example], dev: list[Example],
        epochs: int = 30, lr: float = 2e-3, batch_size: int = 32, clip_norm: float = 5.0,
        patience: int = 5, max_seconds: float | None = None, seed: int = 0,
        desc: str = "training") -> TaggingHistory:
    """Train ``model`` with Adam, norm clipping and early stopping on dev span F1.

    Args:
        model: a :class:`SlotTagger` built with :func:`make_config` from ``vocabs``.
        train, dev: examples; ``dev`` may be empty (then the last epoch is kept).
        epochs: maximum number of epochs; patience: epochs without a better dev F1 before
            stopping; max_seconds: wall-time budget (checked after every step).
        clip_norm: rescale the gradient when ``‖g‖ > clip_norm``.
        seed: shuffling seed (epoch e uses ``seed + e``); batches group utterances of
            similar length (:func:`bucketed_batches`).

    Returns:
        A :class:`TaggingHistory`; ``model`` holds the best epoch's weights afterwards.
    """
    for name, v in (("epochs", epochs), ("batch_size", batch_size), ("patience", patience)):
        if int(v) < 1:
            raise ValueError(f"{name} must be ≥ 1, got {v}")
    if not lr > 0 or not clip_norm > 0:
        raise ValueError(f"lr and clip_norm must be positive, got {lr}, {clip_norm}")
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    params = [p for p in model.parameters() if p.requires_grad]
    train_b = _known_tags(train, vocabs.tags)
    with_chars = model.char_cnn is not None
    hist = TaggingHistory()
    cache: dict = {}
    best, best_state, bad = -1.0, None, 0
    start = time.perf_counter()
    n_batches = math.ceil(len(train) / batch_size)
    for epoch in range(1, epochs + 1):
        model.train()
        losses = []
        for b in progress(bucketed_batches(train_b, vocabs, batch_size, seed + epoch),
                          desc=f"{desc} epoch {epoch}", total=n_batches):
            tokens, tags, mask, lengths, chars = tensors(b, vocabs, with_chars, cache)
            opt.zero_grad()
            loss = tagger_loss(model(tokens, lengths, chars), tags, mask)
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(params, clip_norm)
            opt.step()
            losses.append(float(loss.detach()))
            hist.grad_norm.append(float(norm))
            if max_seconds is not None and time.perf_counter() - start > max_seconds:
                hist.stopped = "time"
                break
        hist.step_loss.extend(losses)
        hist.epoch_loss.append(float(np.mean(losses)))
        f1 = evaluate(model, dev, vocabs)["slot_f1"] if dev else float(epoch)
        hist.dev_f1.append(f1 if dev else math.nan)
        if f1 > best:
            best, bad, hist.best_epoch = f1, 0, epoch
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
        if hist.stopped == "time":
            break
        if bad >= patience:
            hist.stopped = "patience"
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    hist.seconds = time.perf_counter() - start
    return hist


def save_tagger(path, model: SlotTagger, vocabs: TaggerVocabs) -> tuple[Path, Path]:
    """Save weights with ``torch.save(state_dict)`` to ``path`` and the config + vocabularies
    as JSON to ``path + ".json"``; return both paths."""
    path = Path(path)
    torch.save(model.state_dict(), path)
    meta = {"config": model.config.to_dict(), "words": vocabs.words.itos,
            "chars": vocabs.chars.itos, "tags": vocabs.tags.itos}
    meta_path = path.with_name(path.name + ".json")
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return path, meta_path


def load_tagger(path) -> tuple[SlotTagger, TaggerVocabs]:
    """Inverse of :func:`save_tagger`; weights are read with ``torch.load(weights_only=True)``."""
    path = Path(path)
    meta = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    model = SlotTagger(TaggerConfig(**meta["config"]))
    model.load_state_dict(torch.load(path, weights_only=True))
    model.eval()
    vocabs = TaggerVocabs(Vocab(meta["words"]), Vocab(meta["chars"]), Vocab(meta["tags"]))
    return model, vocabs


def tag(model: SlotTagger, vocabs: TaggerVocabs, tokens: list[str]) -> list[str]:
    """Tags of one tokenised sentence."""
    if not tokens:
        return []
    return predict(model, [Example(list(tokens), ["O"] * len(tokens), "")], vocabs)[0]


def case_accuracy(model: SlotTagger, cases: list[tuple[Example, list[int]]],
                  vocabs: TaggerVocabs) -> float:
    """Fraction of ``(example, token indices)`` cases whose indexed tokens are ALL tagged right.

    Used with :func:`course_lib.corpus.is_left_cue_case` / ``is_right_cue_case``, which return
    the indices of the city decided by a cue.
    """
    if not cases:
        raise ValueError("cases is empty")
    pred = predict(model, [ex for ex, _ in cases], vocabs)
    return float(np.mean([all(p[j] == ex.tags[j] for j in idx)
                          for (ex, idx), p in zip(cases, pred, strict=True)]))


def slot_type(tag: str) -> str:
    """``'B-toloc.city_name'`` → ``'toloc.city_name'``; ``'O'`` → ``'O'``."""
    return tag if tag == "O" else tag[2:]


def token_confusion(gold: list[list[str]], pred: list[list[str]],
                    labels: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Token-level confusion counts over slot types (B-/I- merged): ``m[g, p]``.

    Returns ``(m, labels)``; by default ``labels`` are the types that occur in a confused
    token (gold ≠ predicted type), sorted, plus ``"O"`` first.
    """
    pairs = [(slot_type(g), slot_type(p)) for gs, ps in zip(gold, pred, strict=True)
             for g, p in zip(gs, ps, strict=True)]
    if labels is None:
        labels = ["O"] + sorted({t for g, p in pairs if g != p for t in (g, p)} - {"O"})
    index = {t: i for i, t in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for g, p in pairs:
        if g in index and p in index:
            m[index[g], index[p]] += 1
    return m, labels
