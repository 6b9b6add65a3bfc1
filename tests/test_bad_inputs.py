"""Every bad input of ``bad_inputs_cases.CASES`` gets its expected answer, and the committed
table ``tests/BAD_INPUTS.md`` is what ``python tests/bad_inputs_cases.py`` writes today.

Each case is called once: the table test reads the calls the answer tests made (``_TRIED``)
and calls only the cases they did not run (as when it runs alone)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from bad_inputs_cases import CASES, TABLE, Case, Tried, render, try_case


def _skip_unless_available(case: Case) -> None:
    for module in case.needs:
        pytest.importorskip(module)


PARAMS = [pytest.param(c, id=c.what, marks=[pytest.mark.xfail(strict=True, reason=c.issue)]
                       if c.issue else []) for c in CASES]


_TRIED: dict[str, Tried] = {}  # case.what -> its one call, read again by the table test


@pytest.mark.parametrize("case", PARAMS)
def test_bad_input_gets_its_answer(case: Case, tmp_path: Path):
    _skip_unless_available(case)
    tried = _TRIED[case.what] = try_case(case, tmp_path)
    if case.raises is None:
        if tried.error is not None:
            raise tried.error  # as the call itself would have raised here
        outcome = tried.result
        assert isinstance(outcome, str)
        assert re.search(case.match, outcome), f"{outcome!r} does not match {case.match!r}"
    else:
        with pytest.raises(case.raises, match=case.match):
            if tried.error is not None:
                raise tried.error  # the very exception the call raised


def test_cases_are_distinct_and_described():
    whats = [c.what for c in CASES]
    assert len(set(whats)) == len(whats), "two cases share a description"
    assert all(c.match for c in CASES)


def test_committed_table_is_current():
    missing = sorted({m for c in CASES for m in c.needs if importlib.util.find_spec(m) is None})
    if missing:
        pytest.skip(f"the table needs every module; missing {missing}")
    committed = TABLE.read_text(encoding="utf-8")
    assert committed == render(tried=_TRIED), "tests/BAD_INPUTS.md is stale: run python tests/bad_inputs_cases.py"
