"""The run's store of trained networks (minifa/store.py): a training call whose every input an
earlier call had takes that call's result, which is exactly what training again gives; any
changed input trains anew; a call with a callback or an optimiser's state never reads it; an
entry is never half-written. And the tutorials whose networks are another's (6's are 4's
App. B.3, 9's are 4's Fig. 2) make the very same calls, so a reproduction trains them once."""
import os
import pickle

import numpy as np
import pytest
from data_helpers import real_mirror

from minifa import MLP, backend, optim, pretrain_noise, store, train, training
from minifa.experiments import common, fig2, fig3_sweeps, fig4, rules, table1
from minifa.noise import Noise
from minifa.reproduce import jobs


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A store in a fresh folder, and a list of the calls it answered (training._from_store)."""
    monkeypatch.setenv("MINIFA_STORE", str(tmp_path / "store"))
    hits, real = [], training._from_store

    def spy(k, net, label, phase, quiet, callback=None):
        hist = real(k, net, label, phase, quiet, callback)
        if hist is not None:
            hits.append(phase)
        return hist
    monkeypatch.setattr(training, "_from_store", spy)
    return hits


def data(seed=0, n=120):
    r = np.random.default_rng(seed)
    return r.standard_normal((n, 12)).astype(np.float32), r.integers(0, 10, n)


def both(rule="fa", X=None, y=None, lr=1e-3, seed=0, callback=None, nets=(3, 4)):
    """Algorithm 1, then data, on a fresh stack: (net, noise history, data history)."""
    X, y = (X, y) if X is not None else data()
    net = MLP([12, 8, 10], rule=rule, seed=list(nets) if isinstance(nets, tuple) else nets)
    h1 = pretrain_noise(net, n_examples=640, lr=lr, log_every=3, quiet=True, callback=callback, seed=seed)
    h2 = train(net, X, y, epochs=2, lr=lr, X_test=X[:40], y_test=y[:40], quiet=True, callback=callback, seed=seed)
    return net, h1, h2


def same(a, b):
    (na, *ha), (nb, *hb) = a, b
    return (backend.to_host(na.theta) == backend.to_host(nb.theta)).all() and ha == hb and \
        all((backend.to_host(p) == backend.to_host(q)).all() for p, q in zip(na.B, nb.B))


@pytest.mark.parametrize("rule", ["fa", "bp", "kp", "dfa"])
def test_a_repeated_call_takes_the_kept_result_which_equals_training_again(kept, monkeypatch, rule):
    first = both(rule)
    assert kept == [] and len(os.listdir(os.environ["MINIFA_STORE"])) == 4   # 2 calls x 2 networks
    steps = []
    monkeypatch.setattr(training, "step", lambda *a: steps.append(1))       # a hit must not train
    second = both(rule)
    assert kept == ["Algorithm 1", "training"] and steps == []
    assert same(first, second)
    monkeypatch.undo()                                                       # no store, real steps
    assert same(first, both(rule))


CHANGES = {"lr": dict(lr=2e-3), "seed": dict(seed=1), "nets": dict(nets=(3, 5)), "kp_decay": dict(kp_decay=0.1),
           "record_every": dict(record_every=2), "train_metrics": dict(train_metrics=False),
           "X_test": dict(test=slice(1, 41)), "noise": dict(noise=Noise(std=2.0)), "log_every": dict(log_every=4),
           "batch_size": dict(batch_size=32), "optimizer": dict(optimizer="sgd")}


def both_with(rule="kp", nets=(3, 4), lr=1e-3, seed=0, kp_decay=0.05, record_every=1, train_metrics=True,
              test=slice(0, 40), noise=None, log_every=3, batch_size=64, optimizer="adam"):
    """both(), every setting of the two calls a keyword (KP: its decay is a setting of the network)."""
    X, y = data()
    net = MLP([12, 8, 10], rule=rule, seed=list(nets), kp_decay=kp_decay)
    h1 = pretrain_noise(net, n_examples=640, lr=lr, log_every=log_every, quiet=True, seed=seed, noise=noise,
                        batch_size=batch_size, optimizer=optimizer)
    h2 = train(net, X, y, epochs=2, lr=lr, X_test=X[test], y_test=y[test], quiet=True, seed=seed,
               record_every=record_every, train_metrics=train_metrics, batch_size=batch_size, optimizer=optimizer)
    return net, h1, h2


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_setting_trains_anew(kept, change):
    both_with()
    both_with(**CHANGES[change])
    if change in ("record_every", "train_metrics", "X_test"):                # settings of the data call only
        assert kept == ["Algorithm 1"]
    elif change == "log_every":     # records only: Algorithm 1 runs again and ends on the same network, whose data
        assert kept == ["training"]                 # call is then the same call
    else:
        assert kept == []


def test_the_arithmetic_is_part_of_the_key(monkeypatch):
    """The fused Adam and NumPy's passes give the same bits (tests/test_kernels.py), which that test
    could not check if its second run took the first's kept result; a BLAS thread count likewise."""
    net, keys = MLP([12, 8, 10], seed=[3, 4]), set()
    for var, value in (("MINIFA_FUSED", "0"), ("MINIFA_FUSED", "1"), ("OPENBLAS_NUM_THREADS", "1")):
        monkeypatch.setenv(var, value)                 # MINIFA_FUSED=1 needs Numba (the [test] extra has it)
        keys.update(store.keys("noise", net, True, lr=1e-3))
    assert len(keys) == 3 * 2                          # 2 networks, each its own key


