"""Saving and loading a trained tagger: one file, read with ``torch.load(weights_only=True)``.

The file is a ``torch.save`` of a plain dictionary::

    {"format": "course_lib.tagger", "version": 2,
     "config": {...TaggerConfig...},
     "vocabs": {"words": [...], "chars": [...], "tags": [...], "intents": [...]},
     "state_dict": {name: tensor}, "info": {...how it was trained, its scores...}}

``weights_only=True`` unpickles only tensors and plain containers, so a file cannot run code
when it is loaded (PyTorch's advice for files from elsewhere). The format version changes
whenever the meaning of a file changes; a file of another version, a file that is not a saved
tagger and a file with non-finite weights get a :class:`TaggerFileError` naming the file.
Version 1 (``course_lib`` before the joint model) stored a bare ``state_dict`` plus a
``PATH.json`` beside it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import torch

from course_lib.batching import TaggerVocabs, Vocab
from course_lib.tagger.model import SlotTagger, TaggerConfig

FORMAT = "course_lib.tagger"
FORMAT_VERSION = 2
RETRAIN = "retrain it with: python -m course_lib.tagger train DATA_DIR --save PATH"


class TaggerFileError(ValueError):
    """A model file is missing, unreadable, of another format version, or not a tagger."""


def non_finite_tensors(model: torch.nn.Module) -> list[str]:
    """Names of the parameters and buffers that hold a NaN or an infinity."""
    return [name for name, t in model.state_dict().items()
            if t.is_floating_point() and not bool(torch.isfinite(t).all())]


def save_tagger(path: str | Path, model: SlotTagger, vocabs: TaggerVocabs,
                info: dict | None = None) -> Path:
    """Write ``model`` (weights, config), its vocabularies and ``info`` to one file.

    The file is written to ``PATH.tmp`` and renamed, so an interrupted save never leaves a
    half-written model behind.

    Raises:
        ValueError: the model holds NaN or infinite weights (they are never saved).
    """
    bad = non_finite_tensors(model)
    if bad:
        raise ValueError(f"refusing to save a model with non-finite weights in {len(bad)} "
                         f"tensors ({', '.join(bad[:3])}{', …' if len(bad) > 3 else ''})")
    path = Path(path)
    payload = {
        "format": FORMAT, "version": FORMAT_VERSION, "config": model.config.to_dict(),
        "vocabs": {name: getattr(vocabs, name).itos for name in TaggerVocabs._fields},
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "info": _plain(info or {}),
    }
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def _plain(value):
    """``info`` as the plain types ``weights_only`` loading accepts (floats, not numpy)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def read_payload(path: str | Path) -> dict:
    """The checked dictionary stored in a model file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise TaggerFileError(f"{path}: model file not found")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # zip, pickle and unpickler errors all mean "not our file"
        why = ("it holds Python objects that weights_only=True refuses to load"
               if "weights_only" in str(err) or "Weights only" in str(err)
               else "not a file written by torch.save")
        raise TaggerFileError(f"{path}: not a saved tagger ({why})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        old = isinstance(payload, dict) and all(isinstance(v, torch.Tensor)
                                                for v in payload.values())
        hint = (" — it looks like a bare state_dict, as format version 1 saved beside a "
                "PATH.json; " + RETRAIN) if old and payload else ""
        raise TaggerFileError(f"{path}: not a saved tagger (no '{FORMAT}' format tag){hint}")
    if payload.get("version") != FORMAT_VERSION:
        raise TaggerFileError(f"{path}: saved tagger of format version "
                              f"{payload.get('version')!r}, but this course_lib reads version "
                              f"{FORMAT_VERSION}; {RETRAIN}")
    missing = [k for k in ("config", "vocabs", "state_dict") if k not in payload]
    if missing:
        raise TaggerFileError(f"{path}: damaged tagger file, missing {missing}")
    return payload


def load_tagger(path: str | Path, device: str | torch.device = "cpu"
                ) -> tuple[SlotTagger, TaggerVocabs]:
    """Inverse of :func:`save_tagger`: the model (in eval mode, on ``device``) and its vocabs.

    Raises:
        TaggerFileError: see the module docstring; the message names the file.
    """
    payload = read_payload(path)
    try:
        model = SlotTagger(TaggerConfig(**payload["config"]))
        model.load_state_dict(payload["state_dict"])
        vocabs = TaggerVocabs(**{k: Vocab(v) for k, v in payload["vocabs"].items()})
    except (TypeError, ValueError, RuntimeError, KeyError) as err:
        raise TaggerFileError(f"{path}: damaged tagger file ({str(err).splitlines()[0]})"
                              ) from None
    if non_finite_tensors(model):
        raise TaggerFileError(f"{path}: the saved weights are not finite")
    return model.to(device).eval(), vocabs


def model_info(path: str | Path) -> dict:
    """The ``info`` dictionary stored with a model (how it was trained, its scores)."""
    return read_payload(path).get("info", {})
