"""The committed sensitivity map (SENSITIVITY.md, sensitivity/*/): each folder's SWEEP.md is what
its cells give (rebuilt with --no-run from a copy of the cells and sweep.json), every cell is whole
and names the worker that ran it, and the map at the paper's protocol has its 25 cells at n = 10."""
import glob
import json
import os
import shutil

import pytest

from minifa.sweep import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = sorted(glob.glob(os.path.join(ROOT, "sensitivity", "*", "sweep.json")))


def test_the_committed_map_is_there_and_linked():
    assert FOLDERS, "no committed sweep under sensitivity/"
    text = open(os.path.join(ROOT, "SENSITIVITY.md")).read()
    for path in FOLDERS:
        name = os.path.basename(os.path.dirname(path))
        assert f"sensitivity/{name}/SWEEP.md" in text, f"SENSITIVITY.md does not link {name}"


@pytest.mark.parametrize("path", FOLDERS, ids=lambda p: os.path.basename(os.path.dirname(p)))
def test_each_sweep_md_is_what_its_cells_give(path, tmp_path, monkeypatch):
    folder = os.path.dirname(path)
    copy = tmp_path / "sweep"
    copy.mkdir()
    shutil.copytree(os.path.join(folder, "cells"), copy / "cells")
    shutil.copy(path, copy / "sweep.json")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert main(["--out", str(copy), "--no-run"]) == 0
    assert (copy / "SWEEP.md").read_text() == open(os.path.join(folder, "SWEEP.md")).read()
    for cell in glob.glob(os.path.join(folder, "cells", "*.json")):
        with open(cell) as f:
            record = json.load(f)
        assert record["ran_on"] and record["wall_s"] > 0 and record["tests"]["auc_gain"]


def test_the_paper_protocol_map_has_every_cell_at_n_10():
    folder = os.path.join(ROOT, "sensitivity", "init_gain_x_n_noise")
    cells = glob.glob(os.path.join(folder, "cells", "*.json"))
    assert len(cells) == 25
    for cell in cells:
        with open(cell) as f:
            s = json.load(f)["settings"]
        assert s["nets"] == 10 and s["epochs"] == 100 and s["n_train"] == 5000
