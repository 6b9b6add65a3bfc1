import numpy as np
import pytest

from course_lib import seed_everything
from course_lib.checks import SelfCheckError, below, check, check_close, format_bound


def test_check_prints_verdict_and_raises_on_failure(capsys):
    check("two plus two is four", 2 + 2 == 4, value=4)
    assert capsys.readouterr().out == "✓ two plus two is four  (value=4)\n"
    with pytest.raises(SelfCheckError, match="✗ pigs fly"):
        check("pigs fly", False, error=0.123456)
    assert "error=0.12" in capsys.readouterr().out


def test_check_refuses_non_boolean_verdicts():
    with pytest.raises(TypeError, match="boolean verdict"):
        check("an array is not a verdict", np.ones(3))
    check("numpy bools are fine", np.bool_(True))


def test_check_close_uses_scale_aware_error_and_prints_the_bound(capsys):
    assert check_close("close", [1e6 + 1.0], [1e6], tol=1e-5) is None
    assert capsys.readouterr().out == "✓ close  (error < 1e-5)\n"
    # exactly equal and round-off print the same line: the bound, not the error's digits
    check_close("exact", [0.5], [0.5], tol=1e-12)
    check_close("round-off", [0.5 + 3e-16], [0.5], tol=1e-12)
    out = capsys.readouterr().out.splitlines()
    assert out == ["✓ exact  (error < 1e-12)", "✓ round-off  (error < 1e-12)"]
    with pytest.raises(SelfCheckError, match="error=0.5"):
        check_close("far", [1.0], [2.0], tol=0.1)
    with pytest.raises(SelfCheckError):
        check_close("nan", [float("nan")], [2.0], tol=0.1)
    with pytest.raises(ValueError, match="shapes differ"):
        check_close("shape", [1.0, 2.0], [1.0], tol=1)


def test_below_prints_the_bound_passed_or_the_failing_value(capsys):
    assert below(3.1e-16, 1e-12) == "< 1e-12"
    assert below(0.0, 1e-7) == "< 1e-7"
    assert below(0.25, 1e-3) == "0.25"
    assert format_bound(0.005) == "0.005" and format_bound(5e-4) == "5e-4"
    check("gradient check", True, rel_error=below(2e-9, 1e-7), other=0.5)
    assert capsys.readouterr().out == "✓ gradient check  (rel_error < 1e-7, other=0.5)\n"


def test_seed_everything_is_reproducible():
    import torch

    a = seed_everything(5)
    ta = torch.rand(3)
    b = seed_everything(5)
    tb = torch.rand(3)
    assert a.normal() == b.normal()
    assert torch.equal(ta, tb)
    assert torch.get_num_threads() == 1
    with pytest.raises(ValueError, match="non-negative int"):
        seed_everything(-1)


def test_ledger_records_checks_and_lecture_verdicts(capsys):
    from course_lib.ledger import Ledger, LedgerTable

    ledger = Ledger("xx")
    ledger.check("numpy bools count", np.bool_(True), n=3)
    ledger.check_close("close", [1.0], [1.0 + 1e-15], tol=1e-12,
                       lecture="lee_w999", verdict="holds")
    assert capsys.readouterr().out == ("✓ numpy bools count  (n=3)\n"
                                       "✓ close  (error < 1e-12)\n")
    with pytest.raises(SelfCheckError):
        ledger.check("fails", False)
    table = ledger.table()
    assert isinstance(table, LedgerTable) and len(table.entries) == 3
    assert "2 of 3 claims hold" in repr(table) and "lee_w999: holds" in table._repr_html_()
    with pytest.raises(TypeError, match="boolean"):
        ledger.check("an array is not a verdict", np.ones(2))
    with pytest.raises(KeyError, match="unknown lecture claim"):
        ledger.check("x", True, lecture="no_such_claim", verdict="holds")
    with pytest.raises(ValueError, match="must name them"):
        ledger.check("x", True, lecture="lee_w999", verdict="holds under conditions")
    with pytest.raises(ValueError, match="needs lecture"):
        ledger.check("x", True, verdict="holds")


