"""Training's progress lines say what they belong to: the condition (label), the number of
networks and the phase (Algorithm 1 or training), e.g. '[FA w/: Algorithm 1, 2 networks 6-4-3 (fa)]'."""
import numpy as np

from minifa import MLP, pretrain_noise, train
from minifa.progress import Progress, labelled


def test_progress_lines_name_condition_networks_and_phase(monkeypatch, capsys):
    monkeypatch.delenv("MINIFA_QUIET", raising=False)
    net = MLP([6, 4, 3], rule="fa", seed=[0, 1])
    pretrain_noise(net, n_examples=64 * 3, label="FA w/")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 6)), rng.integers(0, 3, 40)
    train(net, X, y, epochs=2, label="FA w/")
    train(MLP([6, 4, 3], rule="bp", seed=0), X, y, epochs=1)                  # no label: phase and count
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("[FA w/: Algorithm 1, 2 networks 6-4-3 (fa)] 192/192 noise examples"), err
    assert err[1].startswith("[FA w/: training, 2 networks 6-4-3 (fa)] 2/2 epochs"), err
    assert err[2].startswith("[training, 1 network 6-4-3 (bp)] 1/1 epochs"), err


def test_quiet_progress_prints_nothing(capsys):
    bar = Progress(labelled("c", "training", MLP([2, 2], seed=0)), 1, quiet=True)
    bar.update(1)
    assert capsys.readouterr().err == ""
