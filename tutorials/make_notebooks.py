"""The tutorials' notebooks: each tutorials/NN_name.py (py:percent cells, the source) gets its
twin NN_name.ipynb, cell for cell, without outputs (jupytext reads the script).

    python tutorials/make_notebooks.py            # write every notebook whose cells differ
    python tutorials/make_notebooks.py --check    # exit 1 naming each notebook out of sync

Needs jupytext (pip install -e ".[test]" or ".[lab]"). Edit the .py, then run this; or open
the .py in Jupyter with jupytext, which keeps both in step (tutorials/jupytext.toml pairs them).
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"},
          "jupytext": {"formats": "ipynb,py:percent"}}


def tutorials():
    """The tutorial scripts, in order."""
    return sorted(HERE.glob("[0-9][0-9]_*.py"))


def notebook_of(script):
    """The notebook a tutorial script makes: its cells, the kernel, no outputs."""
    import jupytext
    nb = jupytext.read(script, fmt="py:percent")
    nb.metadata = dict(KERNEL)
    for cell in nb.cells:
        cell.metadata = {}
    return nb


def cells(nb):
    """What pairing keeps equal: each cell's type and source."""
    return [(c.cell_type, c.source) for c in nb.cells]


def out_of_sync():
    """The tutorial scripts whose notebook is missing or differs from them in a cell."""
    import nbformat
    stale = []
    for script in tutorials():
        ipynb = script.with_suffix(".ipynb")
        if not ipynb.is_file() or cells(nbformat.read(ipynb, as_version=4)) != cells(notebook_of(script)):
            stale.append(script)
    return stale


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        import jupytext  # noqa: F401
    except ImportError:
        print("make_notebooks.py needs jupytext: pip install jupytext (or pip install -e \".[test]\")")
        return 2
    stale = out_of_sync()
    if "--check" in argv:
        for script in stale:
            print(f"out of sync: {script.with_suffix('.ipynb').name} (run python tutorials/make_notebooks.py)")
        return int(bool(stale))
    import nbformat
    for script in stale:
        ipynb = script.with_suffix(".ipynb")
        tmp = ipynb.with_suffix(".ipynb.partial")
        nbformat.write(notebook_of(script), tmp)
        tmp.replace(ipynb)
        print(f"wrote {ipynb.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