def test_claims_ledger_renders_lecture_claims_and_checks(tmp_path):
    import json

    from course_lib.ledger import CHECK_MIME, collect, main, render

    record = {"notebook": "05", "claim": "IRNN ≤ LSTM on 3 of 3 seeds", "ok": True,
              "numbers": "wins=0", "lecture": "irnn_beats_lstm",
              "verdict": "does not hold here"}
    nb = {"cells": [{"cell_type": "markdown", "source": ["# 05 · Vanishing\n"]},
                    {"cell_type": "markdown", "source": ["## 4. Remedies\n"]},
                    {"cell_type": "code", "id": "irnn", "source": [], "outputs": [
                        {"output_type": "display_data", "metadata": {},
                         "data": {"text/plain": "✓ …", CHECK_MIME: record}}]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "05_vanishing.ipynb"
    path.write_text(json.dumps(nb))
    records = collect([path])
    assert records[0]["cell"] == "irnn" and records[0]["section"] == "4. Remedies"
    text = render(records)
    assert "does not hold here" in text and "`irnn`" in text and "not tested yet" in text
    out = tmp_path / "CLAIMS.md"
    assert main([str(path), "--out", str(out)]) == 0 and out.read_text() == text
    assert main([str(path), "--out", str(out), "--check"]) == 1  # other lecture claims untested


def test_claims_md_is_current_and_every_lecture_claim_is_decided(capsys):
    """CLAIMS.md is what `make ledger` writes from the stored notebooks, every lecture claim
    is tested by some notebook, and no stored check failed (`ledger --check`)."""
    from pathlib import Path

    from course_lib.ledger import main

    root = Path(__file__).resolve().parent.parent
    notebooks = [str(p) for p in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    code = main([*notebooks, "--out", str(root / "CLAIMS.md"), "--check"])
    assert code == 0, capsys.readouterr().err


@pytest.mark.parametrize("content, message", [
    (None, r"missing\.ipynb: file not found"),
    ("# not json\n", r"missing\.ipynb, line 1, column 1: not a notebook: invalid JSON"),
    ('{\n "cells": [\n  {"cell_type": "code", "source": "x",\n', r"line 4, column 1: "),
    ('{"cells": 5}', r"'cells' must be a list of cells, got int"),
    ('[1, 2]', r"the top level must be a JSON object, got list"),
    ('{"cells": [{"cell_type": "code", "source": 3}]}', r"cells\[0\]\.source must be a string"),
    ('{"cells": [{"cell_type": "code", "source": "", "outputs": [{"data": {"'
     'application/vnd.course.check+json": {"claim": "c"}}}]}]}',
     r"cells\[0\]\.outputs\[0\]\.data\['application/vnd\.course\.check\+json'\] must be a "
     r"check record"),
])
def test_ledger_names_the_file_and_what_is_wrong(tmp_path, capsys, content, message):
    from course_lib.ledger import NotebookFormatError, collect, main

    path = tmp_path / "missing.ipynb"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(NotebookFormatError, match=message):
        collect([path])
    with pytest.raises(SystemExit) as exit_:
        main([str(path), "--out", str(tmp_path / "CLAIMS.md")])
    assert exit_.value.code == 2
    assert str(path) in capsys.readouterr().err
    assert not (tmp_path / "CLAIMS.md").exists()


def test_ledger_refuses_an_out_folder_that_does_not_exist(tmp_path, capsys):
    from course_lib.ledger import main

    nb = tmp_path / "00_x.ipynb"
    nb.write_text('{"cells": []}', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main([str(nb), "--out", str(tmp_path / "no" / "CLAIMS.md")])
    assert exit_.value.code == 2 and "does not exist" in capsys.readouterr().err
    assert main([str(nb), "--out", str(tmp_path / "CLAIMS.md")]) == 0