def test_changed_data_or_starting_values_train_anew(kept):
    base = both()
    X, y = data()
    X[70, 3] += 0.5                                                          # one training value (not a test one)
    other = both(X=X, y=y)
    assert kept == ["Algorithm 1"] and not same(base, other)                 # the noise phase is the same call
    net = MLP([12, 8, 10], seed=[3, 4])                                      # same seeds, other starting values
    net.W[0][0, 0, 0] += 1.0
    pretrain_noise(net, n_examples=640, lr=1e-3, log_every=3, quiet=True)
    assert kept == ["Algorithm 1"]


def watcher():
    """A callback keeping what it sees at each record: the network's W and b, and the history."""
    seen = []
    return seen, lambda net, hist: seen.append(([backend.to_host(a).copy() for a in net.W + net.b], repr(hist)))


def same_views(a, b):
    return len(a) == len(b) > 2 and all(ha == hb and all(np.array_equal(p, q) for p, q in zip(wa, wb))
                                        for (wa, ha), (wb, hb) in zip(a, b))


@pytest.mark.parametrize("nets", [(3, 4), 3])
def test_algorithm_1_with_a_callback_replays_its_records_and_data_training_never_reads(kept, monkeypatch, nets):
    """Algorithm 1 keeps the network at every record: a later call with a callback takes its result and
    the callback sees, at each record, the very values and history training showed (a stack network by
    network, one network whole). train() with a callback writes but never reads."""
    first, cb1 = watcher()
    both(callback=cb1, nets=nets)
    steps, real = [], training.step
    monkeypatch.setattr(training, "step", lambda *a: (steps.append(1), real(*a)))
    second, cb2 = watcher()
    both(callback=cb2, nets=nets)
    assert kept == ["Algorithm 1"] and same_views(first, second)             # replayed, then data trained again
    assert len(steps) == 2 * -(-120 // 64)                                   # 2 epochs of data, no noise step


def test_a_continued_optimiser_neither_reads_nor_writes(kept, monkeypatch):
    X, y = data()
    train(MLP([12, 8, 10], seed=[3, 4]), X, y, epochs=1, quiet=True, lr=1e-3)   # kept: the same call without opt
    entries = os.listdir(os.environ["MINIFA_STORE"])
    steps, real = [], training.step
    monkeypatch.setattr(training, "step", lambda *a: (steps.append(1), real(*a)))
    train(MLP([12, 8, 10], seed=[3, 4]), X, y, epochs=1, quiet=True, lr=1e-3, opt=optim.Adam(1e-3))
    assert kept == [] and steps and os.listdir(os.environ["MINIFA_STORE"]) == entries


def test_no_store_no_files(tmp_path, monkeypatch):
    monkeypatch.delenv("MINIFA_STORE", raising=False)
    monkeypatch.setattr(store, "save", lambda *a: pytest.fail("saved without a store"))
    monkeypatch.setattr(store, "load", lambda *a: pytest.fail("read without a store"))
    both()


def test_an_interrupted_write_leaves_nothing(kept, monkeypatch):
    def boom(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(pickle, "dump", boom)
    with pytest.raises(KeyboardInterrupt):
        both()
    assert os.listdir(os.environ["MINIFA_STORE"]) == []                     # no entry, no .part file


def test_a_failed_write_is_reported_and_training_goes_on(kept, monkeypatch, capsys):
    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    net, h1, h2 = both()
    assert "could not keep a result" in capsys.readouterr().err and len(h2["epoch"]) == 3
    assert os.listdir(os.environ["MINIFA_STORE"]) == []
    monkeypatch.undo()
    assert same((net, h1, h2), both())


def test_timings_run_without_the_store(kept):
    with store.off():
        assert store.folder() is None
        both()
    assert store.folder() and not os.path.exists(store.folder())


def test_the_run_gives_its_workers_its_own_store(monkeypatch):
    monkeypatch.delenv("MINIFA_STORE", raising=False)
    assert jobs.child_env(store="/tmp/run-store")["MINIFA_STORE"] == "/tmp/run-store"
    assert "MINIFA_STORE" not in jobs.child_env()
    monkeypatch.setenv("MINIFA_STORE", "/mine")                              # the run's own, removed at its end
    assert jobs.child_env(store="/tmp/run-store")["MINIFA_STORE"] == "/tmp/run-store"


TINY = dict(nets=2, n_noise=640, epochs=2, n_train=100, n_test=100)


@pytest.fixture
def mnist(monkeypatch):
    monkeypatch.setenv("MINIFA_MIRROR", str(real_mirror()))


def test_tutorial_6_trains_tutorial_4s_app_b3_networks_once(kept, mnist, monkeypatch):
    cfg4 = common.settings("fig4", "quick", **TINY, n_curve=100, bp=True)
    where = os.environ["MINIFA_STORE"]
    monkeypatch.delenv("MINIFA_STORE")
    alone = fig4.run(cfg4)                                                   # no store: trained here
    monkeypatch.setenv("MINIFA_STORE", where)
    fig2.run(common.settings("fig2", "quick", **TINY, appB_nets=2, experiments=["App. B.3"], appB_order=False))
    assert kept == []
    shared = fig4.run(cfg4)
    assert kept == ["Algorithm 1", "training", "training", "training"]      # FA w/'s noise; BP, FA w/o, FA w/
    assert common.jsonable(shared) == common.jsonable(alone)


def test_tutorial_9s_fa_and_bp_networks_are_fig_2s(kept, mnist):
    fig2.run(common.settings("fig2", "quick", **TINY, experiments=["Fig. 2"], appB_order=False))
    out = rules.run(common.settings("rules", "quick", **TINY, rules=["fa"]))
    assert kept == ["training", "Algorithm 1", "training", "training"]      # BP; FA w/'s noise; FA w/o, FA w/
    assert out["runs"]["2layer"]["fa"]["w/"]["auc"].shape == (2,)


def test_tutorial_5s_depth_2_algorithm_1_is_fig_2s(kept, mnist):
    fig2.run(common.settings("fig2", "quick", **TINY, experiments=["Fig. 2"], appB_order=False))
    kept.clear()
    cfg = common.settings("fig3", "quick", nets=2, n_noise=640)
    net = fig3_sweeps.Pretrained(cfg)[2]
    assert kept == ["Algorithm 1"] and net.n_nets == 2


def stack(nets, rule="fa", shared=False):
    """both() on the networks `nets` (a stack), the data call testing on 40 images (one product for all)."""
    X, y = data()
    net = MLP([12, 8, 10], rule=rule, seed=list(nets))
    h1 = pretrain_noise(net, n_examples=640, lr=1e-3, log_every=3, quiet=True, shared_noise=shared)
    h2 = train(net, X, y, epochs=2, lr=1e-3, X_test=X[:40], y_test=y[:40], quiet=True, shared_order=shared)
    return net, h1, h2


@pytest.mark.parametrize("rule", ["fa", "kp"])
def test_a_stack_holding_some_kept_networks_takes_theirs_which_equal_training_them(kept, monkeypatch, rule):
    """Each network of a stack drawing its own streams is kept on its own: a later stack of some of them, in
    another order, takes theirs (Table 1's three networks are the first three of Fig. 2's ten), and gets
    exactly what training that stack gives (a network trains as alone, in whatever stack; KP: B trained)."""
    stack((3, 4, 5), rule)
    kept.clear()
    got = stack((5, 3), rule)
    assert kept == ["Algorithm 1", "training"]
    monkeypatch.delenv("MINIFA_STORE")
    assert same(got, stack((5, 3), rule))
    monkeypatch.undo()
    kept.clear()
    stack((5, 6), rule)                                                     # network 6 is not kept: all trained
    assert kept == []


def test_stacks_sharing_their_batches_are_kept_whole(kept):
    """shared_noise / shared_order: one product spans the stack, so only the same stack is the same call."""
    stack((3, 4), shared=True)
    stack((3,), shared=True)
    assert kept == []
    stack((3, 4), shared=True)
    assert kept == ["Algorithm 1", "training"]


def test_table_1s_algorithm_1_is_fig_2s(kept, mnist):
    """Table 1's FA w/ networks (trials = 2) are the first two of Fig. 2's three: taken from the store."""
    fig2.run(common.settings("fig2", "quick", **{**TINY, "nets": 3}, experiments=["Fig. 2"], appB_order=False))
    kept.clear()
    cfg = common.settings("table1", "quick", trials=2, n_noise=640, epochs=1)
    X, y = data(n=100)
    X = np.repeat(X, 66, axis=1)[:, :784]
    table1.accuracy_curves(cfg, (X, y, X[:30], y[:30]), 2, {})
    assert kept == ["Algorithm 1"]


def test_app_b3_fig_3d_and_fig_5a_run_algorithm_1_once(kept, mnist, monkeypatch):
    """The ten 784-100-100-10 networks' Algorithm 1 is one call in App. B.3 (tutorial 4), Fig. 3d (5) and
    Fig. 5a (7), each with its own callback: after App. B.3, Fig. 3d's effective ranks and Fig. 5a's
    meta-losses at their records come from the kept records, equal to training them."""
    from minifa import PAPER
    from minifa.experiments import fig5
    cfg3, cfg5 = (common.settings(n, "quick", nets=2, n_noise=640) for n in ("fig3", "fig5"))
    tasks = [fig5.make_task(cfg5, common.Log(), "MNIST", "mnist")]

    def fig3d_and_5a():
        pre = fig3_sweeps.Pretrained(cfg3)
        pre[fig3_sweeps.DEPTH]
        track, hist = fig5.noise_training(cfg5, MLP(PAPER.dims_deep, seed=common.seeds(cfg5, 2)), tasks)
        return common.jsonable([pre.erank_log, track["examples"], track["meta"], hist])
    where = os.environ.pop("MINIFA_STORE")
    alone = fig3d_and_5a()
    os.environ["MINIFA_STORE"] = where
    fig2.run(common.settings("fig2", "quick", **TINY, appB_nets=2, experiments=["App. B.3"], appB_order=False))
    kept.clear()
    assert fig3d_and_5a() == alone and kept == ["Algorithm 1", "Algorithm 1"]


def test_algorithm_1s_records_are_a_file_of_their_own_read_only_for_a_callback(kept):
    """The records (the network at every record) sit beside the entry and only a call with a callback
    needs them: without them a plain call is still served, a call with a callback trains."""
    first, cb = watcher()
    both(callback=cb)
    folder = os.environ["MINIFA_STORE"]
    records = [p for p in os.listdir(folder) if p.endswith(store.RECORDS + ".pkl")]
    assert len(records) == 2                                                 # Algorithm 1's 2 networks
    for p in records:
        os.unlink(os.path.join(folder, p))
    both()
    assert kept == ["Algorithm 1", "training"]
    kept.clear()
    again, cb = watcher()
    both(callback=cb)
    assert kept == [] and same_views(first, again)                          # trained, and the same records


def test_tutorial_7s_mnist_adaptation_is_app_b3s_data_training(kept, mnist, monkeypatch):
    """Fig. 5c's MNIST task (tutorial 7: BP, FA w/o, FA w/ adapting) trains App. B.3's networks (tutorial 4)
    on the same images, scaled alike, in the same order: after App. B.3 its three calls come from the store
    (and its Algorithm 1's records), equal to training them."""
    from minifa.experiments import fig5
    monkeypatch.setattr(fig5, "TASKS", {"MNIST": "mnist"})
    cfg5 = common.settings("fig5", "quick", **TINY)
    where = os.environ.pop("MINIFA_STORE")
    alone = fig5.run(cfg5)
    os.environ["MINIFA_STORE"] = where
    fig2.run(common.settings("fig2", "quick", **TINY, appB_nets=2, experiments=["App. B.3"], appB_order=False))
    kept.clear()
    shared = fig5.run(cfg5)
    assert kept == ["Algorithm 1", "training", "training", "training"]      # FA w/'s noise; BP, FA w/o, FA w/
    alone.pop("timing_s"), shared.pop("timing_s")
    assert common.jsonable(shared) == common.jsonable(alone)
