"""Saving and loading a trained tagger: one file, read with ``torch.load(weights_only=True)``.

The file is a ``torch.save`` of a plain dictionary::

    {"format": "course_lib.tagger", "version": 2, "lowercase": True,
     "config": {...TaggerConfig...},
     "vocabs": {"words": [...], "chars": [...], "tags": [...], "intents": [...]},
     "state_dict": {name: tensor}, "info": {...how it was trained, its scores...}}

``lowercase`` says that the training split was all lowercase (as public ATIS and SNIPS
copies are), so ``predict`` and ``evaluate`` lowercase their input before looking words up; a
file without it (saved before it existed) is read as ``False``: the input is used as typed.

``weights_only=True`` unpickles only tensors and plain containers, so a file cannot run code
when it is loaded (PyTorch's advice for files from elsewhere). The format version changes
whenever the meaning of a file changes; a file of another version, a file that is not a saved
tagger (a folder, an empty, text or truncated file), a field of the wrong type, tensors whose
shapes do not fit the config, and non-finite weights get a :class:`TaggerFileError`: one line
naming the file and what is wrong.
Version 1 (``course_lib`` before the joint model) stored a bare ``state_dict`` plus a
``PATH.json`` beside it.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import torch

from course_lib.batching import TaggerVocabs, Vocab
from course_lib.tagger.diagnose import shape_mismatch, what_file_is
from course_lib.tagger.inputs import is_lowercase
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
                info: dict | None = None, lowercase: bool | None = None) -> Path:
    """Write ``model`` (weights, config), its vocabularies and ``info`` to one file.

    ``lowercase``: the training split is all lowercase, so input should be lowercased before
    it is looked up; None decides from the vocabularies (True if no word or character in
    them changes under ``str.lower``; ``vocabs.chars`` holds every character of the training
    split, so this is :func:`is_lowercase` of the split).

    The file is written to a new temporary file beside ``PATH`` (``.NAME.*.tmp``, never an
    existing file) and renamed, so an interrupted save never leaves a half-written model
    behind; the temporary file is removed if anything fails.

    Raises:
        TypeError: ``model`` is not one :class:`SlotTagger` (e.g. an ensemble: save each
        member, and average them again after loading).
        ValueError: the model holds NaN or infinite weights (they are never saved).
        OSError: the file cannot be written (the temporary file is removed).
    """
    if not isinstance(model, SlotTagger):  # its config would not rebuild it: unloadable
        raise TypeError(f"save_tagger saves one SlotTagger, got {type(model).__name__}: save "
                        "an ensemble's members one by one and average them after loading")
    bad = non_finite_tensors(model)
    if bad:
        raise ValueError(f"refusing to save a model with non-finite weights in {len(bad)} "
                         f"tensors ({', '.join(bad[:3])}{', …' if len(bad) > 3 else ''})")
    path = Path(path)
    if lowercase is None:
        lowercase = is_lowercase(vocabs.words.itos + vocabs.chars.itos)
    payload = {
        "format": FORMAT, "version": FORMAT_VERSION, "lowercase": bool(lowercase),
        "config": model.config.to_dict(),
        "vocabs": {name: getattr(vocabs, name).itos for name in TaggerVocabs._fields},
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "info": _plain(info or {}),
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 → what open() would have made
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def save_path_problem(name: str, overwrite: bool, keep: Sequence[str | Path] = ()
                      ) -> str | None:
    """Why :func:`save_tagger` cannot or must not write the file ``name``, or None: checked
    before training, so a run is not lost at the end for a bad ``--save``.

    ``overwrite`` allows replacing an existing regular file, except the files in ``keep``
    (e.g. the corpus being trained on), which are never replaced.
    """
    if not name.strip():
        return "--save needs a file path, got an empty string"
    save = Path(name)
    if save.is_dir():
        return f"{save}: is a folder; --save needs a file path, e.g. {save / 'tagger.pt'}"
    if save.exists() and any(Path(k).exists() and save.samefile(k) for k in keep):
        return f"{save}: a file of the corpus being trained on; --save never replaces it"
    if save.exists() and not overwrite:
        return f"{save} exists; choose another --save path or add --overwrite"
    if save.exists() and not save.is_file():
        return f"{save}: not a regular file; --save needs a file path"
    if not save.parent.is_dir():
        return f"{save.parent}: folder for --save not found"
    if not os.access(save.parent, os.W_OK | os.X_OK):
        return f"{save.parent}: folder for --save is not writable"
    return None


def _umask() -> int:
    """The process's umask (Python can only read it by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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


