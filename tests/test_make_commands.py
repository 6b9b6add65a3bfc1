"""The README's make commands exist, and `make hooks` configures git as documented."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
VENV = Path(sys.prefix)

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args, cwd=ROOT):
    # -o: never (re)install the environment from inside a test
    return subprocess.run(["make", "-f", str(ROOT / "Makefile"), "-o", f"{VENV}/.installed",
                           f"VENV={VENV}", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_every_make_command_in_the_readme_is_a_target():
    commands = sorted(set(re.findall(r"`make (\w+)", README)))
    assert {"lab", "test", "execute", "mycopy", "student", "slides", "site", "bench", "data",
            "hooks"} <= set(commands)
    for name in commands:
        result = make("-n", name)
        assert result.returncode == 0, f"`make {name}` is documented but fails: {result.stderr}"


def test_make_hooks_configures_nbstripout_and_nbdime(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = make("hooks", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    def config(key):
        return subprocess.run(["git", "config", key], cwd=tmp_path, capture_output=True,
                              text=True).stdout.strip()

    clean = config("filter.nbstripout.clean")
    assert clean.endswith("nbstripout --keep-output --keep-count --keep-id --keep-metadata-keys "
                          "'metadata.widgets metadata.course'")
    assert Path(clean.split()[0]).exists(), clean
    assert config("filter.nbstripout.smudge") == "cat"
    assert config("diff.jupyternotebook.command").endswith("git-nbdiffdriver diff")
    assert "git-nbmergedriver merge" in config("merge.jupyternotebook.driver")


def test_make_execute_refuses_over_uncommitted_notebook_by_default():
    """`make execute` passes no --force unless FORCE is set (dry run: nothing executes)."""
    assert "--force" not in make("-n", "execute").stdout
    assert "--force" in make("-n", "execute", "FORCE=1").stdout
