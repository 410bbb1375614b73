"""The tutorials' notebooks: one .ipynb beside every tutorial script, cell for cell the same
(jupytext pairing; the .py is the source), whose first cell is the tutorial's title and whose
first code cell sets SIZE; 01 and 03 execute at SIZE = "quick" in a real Jupyter kernel
(nbclient) and show their figure inline."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUT = os.path.join(ROOT, "tutorials")
sys.path.insert(0, TUT)
jupytext = pytest.importorskip("jupytext", reason="the notebooks need jupytext: pip install -e '.[test]'")
nbformat = pytest.importorskip("nbformat")
import make_notebooks  # noqa: E402  (tutorials/make_notebooks.py)

SCRIPTS = make_notebooks.tutorials()


def test_every_tutorial_has_its_notebook_and_they_are_in_sync():
    assert len(SCRIPTS) == 10
    assert make_notebooks.out_of_sync() == [], "run python tutorials/make_notebooks.py"


def test_a_notebook_out_of_sync_is_found(tmp_path, monkeypatch):
    script = tmp_path / "03_alignment.py"
    script.write_text(open(os.path.join(TUT, "03_alignment.py")).read())
    nb = make_notebooks.notebook_of(script)
    nb.cells[2].source += "\n# an edit made in the notebook only"
    nbformat.write(nb, tmp_path / "03_alignment.ipynb")
    monkeypatch.setattr(make_notebooks, "HERE", tmp_path)
    assert make_notebooks.out_of_sync() == [script]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_a_notebook_opens_on_its_title_and_its_first_code_cell_sets_SIZE(script):
    from minifa.experiments import get
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    first, code = nb.cells[0], [c for c in nb.cells if c.cell_type == "code"][0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {get(script.stem[:2]).TITLE.rstrip('.')}")
    assert code.source.startswith('SIZE = "lab"')
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("stem", ["01_equations", "03_alignment"])
def test_a_notebook_runs_in_a_kernel_at_quick_and_shows_its_figure_inline(stem, tmp_path):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(os.path.join(TUT, f"{stem}.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[0].source = code[0].source.replace('SIZE = "lab"', 'SIZE = "quick"')
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}   # the kernel's own: inline
    env.update(MINIFA_DEVICE="cpu", MINIFA_QUIET="1", PYTHONPATH=os.pathsep.join(
        filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)                  # the kernel process inherits this environment
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "run size: quick" in text and "wall time" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "no figure shown inline"
    assert (tmp_path / "figures" / f"{stem}.png").stat().st_size > 10_000     # saved too, named per tutorial
    assert (tmp_path / "figures" / f"{stem}.json").is_file()