def _check_types(path: Path, payload: dict) -> None:
    version = payload.get("version")
    if version is None:
        raise TaggerFileError(f"{path}: damaged tagger file: it has no format 'version'")
    if isinstance(version, bool) or not isinstance(version, int):
        what = (f"the string {version!r}" if isinstance(version, str)
                else f"{type(version).__name__} {version!r}")
        raise TaggerFileError(f"{path}: damaged tagger file: its format 'version' is {what}, "
                              f"not an integer (this course_lib reads version {FORMAT_VERSION})")
    if version != FORMAT_VERSION:
        raise TaggerFileError(f"{path}: saved tagger of format version {version}, but this "
                              f"course_lib reads version {FORMAT_VERSION}; {RETRAIN}")
    missing = [k for k in ("config", "vocabs", "state_dict") if k not in payload]
    if missing:
        raise TaggerFileError(f"{path}: damaged tagger file, missing {missing}")
    for key in ("config", "vocabs", "state_dict"):
        if not isinstance(payload[key], dict):
            raise TaggerFileError(f"{path}: damaged tagger file: '{key}' is a "
                                  f"{type(payload[key]).__name__}, not a dictionary")
    bad = [k for k, v in payload["state_dict"].items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise TaggerFileError(f"{path}: damaged tagger file: state_dict entry {bad[0]!r} is "
                              f"not a tensor")
    for name, itos in payload["vocabs"].items():
        if not isinstance(itos, list) or not all(isinstance(s, str) for s in itos):
            raise TaggerFileError(f"{path}: damaged tagger file: vocabulary {name!r} is not a "
                                  "list of strings")
    if not isinstance(payload.get("lowercase", False), bool):
        raise TaggerFileError(f"{path}: damaged tagger file: 'lowercase' is "
                              f"{payload['lowercase']!r}, not true or false")


def read_payload(path: str | Path) -> dict:
    """The checked dictionary stored in a model file (see the module docstring).

    Raises:
        TaggerFileError: one line naming the file and what is wrong with it: missing, a
            folder, unreadable, not written by ``torch.save`` (empty, text, damaged or
            truncated), holding objects ``weights_only`` refuses, not a tagger, of another
            format version, or with fields of the wrong type.
    """
    path = Path(path)
    if path.is_dir():
        raise TaggerFileError(f"{path}: a folder, not a model file (train --save PATH writes "
                              "one file)")
    if not path.is_file():
        raise TaggerFileError(f"{path}: model file not found")
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError as err:
        raise TaggerFileError(f"{path}: cannot read the model file ({err.strerror})") from None
    try:
        with warnings.catch_warnings():  # e.g. "Detected pickle protocol 4": not the user's job
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # zip, pickle and unpickler errors all mean "not our file"
        refused = "Unsupported global" in str(err)  # a class outside weights_only's list
        why = ("it holds Python objects that weights_only=True refuses to load" if refused
               else what_file_is(head))
        raise TaggerFileError(f"{path}: not a saved tagger: {why}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        old = isinstance(payload, dict) and all(isinstance(v, torch.Tensor)
                                                for v in payload.values())
        hint = (" — it looks like a bare state_dict, as format version 1 saved beside a "
                "PATH.json; " + RETRAIN) if old and payload else ""
        raise TaggerFileError(f"{path}: not a saved tagger (no '{FORMAT}' format tag){hint}")
    _check_types(path, payload)
    return payload


class LoadedTagger(NamedTuple):
    """What :func:`open_tagger` returns."""

    model: SlotTagger  # in eval mode
    vocabs: TaggerVocabs
    lowercase: bool  # lowercase the input before looking words up (see :func:`save_tagger`)
    info: dict  # how the model was trained, its scores


def open_tagger(path: str | Path, device: str | torch.device = "cpu") -> LoadedTagger:
    """Inverse of :func:`save_tagger`: the model (in eval mode, on ``device``), its
    vocabularies, whether its input is lowercased, and its ``info``.

    A file saved before the ``lowercase`` field existed loads with ``lowercase=False`` (its
    input is used as typed, as then).

    Raises:
        TaggerFileError: see :func:`read_payload`; also a config that does not build a model,
            tensors whose names or shapes do not match the config, vocabularies that do not
            match the config, or non-finite weights. The message names the file.
    """
    payload = read_payload(path)
    config = payload["config"]
    unknown = sorted(set(config) - set(TaggerConfig.__dataclass_fields__)
                     if isinstance(config, dict) else ())
    if unknown:
        raise TaggerFileError(f"{path}: this tagger file was saved by a newer course_lib "
                              f"(unknown settings: {', '.join(map(str, unknown))}); update "
                              f"course_lib to load it")
    try:
        model = SlotTagger(TaggerConfig(**payload["config"]))
        vocabs = TaggerVocabs(**{k: Vocab(v) for k, v in payload["vocabs"].items()})
    except (TypeError, ValueError, RuntimeError, KeyError) as err:
        raise TaggerFileError(f"{path}: damaged tagger file ({_one_line(err)})") from None
    wrong = shape_mismatch(model, payload["state_dict"])
    if wrong:
        raise TaggerFileError(f"{path}: damaged tagger file: {wrong}")
    sizes = {"words": model.config.vocab_size, "tags": model.config.num_tags,
             "intents": model.config.num_intents, "chars": model.config.num_chars}
    for name, size in sizes.items():
        if size and len(getattr(vocabs, name)) != size:
            raise TaggerFileError(f"{path}: damaged tagger file: the {name} vocabulary holds "
                                  f"{len(getattr(vocabs, name))} entries, its config says "
                                  f"{size}")
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as err:
        raise TaggerFileError(f"{path}: damaged tagger file ({_one_line(err)})") from None
    if non_finite_tensors(model):
        raise TaggerFileError(f"{path}: the saved weights are not finite")
    return LoadedTagger(model.to(device).eval(), vocabs, payload.get("lowercase", False),
                        payload.get("info", {}))


def _one_line(err: BaseException) -> str:
    """An exception's message on one line (torch's span several)."""
    return " ".join(str(err).split()) or type(err).__name__


def load_tagger(path: str | Path, device: str | torch.device = "cpu"
                ) -> tuple[SlotTagger, TaggerVocabs]:
    """The model (in eval mode, on ``device``) and its vocabularies (:func:`open_tagger`).

    Raises:
        TaggerFileError: see :func:`open_tagger`; the message names the file.
    """
    loaded = open_tagger(path, device)
    return loaded.model, loaded.vocabs


def model_info(path: str | Path) -> dict:
    """The ``info`` dictionary stored with a model (how it was trained, its scores)."""
    return read_payload(path).get("info", {})
