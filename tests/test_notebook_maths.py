"""Maths in the notebooks' prose is TeX (`$…$`), never plain text like s_{t-1} or Σ_t L_t."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

CODE_BLOCK = re.compile(r"```.*?```", re.S)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.S)
CODE_SPAN = re.compile(r"`[^`]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML = re.compile(r"<[^>\n]+>")
# a one-letter symbol with a subscript (s_t, m_{n,t}, ŷ_t, Σ_t) or a superscript (w^{999}),
# and operators that only occur in formulas; identifiers like word_dropout are not matched
MATHLIKE = re.compile(
    r"(?<![\w/.\-])[A-Za-zα-ωΑ-ΩŷĥΣ∏∂]_(\{[^}]*\}|[A-Za-z0-9]{1,3}\b)"
    r"|(?<=\w)\^(\{[^}]*\}|[0-9T−\-]+)"
    r"|[Σ∏∂∇‖⊙]")


def plain_maths(markdown: str) -> list[str]:
    """The maths-like fragments of ``markdown`` outside TeX, code and link targets."""
    text = CODE_BLOCK.sub(" ", markdown)
    text = MATH.sub(" ", text)
    text = CODE_SPAN.sub(" ", text)
    text = LINK_TARGET.sub("]", text)
    text = HTML.sub(" ", text)
    return [m.group(0) for m in MATHLIKE.finditer(text)]


def test_the_detector_finds_plain_maths_and_spares_tex_and_code():
    assert plain_maths("so L = Σ_n Σ_t m_{n,t} L_{n,t} here") == ["Σ_n", "Σ_t", "m_{n,t}", "L_{n,t}"]
    assert plain_maths("then s_{k−1} and w^{999}") == ["s_{k−1}", "^{999}"]
    assert plain_maths("as $\\sum_t L_t$ and `x_t @ W_ih.T` or word_dropout, B-toloc.city_name") == []
    assert plain_maths("$$\nL = \\sum_t L_t\n$$ and [the link](02_bptt.ipynb)") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_maths_in_prose_is_tex(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = {i: hits for i, c in enumerate(cells) if c["cell_type"] == "markdown"
             and (hits := plain_maths("".join(c["source"])))}
    assert not found, f"{path.name}: maths outside $…$ in markdown cells {found}"
