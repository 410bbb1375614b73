"""requirements-lab.txt pins, for every package minifa and its [test] extra need, a version that
pyproject.toml's range allows (CI installs it with the project: .ci/run)."""
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def test_every_need_is_pinned_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needs = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements-lab.txt").read_text().splitlines()]
    pins = {}
    for line in filter(None, lines):
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.+-]*)", line).groups()
        pins[name.lower()] = version
    for need in needs:
        assert need.name.lower() in pins, f"requirements-lab.txt has no pin for {need.name}"
        assert need.specifier.contains(pins[need.name.lower()]), f"{need.name}=={pins[need.name.lower()]} not in {need}"
    assert set(pins) == {n.name.lower() for n in needs}, "a pin for a package minifa[test] does not need"


def test_ci_installs_it_with_the_project_in_one_command():
    installs = [ln for ln in (ROOT / ".ci" / "run").read_text().splitlines() if "pip install" in ln and "-e" in ln]
    assert len(installs) == 1 and "-r requirements-lab.txt -e \".[test" in installs[0], installs
