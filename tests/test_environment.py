"""One source of truth for the environment: requirements.txt, read by environment.yml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict:
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            out[name.lower().replace("_", "-")] = version
    return out


def test_environment_yml_installs_requirements_txt():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps and "pip" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert "-r requirements.txt" in pip_section
    # nothing else may be pinned there: a second pin is a second source of truth
    others = [d for d in deps if isinstance(d, str) and d not in ("python=3.11", "pip")]
    assert others == [], f"environment.yml pins packages outside requirements.txt: {others}"
    assert all(p.startswith("-") for p in pip_section), pip_section


def test_requirements_pin_what_the_course_needs():
    p = pins()
    assert p["torch"] == "2.13.0"  # the version the stored outputs are checked with
    for name in ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbval", "pytest", "ruff",
                 "nbstripout", "nbdime", "seqeval", "tqdm", "playwright", "nbconvert"):
        assert name in p, f"requirements.txt does not pin {name}"


def test_pyproject_ranges_admit_the_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    p = pins()
    for dep in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", dep).group(0).lower()
        assert name in p, f"pyproject dependency {name} is not pinned in requirements.txt"
        version = tuple(int(x) for x in p[name].split(".")[:2])
        for op, bound in re.findall(r"(>=|<=|<|>)\s*([0-9.]+)", dep):
            b = tuple(int(x) for x in bound.split(".")[:2])
            ok = {">=": version >= b, "<=": version <= b, "<": version < b, ">": version > b}[op]
            assert ok, f"{name}=={p[name]} violates {dep}"
