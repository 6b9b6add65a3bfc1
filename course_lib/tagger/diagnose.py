"""Why a model file cannot be loaded, in words (the details of a ``TaggerFileError``).

:func:`what_file_is` reads what a file's first bytes say it is when ``torch.load`` fails on
it (empty, text, a damaged zip, a pickle); :func:`shape_mismatch` compares the tensors a
file holds with those its config builds. Both return one line for the error message.
"""

from __future__ import annotations

from course_lib.tagger.model import SlotTagger, TaggerConfig

ZIP_MAGIC = b"PK\x03\x04"  # torch.save's format since PyTorch 1.6 is a zip archive


def what_file_is(head: bytes) -> str:
    """Why a file that ``torch.load`` could not read is not a saved tagger, from its first bytes."""
    if not head:
        return "it is an empty file (0 bytes)"
    if head.startswith(ZIP_MAGIC):
        return ("it is a zip archive torch.load cannot read: damaged or truncated (e.g. an "
                "interrupted copy), or not written by torch.save")
    if head[0] == 0x80 and len(head) > 1 and 2 <= head[1] <= 5:
        return ("it is a Python pickle that weights_only=True cannot read; train --save "
                "writes a torch.save zip file")
    if b"\0" not in head:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as err:  # a character cut at the end of the sample is fine
            text = head[:err.start].decode("utf-8") if err.start > len(head) - 4 else None
        if text is not None and text.strip():
            first = text.strip().splitlines()[0][:40]
            return (f"it is a text file (it begins {first!r}); train --save writes a binary "
                    "file")
    return "not a file written by torch.save"


def shape_mismatch(model: SlotTagger, state: dict) -> str | None:
    """What differs between the tensors a config builds and those a file holds, or None."""
    want = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    have = {k: tuple(v.shape) for k, v in state.items()}
    missing, extra = sorted(want.keys() - have.keys()), sorted(have.keys() - want.keys())
    differ = [k for k in want if k in have and want[k] != have[k]]
    if differ:
        k = differ[0]
        more = f" (and {_tensors(len(differ) - 1)} more)" if len(differ) > 1 else ""
        return (f"tensor {k!r} has shape {list(have[k])} in the file, but its config "
                f"({_config_summary(model.config)}) needs {list(want[k])}{more}")
    if missing:
        return f"{_tensors(len(missing))} its config needs missing (first: {missing[0]!r})"
    if extra:
        return f"{_tensors(len(extra))} its config does not use (first: {extra[0]!r})"
    return None


def _tensors(n: int) -> str:
    return f"{n} tensor{'s' if n != 1 else ''}"


def _config_summary(config: TaggerConfig) -> str:
    keys = ("hidden_size", "embedding_dim", "num_layers", "bidirectional", "char_channels",
            "vocab_size", "num_tags", "num_intents", "num_chars")
    return ", ".join(f"{k} {getattr(config, k)}" for k in keys)
